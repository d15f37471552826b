import Foundation
import Logging

/// One export connection: imports the snapshot, then exports tables from the queue until
/// it is empty, each into chunk files.
///
/// Runs entirely on one dedicated thread (`run`), where its connection is opened, used
/// and finished. Row security is off (`SET row_security = off`) so that a policy can never
/// silently filter rows: a table the role may not read in full fails instead.
struct ExportWorker: Sendable {
  var number: Int
  var options: ExportOptions
  var snapshot: String
  var queue: TableQueue
  /// Chunks kept from an earlier attempt on the same snapshot, per unfinished table.
  var kept: [QualifiedName: [ChunkRecord]]
  var journal: Journal
  var progress: ExportProgress
  var stop: StopSignal
  /// Cancels this worker's statement when the export is cancelled.
  var cancellation: QueryCancellation
  var zstdWorkers: Int32
  var logger: Logger

  /// The rows of a resumed table did not line up with its kept chunks.
  private struct ResumeMismatch: Error {}

  /// Exports tables until the queue is empty or a stop is asked for.
  func run() throws -> [QualifiedName] {
    let connection = try PGConnection(options.source, applicationName: "cutover export \(number)")
    return try cancellation.watching(connection) { try run(on: connection) }
  }

  private func run(on connection: PGConnection) throws -> [QualifiedName] {
    try connection.prepareLongRunningSession()
    try connection.execute("SET row_security = off", doing: "turning row security off (export)")
    // Same snapshot, same physical order: a resumed table can skip its kept rows.
    try connection.execute("SET synchronize_seqscans = off", doing: "turning synchronized scans off")
    try connection.importSnapshot(snapshot)
    let encoder = try ZstdEncoder(level: Int32(options.level), workers: zstdWorkers)
    var done: [QualifiedName] = []
    while !stop.isStopped, let plan = queue.next() {
      let kept = self.kept[plan.name] ?? []
      do {
        try export(plan, keeping: kept, on: connection, encoder: encoder)
      } catch is ResumeMismatch {
        logger.debug(
          "resumed rows did not match the kept chunks; exporting the table again",
          metadata: ["table": "\(plan.name)"])
        // The fresh attempt renames its own chunks over these names; unlinking first only
        // keeps a shorter table from leaving stale chunks behind.
        for chunk in kept { unlink(options.directory.appendingPathComponent(chunk.file).path) }
        try export(plan, keeping: [], on: connection, encoder: encoder)
      }
      done.append(plan.name)
    }
    if stop.isStopped {
      throw ExportError(.cancelled, "the export stopped before all tables were read")
    }
    return done
  }

  private func export(
    _ plan: TablePlan, keeping kept: [ChunkRecord], on connection: PGConnection, encoder: ZstdEncoder
  ) throws {
    let start = Date()
    let query = plan.copyQuery
    try journal.append(
      ExportJournalRecord.TableStarted(
        table: plan.name, columns: plan.columns, copyQuery: query,
        estimatedRows: plan.estimatedRows, resumedAfterChunk: kept.last?.index ?? 0))
    let skipRows = kept.reduce(Int64(0)) { $0 + $1.rows }
    let skipBytes = kept.reduce(Int64(0)) { $0 + $1.bytes }
    var skippedRows: Int64 = 0
    var skippedBytes: Int64 = 0
    var sealed = kept
    var index = kept.last?.index ?? 0
    var writer: ChunkWriter?
    var pendingRows: Int64 = 0
    var pendingBytes: Int64 = 0
    progress.started(plan.name)
    progress.advanced(plan.name, rows: skipRows, bytes: skipBytes)

    func seal(_ chunk: ChunkWriter) throws {
      let record = try chunk.seal { record in
        try journal.append(ChunkSealed(table: plan.name, chunk: record))
      }
      sealed.append(record)
      logger.debug(
        "chunk sealed",
        metadata: ["table": "\(plan.name)", "chunk": "\(record.index)", "rows": "\(record.rows)"])
    }

    let copied = try connection.copyOut(query, doing: "COPY \(plan.name) TO STDOUT (export)") { row in
      if skippedRows < skipRows {
        skippedRows += 1
        skippedBytes += Int64(row.count)
        if skippedRows == skipRows && skippedBytes != skipBytes { throw ResumeMismatch() }
        return
      }
      if stop.isStopped { throw ExportError(.cancelled, "the export stopped while reading \(plan.name)") }
      if let current = writer, current.bytes >= options.chunkSize {
        try seal(current)
        writer = nil
      }
      let chunk: ChunkWriter
      if let current = writer {
        chunk = current
      } else {
        index += 1
        chunk = try ChunkWriter(
          directory: options.directory, table: plan.name, index: index, encoder: encoder)
        writer = chunk
      }
      try chunk.append(row)
      pendingRows += 1
      pendingBytes += Int64(row.count)
      if pendingBytes >= 1 << 20 {
        progress.advanced(plan.name, rows: pendingRows, bytes: pendingBytes)
        pendingRows = 0
        pendingBytes = 0
      }
    }
    if skippedRows < skipRows { throw ResumeMismatch() }
    if let current = writer { try seal(current) }
    progress.advanced(plan.name, rows: pendingRows, bytes: pendingBytes)
    let rows = sealed.reduce(Int64(0)) { $0 + $1.rows }
    guard Int64(copied) == rows else {
      throw ExportError(
        .inconsistent,
        "\(plan.name): COPY reported \(copied) rows but the chunks hold \(rows)",
        nextStep: "export again; if it repeats, report it with the table's definition")
    }
    let finished = ExportJournalRecord.TableFinished(
      table: plan.name, rows: rows, bytes: sealed.reduce(0) { $0 + $1.bytes },
      compressedBytes: sealed.reduce(0) { $0 + $1.compressedBytes }, chunks: sealed.count,
      seconds: Date().timeIntervalSince(start))
    try journal.append(finished)
    progress.finished(plan.name)
  }
}
