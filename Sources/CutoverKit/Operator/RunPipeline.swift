import Crypto
import Foundation
import Logging

/// `cutover run`: doctor → plan → migrate → export ∥ import → verify in one command, with a
/// step journal (`run.jsonl` in the export directory) so a rerun resumes at the first
/// unfinished step and never redoes a finished one.
///
/// Each step calls the library entry point its own command calls (`Doctor`, `Planner`,
/// `Exporter`, `MigrationRunner`, `Importer`, and `RunVerifyStep`); each step's start and
/// end (times, outcome, figures, checksums, per-table rates) are journaled. Export and
/// import journal per chunk and per table themselves, so an interrupted step resumes inside
/// too. A run records SHA-256 of every mapping file, chain file and the config; a resume
/// after any of them changed is refused with the list (exit 2): those shape the target, and
/// a half-old, half-new target would prove nothing.
///
/// Without `final` the run is a dry run: the source is only read (the export's snapshot and
/// `ACCESS SHARE` locks; `plan` builds its scratch schema on the *target's* server), never
/// frozen, never switched. With `final` the step list has `freeze` right before the export
/// (after `migrate`, which needs nothing of the source).
///
/// `startNew` (`--new`) discards an unfinished run's journal and export (cutover's own files
/// only, as `export --force`) and starts again; a directory holding a *finished* run is
/// refused — its export and step records are the evidence of that rehearsal — so a new run
/// needs a new `--export-dir`.
public struct RunPipeline: Sendable {
  public var options: RunOptions

  public init(options: RunOptions) {
    self.options = options
  }

