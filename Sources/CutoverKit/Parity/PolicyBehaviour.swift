import Foundation

/// Counts the rows sampled users (and `anon`) can see in every table, as Supabase's API would
/// let them, on the source inside the export's snapshot and on the target after the import,
/// and compares the two into findings.
///
/// Each subject is counted under `SET LOCAL ROLE authenticated` (or `anon`) with
/// `request.jwt.claims` (`{"sub": …, "role": …}`), `request.jwt.claim.sub` and
/// `request.jwt.claim.role` set transaction-locally, as PostgREST does, so `auth.uid()` and
/// `auth.role()` answer for that user. Every count runs in a savepoint of a read-only
/// transaction with a statement timeout: a refused count (no SELECT privilege) is recorded,
/// not thrown, and rolling back to the savepoint restores the connection's role and settings
/// — the export's snapshot transaction carries on unharmed. Which users, how many, and the
/// column they are spread across come from `PolicySampleSettings`, never from code.
/// Blocking: runs on the connection's own thread.
public enum PolicyBehaviour {
  /// A table to count: its name, and whether it is partitioned (read whole; any other table
  /// is read `ONLY`, as the export reads it).
  public struct CountedTable: Sendable, Hashable {
    public var name: QualifiedName
    public var isPartitioned: Bool
    /// Count only the rows with a key up to this (the target's share of a source counted by
    /// key); nil: the table's own first rows by key, or all of them, as the settings say.
    public var bound: PolicyBehaviourCounts.KeyBound?

    public init(
      name: QualifiedName, isPartitioned: Bool = false, bound: PolicyBehaviourCounts.KeyBound? = nil
    ) {
      self.name = name
      self.isPartitioned = isPartitioned
      self.bound = bound
    }

    var reference: String { isPartitioned ? name.quoted : "ONLY \(name.quoted)" }
  }

  /// The table users are sampled from.
  public static let usersTable = QualifiedName(schema: "auth", name: "users")

  /// Samples users and counts what each sees, in the transaction `connection` is in (the
  /// export's read-only snapshot transaction).
  ///
  /// - Throws: `PolicyBehaviourError` for a stratify setting that does not fit the source;
  ///   `PostgresError` when the sample cannot be read.
  public static func sourceCounts(
    on connection: PGConnection, tables: [CountedTable], settings: PolicySampleSettings
  ) throws -> PolicyBehaviourCounts {
    let began = Date()
    guard let users = try platformSample(on: connection, settings: settings) else {
      return PolicyBehaviourCounts(
        users: [], stratify: settings.stratify, includesAnon: false, tables: [],
        seconds: Date().timeIntervalSince(began))
    }
    let counted = try count(
      tables, users: users, includeAnon: settings.includeAnon, rowsPerTable: settings.rowsPerTable,
      timeoutMilliseconds: settings.statementTimeoutMilliseconds, on: connection)
    return PolicyBehaviourCounts(
      users: users, stratify: settings.stratify, includesAnon: settings.includeAnon, tables: counted,
      seconds: Date().timeIntervalSince(began), rowsPerTable: settings.rowsPerTable)
  }

  /// The sampled users, or nil when the database is not a Supabase one (no `auth.users`, no
  /// API roles): then there is no policy behaviour to compare, and verify says so.
  public static func platformSample(on connection: PGConnection, settings: PolicySampleSettings) throws
    -> [PolicyBehaviourCounts.User]?
  {
    let platform = try connection.execute(
      """
      SELECT to_regclass('auth.users') IS NOT NULL AS users,
             EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'anon')
             AND EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'authenticated') AS roles
      """, doing: "looking for auth.users and the API roles"
    ).one()
    guard try platform.bool("users"), try platform.bool("roles") else { return nil }
    return try sample(on: connection, settings: settings)
  }

  /// Counts what `source`'s users (the same ids) and `anon` see in `tables` on the target, in
  /// a read-only transaction of its own.
  ///
  /// - Throws: `PostgresError` when the transaction cannot be started.
  public static func targetCounts(
    on connection: PGConnection, tables: [CountedTable], source: PolicyBehaviourCounts,
    settings: PolicySampleSettings
  ) throws -> PolicyBehaviourCounts {
    let began = Date()
    try connection.execute(
      "BEGIN ISOLATION LEVEL REPEATABLE READ", doing: "starting the policy-behaviour transaction")
    do {
      try connection.execute(
        "SET TRANSACTION READ ONLY", doing: "making the policy-behaviour transaction read-only")
      // Bounds come from the source's counts (`CountedTable.bound`), never found anew here.
      let counted = try count(
        tables, users: source.users, includeAnon: source.includesAnon, rowsPerTable: 0,
        timeoutMilliseconds: settings.statementTimeoutMilliseconds, on: connection)
      try connection.execute("COMMIT", doing: "ending the policy-behaviour transaction")
      return PolicyBehaviourCounts(
        users: source.users, stratify: source.stratify, includesAnon: source.includesAnon, tables: counted,
        seconds: Date().timeIntervalSince(began), rowsPerTable: source.rowsPerTable)
    } catch {
      _ = try? connection.execute("ROLLBACK", doing: "rolling back the policy-behaviour transaction")
      throw error
    }
  }

