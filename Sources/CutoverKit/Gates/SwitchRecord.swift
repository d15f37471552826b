import Foundation

/// `switch.json`: how the application was pointed at the target and what `rollback` needs.
public struct SwitchRecord: Codable, Sendable, Equatable {
  /// Where a switch stands.
  public enum State: String, Codable, Sendable {
    /// The previous env file is saved; the rewrite or hook may not have happened yet.
    case switching
    /// The application points at the target.
    case switched
    /// `rollback` pointed it back.
    case rolledBack = "rolled back"
  }

  public var version = 1
  public var state: State
  /// An env-file switch: the file and variable; nil for a hook.
  public var envFile: String?
  public var envVariable: String?
  /// Whether the env file existed before (rollback removes a file the switch created).
  public var envFileExisted: Bool?
  /// A hook switch: the command (it receives the URL in `CUTOVER_TARGET_URL`).
  public var hook: String?
  /// The approved report the switch went by.
  public var reportSHA256: String
  /// Whether the switch went without an approval (`--no-approval`).
  public var withoutApproval: Bool
  /// The target's write counters when the application was switched.
  public var targetCounters: [TableWriteCounters]
  /// `pg_current_wal_lsn()` on the target then.
  public var targetWalLSN: String
  /// A transaction id taken on the target at the switch (32-bit, as `xmin` shows it): rows
  /// whose `xmin` is newer were written after the switch.
  public var targetXid: String?
  public var switchedAt: Date
  public var rolledBackAt: Date?
}
