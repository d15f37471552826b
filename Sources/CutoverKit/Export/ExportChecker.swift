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
    var chunk: ChunkRecord
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
    let lock = try ExportDirectory.lock(directory, shared: true)
    var report = ExportCheckReport(
      directory: directory.path, tables: 0, chunks: 0, rows: 0, bytes: 0, compressedBytes: 0,
      problems: [])
    func fail(_ kind: ExportCheckReport.Problem.Kind, _ file: String, _ detail: String) -> ExportCheckReport {
      report.problems.append(.init(kind: kind, table: nil, chunk: nil, file: file, detail: detail))
      return report
    }
    let state: ExportJournalState
    do {
      state = try ExportJournalState(directory: directory)
    } catch let error as JournalError {
      return fail(.journalDamaged, Journal.fileName, "line \(error.line) \(error.reason)")
    }
    let manifest: ExportManifest
    do {
      guard let read = try ExportManifest.read(directory: directory) else {
        guard state.started != nil else {
          throw ExportError(
            .notAnExport,
            "\(directory.path) holds no cutover export (no \(ExportManifest.fileName), no journal)",
            nextStep: "pass the --export-dir that `cutover export` wrote")
        }
        if let finished = state.finished {
          return fail(
            .manifestMissing, ExportManifest.fileName,
            "the journal records a finished export (at \(finished.finishedAt)) but manifest.json is missing: deleted, or writing it failed (a full disk?)"
          )
        }
        return fail(
          .unfinished, ExportManifest.fileName,
          "the export never finished: the journal has no export_finished record (interrupted, or still running)"
        )
      }
      manifest = read
    } catch let error as ExportError where error.code == .damagedManifest {
      return fail(.manifestDamaged, ExportManifest.fileName, error.message)
    }
    report.problems += Self.compare(manifest, with: state)
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
      .union(manifest.tables.compactMap { $0.parity?.rowsFile })
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

  /// The manifest against the journal's records of the same export: the tables it planned and every
  /// sealed chunk.
  ///
  /// A hand-edited manifest that drops a table, or a table's last chunk with its file, passes every
  /// chunk check; it does not pass this one.
  static func compare(_ manifest: ExportManifest, with state: ExportJournalState) -> [ExportCheckReport
    .Problem]
  {
    func problem(_ table: QualifiedName?, _ chunk: Int?, _ detail: String) -> ExportCheckReport.Problem {
      .init(
        kind: .manifestMismatch, table: table?.description, chunk: chunk, file: ExportManifest.fileName,
        detail: detail)
    }
    guard let started = state.started, state.finished != nil else {
      return [problem(nil, nil, "the journal records no finished export, yet there is a manifest")]
    }
    guard started.source.snapshot == manifest.source.snapshot else {
      return [
        problem(
          nil, nil,
          "the manifest is of snapshot \(manifest.source.snapshot), the journal of \(started.source.snapshot)"
        )
      ]
    }
    var problems: [ExportCheckReport.Problem] = []
    let listed = Dictionary(manifest.tables.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    for name in started.tables {
      guard let table = listed[name] else {
        problems.append(
          problem(name, nil, "the journal records \(name) as exported; the manifest does not list it"))
        continue
      }
      let journaled = state.chunks[name] ?? []
      for chunk in journaled where !table.chunks.contains(chunk) {
        problems.append(
          problem(
            name, chunk.index,
            "the journal records chunk \(chunk.index) (\(chunk.file), \(chunk.rows) rows, SHA-256 \(chunk.sha256)); the manifest does not list it as such"
          ))
      }
      for chunk in table.chunks where !journaled.contains(chunk) {
        problems.append(
          problem(
            name, chunk.index,
            "the manifest lists chunk \(chunk.index) (\(chunk.file)) that the journal never sealed"))
      }
    }
    for table in manifest.tables where !started.tables.contains(table.name) {
      problems.append(
        problem(table.name, nil, "the manifest lists \(table.name), which the export never planned"))
    }
    return problems
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
      let summary: ChunkRecord
      do {
        summary = try ChunkReader(directory: directory, chunk: chunk, verification: .whileReading)
          .forEachBuffer { scanner.scan($0) }
      } catch let error as ChunkError {
        switch error.code {
        case .missing:
          let partial = FileManager.default.fileExists(atPath: url.path + ChunkFileName.partialSuffix)
          return problem(
            .missing,
            partial
              ? "the file is missing (only its unfinished .partial is there)"
              : "the file is missing or not a file (\(error.message))")
        case .truncated: return problem(.truncated, error.message)
        case .corrupt: return problem(.corrupt, error.message)
        case .digestMismatch:
          let actual = error.actualSHA256 ?? "?"
          if let (table, index) = shas[actual] {
            return problem(.misplaced, "it holds chunk \(index) of \(table) (SHA-256 \(actual))")
          }
          return problem(
            .foreign,
            "a whole zstd chunk, but its SHA-256 \(actual) is no chunk of this export (manifest: \(chunk.sha256)): it belongs to another export"
          )
        default: throw error
        }
      }
      outcome.rows = summary.rows
      outcome.bytes = summary.bytes
      outcome.compressedBytes = summary.compressedBytes
      if summary.rows != chunk.rows || summary.bytes != chunk.bytes {
        return problem(
          .count,
          "holds \(summary.rows) rows / \(summary.bytes) bytes, the manifest says \(chunk.rows) / \(chunk.bytes)"
        )
      }
      scanner.finish()
      if let shape = scanner.problem { return problem(.malformed, shape) }
      return outcome
    }
  }
}
