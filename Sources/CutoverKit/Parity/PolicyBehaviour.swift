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
    // Bounds come from the source's counts (`CountedTable.bound`), never found anew here.
    let counted = try readOnlyTransaction(on: connection) {
      try count(
        tables, users: source.users, includeAnon: source.includesAnon, rowsPerTable: 0,
        timeoutMilliseconds: settings.statementTimeoutMilliseconds, on: connection)
    }
    return PolicyBehaviourCounts(
      users: source.users, stratify: source.stratify, includesAnon: source.includesAnon, tables: counted,
      seconds: Date().timeIntervalSince(began), rowsPerTable: source.rowsPerTable)
  }

  /// `targetCounts` over `jobs` connections to `target`, each counting in a read-only
  /// transaction of its own (the target is not written while verify runs).
  public static func targetCounts(
    target: ConnectionTarget, tables: [CountedTable], source: PolicyBehaviourCounts,
    settings: PolicySampleSettings, jobs: Int, cancellation: QueryCancellation? = nil
  ) async throws -> PolicyBehaviourCounts {
    let began = Date()
    let session = { @Sendable (body: (PGConnection) throws -> Void) throws in
      let connection = try PGConnection(target, applicationName: "cutover verify policy behaviour")
      try connection.prepareLongRunningSession()
      try readOnlyTransaction(on: connection) { try body(connection) }
    }
    // Bounds come from the source's counts (`CountedTable.bound`), never found anew here.
    var conditions: [QualifiedName: BoundCondition] = [:]
    if tables.contains(where: { $0.bound != nil }) {
      try session { conditions = try boundConditions(tables, rowsPerTable: 0, on: $0) }
    }
    let counted = try await countSpread(
      tables, conditions: conditions, users: source.users, includeAnon: source.includesAnon,
      timeoutMilliseconds: settings.statementTimeoutMilliseconds, jobs: jobs, threadName: "verify-policy",
      cancellation: cancellation, session: session)
    return PolicyBehaviourCounts(
      users: source.users, stratify: source.stratify, includesAnon: source.includesAnon,
      tables: counted, seconds: Date().timeIntervalSince(began), rowsPerTable: source.rowsPerTable)
  }

  /// Runs `body` in a repeatable-read, read-only transaction on `connection`.
  static func readOnlyTransaction<T>(on connection: PGConnection, _ body: () throws -> T) throws -> T {
    try connection.execute(
      "BEGIN ISOLATION LEVEL REPEATABLE READ", doing: "starting the policy-behaviour transaction")
    do {
      try connection.execute(
        "SET TRANSACTION READ ONLY", doing: "making the policy-behaviour transaction read-only")
      let result = try body()
      try connection.execute("COMMIT", doing: "ending the policy-behaviour transaction")
      return result
    } catch {
      _ = try? connection.execute("ROLLBACK", doing: "rolling back the policy-behaviour transaction")
      throw error
    }
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
      // Each user's stratum by one grouped scan and a hash join: matched per user (a lateral
      // subquery on the keys' text, which no index serves) it was a scan of the stratify
      // table per user — 22 s for 8,000 users in the fixture, hours at a million.
      sql = """
        SELECT id, stratum FROM (
          SELECT u.id::text AS id, s.stratum,
                 row_number() OVER (PARTITION BY s.stratum ORDER BY u.id::text) AS rank
          FROM \(users) u
          LEFT JOIN (SELECT t.\(key)::text AS key, min(t.\(column)::text) AS stratum FROM \(table.quoted) t
                     GROUP BY 1) s ON s.key = u.id::text
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
    let units = Self.units(tables, users: users, includeAnon: includeAnon)
    let counted = try countUnits(
      units, from: WorkQueue(Array(units.indices)), conditions: conditions,
      timeoutMilliseconds: timeoutMilliseconds, cancellation: nil, on: connection)
    return assemble(counted, tables: tables, conditions: conditions, includeAnon: includeAnon)
  }

  /// Counts as `count` does, on `jobs` connections at once: each pulls the next (subject,
  /// table) count from one queue, so a table whose policies cost far more than the others'
  /// (a policy's subquery runs per row) keeps every connection busy instead of one.
  ///
  /// - Parameters:
  ///   - conditions: each table's bound (`boundConditions`), found once before the counts.
  ///   - session: opens a connection, runs its argument in the transaction the counts belong
  ///     in (the export's snapshot, or a read-only one on the target), and ends it.
  static func countSpread(
    _ tables: [CountedTable], conditions: [QualifiedName: BoundCondition],
    users: [PolicyBehaviourCounts.User],
    includeAnon: Bool, timeoutMilliseconds: Int, jobs: Int, threadName: String,
    cancellation: QueryCancellation? = nil,
    session: @escaping @Sendable (_ body: (PGConnection) throws -> Void) throws -> Void
  ) async throws -> [PolicyBehaviourCounts.Table] {
    let units = Self.units(tables, users: users, includeAnon: includeAnon)
    let queue = WorkQueue(Array(units.indices))
    let workers = max(1, min(jobs, units.count))
    let counted = try await withThrowingTaskGroup(of: [Counted].self) { group in
      for number in 0..<workers {
        group.addTask {
          try await onDedicatedThread(named: "\(threadName)-\(number + 1)") {
            var done: [Counted] = []
            try session { connection in
              done = try countUnits(
                units, from: queue, conditions: conditions, timeoutMilliseconds: timeoutMilliseconds,
                cancellation: cancellation, on: connection)
            }
            return done
          }
        }
      }
      var all: [Counted] = []
      for try await part in group { all += part }
      return all
    }
    return assemble(counted, tables: tables, conditions: conditions, includeAnon: includeAnon)
  }

  /// Every (subject, table) count to take, subject after subject, so a connection mostly
  /// keeps its role and claims from one count to the next.
  private static func units(
    _ tables: [CountedTable], users: [PolicyBehaviourCounts.User], includeAnon: Bool
  ) -> [(subject: Subject, table: CountedTable)] {
    Subject.all(users: users, includeAnon: includeAnon).flatMap { subject in
      tables.map { (subject: subject, table: $0) }
    }
  }

  /// One connection's counts: takes `units` from `queue` until none is left, in the
  /// transaction `connection` is in, entering a subject's role and claims only when it
  /// changes; the role and settings are back as they were when it returns or throws.
  private static func countUnits(
    _ units: [(subject: Subject, table: CountedTable)], from queue: WorkQueue<Int>,
    conditions: [QualifiedName: BoundCondition], timeoutMilliseconds: Int, cancellation: QueryCancellation?,
    on connection: PGConnection
  ) throws -> [Counted] {
    var done: [Counted] = []
    var entered: Subject?
    do {
      try queue.drain(on: connection, cancellation: cancellation) { next in
        let (subject, table) = units[next]
        if entered != subject {
          try entered?.leave(on: connection)
          entered = nil
          try subject.enter(timeoutMilliseconds: timeoutMilliseconds, on: connection)
          entered = subject
        }
        let count = try countOne(table, condition: conditions[table.name], as: subject, on: connection)
        // Cancelled, the count failed as a timed-out one would (57014): stop instead.
        if cancellation?.isCancelled == true { throw CancellationError() }
        done.append(Counted(subject: subject, table: table.name, count: count))
      }
      try entered?.leave(on: connection)
    } catch {
      entered?.abandon(on: connection)
      throw error
    }
    return done
  }

  /// Who a count is taken as: `anon`, or a sampled user as `authenticated`.
  struct Subject: Sendable, Hashable {
    var role: String
    /// The JWT's `sub`; nil for `anon`.
    var user: String?

    static func all(users: [PolicyBehaviourCounts.User], includeAnon: Bool) -> [Subject] {
      (includeAnon ? [Subject(role: "anon", user: nil)] : [])
        + users.map { Subject(role: "authenticated", user: $0.id) }
    }

    var who: String { user.map { "user \($0)" } ?? role }

    /// Opens the subject's savepoint and takes on its role and JWT claims (transaction-local).
    func enter(timeoutMilliseconds: Int, on connection: PGConnection) throws {
      try connection.execute(
        "SAVEPOINT cutover_policy_behaviour", doing: "starting the policy-behaviour savepoint for \(who)")
      var claims: [String: String] = ["role": role]
      if let user { claims["sub"] = user }
      let json = String(
        decoding: try JSONSerialization.data(withJSONObject: claims, options: [.sortedKeys]), as: UTF8.self)
      do {
        try connection.execute(
          """
          SELECT set_config('statement_timeout', $1, true), set_config('request.jwt.claims', $2, true),
                 set_config('request.jwt.claim.sub', $3, true), set_config('request.jwt.claim.role', $4, true)
          """, ["\(timeoutMilliseconds)", json, user ?? "", role],
          doing: "setting the JWT claims of \(who)")
        try connection.execute(
          "SET LOCAL ROLE \(QualifiedName.quote(role))", doing: "switching to role \(role)")
      } catch {
        abandon(on: connection)
        throw error
      }
    }

    /// Rolls back to the savepoint, which undoes `SET LOCAL ROLE` and the claims.
    func leave(on connection: PGConnection) throws {
      try connection.execute(
        "ROLLBACK TO SAVEPOINT cutover_policy_behaviour", doing: "restoring the role after \(who)")
      try connection.execute(
        "RELEASE SAVEPOINT cutover_policy_behaviour",
        doing: "ending the policy-behaviour savepoint for \(who)")
    }

    /// `leave` after a failure, which is the one being reported.
    func abandon(on connection: PGConnection) {
      _ = try? connection.execute(
        "ROLLBACK TO SAVEPOINT cutover_policy_behaviour", doing: "restoring the role after \(who)")
    }
  }

  /// One table counted as one subject.
  struct Counted: Sendable {
    var subject: Subject
    var table: QualifiedName
    var count: PolicyBehaviourCounts.Count
  }

  /// The rows `subject` sees in `table` (already entered), in a savepoint: a refused count (no
  /// privilege) or one that timed out is recorded with its SQLSTATE, and the subject's
  /// savepoint carries on.
  private static func countOne(
    _ table: CountedTable, condition: BoundCondition?, as subject: Subject, on connection: PGConnection
  ) throws -> PolicyBehaviourCounts.Count {
    try connection.execute("SAVEPOINT cutover_policy_count", doing: "starting the count of \(table.name)")
    do {
      let rows = try connection.execute(
        "SELECT count(*) AS n FROM \(table.reference)" + (condition.map { " WHERE \($0.sql)" } ?? ""),
        condition?.bound.values ?? [], doing: "counting \(table.name) as \(subject.who)"
      ).one().int64("n")
      try connection.execute(
        "RELEASE SAVEPOINT cutover_policy_count", doing: "ending the count of \(table.name)")
      return .init(rows: rows)
    } catch let error as PostgresError where error.sqlState != nil {
      try connection.execute(
        "ROLLBACK TO SAVEPOINT cutover_policy_count",
        doing: "rolling back the refused count of \(table.name)")
      try connection.execute(
        "RELEASE SAVEPOINT cutover_policy_count", doing: "ending the count of \(table.name)")
      return .init(rows: nil, sqlState: error.sqlState)
    }
  }

  /// The counts by table, in `tables`' order, each with its bound.
  private static func assemble(
    _ counted: [Counted], tables: [CountedTable], conditions: [QualifiedName: BoundCondition],
    includeAnon: Bool
  ) -> [PolicyBehaviourCounts.Table] {
    var anon: [QualifiedName: PolicyBehaviourCounts.Count] = [:]
    var byUser: [QualifiedName: [String: PolicyBehaviourCounts.Count]] = [:]
    for item in counted {
      if let user = item.subject.user {
        byUser[item.table, default: [:]][user] = item.count
      } else {
        anon[item.table] = item.count
      }
    }
    return tables.map { table in
      PolicyBehaviourCounts.Table(
        table: table.name, anon: includeAnon ? anon[table.name] : nil, users: byUser[table.name] ?? [:],
        bound: conditions[table.name]?.bound)
    }
  }
}
