import Foundation

/// `freeze.json`: exactly what `freeze` changed on the source, so `unfreeze` undoes exactly that.
///
/// Holds, per guarded table, the triggers and the ACL it had before (compared again after
/// `unfreeze`), whether cutover created the `cutover` schema, and the roles whose sessions
/// it ended. Rewritten (durably) before and after each change.
public struct FreezeRecord: Codable, Sendable, Equatable {
  /// The guard function's schema, name and the trigger name on every guarded table.
  public static let schema = "cutover"
  public static let function = "freeze_guard"
  public static let trigger = "cutover_freeze_guard"
  /// The setting cutover's own sessions set to pass the guard.
  public static let bypassSetting = "cutover.freeze_bypass"

  /// One guarded table and what it had before the freeze.
  public struct Table: Codable, Sendable, Equatable {
    public var name: QualifiedName
    public var owner: String
    /// `pg_get_triggerdef` of each of its own (not internal) triggers, by name, before.
    public var triggersBefore: [String]
    /// `pg_class.relacl` as text before (nil: the default privileges).
    public var aclBefore: String?
  }

  public var version = 1
  /// Whether the guard is in place (false after `unfreeze`).
  public var active: Bool
  /// Made by `run --final`: `switch --no-approval` is refused from then on.
  public var final: Bool
  public var database: String
  public var systemIdentifier: String?
  /// The role cutover connected as.
  public var connectedAs: String
  public var frozenAt: Date
  public var unfrozenAt: Date?
  /// Whether `freeze` created the `cutover` schema (and `unfreeze` drops it).
  public var createdSchema: Bool
  public var tables: [Table]
  /// The roles whose sessions were ended: API, platform admins, the application's, owners.
  public var roles: [String]
  /// Sessions ended, over every `freeze` run.
  public var sessionsEnded: Int
}
