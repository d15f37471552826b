import Foundation
import Logging

/// One export connection: imports the snapshot, then exports tables (or parts of split
/// tables) from the queue until it is empty, each into its own chunk sequence.
///
/// Runs entirely on one dedicated thread (`run`), where its connection is opened, used
/// and finished. Row security is off (`SET row_security = off`) so that a policy can never
/// silently filter rows: a table the role may not read in full fails instead.
struct ExportWorker: Sendable {
  var number: Int
  var options: ExportOptions
  var snapshot: String
  var queue: TableQueue
  /// Chunks kept from an earlier attempt on the same snapshot, per unfinished sequence.
  var kept: [ChunkSequence: [ChunkRecord]]
  var journal: Journal
  var progress: ExportProgress
  var stop: StopSignal
  /// Cancels this worker's statement when the export is cancelled.
  var cancellation: QueryCancellation
  var zstdWorkers: Int32
  /// The tables whose source digests ride in their COPY (nil: none).
  var digests: CopyDigests?
  var logger: Logger

  /// The rows of a resumed table did not line up with its kept chunks.
  private struct ResumeMismatch: Error {}

  /// Exports tables until the queue is empty or a stop is asked for; returns the sequences
  /// it finished.
  func run() throws -> [ChunkSequence] {
    let connection = try PGConnection(options.source, applicationName: "cutover export \(number)")
    return try cancellation.watching(connection) { try run(on: connection) }
  }

  private func run(on connection: PGConnection) throws -> [ChunkSequence] {
    try connection.prepareLongRunningSession()
    try connection.execute("SET row_security = off", doing: "turning row security off (export)")
    // Same snapshot, same physical order: a resumed table can skip its kept rows.
    try connection.execute("SET synchronize_seqscans = off", doing: "turning synchronized scans off")
    try connection.importSnapshot(snapshot)
    // Chunks in one text form whatever the source's defaults (dates ISO, UTC, shortest-exact
    // floats, …): the import reads them under `CanonicalRow.loadSettings`, and the digests
    // computed in the same COPY need exactly these.
    try CanonicalRow.prepare(connection)
    let encoder = try ZstdEncoder(level: Int32(options.level), workers: zstdWorkers)
    var done: [ChunkSequence] = []
    while !stop.isStopped, let task = queue.next() {
      let kept = self.kept[task.sequence] ?? []
      do {
        try export(task, keeping: kept, on: connection, encoder: encoder)
      } catch is ResumeMismatch {
        logger.debug(
          "resumed rows did not match the kept chunks; exporting the table again",
          metadata: ["table": "\(task.sequence)"])
        // The fresh attempt renames its own chunks over these names; unlinking first only
        // keeps a shorter table from leaving stale chunks behind.
        for chunk in kept { unlink(options.directory.appendingPathComponent(chunk.file).path) }
        try export(task, keeping: [], on: connection, encoder: encoder)
      }
      done.append(task.sequence)
      if queue.finished(task.plan.name) { progress.finished(task.plan.name) }
    }
    if stop.isStopped {
      throw ExportError(.cancelled, "the export stopped before all tables were read")
    }
    return done
  }

  private func export(
    _ task: TableQueue.Task, keeping kept: [ChunkRecord], on connection: PGConnection, encoder: ZstdEncoder
  ) throws {
    let start = Date()
    let plan = task.plan
    let part = task.part?.number
    let query = plan.copyQuery(for: task.part)
    try TableLocks.lockToRead(
      [(plan.relationReference, plan.name)], on: connection, timeout: options.lockTimeout,
      stopped: { stop.isStopped }, notice: { progress.notice($0) })
    // The digest rides in the COPY only for a table read from its start.
    var digest = kept.isEmpty ? try CopyDigests.Copy(task, digests: digests, on: connection) : nil
    try journal.append(
      ExportJournalRecord.TableStarted(
        table: plan.name, columns: plan.columns, copyQuery: query,
        estimatedRows: task.part == nil ? plan.estimatedRows : plan.estimatedRows / Int64(plan.parts.count),
        resumedAfterChunk: kept.last?.index ?? 0, part: task.part))
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
      options.crashPoint?.chunkSealed()
      sealed.append(record)
      logger.debug(
        "chunk sealed",
        metadata: ["table": "\(plan.name)", "chunk": "\(record.index)", "rows": "\(record.rows)"])
    }

    // A mapping expression the data breaks (a failing cast) fails this COPY: say so.
    let doing =
      "COPY \(task.sequence) TO STDOUT (export"
      + (digest == nil ? ")" : ", with its mapping's source digest)")
    let copied = try connection.copyOut(digest?.query ?? query, doing: doing) { whole in
      let row = try digest?.split(whole) ?? whole
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
          directory: options.directory, table: plan.name, part: part, index: index, encoder: encoder,
          fault: options.writeFault)
        writer = chunk
      }
      try chunk.append(row)
      options.crashPoint?.rowsWritten(inOpenChunk: chunk.rows)
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
        "\(task.sequence): COPY reported \(copied) rows but the chunks hold \(rows)",
        nextStep: "export again; if it repeats, report it with the table's definition")
    }
    let finished = ExportJournalRecord.TableFinished(
      table: plan.name, rows: rows, bytes: sealed.reduce(0) { $0 + $1.bytes },
      compressedBytes: sealed.reduce(0) { $0 + $1.compressedBytes }, chunks: sealed.count,
      seconds: Date().timeIntervalSince(start), part: part)
    try journal.append(finished)
    try digest?.finish(journal: journal)
  }
}
