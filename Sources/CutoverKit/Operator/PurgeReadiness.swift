import Foundation

/// Whether an export directory's cutover is finished, read from its journal and report.
///
/// Finished means nothing will read the rows again: the application was switched to the
/// target (and not rolled back since), or — for a dry run that never froze the source — the
/// rehearsal ended with a report. A frozen source without a switch, or a rollback after the
/// switch, means the export may be needed again.
public struct PurgeReadiness: Sendable {
  /// Journal kinds that mean the source was frozen (a final run), the switch, a rollback.
  static let freezeKinds: Set<String> = [GateJournalRecord.SourceFrozen.kind]
  static let switchKinds: Set<String> = [GateJournalRecord.ConnectionSwitched.kind]
  static let rollbackKinds: Set<String> = [GateJournalRecord.ConnectionRolledBack.kind]

  public var isFinished: Bool
  /// Why, in words, for the operator.
  public var reason: String

  /// Reads `directory`'s journal (and whether it has a report).
  /// - Throws: `PurgeError` `.io` when the journal cannot be read.
  public static func read(directory: URL) throws -> PurgeReadiness {
    let entries: [JournalEntry]
    do {
      entries = try Journal.read(directory: directory)
    } catch {
      throw PurgeError(
        .io, "cannot read the journal of \(directory.path): \(error)",
        nextStep: "check the directory; pass --force to remove it anyway")
    }
    let lastSwitch = entries.last { switchKinds.contains($0.kind) }
    let lastRollback = entries.last { rollbackKinds.contains($0.kind) }
    if let lastSwitch {
      if let lastRollback, lastRollback.lineNumber > lastSwitch.lineNumber {
        return PurgeReadiness(
          isFinished: false,
          reason:
            "the switch was rolled back (journal line \(lastRollback.lineNumber)); the export may be needed again"
        )
      }
      return PurgeReadiness(
        isFinished: true, reason: "the application was switched (journal line \(lastSwitch.lineNumber))")
    }
    if let freeze = entries.first(where: { freezeKinds.contains($0.kind) }) {
      return PurgeReadiness(
        isFinished: false,
        reason:
          "this is a final cutover (source frozen, journal line \(freeze.lineNumber)) and it has not switched"
      )
    }
    let report = directory.appendingPathComponent(ParityReport.fileName)
    if FileManager.default.fileExists(atPath: report.path) {
      return PurgeReadiness(isFinished: true, reason: "a dry run that ended with a parity report")
    }
    return PurgeReadiness(
      isFinished: false, reason: "no parity report yet: the rehearsal has not been verified")
  }
}