  /// Runs (or resumes) the run; `notice` gets one line per event for people (stderr).
  /// - Throws: `RunError`, or the failing step's own `CutoverFailure`.
  public func run(logger: Logger, notice: @escaping @Sendable (String) -> Void) async throws -> RunSummary {
    let directory = options.exportDirectory
    try FileManager.default.createDirectory(
      at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    let inputs = try RunInputs.read(mappings: options.mappings, chain: options.chain, config: options.config)
    var state = try RunJournalState(directory: directory)
    var forceExport = false
    if options.startNew, state.started != nil {
      if let finished = state.runFinished {
        throw RunError(
          .finishedRun,
          "\(directory.path) holds a finished run (\(finished.run), finished \(finished.finishedAt), verdict \(finished.verdict)); cutover never deletes a finished run's export and records",
          nextStep: "start the new run in a new directory: `cutover run --new --export-dir <new dir>`")
      }
      notice(
        "--new: discarding the unfinished run \(state.started?.run ?? "?") in \(directory.path) and starting over"
      )
      let url = directory.appendingPathComponent(RunJournalRecord.fileName)
      try FileManager.default.removeItem(at: url)
      forceExport = true
      state = try RunJournalState(directory: directory)
    }
    let journal = try Journal(directory: directory, fileName: RunJournalRecord.fileName)
    var skipped: [RunStep] = []
    let run: RunJournalRecord.RunStarted
    if let started = state.started {
      guard started.final == options.final else {
        throw RunError(
          .usage,
          "\(directory.path) holds a \(started.final ? "final" : "dry") run; this is a \(options.final ? "final" : "dry") run",
          nextStep: started.final
            ? "pass --final to resume it, or start a dry run in another --export-dir"
            : "finish the dry run without --final, or start the final run in a new --export-dir (`cutover run --final --export-dir <new dir>`)"
        )
      }
      guard started.source == options.source.description, started.target == options.target.description else {
        throw RunError(
          .usage,
          "\(directory.path) holds run \(started.run) from \(started.source) to \(started.target), not from \(options.source.description) to \(options.target.description)",
          nextStep: "pass the same --source/--target to resume it, or start this run in a new --export-dir")
      }
      let changed = inputs.changed(since: started.inputs)
      guard changed.isEmpty else {
        throw RunError(
          .inputsChanged,
          "refusing to resume run \(started.run): what shapes the target changed since it started:\n"
            + changed.map { "    \($0)" }.joined(separator: "\n"),
          nextStep: state.runFinished == nil
            ? "start a fresh run: `cutover run --new` (or put the files back as they were to resume)"
            : "this run finished: start a fresh run in a new directory, `cutover run --new --export-dir <new dir>`"
        )
      }
      run = started
      if let finished = state.runFinished {
        notice(
          "run \(started.run) already finished (\(finished.finishedAt)); nothing to do (`cutover status`)")
        return RunSummary(
          run: started.run, final: started.final, directory: directory.path,
          steps: Self.lines(state, ran: []),
          verdict: finished.verdict, resumedAt: nil)
      }
      skipped = started.steps.filter { state.isDone($0) }
      if let next = state.nextStep {
        try journal.append(RunJournalRecord.RunResumed(run: started.run, at: next))
        notice(
          "resuming run \(started.run) at \(next.rawValue)"
            + (skipped.isEmpty
              ? "" : "; skipping the finished \(skipped.map(\.rawValue).joined(separator: ", "))"))
      } else {
        notice("resuming run \(started.run): every step had finished; recording the run's end")
      }
    } else {
      run = RunJournalRecord.RunStarted(
        run: UUID().uuidString.lowercased(), final: options.final, steps: RunStep.steps(final: options.final),
        inputs: inputs.files, source: options.source.description, target: options.target.description)
      try journal.append(run)
      notice(
        "run \(run.run): \(options.final ? "FINAL" : "dry") run of \(run.steps.map(\.rawValue).joined(separator: " → ")) in \(directory.path)"
      )
      state = try RunJournalState(directory: directory)
    }
    let resumedAt = skipped.isEmpty ? nil : state.nextStep
    var ran: [RunStep] = []
    var verdict = "none"
    let steps = run.steps
    var index = 0
    while index < steps.count {
      let step = steps[index]
      index += 1
      if state.isDone(step) { continue }
      let attempted = state.open[step] != nil || state.finished[step] != nil
      // The import follows the export table by table (as pgcopydb loads while it copies).
      if step == .export, index < steps.count, steps[index] == .import, !state.isDone(.import) {
        index += 1
        try await exportBesideImport(
          run: run, journal: journal, forceExport: forceExport, attempted: attempted, logger: logger,
          notice: notice)
        ran += [.export, .import]
        continue
      }
      let outcome = try await record(step, of: run, in: journal, notice: notice) {
        try await perform(
          step, forceExport: forceExport, attempted: attempted, logger: logger, notice: notice)
      }
      if let stepVerdict = outcome.verdict { verdict = stepVerdict }
      ran.append(step)
    }
    state = try RunJournalState(directory: directory)
    if verdict == "none", let record = state.finished[.verify] {
      verdict = record.outcome == "placeholder" ? "placeholder" : (record.checksums["verdict"] ?? "none")
    }
    try journal.append(RunJournalRecord.RunFinished(run: run.run, finishedAt: Date(), verdict: verdict))
    return RunSummary(
      run: run.run, final: run.final, directory: directory.path, steps: Self.lines(state, ran: ran),
      verdict: verdict, resumedAt: resumedAt)
  }

  /// What one step did, for its journal record.
  struct StepOutcome: Sendable {
    var outcome = "ok"
    var summary: String
    var figures: [String: Double] = [:]
    var checksums: [String: String] = [:]
    var rates: [RunTableRate] = []
    var verdict: String?
  }

  /// Journals `step`'s start, runs `work`, and journals its end (a failure too, then rethrows).
  private func record(
    _ step: RunStep, of run: RunJournalRecord.RunStarted, in journal: Journal,
    notice: @escaping @Sendable (String) -> Void, work: () async throws -> StepOutcome
  ) async throws -> StepOutcome {
    let startedAt = Date()
    try journal.append(RunJournalRecord.StepStarted(run: run.run, step: step, startedAt: startedAt))
    options.stepHook?(step, .started)
    notice("== \(step.rawValue)")
    let outcome: StepOutcome
    do {
      outcome = try await work()
    } catch {
      let failure = error as? any CutoverFailure
      try? journal.append(
        RunJournalRecord.StepFinished(
          run: run.run, step: step, startedAt: startedAt, finishedAt: Date(), outcome: "failed",
          summary: failure?.description(showingValues: false) ?? "\(type(of: error))", figures: [:],
          checksums: [:], rates: [],
          exitStatus: failure?.exitStatus.rawValue ?? ExitStatus.ioFailure.rawValue,
          wallSeconds: Date().timeIntervalSince(startedAt)))
      // The run's own refusals already speak of the run; a step's failure gets its resume.
      if !(error is RunError), let stepFailure = error as? any CutoverFailure & Sendable {
        throw RunStepFailure(step: step, failure: stepFailure)
      }
      throw error
    }
    options.stepHook?(step, .worked)
    let finished = RunJournalRecord.StepFinished(
      run: run.run, step: step, startedAt: startedAt, finishedAt: Date(), outcome: outcome.outcome,
      summary: outcome.summary, figures: outcome.figures, checksums: outcome.checksums,
      rates: outcome.rates,
      exitStatus: nil, wallSeconds: Date().timeIntervalSince(startedAt))
    try journal.append(finished)
    options.stepHook?(step, .recorded)
    notice("   \(step.rawValue): \(outcome.summary) (\(String(format: "%.1f", finished.seconds)) s)")
    return outcome
  }

  /// The export and the import at once: the import starts once the export has journaled its
  /// start and loads each table as soon as the export has sealed all its chunks (`ExportFeed`);
  /// each step keeps its own journal records, so a resume redoes only what did not finish.
  ///
  /// The first failure stops the other step; the export's own failure is reported over the
  /// import's (which then only says the export stopped).
  private func exportBesideImport(
    run: RunJournalRecord.RunStarted, journal: Journal, forceExport: Bool, attempted: Bool, logger: Logger,
    notice: @escaping @Sendable (String) -> Void
  ) async throws {
    // Two redrawn lines would overwrite each other: both steps print plain lines.
    var plain = self
    if case .live = options.progressStyle { plain.options.progressStyle = .plain(interval: 5) }
    let pipeline = plain
    let (started, opened) = AsyncStream.makeStream(of: ExportStart.self)
    let results = await withTaskGroup(of: (RunStep, Result<StepOutcome, any Error>?).self) { group in
      group.addTask {
        let result = await Self.capture {
          try await pipeline.record(.export, of: run, in: journal, notice: notice) {
            try await pipeline.export(
              force: forceExport, attempted: attempted, logger: logger, notice: notice,
              onStarted: { opened.yield(.started) })
          }
        }
        if case .success = result { opened.yield(.finished) } else { opened.yield(.failed) }
        opened.finish()
        return (.export, result)
      }
      group.addTask {
        var first: ExportStart?
        for await start in started {
          first = start
          break
        }
        guard let first, first != .failed else { return (.import, nil) }
        let result = await Self.capture {
          try await pipeline.record(.import, of: run, in: journal, notice: notice) {
            try await pipeline.importStep(logger: logger, notice: notice)
          }
        }
        return (.import, result)
      }
      var results: [RunStep: Result<StepOutcome, any Error>] = [:]
      var firstFailure: RunStep?
      for await (step, result) in group {
        guard let result else { continue }
        results[step] = result
        if case .failure = result, firstFailure == nil {
          firstFailure = step
          group.cancelAll()
        }
      }
      return (results, firstFailure)
    }
    let (byStep, firstFailure) = results
    let importError: (any Error)? = {
      if case .failure(let error) = byStep[.import] { return error }
      return nil
    }()
    if case .failure(let error) = byStep[.export] {
      // Stopped because the import failed first: the import's error is the one to show.
      let importStoppedIt =
        firstFailure == .import
        && ((importError as? RunStepFailure)?.failure as? ImportError)?.code != .unfinishedExport
      if !importStoppedIt || importError == nil { throw error }
    }
    if let importError { throw importError }
  }

  /// What the export has done, as the import waiting beside it learns it.
  private enum ExportStart: Sendable {
    case started, finished, failed
  }

  private static func capture<T>(_ body: () async throws -> T) async -> Result<T, any Error> {
    do {
      return .success(try await body())
    } catch {
      return .failure(error)
    }
  }

  private func perform(
    _ step: RunStep, forceExport: Bool, attempted: Bool, logger: Logger,
    notice: @escaping @Sendable (String) -> Void
  ) async throws -> StepOutcome {
    let options = self.options
    switch step {
    case .doctor:
      let report = await Doctor(
        source: options.source, target: options.target, exportDirectory: options.exportDirectory.path
      ).run(logger: logger)
      guard report.exitStatus == .success else {
        throw RunError(
          .stepFailed, "doctor found a problem:\n\(report.text)",
          nextStep: "fix what doctor names, then run `cutover run` again (it resumes at doctor)")
      }
      return StepOutcome(
        summary: "\(report.checks.count) checks passed", figures: ["checks": Double(report.checks.count)])
    case .plan:
      let report = try await Planner(
        source: options.source, target: nil, scratchServer: options.target, mappings: options.mappings,
        chain: options.chain, localStandIn: options.standIn
      ).run(logger: logger)
      guard report.exitStatus == .success else {
        throw RunError(
          .stepFailed, "plan found \(report.problems.count) problem(s):\n\(report.text)",
          nextStep:
            "fix the mappings (or the chain), then `cutover run --new`: the inputs changed, so this run cannot resume"
        )
      }
      return StepOutcome(
        summary: "\(report.tables.count) tables accounted for, \(report.loadOrder.count) load levels",
        figures: ["tables": Double(report.tables.count)])
    case .freeze:
      // Before the export, so its snapshot holds every write the application ever made.
      let freeze = Freeze(
        source: options.source, exportDirectory: options.exportDirectory,
        applicationRoles: options.applicationRoles, platformSuperusers: options.platformSuperusers,
        final: true)
      let outcome = try await freeze.run(logger: logger)
      return StepOutcome(
        summary: "\(outcome.record.tables.count) tables frozen, \(outcome.sessionsEnded) sessions ended",
        figures: ["tables": Double(outcome.record.tables.count), "sessions": Double(outcome.sessionsEnded)])
    case .export:
      return try await export(force: forceExport, attempted: attempted, logger: logger, notice: notice)
    case .migrate:
      let runner = MigrationRunner(
        chain: options.chain, localStandIn: options.localStandIn ? options.standIn : nil)
      let outcome = try await runner.apply(to: options.target, logger: logger) { progress in
        notice("   \(progress.line)")
      }
      let applied = outcome.files(.applied).count
      return StepOutcome(
        summary: "\(applied) file(s) applied, \(outcome.files.count - applied) already there",
        figures: ["files": Double(outcome.files.count), "applied": Double(applied)])
    case .import:
      return try await importStep(logger: logger, notice: notice)
    case .verify:
      let result = try await RunVerifyStep.run(options: options, logger: logger, notice: notice)
      let rates = try Self.sourceRates(
        result.report.tables.compactMap { table in
          table.seconds.map {
            (
              table.source?.description ?? table.target.description, table.targetRows ?? 0, table.bytes ?? 0,
              $0
            )
          }
        }, directory: options.exportDirectory)
      var outcome = StepOutcome(
        outcome: result.placeholder ? "placeholder" : "ok",
        summary: result.placeholder
          ? "PLACEHOLDER: verify is not built in this build; nothing was compared"
          : "verdict \(result.report.verdict.rawValue), \(result.report.tables.count) tables",
        figures: [
          "tables": Double(result.report.tables.count), "jobs": Double(options.jobs),
          // Counted by key, the target's policy counts stay about the same at any size: v2's
          // policies find their rows by index (bench/estimate: verify 7.1 s → 8.8 s at twice
          // the fixture). The source's legacy policies may look into other tables under their
          // own row security, so the export's sample is scaled (there 10.2 s → 24.5 s).
          RunStep.growingSecondsFigure: options.policySample.rowsPerTable > 0
            ? 0 : result.report.phaseSeconds["policy behaviour"] ?? 0,
        ], rates: rates,
        verdict: result.placeholder ? "placeholder" : result.report.verdict.rawValue)
      outcome.checksums["verdict"] = result.placeholder ? "placeholder" : result.report.verdict.rawValue
      if let sha = result.reportSHA256 { outcome.checksums[ParityReport.fileName] = sha }
      return outcome
    }
  }

  private func export(
    force: Bool, attempted: Bool, logger: Logger, notice: @escaping @Sendable (String) -> Void,
    onStarted: (@Sendable () -> Void)? = nil
  ) async throws -> StepOutcome {
    let options = self.options
    var export = ExportOptions(source: options.source, directory: options.exportDirectory)
    export.jobs = options.jobs
    export.chunkSize = options.chunkSize
    export.level = options.level
    export.holderLaunch = options.holderLaunch
    // A rerun of `run` continues: an export whose snapshot ended starts over by itself.
    export.restart = true
    export.force = force
    export.crashPoint = options.exportCrashPoint
    export.onStarted = onStarted
    // Source digests and policy counts in the export's snapshot, for the verify step. The
    // target is not migrated yet: the chain is applied to a scratch database on its server.
    export.parity = ParitySchema(
      mappings: options.mappings, chain: options.chain,
      localStandIn: options.localStandIn ? options.standIn : nil, target: nil, scratchServer: options.target)
    export.policySample = options.policySample
    let source = options.source
    let sizes = try await onDedicatedThread(named: "run-sizes") {
      try EstimateSourceSize.read(on: PGConnection(source, applicationName: "cutover run"))
    }
    let summary: ExportSummary
    if attempted, let manifest = try ExportManifest.read(directory: options.exportDirectory) {
      // This run's interrupted attempt finished the export before journaling the step.
      notice("   the export this run started had finished (manifest.json is there): kept, not exported again")
      summary = ExportSummary(
        manifest: manifest, directory: options.exportDirectory, source: options.source,
        seconds: manifest.source.finishedAt.map { $0.timeIntervalSince(manifest.source.startedAt) } ?? 0)
    } else {
      summary = try await Exporter(options: export).run(
        logger: logger, progress: ExportProgress(style: options.progressStyle, sink: notice))
    }
    let sha = try Self.sha256(of: options.exportDirectory.appendingPathComponent(ExportManifest.fileName))
    let rates = summary.tables.map { table in
      RunTableRate(
        table: table.table, rows: table.rows, bytes: table.bytes, seconds: table.seconds,
        sourceBytes: sizes[table.table]?.bytes, sourceTuples: sizes[table.table]?.tuples)
    }
    return StepOutcome(
      summary:
        "\(summary.tables.count) tables, \(summary.rows) rows, \(ByteCount(summary.bytes)) of COPY text in \(summary.chunks) chunks",
      figures: [
        "tables": Double(summary.tables.count), "rows": Double(summary.rows), "bytes": Double(summary.bytes),
        "chunks": Double(summary.chunks), "jobs": Double(options.jobs),
        RunStep.growingSecondsFigure: summary.snapshotChecksSeconds,
        "policySampleSeconds": summary.policySampleSeconds,
      ],
      checksums: [ExportManifest.fileName: sha], rates: rates)
  }

  private func importStep(logger: Logger, notice: @escaping @Sendable (String) -> Void) async throws
    -> StepOutcome
  {
    let options = self.options
    var importOptions = ImportOptions(
      target: options.target, directory: options.exportDirectory, mappings: options.mappings)
    importOptions.jobs = options.jobs
    // Tables an interrupted attempt of this run loaded are kept; an empty target is the same.
    importOptions.resume = !options.truncateTarget
    importOptions.truncate = options.truncateTarget
    importOptions.faultHook = options.importFaultHook
    let summary = try await Importer(options: importOptions).run(
      logger: logger, progress: ImportProgress(style: options.progressStyle, sink: notice))
    // Per target table: its load time from the import's journal, sized by its sources.
    let entries = try Journal.read(directory: options.exportDirectory)
    var seconds: [QualifiedName: Double] = [:]
    for entry in entries {
      if let loaded = try entry.decode(ImportJournalRecord.TableLoaded.self) {
        seconds[loaded.table] = loaded.seconds
      }
    }
    let rates = try Self.sourceRates(
      summary.tables.map { table in
        (
          table.sources.map(\.description).joined(separator: ","), table.rowsWritten, -1,
          seconds[table.table] ?? 0
        )
      }, directory: options.exportDirectory)
    return StepOutcome(
      summary: "\(summary.tables.count) tables, \(summary.rows) rows loaded",
      figures: [
        "tables": Double(summary.tables.count), "rows": Double(summary.rows),
        "indexes": Double(summary.indexesRebuilt), "foreignKeys": Double(summary.foreignKeysRebuilt),
        "jobs": Double(options.jobs),
      ], rates: rates)
  }

  /// Rates sized by the export step's recorded source sizes (`bytes` < 0: the export's bytes).
  private static func sourceRates(
    _ tables: [(table: String, rows: Int64, bytes: Int64, seconds: Double)], directory: URL
  ) throws -> [RunTableRate] {
    let state = try RunJournalState(directory: directory)
    let exported = Dictionary(
      (state.finished[.export]?.rates ?? []).map { ($0.table, $0) }, uniquingKeysWith: { a, _ in a })
    return tables.map { entry in
      let sources = entry.table.split(separator: ",").compactMap { exported[String($0)] }
      let sum: (KeyPath<RunTableRate, Int64?>) -> Int64? = { path in
        sources.isEmpty ? nil : sources.reduce(0) { $0 + ($1[keyPath: path] ?? 0) }
      }
      let tuples = sources.isEmpty ? nil : sources.reduce(0.0) { $0 + max($1.sourceTuples ?? -1, 0) }
      return RunTableRate(
        table: entry.table, rows: entry.rows,
        bytes: entry.bytes >= 0 ? entry.bytes : sources.reduce(0) { $0 + $1.bytes },
        seconds: entry.seconds, sourceBytes: sum(\.sourceBytes),
        sourceTuples: tuples.map { $0 > 0 ? $0 : -1 })
    }
  }

  static func sha256(of url: URL) throws -> String {
    let data: Data
    do {
      data = try Data(contentsOf: url)
    } catch {
      throw RunError(.usage, "cannot read \(url.path): \(error.localizedDescription)")
    }
    return SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
  }

  /// One line per step of the latest run.
  static func lines(_ state: RunJournalState, ran: [RunStep]) -> [RunSummary.Step] {
    (state.started?.steps ?? []).map { step in
      let record = state.finished[step]
      return RunSummary.Step(
        step: step,
        status: ran.contains(step) ? "done" : (state.isDone(step) ? "skipped (done earlier)" : "not run"),
        seconds: record?.seconds, summary: record?.summary)
    }
  }
}
