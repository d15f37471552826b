/// Security checks of a migrated target against what the v2 chain defines, catalog to
/// catalog: row-level security enabled (and forced) on every application table as the chain
/// has it, exactly the chain's policies (name, command, permissive or restrictive, roles,
/// `USING` and `WITH CHECK` as the server prints them, as `pg_policies` shows them), the
/// table and column grants and the default privileges of Supabase's API roles.
///
/// `expected` is the chain applied to a scratch database (`StructureChecks.expected`).
/// Tables of the platform's schemas (`storage.objects`) are compared by their policies only:
/// their RLS and grants are Supabase's. Blocking: `run` uses the connection on its thread.
public struct SecurityChecks: Sendable {
  /// The roles whose grants and default privileges are compared (PostgREST's, and PUBLIC,
  /// whose grants every role has).
  public static let apiRoles = ["anon", "authenticated", "service_role", "PUBLIC"]

  public var expected: StructureChecks.Expected
  public var roles: [String]

  public init(expected: StructureChecks.Expected, roles: [String] = SecurityChecks.apiRoles) {
    self.expected = expected
    self.roles = roles
  }

  /// Reads the target's catalog and default privileges and compares them with the chain's.
  ///
  /// - Throws: `PostgresError` when the target cannot be read.
  public func run(on connection: PGConnection) throws -> [ParityCheck] {
    compare(with: try StructureChecks.Expected.read(from: connection))
  }

  /// The checks of `actual` against `expected`.
  public func compare(with actual: StructureChecks.Expected) -> [ParityCheck] {
    var checks: [ParityCheck] = []
    var tables = 0
    var policies = 0
    var grants = 0
    for table in StructureChecks.applicationTables(expected.catalog) {
      guard let found = actual.catalog.table(table.name) else {
        checks.append(
          fail(
            "table", "\(table.name)", "the target lacks \(table.name), which the v2 chain defines",
            "migrate the target with the v2 chain (`cutover migrate`)"))
        continue
      }
      tables += 1
      checks += rowSecurity(table, found)
      checks += self.policies(table, found)
      policies += table.policies.count
      checks += self.grants(table, found)
      grants += table.grants.filter { roles.contains($0.grantee) }.count
    }
    // Platform tables the chain gives policies (storage.objects): their policies only.
    for table in expected.catalog.tables
    where ExportTableSelection.platformSchemas.contains(table.name.schema) && !table.policies.isEmpty {
      guard let found = actual.catalog.table(table.name) else { continue }
      checks += self.policies(table, found)
      policies += table.policies.count
    }
    checks += defaultPrivileges(actual.defaultPrivileges)
    if !checks.contains(where: { $0.status == .fail }) {
      checks.append(
        ParityCheck(
          category: .security, name: "rls, policies and grants", subject: "the v2 chain's security",
          status: .pass,
          message:
            "\(tables) tables with row-level security as the chain sets it, \(policies) policies and \(grants) grants to \(roles.joined(separator: ", ")) exactly as the chain defines them, and its default privileges"
        ))
    }
    return checks
  }

  private func fail(_ name: String, _ subject: String, _ message: String, _ nextStep: String) -> ParityCheck {
    ParityCheck(
      category: .security, name: name, subject: subject, status: .fail, message: message, nextStep: nextStep)
  }

  /// RLS enabled and forced as the chain has it; an application table the chain leaves
  /// without RLS is a warning (every row is open to whoever holds a grant).
  func rowSecurity(_ chain: CatalogTable, _ target: CatalogTable) -> [ParityCheck] {
    var checks: [ParityCheck] = []
    let name = chain.name
    if chain.rowSecurityEnabled != target.rowSecurityEnabled {
      checks.append(
        fail(
          "rls enabled", "\(name)",
          target.rowSecurityEnabled
            ? "row-level security is enabled on the target; the v2 chain leaves it off"
            : "row-level security is disabled on the target: every row is open to any role with a grant; the v2 chain enables it",
          "ALTER TABLE \(name.quoted) \(chain.rowSecurityEnabled ? "ENABLE" : "DISABLE") ROW LEVEL SECURITY"))
    } else if !chain.rowSecurityEnabled {
      checks.append(
        ParityCheck(
          category: .security, name: "rls enabled", subject: "\(name)", status: .warning,
          message: "the v2 chain leaves row-level security off on \(name)",
          nextStep: "enable it in the chain unless the table is meant to be open to every grantee"))
    }
    if chain.rowSecurityForced != target.rowSecurityForced {
      checks.append(
        fail(
          "rls forced", "\(name)",
          "FORCE ROW LEVEL SECURITY is \(target.rowSecurityForced ? "on" : "off") on the target; the v2 chain has it \(chain.rowSecurityForced ? "on" : "off")",
          "ALTER TABLE \(name.quoted) \(chain.rowSecurityForced ? "" : "NO ")FORCE ROW LEVEL SECURITY"))
    }
    return checks
  }

