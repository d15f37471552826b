import Foundation
import Logging

/// `cutover check-export`: re-reads every chunk of an export and reports what is wrong.
///
/// For each chunk, in manifest order: it exists; its zstd frame is complete and its frame
/// checksum right; its SHA-256 is the manifest's (else it is foreign, or another chunk of
/// this export in the wrong place); its rows and bytes are the manifest's; each row has
/// the manifest's column count. Then every file the manifest does not list is extra.
/// Chunks are read `jobs` at a time, each on a dedicated thread.
public struct ExportChecker: Sendable {
  public var directory: URL
  /// Chunks read in parallel.
  public var jobs: Int

  public init(directory: URL, jobs: Int = 2) {
    self.directory = directory
    self.jobs = max(jobs, 1)
  }

  private struct Item: Sendable {
    var order: Int
    var table: QualifiedName
    var columns: Int
    var chunk: ExportManifest.Chunk
  }

  private struct Outcome: Sendable {
    var order: Int
    var problem: ExportCheckReport.Problem?
    var rows: Int64
    var bytes: Int64
    var compressedBytes: Int64
  }

  /// Checks the export.
  /// - Throws: `ExportError` when the directory is not an export (exit 2) or an export is
  ///   still running in it; `ChunkError` `.io` when a file cannot be read (exit 3).
  public func run(logger: Logger) async throws -> ExportCheckReport {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory),
      isDirectory.boolValue
    else {
      throw ExportError(
        .notAnExport, "no export directory at \(directory.path)",
        nextStep: "pass the --export-dir that `cutover export` wrote")
    }
    let lock = try ExportDirectory.lock(directory, shared: true)
    var report = ExportCheckReport(
      directory: directory.path, tables: 0, chunks: 0, rows: 0, bytes: 0, compressedBytes: 0,
      problems: [])
    guard let manifest = try ExportManifest.read(directory: directory) else {
      let state = try ExportJournalState(directory: directory)
      guard state.started != nil else {
        throw ExportError(
          .notAnExport, "\(directory.path) holds no cutover export (no \(ExportManifest.fileName))",
          nextStep: "pass the --export-dir that `cutover export` wrote")
      }
      report.problems.append(
        .init(
          kind: .unfinished, table: nil, chunk: nil, file: ExportManifest.fileName,
          detail: "the export never finished: the journal has no export_finished record"))
      return report
    }
    report.tables = manifest.tables.count
    var items: [Item] = []
    var shas: [String: (QualifiedName, Int)] = [:]
    for table in manifest.tables {
      for chunk in table.chunks {
        items.append(Item(order: items.count, table: table.name, columns: table.columns.count, chunk: chunk))
        shas[chunk.sha256] = (table.name, chunk.index)
      }
      let rows = table.chunks.reduce(0) { $0 + $1.rows }
      if rows != table.rows {
        report.problems.append(
          .init(
            kind: .count, table: table.name.description, chunk: nil, file: ExportManifest.fileName,
            detail: "the manifest's chunks hold \(rows) rows, its table entry says \(table.rows)"))
      }
    }
    report.chunks = items.count
    let shaIndex = shas
    let directory = self.directory
    var outcomes: [Outcome] = []
    try await withThrowingTaskGroup(of: Outcome.self) { group in
      var queue = items.makeIterator()
      for _ in 0..<jobs {
        guard let item = queue.next() else { break }
        group.addTask { try await Self.check(item, in: directory, shas: shaIndex) }
      }
      while let outcome = try await group.next() {
        outcomes.append(outcome)
        if let item = queue.next() {
          group.addTask { try await Self.check(item, in: directory, shas: shaIndex) }
        }
      }
    }
    outcomes.sort { $0.order < $1.order }
    for outcome in outcomes {
      report.rows += outcome.rows
      report.bytes += outcome.bytes
      report.compressedBytes += outcome.compressedBytes
      if let problem = outcome.problem { report.problems.append(problem) }
    }
    let listed = Set(items.map(\.chunk.file)).union(ExportDirectory.ownFiles)
    for name in try lock.fileNames() where !listed.contains(name) {
      report.problems.append(
        .init(
          kind: .extra, table: nil, chunk: nil, file: name,
          detail: ChunkFileName.isChunkFile(name)
            ? "a chunk file the manifest does not list (from another export or an earlier attempt)"
            : "a file the manifest does not list"))
    }
    logger.debug(
      "export checked", metadata: ["chunks": "\(items.count)", "problems": "\(report.problems.count)"])
    return report
  }

  private static func check(_ item: Item, in directory: URL, shas: [String: (QualifiedName, Int)])
    async throws -> Outcome
  {
    try await onDedicatedThread(named: "check-export") {
      let chunk = item.chunk
      let url = directory.appendingPathComponent(chunk.file)
      var outcome = Outcome(order: item.order, problem: nil, rows: 0, bytes: 0, compressedBytes: 0)
      func problem(_ kind: ExportCheckReport.Problem.Kind, _ detail: String) -> Outcome {
        outcome.problem = .init(
          kind: kind, table: item.table.description, chunk: chunk.index, file: chunk.file,
          detail: detail)
        return outcome
      }
      var scanner = CopyTextScanner(columns: item.columns)
      let summary: ChunkReader.Summary
      do {
        summary = try ChunkReader(url: url, expectedSHA256: chunk.sha256, verification: .whileReading)
          .forEachBuffer { scanner.scan($0) }
      } catch let error as ChunkError {
        switch error.code {
        case .missing:
          let partial = FileManager.default.fileExists(atPath: url.path + ChunkFileName.partialSuffix)
          return problem(
            .missing,
            partial ? "the file is missing (only its unfinished .partial is there)" : "the file is missing")
        case .truncated: return problem(.truncated, error.message)
        case .corrupt: return problem(.corrupt, error.message)
        case .digestMismatch:
          let actual = error.actualSHA256 ?? "?"
          if let (table, index) = shas[actual] {
            return problem(.misplaced, "it holds chunk \(index) of \(table) (SHA-256 \(actual))")
          }
          return problem(
            .foreign,
            "a whole zstd chunk, but its SHA-256 \(actual) is no chunk of this export (manifest: \(chunk.sha256)): it belongs to another export")
        default: throw error
        }
      }
      outcome.rows = summary.rows
      outcome.bytes = summary.bytes
      outcome.compressedBytes = summary.compressedBytes
      if summary.rows != chunk.rows || summary.bytes != chunk.bytes {
        return problem(
          .count,
          "holds \(summary.rows) rows / \(summary.bytes) bytes, the manifest says \(chunk.rows) / \(chunk.bytes)")
      }
      scanner.finish()
      if let shape = scanner.problem { return problem(.malformed, shape) }
      return outcome
    }
  }
}
