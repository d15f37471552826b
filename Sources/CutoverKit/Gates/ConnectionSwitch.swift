import Foundation
import Logging

/// `cutover switch`: points the application at the target, once every gate says yes.
///
/// Refuses unless the export directory's report is green, approved (the exact SHA-256 of
/// `report.json`), about this export (its `manifestSHA256` is the manifest's as it is now),
/// newer than the export, the source is frozen and has not drifted since the export. Then it
/// records the target's write counters (for `rollback`), saves the env file's content
/// (mode 0600: it holds a password) and rewrites it atomically, or runs the hook.
/// Idempotent: once switched, a second run says so and changes nothing.
public struct ConnectionSwitch: Sendable {
  /// How the application learns its database URL.
  public enum Method: Sendable {
    /// Rewrite `variable`'s line of the env file at `file`.
    case envFile(URL, variable: String)
    /// Run a command with the URL in `CUTOVER_TARGET_URL`.
    case hook(String)
  }

  public var exportDirectory: URL
  public var source: ConnectionTarget
  public var target: ConnectionTarget
  /// The target's URL as the application will use it (a secret: written, never printed).
  public var targetURL: String
  public var mappings: URL
  public var method: Method
  /// `--no-approval`: refused in a final run.
  public var withoutApproval: Bool

  public init(
    exportDirectory: URL, source: ConnectionTarget, target: ConnectionTarget, targetURL: String,
    mappings: URL,
    method: Method, withoutApproval: Bool = false
  ) {
    self.exportDirectory = exportDirectory
    self.source = source
    self.target = target
    self.targetURL = targetURL
    self.mappings = mappings
    self.method = method
    self.withoutApproval = withoutApproval
  }

  /// What a switch did.
  public struct Outcome: Sendable {
    public var record: SwitchRecord
    /// It had already switched: nothing changed.
    public var alreadySwitched: Bool

    public var text: String {
      let how = record.envFile.map { "\($0) (\(record.envVariable ?? ""))" } ?? "the hook"
      if alreadySwitched {
        return
          "already switched at \(record.switchedAt.formatted(.iso8601)) through \(how); `cutover rollback` points it back"
      }
      return "switched the application to the target through \(how)"
        + (record.withoutApproval ? " without an approval (--no-approval)" : "")
        + "; `cutover rollback` points it back"
    }
  }

  public func run(logger: Logger) async throws -> Outcome {
    let connectionSwitch = self
    let gates = try await onDedicatedThread(named: "cutover-switch") {
      try connectionSwitch.passGates(logger: logger)
    }
    if let done = gates.done { return done }
    guard let reportSHA256 = gates.reportSHA256 else {
      throw GateError(.refused, "the gates did not pass", nextStep: "run `cutover switch` again")
    }
    try await recheckTarget(logger: logger)
    let existing = gates.existing
    let outcome = try await onDedicatedThread(named: "cutover-switch") {
      try connectionSwitch.perform(reportSHA256: reportSHA256, existing: existing, logger: logger)
    }
    // The directory's lock is held from the gates to the switch's record.
    withExtendedLifetime(gates.lock) {}
    return outcome
  }

  /// The target's rows digested again against the export's source digests, right before the
  /// switch: the approved report says what the target held when it was verified, not now (a
  /// write since, or a report edited by hand to look green, must not reach production).
  private func recheckTarget(logger: Logger) async throws {
    guard
      FileManager.default.fileExists(
        atPath: exportDirectory.appendingPathComponent(ExportManifest.fileName).path)
    else { return }
    var options = VerifyOptions(
      exportDirectory: exportDirectory, target: target, mappings: mappings,
      chain: exportDirectory.appendingPathComponent("unused-chain"))
    options.checksBeyondRows = false
    options.writesReport = false
    let recheck = try await Verifier(options: options).run(logger: logger)
    let differing = recheck.tables.filter { !$0.status.isGreen }
    guard differing.isEmpty else {
      throw GateError(
        .refused,
        "the target's rows no longer match the export:\n"
          + differing.prefix(20).map {
            "  - \($0.target): \($0.status.rawValue)\($0.reason.map { " (\($0))" } ?? "")"
          }
          .joined(separator: "\n"),
        nextStep: "find out who wrote to the target; `cutover verify` again, review, approve, then switch")
    }
  }

