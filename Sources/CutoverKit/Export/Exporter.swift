import Foundation
import Logging

/// `cutover export`: every chosen table, in one exported snapshot, into chunk files.
///
/// One holder connection exports a snapshot (`REPEATABLE READ READ ONLY`), locks every
/// chosen table `ACCESS SHARE` in it (`TableLocks`) and keeps both for the whole export;
/// `jobs` worker connections import the snapshot and take tables from a queue, largest
/// first, each streamed with `COPY (SELECT <columns> FROM [ONLY] <table>) TO STDOUT` into
/// zstd chunks of about `chunkSize` COPY text bytes. Each sealed chunk is journaled before
/// its rename; `manifest.json` is written from the journal at the end.
///
/// The directory (`ExportDirectory`, 0700, locked) is judged from everything in it
/// (`prepare`): a finished export of another database, or of this one, needs `force`;
/// files that are not cutover's, a damaged journal or manifest, or chunk files without a
/// journal are refused (the last two replaced with `force`); an unfinished export of the
/// same source resumes per chunk in the same snapshot (`ExportOptions.snapshot`) and is
/// otherwise removed — said on the progress stream — before starting over. Cancelling the
/// task (Ctrl-C) cancels the server's statements, removes `.partial` files and keeps the
/// sealed chunks and the journal.
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
  /// - Throws: `ExportError`, `PostgresError`, `ChunkError`, `JournalError` — each a
  ///   `CutoverFailure`.
  public func run(logger: Logger, progress: ExportProgress? = nil) async throws -> ExportSummary {
    try options.validate()
    let progress = progress ?? ExportProgress(style: .quiet, sink: { _ in })
    guard let launch = options.holderLaunch, options.snapshot == nil else {
      return try await runInOneProcess(logger: logger, progress: progress)
    }
    let url = options.directory
    do {
      try FileManager.default.createDirectory(
        at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    } catch {
      // `ExportDirectory.lock` says what is wrong with the path.
      _ = try ExportDirectory.lock(url)
      throw error
    }
    let holder: SnapshotHolderProcess.Record
    if let live = SnapshotHolderProcess.live(in: url) {
      holder = live
      progress.notice("reusing the live \(live.text)")
    } else {
      if !options.restart, (try? ExportManifest.read(directory: url)) == nil,
        let state = try? ExportJournalState(directory: url), let started = state.started,
        state.finished == nil
      {
        throw ExportError(
          .holderGone,
          "\(url.path) holds an unfinished export of snapshot \(started.source.snapshot) (started \(started.source.startedAt)) whose snapshot holder process is gone: that snapshot ended with it, so the sealed chunks cannot be continued in the same state of the database",
          nextStep:
            "run the same `cutover export` with --restart: it removes that export and exports from scratch in a new snapshot"
        )
      }
      let source = options.source
      holder = try await onDedicatedThread(named: "export-holder-start") {
        do {
          return try SnapshotHolderProcess.start(
            launch, directory: url, idleTimeout: options.holderIdleTimeout)
        } catch {
          // An unreachable source or a refused login is this process's own error (exit 3,
          // with the server's words), not the holder's. (Connecting only after a failure
          // keeps a connection's time off every export's start.)
          _ = try PGConnection(source, applicationName: "cutover export")
          throw error
        }
      }
      progress.notice("started \(holder.text)")
    }
    let attachment = try SnapshotHolderProcess.Attachment(directory: url)
    var attached = options
    attached.snapshot = holder.snapshot
    do {
      let summary = try await Exporter(options: attached).runInOneProcess(logger: logger, progress: progress)
      withExtendedLifetime(attachment) {}
      SnapshotHolderProcess.end(holder, directory: url)
      return summary
    } catch {
      if (error as? any CutoverFailure)?.exitStatus == .usage {
        SnapshotHolderProcess.end(holder, directory: url)
      } else {
        progress.notice(
          "the \(holder.text) keeps the snapshot: the same `cutover export` resumes from the sealed chunks (`cutover export --abandon` ends it)"
        )
      }
      throw error
    }
  }

  /// Ends the live snapshot holder of `directory`; says what it did.
  public static func abandon(directory: URL) -> String {
    guard let holder = SnapshotHolderProcess.live(in: directory) else {
      return "no live snapshot holder in \(directory.path)"
    }
    SnapshotHolderProcess.end(holder, directory: directory)
    return "ended the \(holder.text); an unfinished export there now needs --restart"
  }

  /// The export with the snapshot held by this process (or `options.snapshot`).
  private func runInOneProcess(logger: Logger, progress: ExportProgress) async throws -> ExportSummary {
    let began = Date()
    let directory = try ExportDirectory.lock(options.directory)
    let journalPath = directory.url.appendingPathComponent(Journal.fileName).path
    let hadJournal = FileManager.default.fileExists(atPath: journalPath)
    do {
      // Snapshot probes, part 1: the mapping files now (a broken one stops the export before
      // it starts); the v2 schema they are resolved against — a scratch database with the
      // chain applied, seconds of mostly waiting — while the tables are copied.
      let parity = try options.parity.map { schema in
        let files = try schema.loadMappings()
        let source = options.source
        return Task { try await schema.load(files: files, source: source, logger: logger) }
      }
      let outcome: Result<ExportSummary, any Error>
      do {
        outcome = .success(
          try await exportInSnapshot(
            directory: directory, began: began, parity: parity, logger: logger, progress: progress))
      } catch {
        outcome = .failure(error)
      }
      // The scratch database is gone before the export returns, whichever way it ends (an
      // export found already finished never awaits the schema).
      parity?.cancel()
      _ = try? await parity?.value
      return try outcome.get()
    } catch {
      // Nothing written by this run (a refused directory, an unreachable source): leave no
      // lock file or directory of its own behind.
      if !hadJournal && !FileManager.default.fileExists(atPath: journalPath) { directory.abandon() }
      throw Self.explain(
        error, directory: directory, heldElsewhere: options.holderLaunch != nil,
        idleTimeout: options.holderIdleTimeout)
    }
  }

  /// Takes (or joins) the snapshot, plans the tables in it, and exports them.
  private func exportInSnapshot(
    directory: ExportDirectory, began: Date, parity: Task<ParitySchema.Loaded, any Error>?, logger: Logger,
    progress: ExportProgress
  ) async throws -> ExportSummary {
    let options = self.options
    let selection = options.selection
    let lockTimeout = options.lockTimeout
    let splitThreshold = options.splitTablesLargerThan
    let jobs = options.jobs
    do {
      return try await withQueryCancellation { cancellation in
        try await SnapshotHolder.withSnapshot(
          target: options.source, existingSnapshot: options.snapshot, cancellation: cancellation,
          inspect: { connection, snapshot in
            let source = try Self.identify(connection, snapshot: snapshot, started: began)
            try TableLocks.limitWaits(on: connection, timeout: lockTimeout)
            let plans: [TablePlan]
            do {
              plans = try selection.plan(on: connection)
            } catch let error as PostgresError where error.sqlState == SQLState.lockNotAvailable {
              throw ExportError(
                .locked,
                "could not read the catalog within \(lockTimeout) s: another session holds a lock on a table of the selection (\(error.message))",
                nextStep: error.nextStep)
            }
            try TableLocks.lock(plans, on: connection, timeout: lockTimeout)
            let splitter = TableSplitter(
              threshold: splitThreshold
                ?? TableSplitter.automaticThreshold(
                  totalBytes: plans.reduce(0) { $0 + $1.estimatedBytes }, jobs: jobs),
              jobs: jobs)
            let split = try plans.map { try splitter.split($0, on: connection) }
            return Inspection(source: source, plans: split)
          },
          body: { inspection in
            try await export(
              inspection, directory: directory, cancellation: cancellation, began: began, parity: parity,
              logger: logger, progress: progress)
          })
      }
    }
  }

  private func export(
    _ inspection: Inspection, directory: ExportDirectory, cancellation: QueryCancellation,
    began: Date, parity: Task<ParitySchema.Loaded, any Error>?, logger: Logger, progress: ExportProgress
  ) async throws -> ExportSummary {
    let source = inspection.source
    var plans = inspection.plans
    let options = self.options
    let planned = plans
    let preparation = try await onDedicatedThread(named: "export-prepare") {
      try DirectoryPreparation(options: options, directory: directory, progress: progress, logger: logger)
        .prepare(for: source, plans: planned)
    }
    logger.debug(
      "export planned",
      metadata: ["snapshot": "\(source.snapshot)", "tables": "\(plans.count)"])
    if case .rebuilt(let manifest) = preparation {
      return ExportSummary(
        manifest: manifest, directory: directory.url, source: options.source,
        seconds: Date().timeIntervalSince(began))
    }
    if let afterSnapshot = options.afterSnapshot { try await afterSnapshot(source.snapshot) }
    let state: DirectoryPreparation.Resume
    if case .resume(let kept) = preparation {
      state = kept
      // The parts are those the interrupted attempt journaled (page counts and key samples
      // are not part of the snapshot, so planning them again could differ).
      let journaled = Dictionary(
        kept.splits.map { ($0.table, $0.parts) }, uniquingKeysWith: { first, _ in first })
      for index in plans.indices { plans[index].parts = journaled[plans[index].name] ?? [] }
    } else {
      state = .init(finished: [], finishedSequences: [], chunks: [:], splits: [])
    }
    let splits = plans.filter { !$0.parts.isEmpty }.map {
      ExportJournalRecord.Split(table: $0.name, copyQuery: $0.copyQuery, parts: $0.parts)
    }
    for split in splits {
      progress.notice(
        "\(split.table) is read in \(split.parts.count) parts by \(split.parts[0].method.rawValue) ranges")
    }
    let estimate = ExportSizeEstimate(
      plans: plans.filter { !state.finished.contains($0.name) }, jobs: options.jobs,
      chunkSize: options.chunkSize,
      directory: directory.url)
    progress.notice(estimate.text)
    if options.diskCheck && !estimate.fits {
      throw ExportError(
        .diskSpace,
        "not enough free disk near \(directory.url.path): the export needs about \(ByteCount(estimate.bytes)), \(ByteCount(estimate.available ?? 0)) is free",
        nextStep:
          "free at least \(ByteCount(estimate.bytes - (estimate.available ?? 0))) there or choose an --export-dir on a larger disk (--no-disk-check starts anyway)"
      )
    }
    // The v2 schema first (from the chain's cache, or seconds of DDL on a scratch database):
    // each mapped table's digest then rides in its COPY, one scan instead of two.
    var digests: CopyDigests?
    if let parity {
      let loaded = try await parity.value
      // A table with anything kept from an earlier attempt is left to the pass after.
      let resumed = Set(state.chunks.filter { !$0.value.isEmpty }.keys.map(\.table))
        .union(state.finished).union(state.finishedSequences.map(\.table))
      digests = CopyDigests(plans: plans, loaded: loaded, directory: directory.url, excluded: resumed)
    }
    let journal = try Journal(directory: directory.url)
    try journal.append(
      ExportJournalRecord.ExportStarted(
        source: source, tables: plans.map(\.name), splits: splits.isEmpty ? nil : splits))
    options.onStarted?()
    var todo: [TableQueue.Task] = []
    for plan in plans where !state.finished.contains(plan.name) {
      if plan.parts.isEmpty {
        todo.append(TableQueue.Task(plan: plan, part: nil))
      } else {
        for part in plan.parts
        where !state.finishedSequences.contains(ChunkSequence(table: plan.name, part: part.number)) {
          todo.append(TableQueue.Task(plan: plan, part: part))
        }
      }
    }
    progress.planned(plans)
    for plan in plans where state.finished.contains(plan.name) {
      progress.finished(plan.name)
    }
    do {
      try await runWorkers(
        todo, snapshot: source.snapshot, kept: state.chunks, journal: journal, digests: digests,
        cancellation: cancellation, progress: progress, logger: logger)
    } catch {
      progress.end()
      // A worker's open chunk is discarded as its writer goes; sweep what a failure between
      // two calls could leave, so nothing unfinished stays in the directory.
      try? await onDedicatedThread(named: "export-sweep") {
        for name in try directory.fileNames() where name.hasSuffix(ChunkFileName.partialSuffix) {
          try directory.remove(name)
        }
      }
      throw error
    }
    progress.end()
    let inCopy = digests?.entries.values.filter(\.sink.isSealed).count ?? 0
    if inCopy > 0 { progress.notice("source digests of \(inCopy) table(s) computed in their COPY") }
    let checksBegan = Date()
    // Snapshot probes, part 2: in the same snapshot, per table (journaled, so a resume
    // computes only what is missing).
    if let parity = try await parity?.value {
      try await ExportParity(
        loaded: parity, source: options.source, snapshot: source.snapshot, jobs: options.jobs,
        cancellation: cancellation, lockTimeout: options.lockTimeout
      )
      .run(directory: directory.url, journal: journal, notice: { progress.notice($0) }, logger: logger)
    } else {
      progress.notice("no source digests (--no-parity): `cutover verify` cannot check this export's data")
    }
    var policyBehaviour: PolicyBehaviourCounts?
    if let settings = options.policySample {
      let counts = try await ExportPolicySample(
        source: options.source, snapshot: source.snapshot, jobs: options.jobs,
        tables: plans.map { .init(name: $0.name, isPartitioned: $0.isPartitioned) }, settings: settings,
        cancellation: cancellation, lockTimeout: options.lockTimeout
      ).run()
      policyBehaviour = counts
      progress.notice(
        counts.users.isEmpty && counts.tables.isEmpty
          ? "policy behaviour: the source has no auth.users or API roles, nothing to sample"
          : "policy behaviour: rows visible to \(counts.users.count) sampled user(s)\(counts.includesAnon ? " and anon" : "") counted in \(counts.tables.count) table(s)\(settings.rowsPerTable > 0 ? " (the first \(settings.rowsPerTable) rows of each by primary key)" : "") in \(String(format: "%.1f", counts.seconds)) s"
      )
    }
    let checksEnded = Date()
    try journal.append(
      ExportJournalRecord.ExportFinished(finishedAt: Date(), policyBehaviour: policyBehaviour))
    options.crashPoint?.manifestNext()
    let sampled = policyBehaviour
    let manifest = try await onDedicatedThread(named: "export-manifest") {
      let manifest = try ExportJournalState(directory: directory.url).manifest()
      try manifest.write(directory: directory.url)
      return manifest
    }
    logger.debug("manifest written", metadata: ["tables": "\(manifest.tables.count)"])
    var summary = ExportSummary(
      manifest: manifest, directory: directory.url, source: options.source,
      seconds: Date().timeIntervalSince(began))
    summary.snapshotChecksSeconds = checksEnded.timeIntervalSince(checksBegan)
    summary.policySampleSeconds = sampled?.seconds ?? 0
    summary.digestsInCopy = inCopy
    return summary
  }

  /// The worker pool: never more than `jobs` threads; the first real failure stops all.
  private func runWorkers(
    _ tasks: [TableQueue.Task], snapshot: String, kept: [ChunkSequence: [ChunkRecord]],
    journal: Journal, digests: CopyDigests?, cancellation: QueryCancellation, progress: ExportProgress,
    logger: Logger
  ) async throws {
    guard !tasks.isEmpty else { return }
    let queue = TableQueue(tasks)
    let stop = StopSignal()
    let workers = min(options.jobs, tasks.count)
    let zstdWorkers = ZstdEncoder.helpfulWorkers(
      level: options.level, chunkSize: options.chunkSize, jobs: options.jobs)
    let options = self.options
    try await withTaskCancellationHandler {
      try await withThrowingTaskGroup(of: Void.self) { group in
        for number in 1...workers {
          let worker = ExportWorker(
            number: number, options: options, snapshot: snapshot, queue: queue, kept: kept,
            journal: journal, progress: progress, stop: stop, cancellation: cancellation,
            zstdWorkers: zstdWorkers, digests: digests, logger: logger)
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
        // A worker that stopped because another failed reports `.cancelled` (or the server's
        // "canceling statement" after our cancel request): show the cause.
        let cause = failures.first { !Self.isStop($0) } ?? failures.first
        if let cause { throw cause }
      }
    } onCancel: {
      stop.stop()
    }
  }

  /// Whether `error` is only the echo of a stop: ours, or the server's answer to our cancel.
  private static func isStop(_ error: any Error) -> Bool {
    if error is CancellationError { return true }
    if let error = error as? ExportError { return error.code == .cancelled }
    if let error = error as? PostgresError { return error.sqlState == SQLState.queryCanceled }
    return false
  }

  /// An interruption said as what it left and what a rerun does; other errors unchanged.
  private static func explain(
    _ error: any Error, directory: ExportDirectory, heldElsewhere: Bool, idleTimeout: Int
  ) -> any Error {
    let sealed = (try? directory.fileNames().filter(ChunkFileName.isChunkFile).count) ?? 0
    if var full = error as? ChunkError, full.code == .noSpace {
      full.message +=
        "; the export stopped: no unfinished (.partial) file is left, \(sealed) sealed chunk file(s) and the journal are kept"
      full.nextStep =
        "free disk space near \(directory.url.path) (`cutover doctor` estimates what the export needs), then run the same `cutover export` again: sealed chunks are reused while their snapshot lives"
      return full
    }
    guard Task.isCancelled, isStop(error) else { return error }
    let journal = directory.url.appendingPathComponent(Journal.fileName).path
    guard FileManager.default.fileExists(atPath: journal) else {
      return ExportError(
        .cancelled,
        "the export was interrupted before it wrote anything: the server's statements were cancelled and \(directory.url.path) holds nothing of this run",
        nextStep: "run the same `cutover export` again when ready")
    }
    return ExportError(
      .cancelled,
      "the export was interrupted: the server's statements were cancelled, no unfinished (.partial) file is left, and \(sealed) sealed chunk file(s) and the journal in \(directory.url.path) are intact (`cutover check-export` reads them as unfinished)",
      nextStep: heldElsewhere
        ? "run the same `cutover export` again within \(idleTimeout) s: its snapshot holder keeps the snapshot that long, and the export resumes from the sealed chunks; later, the holder has ended and the export must start over (`--restart`)"
        : "run the same `cutover export` again: it takes a new snapshot, says so, and starts over in this directory (chunks resume only within their own snapshot, which ended with this process)"
    )
  }

  /// Reads who the source is, inside the snapshot.
  private static func identify(_ connection: PGConnection, snapshot: String, started: Date) throws
    -> ExportManifest.Source
  {
    let row = try connection.execute(
      """
      SELECT current_setting('server_version') AS version,
             current_setting('server_version_num')::int AS version_number,
             current_database() AS database,
             (CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn()
                   ELSE pg_current_wal_lsn() END)::text AS lsn
      """, doing: "reading the source's identity"
    ).one()
    let systemIdentifier = try connection.systemIdentifier(doing: "reading the source's system identifier")
    return ExportManifest.Source(
      serverVersion: try row.string("version"), serverVersionNumber: try row.int("version_number"),
      systemIdentifier: systemIdentifier, database: try row.string("database"), snapshot: snapshot,
      walLSN: try row.string("lsn"), startedAt: started)
  }
}
