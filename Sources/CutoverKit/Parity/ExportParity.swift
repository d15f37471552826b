import Foundation
import Logging

/// The export's parity step: after every table is sealed, inside the same snapshot, computes
/// each mapped table's source digest and rows file (`SourceDigest`), `jobs` at a time — a
/// table the export split, part by part as it was copied — and journals each, so a resumed
/// export computes only the missing ones.
struct ExportParity: Sendable {
  var loaded: ParitySchema.Loaded
  var source: ConnectionTarget
  var snapshot: String
  var jobs: Int
  /// Ctrl-C cancels the running digests on the server.
  var cancellation: QueryCancellation
  /// Seconds to wait for a session queued for an exclusive lock on a table to go
  /// (`TableLocks.lockToRead`).
  var lockTimeout = 30

  /// One table, or one part of a split table, to digest.
  private struct Work: Sendable {
    var table: QualifiedName
    var mapping: TableMapping
    var targetTable: CatalogTable
    var only: Bool
    var part: TablePart?
    /// The table's rows file, shared by its parts.
    var sink: ParityRowsSink
    /// The COPY text bytes of the table (or part), to start the biggest first.
    var bytes: Int64
  }

  /// What the export digests of a table.
  enum Resolution {
    /// The mapping to digest by, and the target table it fills.
    case digest(TableMapping, CatalogTable)
    /// A `skip:` mapping: no target rows.
    case skipped
    /// Why the table gets no digest.
    case problems([String])
  }

  /// The mapping of exported table `name` (with `columns`, read by `copyQuery`) resolved
  /// against the v2 catalog, as the import will resolve it.
  static func resolve(
    _ name: QualifiedName, columns: [ExportManifest.Column], copyQuery: String,
    files: [QualifiedName: MappingFile],
    loaded: ParitySchema.Loaded
  ) -> Resolution {
    guard let file = files[name] else { return .problems(["\(name): no mapping file"]) }
    if file.skip != nil { return .skipped }
    guard let targetTable = loaded.catalog.table(file.target.value) else {
      return .problems(["\(name): the v2 schema has no table \(file.target.value)"])
    }
    let exported = ExportManifest.Table(
      name: name, columns: columns, rows: 0, bytes: 0, compressedBytes: 0, chunks: [], copyQuery: copyQuery,
      seconds: 0)
    switch ImportPlan.resolve(file, table: exported, into: targetTable, catalog: loaded.catalog) {
    case .success(let resolved):
      return .digest(SwiftMappers.mapper(for: resolved).mapper.mapping, targetTable)
    case .failure(let found): return .problems(found.lines)
    }
  }

  /// `table`'s page ranges, counted on a short connection of their own.
  private func pageParts(of table: QualifiedName, count: Int) async throws -> [TablePart] {
    let source = self.source
    return try await onDedicatedThread(named: "export-parity-pages") {
      try TableSplitter.pageParts(
        of: table, count: count, on: try PGConnection(source, applicationName: "cutover export parity"))
    }
  }

  /// Computes the missing digests; says on `notice` which tables get none and why.
  func run(
    directory: URL, journal: Journal, notice: @escaping @Sendable (String) -> Void, logger: Logger
  ) async throws {
    let state = try ExportJournalState(directory: directory)
    let chunks = state.chunks
    let byTable = loaded.filesBySource
    var work: [Work] = []
    var problems: [String] = []
    // A digest counts once its rows file is in place (a crash between its journal record
    // and its rename leaves a `.partial`, which resuming removed): else it is computed again.
    let done = { (name: QualifiedName) -> Bool in
      guard let file = state.parities[name]?.rowsFile else { return false }
      return FileManager.default.fileExists(atPath: directory.appendingPathComponent(file).path)
    }
    for name in state.started?.tables ?? [] where !done(name) {
      guard let started = state.tables[name] else { continue }
      switch Self.resolve(
        name, columns: started.columns, copyQuery: started.copyQuery, files: byTable, loaded: loaded)
      {
      case .skipped:
        continue
      case .problems(let found):
        problems += found
      case .digest(let mapping, let targetTable):
        let only = started.copyQuery.contains(" FROM ONLY ")
        // A table the export split is digested in as many ranges of its pages (a TID range
        // scan reads only its own; key ranges, which older exports journaled, would each
        // scan the whole table).
        var parts: [TablePart?] = [nil]
        if let split = state.split(of: name) {
          let found = try await pageParts(of: name, count: split.parts.count)
          if !found.isEmpty { parts = found }
        }
        let sink = ParityRowsSink(table: name, directory: directory, parts: parts.count)
        for part in parts {
          let chunks = (chunks[name] ?? []).filter { $0.part == part?.number }
          work.append(
            Work(
              table: name, mapping: mapping, targetTable: targetTable, only: only, part: part, sink: sink,
              bytes: chunks.reduce(0) { $0 + $1.bytes }))
        }
      }
    }
    for problem in problems {
      notice("no source digest for \(problem): `cutover verify` reports the table as not checked")
    }
    guard !work.isEmpty else { return }
    let began = Date()
    let source = self.source
    let snapshot = self.snapshot
    let cancellation = self.cancellation
    // One connection per job, in the snapshot, taking the next table when it is free
    // (largest first, so the biggest table starts at once).
    let queue = WorkQueue(work.sorted { $0.bytes > $1.bytes })
    try await withThrowingTaskGroup(of: Void.self) { group in
      for number in 0..<min(max(jobs, 1), work.count) {
        group.addTask {
          try await onDedicatedThread(named: "export-parity-\(number + 1)") {
            do {
              let connection = try PGConnection(source, applicationName: "cutover export parity")
              try connection.prepareLongRunningSession()
              try connection.importSnapshot(snapshot)
              try queue.drain(on: connection, cancellation: cancellation) { item in
                try TableLocks.lockToRead(
                  [((item.only ? "ONLY " : "") + item.table.quoted, item.table)], on: connection,
                  timeout: self.lockTimeout, stopped: { false }, notice: notice)
                try SourceDigest.digest(
                  item.mapping, targetTable: item.targetTable, only: item.only, part: item.part,
                  on: connection, into: item.sink
                ) { parity in
                  try journal.append(ExportJournalRecord.TableParity(table: item.table, parity: parity))
                }
                logger.debug(
                  "source digest computed",
                  metadata: ["table": "\(item.table)", "part": "\(item.part?.number ?? 0)"])
              }
              try connection.execute("COMMIT")
            } catch {
              queue.stop()
              throw error
            }
          }
        }
      }
      try await group.waitForAll()
    }
    notice(
      "source digests of \(work.count) table(s) computed in the snapshot in \(String(format: "%.1f", Date().timeIntervalSince(began))) s"
    )
  }
}
