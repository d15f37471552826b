import Foundation
import Logging

/// `cutover rollback`: points the application back at the source and unfreezes it.
///
/// First it compares the target's write counters with those `switch` recorded: rows written
/// on the target since the switch would be lost by going back, so it refuses, listing the
/// tables, unless `discardTargetWrites`. Counters are good enough here, unlike for the
/// source's drift check: cutover created the target, nothing resets its statistics between
/// switch and rollback, and a session's writes are reported when it ends or, idle, within
/// about 10 seconds. For a writer still connected, rows inserted or updated since the
/// switch are also found by `xmin` (newer than a transaction id taken at the switch), which
/// does not wait for the statistics; only a delete by a session still connected may take
/// those seconds to show (stop the application before rolling back). Then it
/// restores the env file byte for byte from the copy `switch` kept (removes it when the
/// switch created it) or runs the hook with the source's URL, and unfreezes the source.
/// Idempotent: after a rollback, a second one finds nothing switched and nothing frozen.
public struct Rollback: Sendable {
  public var exportDirectory: URL
  public var source: ConnectionTarget
  public var target: ConnectionTarget
  /// The source's URL for a hook switch (a secret, handed to the hook only).
  public var sourceURL: String?
  public var discardTargetWrites: Bool

  public init(
    exportDirectory: URL, source: ConnectionTarget, target: ConnectionTarget, sourceURL: String? = nil,
    discardTargetWrites: Bool = false
  ) {
    self.exportDirectory = exportDirectory
    self.source = source
    self.target = target
    self.sourceURL = sourceURL
    self.discardTargetWrites = discardTargetWrites
  }

  /// What a rollback did.
  public struct Outcome: Sendable {
    /// False when no switch was in effect (only the unfreeze ran, if needed).
    public var rolledBack: Bool
    public var method: String?
    public var discarded: [String]
    public var unfreeze: Unfreeze.Outcome

    public var text: String {
      var lines = [
        rolledBack
          ? "pointed the application back at the source through \(method ?? "")"
          : "no switch is in effect: the application was not pointed anywhere"
      ]
      if !discarded.isEmpty {
        lines.append("discarded target writes:\n" + discarded.map { "  - \($0)" }.joined(separator: "\n"))
      }
      lines.append(unfreeze.text)
      return lines.joined(separator: "\n")
    }
  }

  public func run(logger: Logger) async throws -> Outcome {
    let rollback = self
    return try await onDedicatedThread(named: "cutover-rollback") { try rollback.runBlocking(logger: logger) }
  }

  /// `run`, on the calling thread: blocks on both databases (call it on a dedicated thread).
  public func runBlocking(logger: Logger) throws -> Outcome {
    // One gate command at a time per export directory (and never beside an export or import).
    let lock =
      FileManager.default.fileExists(atPath: exportDirectory.path)
      ? try ExportDirectory.lock(exportDirectory) : nil
    defer { withExtendedLifetime(lock) {} }
    guard var record = try GateFiles.read(SwitchRecord.self, GateFiles.switchRecord, in: exportDirectory),
      record.state != .rolledBack
    else {
      return Outcome(
        rolledBack: false, method: nil, discarded: [], unfreeze: try unfreezeSource(logger: logger))
    }
    let targetConnection = try PGConnection(target, applicationName: "cutover rollback")
    let now = try TableWriteCounters.read(on: targetConnection)
    var written = TableWriteCounters.writes(since: record.targetCounters, now: now)
    if let xid = record.targetXid {
      // The counters may lag a writer that is still connected; xmin does not.
      let counted = Set(written.compactMap { $0.split(separator: ":").first.map(String.init) })
      written += try TableWriteCounters.rowsWritten(
        sinceXid: xid, tables: now.map(\.table).filter { !counted.contains("\($0)") }, on: targetConnection)
    }
    if !written.isEmpty && !discardTargetWrites {
      throw GateError(
        .refused,
        "the target took writes since the switch; going back would lose them:\n"
          + written.map { "  - \($0)" }.joined(separator: "\n"),
        nextStep:
          "keep the target (fix forward), or copy those rows back to the source first, then `cutover rollback --discard-target-writes`"
      )
    }
    let method: String
    if let file = record.envFile {
      let url = URL(fileURLWithPath: file)
      method = "env file \(file) (\(record.envVariable ?? ""))"
      if record.envFileExisted == false {
        try EnvFile.remove(url)
      } else {
        let saved = exportDirectory.appendingPathComponent(GateFiles.previousEnvFile)
        guard let previous = try EnvFile.read(saved) else {
          throw GateError(
            .io, "\(saved.path), the env file's content before the switch, is missing",
            nextStep: "restore it from a backup of the export directory, or edit \(file) by hand")
        }
        try EnvFile.replace(url, with: previous)
      }
    } else if let hook = record.hook {
      guard let sourceURL else {
        throw GateError(
          .usage, "the switch ran a hook: rollback needs the source's URL to hand it",
          nextStep: "pass --source or set SOURCE_DATABASE_URL")
      }
      method = "the hook"
      try SwitchHook(command: hook, exportDirectory: exportDirectory).run(
        url: sourceURL, direction: "rollback", redact: { source.redact(target.redact($0)) })
    } else {
      throw GateError(
        .usage, "\(GateFiles.switchRecord) records neither an env file nor a hook",
        nextStep: "restore it from a backup of the export directory")
    }
    record.state = .rolledBack
    record.rolledBackAt = Date()
    try GateFiles.write(record, GateFiles.switchRecord, in: exportDirectory)
    try Journal(directory: exportDirectory).append(
      GateJournalRecord.ConnectionRolledBack(method: method, discardedTargetWrites: written))
    logger.info("rolled back to \(source)")
    return Outcome(
      rolledBack: true, method: method, discarded: written, unfreeze: try unfreezeSource(logger: logger))
  }

  private func unfreezeSource(logger: Logger) throws -> Unfreeze.Outcome {
    let connection = try PGConnection(source, applicationName: "cutover rollback")
    return try Unfreeze(source: source, exportDirectory: exportDirectory).unfreeze(
      on: connection, logger: logger)
  }
}