  /// Exactly the chain's policies, compared field by field.
  func policies(_ chain: CatalogTable, _ target: CatalogTable) -> [ParityCheck] {
    var checks: [ParityCheck] = []
    let found = Dictionary(target.policies.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    let defined = Set(chain.policies.map(\.name))
    for policy in chain.policies {
      let subject = "policy \(policy.name) on \(chain.name)"
      guard let other = found[policy.name] else {
        checks.append(
          fail(
            "policy exists", subject, "the target lacks \(subject), which the v2 chain defines",
            "re-create it from the chain's migration (\(describe(policy)))"))
        continue
      }
      let differences = Self.differences(policy, other)
      if !differences.isEmpty {
        checks.append(
          fail(
            "policy definition", subject,
            "\(subject) differs from the v2 chain's: " + differences.joined(separator: "; "),
            "drop it and re-create it as the chain defines it (\(describe(policy)))"))
      }
    }
    for policy in target.policies where !defined.contains(policy.name) {
      checks.append(
        fail(
          "policy defined by the chain", "policy \(policy.name) on \(chain.name)",
          "the target has policy \(policy.name) on \(chain.name) (\(describe(policy))), which the v2 chain does not define",
          "DROP POLICY \(QualifiedName.quote(policy.name)) ON \(chain.name.quoted), or add it to the chain"))
    }
    return checks
  }

  /// What differs between the chain's `policy` and the target's `other`, one phrase each.
  public static func differences(_ policy: CatalogPolicy, _ other: CatalogPolicy) -> [String] {
    var differences: [String] = []
    if policy.command != other.command {
      differences.append("command \(other.command) (chain: \(policy.command))")
    }
    if policy.permissive != other.permissive {
      differences.append(
        other.permissive ? "permissive (chain: restrictive)" : "restrictive (chain: permissive)")
    }
    if policy.roles != other.roles {
      differences.append(
        "roles \(other.roles.joined(separator: ", ")) (chain: \(policy.roles.joined(separator: ", ")))")
    }
    if policy.using != other.using {
      differences.append("USING \(other.using ?? "none") (chain: \(policy.using ?? "none"))")
    }
    if policy.withCheck != other.withCheck {
      differences.append("WITH CHECK \(other.withCheck ?? "none") (chain: \(policy.withCheck ?? "none"))")
    }
    return differences
  }

  private func describe(_ policy: CatalogPolicy) -> String {
    "\(policy.permissive ? "PERMISSIVE" : "RESTRICTIVE") FOR \(policy.command) TO \(policy.roles.joined(separator: ", "))"
      + (policy.using.map { " USING (\($0))" } ?? "") + (policy.withCheck.map { " WITH CHECK (\($0))" } ?? "")
  }

  /// A grant as compared: the grantor is left out (another role may have run the chain).
  private struct Grant: Hashable, Comparable, CustomStringConvertible {
    var grantee: String
    var privilege: String
    var column: String?
    var grantable: Bool

    static func < (lhs: Self, rhs: Self) -> Bool { lhs.description < rhs.description }

    var description: String {
      "\(privilege)\(column.map { " (\($0))" } ?? "") TO \(grantee)\(grantable ? " WITH GRANT OPTION" : "")"
    }
  }

  /// Table and column grants to `roles`, exactly the chain's.
  func grants(_ chain: CatalogTable, _ target: CatalogTable) -> [ParityCheck] {
    func set(_ table: CatalogTable) -> Set<Grant> {
      Set(
        table.grants.filter { roles.contains($0.grantee) }.map {
          Grant(grantee: $0.grantee, privilege: $0.privilege, column: $0.column, grantable: $0.grantable)
        })
    }
    let defined = set(chain)
    let found = set(target)
    var checks: [ParityCheck] = []
    for grant in found.subtracting(defined).sorted() {
      checks.append(
        fail(
          "grant", "\(chain.name) \(grant)",
          "the target grants \(grant) on \(chain.name)\(grant.column == nil ? "" : " (column)"); the v2 chain does not",
          "REVOKE \(grant.privilege)\(grant.column.map { " (\(QualifiedName.quote($0)))" } ?? "") ON \(chain.name.quoted) FROM \(grant.grantee)"
        ))
    }
    for grant in defined.subtracting(found).sorted() {
      checks.append(
        fail(
          "grant", "\(chain.name) \(grant)",
          "the target lacks the v2 chain's grant \(grant) on \(chain.name)",
          "GRANT \(grant.privilege)\(grant.column.map { " (\(QualifiedName.quote($0)))" } ?? "") ON \(chain.name.quoted) TO \(grant.grantee)"
        ))
    }
    return checks
  }

  /// The default privileges granted to `roles` in the schemas of the chain's application
  /// tables (and for every schema), exactly the chain's.
  func defaultPrivileges(_ actual: [SecurityDefaultPrivilege]) -> [ParityCheck] {
    let schemas = Set(StructureChecks.applicationTables(expected.catalog).map(\.name.schema))
    func relevant(_ privileges: [SecurityDefaultPrivilege]) -> Set<SecurityDefaultPrivilege> {
      Set(privileges.filter { roles.contains($0.grantee) && ($0.schema.map(schemas.contains) ?? true) })
    }
    let defined = relevant(expected.defaultPrivileges)
    let found = relevant(actual)
    var checks: [ParityCheck] = []
    for privilege in found.subtracting(defined).sorted() {
      checks.append(
        fail(
          "default privilege", "\(privilege)",
          "the target's default privileges grant \(privilege); the v2 chain's do not: objects created later would be open to \(privilege.grantee)",
          "ALTER DEFAULT PRIVILEGES FOR ROLE \(QualifiedName.quote(privilege.owner))\(privilege.schema.map { " IN SCHEMA \(QualifiedName.quote($0))" } ?? "") REVOKE \(privilege.privilege) ON \(privilege.objects) FROM \(privilege.grantee)"
        ))
    }
    for privilege in defined.subtracting(found).sorted() {
      checks.append(
        fail(
          "default privilege", "\(privilege)",
          "the target's default privileges lack the v2 chain's \(privilege)",
          "ALTER DEFAULT PRIVILEGES FOR ROLE \(QualifiedName.quote(privilege.owner))\(privilege.schema.map { " IN SCHEMA \(QualifiedName.quote($0))" } ?? "") GRANT \(privilege.privilege) ON \(privilege.objects) TO \(privilege.grantee)"
        ))
    }
    return checks
  }

  /// Every default privilege of the database (`pg_default_acl`, exploded).
  ///
  /// - Throws: `PostgresError` when the catalog cannot be read.
  public static func defaultPrivileges(on connection: PGConnection) throws -> [SecurityDefaultPrivilege] {
    try connection.execute(
      """
      SELECT pg_catalog.pg_get_userbyid(d.defaclrole)::text AS owner, n.nspname::text AS schema,
             CASE d.defaclobjtype WHEN 'r' THEN 'tables' WHEN 'S' THEN 'sequences' WHEN 'f' THEN 'functions'
                                  WHEN 'T' THEN 'types' WHEN 'n' THEN 'schemas' ELSE d.defaclobjtype::text END AS objects,
             CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE pg_catalog.pg_get_userbyid(g.grantee)::text END AS grantee,
             g.privilege_type AS privilege, g.is_grantable AS grantable
      FROM pg_catalog.pg_default_acl d
      LEFT JOIN pg_catalog.pg_namespace n ON n.oid = d.defaclnamespace
      CROSS JOIN LATERAL pg_catalog.aclexplode(d.defaclacl) g
      ORDER BY 1, 2, 3, 4, 5
      """, doing: "reading the default privileges"
    ).map {
      SecurityDefaultPrivilege(
        owner: try $0.string("owner"), schema: try $0.optionalString("schema"),
        objects: try $0.string("objects"),
        grantee: try $0.string("grantee"), privilege: try $0.string("privilege"),
        grantable: try $0.bool("grantable"))
    }
  }
}
