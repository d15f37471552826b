/// One privilege granted on a table, or on one of its columns (`aclexplode` of the ACLs).
///
/// Only explicit grants appear: a table whose ACL was never changed has none (its owner's
/// implicit privileges are not listed).
public struct CatalogGrant: Sendable, Hashable, Comparable, Codable {
  /// The role granted to, `PUBLIC` for everyone.
  public var grantee: String
  /// `SELECT`, `INSERT`, `UPDATE`, `DELETE`, `TRUNCATE`, `REFERENCES`, `TRIGGER`.
  public var privilege: String
  /// The column, for a column grant.
  public var column: String?
  public var grantor: String
  /// `WITH GRANT OPTION`.
  public var grantable: Bool

  public init(
    grantee: String, privilege: String, column: String? = nil, grantor: String, grantable: Bool = false
  ) {
    self.grantee = grantee
    self.privilege = privilege
    self.column = column
    self.grantor = grantor
    self.grantable = grantable
  }

  public static func < (lhs: Self, rhs: Self) -> Bool {
    (lhs.column ?? "", lhs.grantee, lhs.privilege, lhs.grantor) < (
      rhs.column ?? "", rhs.grantee, rhs.privilege, rhs.grantor
    )
  }
}
