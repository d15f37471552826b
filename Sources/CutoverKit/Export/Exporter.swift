import Foundation
import Logging

/// `cutover export`: every chosen table, in one exported snapshot, into chunk files.
///
/// One holder connection exports a snapshot (`REPEATABLE READ READ ONLY`) and keeps it
/// open; `jobs` worker connections import it and take tables from a queue, largest first,
/// each streamed with `COPY (SELECT <columns> FROM <table>) TO STDOUT` into zstd chunks of
/// about `chunkSize` COPY text bytes. Each sealed chunk is journaled before its rename;
/// `manifest.json` is written from the journal at the end.
///
/// The directory: created 0700 and locked. It may hold another database's export only
/// with `force`, nor a finished export of this one. An unfinished export of the same
/// source resumes per chunk when run again in the same snapshot (`ExportOptions.snapshot`);
/// otherwise — the usual case, since a snapshot dies with the process that exported it —
/// its files are removed and the export starts over.
public struct Exporter: Sendable {
  public var options: ExportOptions

  public init(options: ExportOptions) {
    self.options = options
  }

  /// What the snapshot transaction found before any table is read.
  private struct Inspection: Sendable {
    var source: ExportManifest.Source
    var plans: [TablePlan]
  }

  /// Runs the export.
  /// - Parameter progress: where progress goes (`.quiet` when `nil`).
  /// - Throws: `ExportError`, `PostgresError`, `ChunkError` — each a `CutoverFailure`.
  public func run(logger: Logger, progress: ExportProgress? = nil) async throws -> ExportSummary {
    let began = Date()
    try options.validate()
    let progress = progress ?? ExportProgress(style: .quiet, sink: { _ in })
    let directory = try ExportDirectory.lock(options.directory)
    let selection = options.selection
    let (holder, inspection) = try await SnapshotHolder.open(
      target: options.source, existingSnapshot: options.snapshot
    ) { connection, snapshot in
      Inspection(
        source: try Self.identify(connection, snapshot: snapshot, started: began),
        plans: try selection.plan(on: connection))
    }
    do {
      let summary = try await export(
        inspection, directory: directory, began: began, logger: logger, progress: progress)
      await holder.release()
      return summary
    } catch {
      await holder.release()
      throw error
    }
  }

  private func export(
    _ inspection: Inspection, directory: ExportDirectory, began: Date, logger: Logger,
    progress: ExportProgress
  ) async throws -> ExportSummary {
    let source = inspection.source
    let plans = inspection.plans
    let kept = try prepare(directory, for: source, plans: plans, logger: logger)
    logger.debug(
      "export planned",
      metadata: [
        "snapshot": "\(source.snapshot)", "tables": "\(plans.count)",
        "resuming": "\(kept != nil)",
      ])
    if let afterSnapshot = options.afterSnapshot { try await afterSnapshot(source.snapshot) }
    let journal = try ExportJournal(directory: directory.url)
    try await journal.append(
      ExportJournalRecord.ExportStarted(source: source, tables: plans.map(\.name)))
    let state = kept ?? Resume(finished: [], chunks: [:])
    let todo = plans.filter { !state.finished.contains($0.name) }
    progress.planned(plans)
    for plan in plans where state.finished.contains(plan.name) {
      progress.finished(plan.name)
    }
    try await runWorkers(
      todo, snapshot: source.snapshot, kept: state.chunks, journal: journal, progress: progress,
      logger: logger)
    progress.end()
    try await journal.append(ExportJournalRecord.ExportFinished(finishedAt: Date()))
    let manifest = try ExportJournalState(directory: directory.url).manifest()
    try manifest.write(directory: directory.url)
    logger.debug("manifest written", metadata: ["tables": "\(manifest.tables.count)"])
    return ExportSummary(
      manifest: manifest, directory: directory.url, source: options.source,
      seconds: Date().timeIntervalSince(began))
  }

  /// The worker pool: never more than `jobs` threads; the first real failure stops all.
  private func runWorkers(
    _ plans: [TablePlan], snapshot: String, kept: [QualifiedName: [SealedChunk]],
    journal: ExportJournal, progress: ExportProgress, logger: Logger
  ) async throws {
    guard !plans.isEmpty else { return }
    let queue = TableQueue(plans)
    let stop = StopSignal()
    let workers = min(options.jobs, plans.count)
    let zstdWorkers = ZstdEncoder.helpfulWorkers(
      level: options.level, chunkSize: options.chunkSize, jobs: options.jobs)
    let options = self.options
    try await withTaskCancellationHandler {
      try await withThrowingTaskGroup(of: Void.self) { group in
        for number in 1...workers {
          let worker = ExportWorker(
            number: number, options: options, snapshot: snapshot, queue: queue, kept: kept,
            journal: journal, progress: progress, stop: stop, zstdWorkers: zstdWorkers,
            logger: logger)
          group.addTask {
            _ = try await onDedicatedThread(named: "export-\(number)") {
              do {
                return try worker.run()
              } catch {
                stop.stop()
                throw error
              }
            }
          }
        }
        var failures: [any Error] = []
        while let result = await group.nextResult() {
          if case .failure(let error) = result { failures.append(error) }
        }
        // A worker that stopped because another failed reports `.cancelled`: show the cause.
        let cause = failures.first { ($0 as? ExportError)?.code != .cancelled } ?? failures.first
        if let cause { throw cause }
      }
    } onCancel: {
      stop.stop()
    }
  }