  /// `targetCounts` over `jobs` connections to `target`, each counting a share of the tables
  /// in a read-only transaction of its own (the target is not written while verify runs).
  public static func targetCounts(
    target: ConnectionTarget, tables: [CountedTable], source: PolicyBehaviourCounts,
    settings: PolicySampleSettings, jobs: Int
  ) async throws -> PolicyBehaviourCounts {
    let began = Date()
    let counted = try await countInShares(tables, jobs: jobs, threadName: "verify-policy") { share in
      let connection = try PGConnection(target, applicationName: "cutover verify policy behaviour")
      try connection.prepareLongRunningSession()
      return try targetCounts(on: connection, tables: share, source: source, settings: settings).tables
    }
    return PolicyBehaviourCounts(
      users: source.users, stratify: source.stratify, includesAnon: source.includesAnon,
      tables: counted, seconds: Date().timeIntervalSince(began), rowsPerTable: source.rowsPerTable)
  }

  /// Deals `tables` round-robin into at most `jobs` shares and runs `count` on each share at
  /// once, each on its own thread (and its own connection, which `count` opens); the counts
  /// come back in `tables`' order.
  static func countInShares(
    _ tables: [CountedTable], jobs: Int, threadName: String,
    _ count: @escaping @Sendable ([CountedTable]) throws -> [PolicyBehaviourCounts.Table]
  ) async throws -> [PolicyBehaviourCounts.Table] {
    let shareCount = max(1, min(jobs, tables.count))
    let shares = (0..<shareCount).map { share in
      tables.enumerated().filter { $0.offset % shareCount == share }.map(\.element)
    }.filter { !$0.isEmpty }
    let counted = try await withThrowingTaskGroup(of: [PolicyBehaviourCounts.Table].self) { group in
      for (number, share) in shares.enumerated() {
        group.addTask {
          try await onDedicatedThread(named: "\(threadName)-\(number + 1)") { try count(share) }
        }
      }
      var all: [QualifiedName: PolicyBehaviourCounts.Table] = [:]
      for try await part in group { for table in part { all[table.table] = table } }
      return all
    }
    return tables.compactMap { counted[$0.name] }
  }