  /// What the gates let through: the report's SHA-256 to switch on, or the outcome of a
  /// switch already made; the directory's lock is held until the switch is done.
  private struct Gates: Sendable {
    var lock: ExportDirectory
    var existing: SwitchRecord?
    var reportSHA256: String?
    var done: Outcome?
  }

  private func passGates(logger: Logger) throws -> Gates {
    guard
      FileManager.default.fileExists(
        atPath: exportDirectory.appendingPathComponent(ExportManifest.fileName).path)
    else {
      throw GateError(
        .refused, "\(exportDirectory.path) holds no finished export (no \(ExportManifest.fileName))",
        nextStep: "export, import and verify first")
    }
    // One gate command at a time per export directory (and never beside an export or import).
    let lock = try ExportDirectory.lock(exportDirectory)
    let existing = try GateFiles.read(SwitchRecord.self, GateFiles.switchRecord, in: exportDirectory)
    if let existing, existing.state == .switched {
      return Gates(lock: lock, existing: existing, done: Outcome(record: existing, alreadySwitched: true))
    }
    return Gates(lock: lock, existing: existing, reportSHA256: try checkGates(logger: logger))
  }

  private func perform(reportSHA256: String, existing: SwitchRecord?, logger: Logger) throws -> Outcome {
    let counters = try PGConnection(target, applicationName: "cutover switch").countersAndLSN()

    var record = SwitchRecord(
      state: .switching, reportSHA256: reportSHA256, withoutApproval: withoutApproval,
      targetCounters: counters.counters, targetWalLSN: counters.lsn, targetXid: counters.xid,
      switchedAt: Date())
    switch method {
    case .envFile(let file, let variable):
      record.envFile = file.path
      record.envVariable = variable
      // An interrupted switch already saved the original: never overwrite it with ours.
      if let existing, existing.state == .switching, existing.envFile == file.path {
        record.envFileExisted = existing.envFileExisted
      } else {
        let previous = try EnvFile.read(file)
        record.envFileExisted = previous != nil
        try DurableFile.write(
          previous ?? Data(), to: exportDirectory.appendingPathComponent(GateFiles.previousEnvFile))
      }
      try GateFiles.write(record, GateFiles.switchRecord, in: exportDirectory)
      let current = try EnvFile.read(file)
      try EnvFile.replace(file, with: EnvFile.setting(variable, to: targetURL, in: current))
    case .hook(let command):
      record.hook = command
      try GateFiles.write(record, GateFiles.switchRecord, in: exportDirectory)
      do {
        try SwitchHook(command: command, exportDirectory: exportDirectory).run(
          url: targetURL, direction: "switch", redact: { source.redact(target.redact($0)) })
      } catch {
        try? FileManager.default.removeItem(
          at: exportDirectory.appendingPathComponent(GateFiles.switchRecord))
        throw error
      }
    }
    record.state = .switched
    record.switchedAt = Date()
    try GateFiles.write(record, GateFiles.switchRecord, in: exportDirectory)
    try Journal(directory: exportDirectory).append(
      GateJournalRecord.ConnectionSwitched(
        method: record.envFile.map { "env file \($0) (\(record.envVariable ?? ""))" } ?? "hook",
        reportSHA256: reportSHA256, withoutApproval: withoutApproval, targetWalLSN: record.targetWalLSN))
    logger.info("switched the application to \(target)")
    return Outcome(record: record, alreadySwitched: false)
  }

