import Foundation

/// The gates' journal records (besides `Approval`, kind `report_approved`).
public enum GateJournalRecord {
  /// The source was frozen (or a freeze was repeated and added tables).
  public struct SourceFrozen: JournalPayload, Equatable {
    public static var kind: String { "source_frozen" }
    /// Tables guarded by this run (empty when all already were).
    public var added: [QualifiedName]
    /// Tables guarded in all.
    public var guarded: Int
    /// The trigger put on each added table and the function it calls.
    public var trigger: String
    /// Whether this run created the `cutover` schema (for the function).
    public var createdSchema: Bool
    public var roles: [String]
    public var sessionsEnded: Int
    public var final: Bool
  }

  /// The source was unfrozen: every guard trigger dropped.
  public struct SourceUnfrozen: JournalPayload, Equatable {
    public static var kind: String { "source_unfrozen" }
    public var tables: [QualifiedName]
    /// Triggers or ACLs that differ from what they were before the freeze (empty: restored exactly).
    public var differences: [String]
  }

  /// The application was pointed at the target.
  public struct ConnectionSwitched: JournalPayload, Equatable {
    public static var kind: String { "connection_switched" }
    /// "env file PATH (VAR)" or "hook".
    public var method: String
    public var reportSHA256: String
    /// Switched with `--no-approval` (never in a final run).
    public var withoutApproval: Bool
    public var targetWalLSN: String
  }

  /// The application was pointed back at the source.
  public struct ConnectionRolledBack: JournalPayload, Equatable {
    public static var kind: String { "connection_rolled_back" }
    public var method: String
    /// Target writes discarded with `--discard-target-writes`, one line per table.
    public var discardedTargetWrites: [String]
  }

  /// The start of a `cutover run`, as far as the gates read it: whether it was `--final`.
  ///
  /// Written by `run` (kind `run_started`); other fields of its payload are ignored here.
  public struct RunStarted: JournalPayload, Equatable {
    public static var kind: String { "run_started" }
    public var final: Bool?

    public init(final: Bool?) { self.final = final }
  }

  /// Whether the journal records a final run: a `run_started` with `final: true` or a
  /// `source_frozen` of a final run.
  public static func isFinalRun(_ entries: [JournalEntry]) throws -> Bool {
    for entry in entries {
      if let run = try entry.decode(RunStarted.self), run.final == true { return true }
      if let frozen = try entry.decode(SourceFrozen.self), frozen.final { return true }
    }
    return false
  }
}