  /// Reads who the source is, inside the snapshot.
  private static func identify(_ connection: PGConnection, snapshot: String, started: Date) throws
    -> ExportManifest.Source
  {
    let rows = try connection.execute(
      """
      SELECT current_setting('server_version'), current_setting('server_version_num'),
             current_database(),
             (CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn()
                   ELSE pg_current_wal_lsn() END)::text,
             has_function_privilege('pg_control_system()', 'EXECUTE')
      """, doing: "reading the source's identity")
    guard let row = rows.rows.first, row.count == 5 else {
      throw ExportError(.source, "the source did not describe itself")
    }
    var systemIdentifier: String?
    if row[4] == "t" {
      systemIdentifier = try connection.execute(
        "SELECT system_identifier::text FROM pg_control_system()",
        doing: "reading the source's system identifier"
      ).scalar
    }
    return ExportManifest.Source(
      serverVersion: row[0] ?? "?", serverVersionNumber: Int(row[1] ?? "") ?? 0,
      systemIdentifier: systemIdentifier, database: row[2] ?? "?", snapshot: snapshot,
      walLSN: row[3] ?? "?", startedAt: started)
  }

  /// What an earlier attempt in the same snapshot left to keep.
  private struct Resume {
    var finished: Set<QualifiedName>
    var chunks: [QualifiedName: [SealedChunk]]
  }

  /// Decides what to do with what the directory holds; returns what to keep, `nil` for a
  /// fresh start (after removing an earlier attempt's files).
  private func prepare(
    _ directory: ExportDirectory, for source: ExportManifest.Source, plans: [TablePlan],
    logger: Logger
  ) throws -> Resume? {
    let path = directory.url.path
    let names = try directory.fileNames()
    if let manifest = try ExportManifest.read(directory: directory.url) {
      if !manifest.source.isSameDatabase(as: source) && !options.force {
        throw ExportError(
          .foreignExport,
          "\(path) holds an export of \(manifest.source.identity), not of the source \(source.identity)",
          nextStep: "choose another --export-dir, or pass --force to replace that export")
      }
      if !options.force {
        throw ExportError(
          .existingExport,
          "\(path) already holds a finished export of \(source.identity) (snapshot \(manifest.source.snapshot), finished \(manifest.source.finishedAt.map { "\($0)" } ?? "?"))",
          nextStep: "choose another --export-dir, or pass --force to replace it")
      }
      try clean(directory, names: names)
      return nil
    }
    let state = try ExportJournalState(directory: directory.url)
    if let started = state.started {
      if !started.source.isSameDatabase(as: source) && !options.force {
        throw ExportError(
          .foreignExport,
          "\(path) holds an unfinished export of \(started.source.identity), not of the source \(source.identity)",
          nextStep: "choose another --export-dir, or pass --force to replace it")
      }
      if started.source.snapshot == source.snapshot && started.source.isSameDatabase(as: source)
        && started.tables == plans.map(\.name)
      {
        return try resumable(directory, state: state, logger: logger)
      }
      logger.info(
        "removing an unfinished export of the same source taken in another snapshot; starting over",
        metadata: ["directory": "\(path)", "snapshot": "\(started.source.snapshot)"])
      try clean(directory, names: names)
      return nil
    }
    let foreign = names.filter { !ExportDirectory.ownFiles.contains($0) && !ChunkFileName.isChunkFile($0) }
    if !foreign.isEmpty && !options.force {
      throw ExportError(
        .notAnExport,
        "\(path) is not empty and holds no cutover export (\(foreign.prefix(5).joined(separator: ", "))\(foreign.count > 5 ? ", …" : ""))",
        nextStep: "choose an empty or new --export-dir, or pass --force to export beside those files")
    }
    try clean(directory, names: names)
    return nil
  }

  /// Removes the manifest first (so nothing looks finished), then chunks, then the journal.
  private func clean(_ directory: ExportDirectory, names: [String]) throws {
    try directory.remove(ExportManifest.fileName)
    for name in names where ChunkFileName.isChunkFile(name) || name.hasSuffix(ChunkFileName.partialSuffix) {
      try directory.remove(name)
    }
    try directory.remove(ExportJournal.fileName)
    try DurableFile.syncDirectory(directory.url)
  }

  /// Keeps finished tables and, per unfinished table, its leading chunks whose files are
  /// intact (a journaled chunk left as `.partial` is renamed into place); removes the rest.
  private func resumable(
    _ directory: ExportDirectory, state: ExportJournalState, logger: Logger
  ) throws -> Resume {
    var keep = Set<String>()
    var chunks: [QualifiedName: [SealedChunk]] = [:]
    var finished = Set<QualifiedName>()
    for (table, list) in state.chunks {
      var intact: [SealedChunk] = []
      for chunk in list {
        let url = directory.url.appendingPathComponent(chunk.file)
        let partial = URL(fileURLWithPath: url.path + ChunkFileName.partialSuffix)
        // A file that cannot be read is simply not intact: the chunk is exported again.
        if (try? ChunkReader.sha256(of: url).sha256) == chunk.sha256 {
          intact.append(chunk)
        } else if (try? ChunkReader.sha256(of: partial).sha256) == chunk.sha256,
          rename(partial.path, url.path) == 0
        {
          intact.append(chunk)
        } else {
          break
        }
      }
      if state.finishedTables[table] != nil && intact.count == list.count {
        finished.insert(table)
      } else {
        chunks[table] = intact
      }
      keep.formUnion(intact.map(\.file))
    }
    for table in state.finishedTables.keys where state.chunks[table] == nil { finished.insert(table) }
    for name in try directory.fileNames()
    where (ChunkFileName.isChunkFile(name) || name.hasSuffix(ChunkFileName.partialSuffix))
      && !keep.contains(name)
    {
      try directory.remove(name)
    }
    logger.info(
      "resuming an unfinished export in the same snapshot",
      metadata: [
        "finishedTables": "\(finished.count)",
        "keptChunks": "\(chunks.values.reduce(0) { $0 + $1.count })",
      ])
    return Resume(finished: finished, chunks: chunks)
  }
}
