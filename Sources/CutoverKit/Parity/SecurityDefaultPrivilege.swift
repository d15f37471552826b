/// One default privilege (`ALTER DEFAULT PRIVILEGES`): what objects `owner` creates later in
/// `schema` grant to `grantee`, from `pg_default_acl`.
public struct SecurityDefaultPrivilege: Codable, Sendable, Hashable, Comparable, CustomStringConvertible {
  /// The role whose new objects it covers (`FOR ROLE`).
  public var owner: String
  /// The schema (`IN SCHEMA`), nil for every schema.
  public var schema: String?
  /// `tables`, `sequences`, `functions`, `types` or `schemas`.
  public var objects: String
  public var grantee: String
  public var privilege: String
  public var grantable: Bool

  public init(
    owner: String, schema: String?, objects: String, grantee: String, privilege: String, grantable: Bool
  ) {
    self.owner = owner
    self.schema = schema
    self.objects = objects
    self.grantee = grantee
    self.privilege = privilege
    self.grantable = grantable
  }

  public static func < (lhs: Self, rhs: Self) -> Bool { lhs.description < rhs.description }

  /// "FOR ROLE postgres IN SCHEMA app GRANT SELECT ON tables TO anon".
  public var description: String {
    "FOR ROLE \(owner)\(schema.map { " IN SCHEMA \($0)" } ?? "") GRANT \(privilege) ON \(objects) TO \(grantee)"
      + (grantable ? " WITH GRANT OPTION" : "")
  }
}
