/// A row-level security policy of a table.
public struct CatalogPolicy: Sendable, Hashable, Codable {
  public var name: String
  /// `ALL`, `SELECT`, `INSERT`, `UPDATE` or `DELETE`.
  public var command: String
  /// False for `AS RESTRICTIVE`.
  public var permissive: Bool
  /// The roles it applies to (`public` for all), sorted.
  public var roles: [String]
  /// `USING (…)` and `WITH CHECK (…)` as `pg_get_expr` prints them.
  public var using: String?
  public var withCheck: String?

  public init(
    name: String, command: String, permissive: Bool = true, roles: [String] = ["public"],
    using: String? = nil, withCheck: String? = nil
  ) {
    self.name = name
    self.command = command
    self.permissive = permissive
    self.roles = roles
    self.using = using
    self.withCheck = withCheck
  }
}
