/// One allow-list entry (config `[[policy_behaviour.accept]]`): a difference in visible rows
/// the v2 policies make on purpose, with the reason a reviewer reads in the report.
public struct PolicyAcceptance: Sendable, Equatable {
  /// The target table, `schema.name`.
  public var table: String
  /// Whom it covers: "anon", "authenticated" (every sampled user) or "*" (both).
  public var subject: String
  /// Why the difference is intended; required and shown in the report.
  public var reason: String
  /// Where the entry was written ("cutover.toml:42"), for messages.
  public var location: String?

  public init(table: String, subject: String, reason: String, location: String? = nil) {
    self.table = table
    self.subject = subject
    self.reason = reason
    self.location = location
  }

  /// Whether the entry covers `subject` ("anon" or a sampled user) on `table`.
  public func covers(table: QualifiedName, anon: Bool) -> Bool {
    guard self.table == table.description else { return false }
    switch subject {
    case "*": return true
    case "anon": return anon
    case "authenticated": return !anon
    default: return false
    }
  }
}