  /// Every gate before the switch, in the order an operator fixes them.
  /// - Returns: the report's SHA-256.
  func checkGates(logger: Logger) throws -> String {
    let directory = exportDirectory.path
    guard let manifest = try ExportManifest.read(directory: exportDirectory),
      let manifestSHA256 = try Approve.manifestSHA256(in: exportDirectory)
    else {
      throw GateError(
        .refused, "\(directory) holds no finished export (no \(ExportManifest.fileName))",
        nextStep: "export, import and verify first")
    }
    guard let read = try ParityReport.read(directory: exportDirectory) else {
      throw GateError(
        .refused, "\(directory) holds no \(ParityReport.fileName)",
        nextStep: "run `cutover verify`, review the report, `cutover approve` it, then switch")
    }
    let (report, reportSHA256) = read
    guard report.verdict == .green else {
      throw GateError(
        .refused,
        "the report is red:\n" + report.failures.prefix(20).map { "  - \($0)" }.joined(separator: "\n"),
        nextStep: "fix what differs, run `cutover verify` again, approve the green report, then switch")
    }
    guard report.export.manifestSHA256 == manifestSHA256 else {
      throw GateError(
        .refused,
        "the report checked another export (manifest sha256 \(report.export.manifestSHA256), this export's is \(manifestSHA256))",
        nextStep: "run `cutover verify` against this export, approve it, then switch")
    }
    if let finished = manifest.source.finishedAt, report.startedAt < finished {
      throw GateError(
        .refused,
        "the report (started \(report.startedAt.formatted(.iso8601))) is older than the export (finished \(finished.formatted(.iso8601)))",
        nextStep: "run `cutover verify` again, approve the new report, then switch")
    }
    let entries = try Journal.read(directory: exportDirectory)
    if withoutApproval {
      // `run` keeps its step records in their own journal (run.jsonl).
      let runEntries = try Journal.read(directory: exportDirectory, fileName: RunJournalRecord.fileName)
      if try GateJournalRecord.isFinalRun(entries + runEntries) {
        throw GateError(
          .refused, "--no-approval is refused: the journal of \(directory) records a final run",
          nextStep:
            "have the report reviewed and `cutover approve --by NAME`, then switch without --no-approval")
      }
    } else {
      var latest: Approval?
      for entry in entries { if let approval = try entry.decode(Approval.self) { latest = approval } }
      guard let latest else {
        throw GateError(
          .refused, "the report is not approved",
          nextStep:
            "review report.md or report.html, then `cutover approve --by NAME --export-dir \(directory)`")
      }
      guard latest.reportSHA256 == reportSHA256 else {
        throw GateError(
          .refused,
          "the approval (\(latest.text)) is of another report: report.json is now sha256 \(reportSHA256)",
          nextStep: "review the current report, approve it, then switch")
      }
    }
    if !withoutApproval {
      let freeze = try GateFiles.read(FreezeRecord.self, GateFiles.freeze, in: exportDirectory)
      guard let freeze, freeze.active else {
        throw GateError(
          .refused, "the source is not frozen: writes after the drift check would be lost",
          nextStep: "`cutover freeze`, then switch (a final run freezes before its export)")
      }
      let guarded = try Freeze.guardedNow(on: PGConnection(source, applicationName: "cutover switch"))
      let unguarded = freeze.tables.map(\.name).filter { !guarded.contains($0) }
      guard unguarded.isEmpty else {
        throw GateError(
          .refused,
          "the freeze guard is gone from \(unguarded.map(\.description).joined(separator: ", ")) (dropped by someone)",
          nextStep: "`cutover freeze` again, then switch")
      }
    }
    let drift = try SourceDrift(
      source: source, target: target, exportDirectory: exportDirectory, mappings: mappings
    )
    .checkBlocking(logger: logger)
    guard drift.isEmpty else {
      throw GateError(
        .refused,
        "the source changed since the export:\n" + drift.map { "  - \($0)" }.joined(separator: "\n"),
        nextStep:
          "freeze the source, export, import and verify again (`cutover run --final`), approve, then switch")
    }
    return reportSHA256
  }
}

extension PGConnection {
  /// The target's write counters, WAL position and a transaction id of the moment.
  fileprivate func countersAndLSN() throws -> (counters: [TableWriteCounters], lsn: String, xid: String) {
    let counters = try TableWriteCounters.read(on: self)
    let row = try execute(
      "SELECT pg_current_wal_lsn()::text AS l, (txid_current() % 4294967296)::text AS x",
      doing: "reading the target's WAL position and transaction id"
    ).one()
    return (counters, try row.string("l"), try row.string("x"))
  }
}