  /// Up to `settings.users` ids from `auth.users`, spread across the stratify column's values:
  /// the first user (by id) of every stratum, then the second of each, and so on.
  ///
  /// - Throws: `PolicyBehaviourError` for a malformed stratify setting or one naming a table
  ///   or column the database lacks.
  public static func sample(on connection: PGConnection, settings: PolicySampleSettings) throws
    -> [PolicyBehaviourCounts.User]
  {
    guard settings.users > 0 else { return [] }
    let users = usersTable.quoted
    let sql: String
    if let stratify = settings.stratify {
      let parts = stratify.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
      guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty }) else {
        throw PolicyBehaviourError(
          "policy_behaviour stratify \"\(stratify)\" is not schema.table.column",
          nextStep: "write it as schema.table.column, for example app.profiles.role")
      }
      let table = QualifiedName(schema: parts[0], name: parts[1])
      let column = QualifiedName.quote(parts[2])
      let key = QualifiedName.quote(settings.stratifyKey)
      let present = try connection.execute(
        """
        SELECT to_regclass($1) IS NOT NULL AND EXISTS (
                 SELECT 1 FROM pg_catalog.pg_attribute a WHERE a.attrelid = to_regclass($1)
                 AND a.attname = $2 AND NOT a.attisdropped)
               AND EXISTS (
                 SELECT 1 FROM pg_catalog.pg_attribute a WHERE a.attrelid = to_regclass($1)
                 AND a.attname = $3 AND NOT a.attisdropped) AS present
        """, [table.quoted, parts[2], settings.stratifyKey],
        doing: "checking the policy-behaviour stratify column \(stratify)"
      ).one().bool("present")
      guard present else {
        throw PolicyBehaviourError(
          "policy_behaviour stratify names \(stratify) (joined to \(usersTable).id by \(settings.stratifyKey)), which the source lacks",
          nextStep:
            "name an existing schema.table.column in stratify, and its user-id column in stratify_key (default id)"
        )
      }
      sql = """
        SELECT id, stratum FROM (
          SELECT u.id::text AS id, s.stratum,
                 row_number() OVER (PARTITION BY s.stratum ORDER BY u.id::text) AS rank
          FROM \(users) u
          LEFT JOIN LATERAL (SELECT min(t.\(column)::text) AS stratum FROM \(table.quoted) t
                             WHERE t.\(key)::text = u.id::text) s ON true
        ) ranked
        ORDER BY rank, stratum NULLS LAST, id LIMIT $1
        """
    } else {
      sql = "SELECT u.id::text AS id, NULL::text AS stratum FROM \(users) u ORDER BY 1 LIMIT $1"
    }
    return try connection.execute(sql, [String(settings.users)], doing: "sampling users from \(usersTable)")
      .map { PolicyBehaviourCounts.User(id: try $0.string("id"), stratum: try $0.optionalString("stratum")) }
  }

  /// Counts every table for `anon` (when asked) and each user, in savepoints of the caller's
  /// transaction; the role and settings are back as they were when it returns.
  ///
  /// A table with a `bound` is counted up to it; any other, when `rowsPerTable` is above 0,
  /// up to the key of its `rowsPerTable`-th row (the bound is recorded with its counts).
  static func count(
    _ tables: [CountedTable], users: [PolicyBehaviourCounts.User], includeAnon: Bool, rowsPerTable: Int,
    timeoutMilliseconds: Int, on connection: PGConnection
  ) throws -> [PolicyBehaviourCounts.Table] {
    let conditions = try boundConditions(tables, rowsPerTable: rowsPerTable, on: connection)
    var anon: [QualifiedName: PolicyBehaviourCounts.Count] = [:]
    var byUser: [QualifiedName: [String: PolicyBehaviourCounts.Count]] = [:]
    if includeAnon {
      anon = try counts(
        tables, conditions: conditions, role: "anon", subject: nil, timeoutMilliseconds: timeoutMilliseconds,
        on: connection)
    }
    for user in users {
      let counted = try counts(
        tables, conditions: conditions, role: "authenticated", subject: user.id,
        timeoutMilliseconds: timeoutMilliseconds, on: connection)
      for (table, count) in counted { byUser[table, default: [:]][user.id] = count }
    }
    return tables.map { table in
      PolicyBehaviourCounts.Table(
        table: table.name, anon: includeAnon ? anon[table.name] : nil, users: byUser[table.name] ?? [:],
        bound: conditions[table.name]?.bound)
    }
  }

  /// The rows `role` (with `subject` as the JWT's `sub`) sees in each table.
  private static func counts(
    _ tables: [CountedTable], conditions: [QualifiedName: BoundCondition], role: String, subject: String?,
    timeoutMilliseconds: Int, on connection: PGConnection
  ) throws -> [QualifiedName: PolicyBehaviourCounts.Count] {
    let who = subject.map { "user \($0)" } ?? role
    try connection.execute(
      "SAVEPOINT cutover_policy_behaviour", doing: "starting the policy-behaviour savepoint for \(who)")
    var claims: [String: String] = ["role": role]
    if let subject { claims["sub"] = subject }
    let json = String(
      decoding: try JSONSerialization.data(withJSONObject: claims, options: [.sortedKeys]), as: UTF8.self)
    var result: [QualifiedName: PolicyBehaviourCounts.Count] = [:]
    do {
      try connection.execute(
        """
        SELECT set_config('statement_timeout', $1, true), set_config('request.jwt.claims', $2, true),
               set_config('request.jwt.claim.sub', $3, true), set_config('request.jwt.claim.role', $4, true)
        """, ["\(timeoutMilliseconds)", json, subject ?? "", role],
        doing: "setting the JWT claims of \(who)")
      try connection.execute(
        "SET LOCAL ROLE \(QualifiedName.quote(role))", doing: "switching to role \(role)")
      for table in tables {
        try connection.execute("SAVEPOINT cutover_policy_count", doing: "starting the count of \(table.name)")
        do {
          let condition = conditions[table.name]
          let rows = try connection.execute(
            "SELECT count(*) AS n FROM \(table.reference)" + (condition.map { " WHERE \($0.sql)" } ?? ""),
            condition?.bound.values ?? [], doing: "counting \(table.name) as \(who)"
          ).one().int64("n")
          result[table.name] = .init(rows: rows)
          try connection.execute(
            "RELEASE SAVEPOINT cutover_policy_count", doing: "ending the count of \(table.name)")
        } catch let error as PostgresError where error.sqlState != nil {
          // Refused (no privilege) or timed out: recorded for this subject, and the next
          // table is counted from the savepoint on.
          result[table.name] = .init(rows: nil, sqlState: error.sqlState)
          try connection.execute(
            "ROLLBACK TO SAVEPOINT cutover_policy_count",
            doing: "rolling back the refused count of \(table.name)")
          try connection.execute(
            "RELEASE SAVEPOINT cutover_policy_count", doing: "ending the count of \(table.name)")
        }
      }
    } catch {
      _ = try? connection.execute(
        "ROLLBACK TO SAVEPOINT cutover_policy_behaviour", doing: "restoring the role after \(who)")
      throw error
    }
    // Rolling back to the savepoint undoes SET LOCAL ROLE and the claims.
    try connection.execute(
      "ROLLBACK TO SAVEPOINT cutover_policy_behaviour", doing: "restoring the role after \(who)")
    try connection.execute(
      "RELEASE SAVEPOINT cutover_policy_behaviour", doing: "ending the policy-behaviour savepoint for \(who)")
    return result
  }
}
