import Foundation
import Logging

/// `cutover freeze`: stops every application write to the exported tables on the source.
///
/// The mechanism is a guard trigger, `BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE … FOR
/// EACH STATEMENT`, on every table an export reads (and every partition under it), that
/// raises unless the session set `cutover.freeze_bypass` (cutover's own sessions). Why a
/// trigger and not revoked privileges: the application's backend connects as the tables'
/// owner (`postgres` on Supabase), and an owner can always grant itself back what was
/// revoked (and `service_role`/`postgres` bypass RLS); triggers fire for owners and
/// `BYPASSRLS` roles alike, the ACLs are left untouched (nothing to restore), and one
/// statement per table undoes it. What still passes, and is refused here or documented in
/// `docs/gates.md`: a superuser (who may set `session_replication_role = replica`, under which
/// triggers do not fire) other than the role cutover connects as — refused unless named as
/// the platform's own with `platformSuperusers`; a table cutover may not alter — refused.
///
/// Idempotent: a second run guards only tables added since, and ends new sessions.
public struct Freeze: Sendable {
  /// The Supabase roles whose sessions write on the application's behalf: PostgREST's login
  /// role and the roles it switches to, GoTrue's and storage's admins.
  public static let platformWriterRoles = [
    "authenticator", "anon", "authenticated", "service_role", "supabase_auth_admin", "supabase_storage_admin",
  ]

  public var source: ConnectionTarget
  public var exportDirectory: URL
  /// The application's own roles (config `application_roles`): must exist.
  public var applicationRoles: [String]
  /// Superusers that belong to the platform, not the application (`supabase_admin` when
  /// cutover connects as `postgres`): not refused, and named in the record.
  public var platformSuperusers: [String]
  /// A freeze made by `run --final`.
  public var final: Bool
  /// How long to wait for a table's lock (application transactions still writing).
  public var lockTimeout: String

  public init(
    source: ConnectionTarget, exportDirectory: URL, applicationRoles: [String] = [],
    platformSuperusers: [String] = [], final: Bool = false, lockTimeout: String = "10s"
  ) {
    self.source = source
    self.exportDirectory = exportDirectory
    self.applicationRoles = applicationRoles
    self.platformSuperusers = platformSuperusers
    self.final = final
    self.lockTimeout = lockTimeout
  }

  /// What a freeze did.
  public struct Outcome: Sendable {
    public var record: FreezeRecord
    /// Tables guarded by this run; empty when the source already was frozen.
    public var added: [QualifiedName]
    public var sessionsEnded: Int
    /// Sessions of frozen roles cutover may not end (they can no longer write the tables).
    public var sessionsNotEnded: [String]

    public var text: String {
      var lines: [String] = []
      if added.isEmpty {
        lines.append(
          "the source was already frozen since \(record.frozenAt.formatted(.iso8601)): \(record.tables.count) tables guarded"
        )
      } else {
        lines.append("froze the source: \(added.count) tables guarded (\(record.tables.count) in all)")
      }
      lines.append("ended \(sessionsEnded) session(s) of \(record.roles.joined(separator: ", "))")
      if !sessionsNotEnded.isEmpty {
        lines.append(
          "could not end (they cannot write the guarded tables): \(sessionsNotEnded.joined(separator: ", "))")
      }
      lines.append("undo with `cutover unfreeze` (recorded in \(GateFiles.freeze))")
      return lines.joined(separator: "\n")
    }
  }

  /// Freezes the source.
  /// - Throws: `GateError` (`.refused`, exit 1) naming a write path it cannot close, (`.usage`)
  ///   an application role that does not exist; `PostgresError` from the source.
  public func run(logger: Logger) async throws -> Outcome {
    let freeze = self
    return try await onDedicatedThread(named: "cutover-freeze") { try freeze.runBlocking(logger: logger) }
  }

  /// `run`, on the calling thread: blocks on the source (call it on a dedicated thread).
  public func runBlocking(logger: Logger) throws -> Outcome {
    let previous = try GateFiles.read(FreezeRecord.self, GateFiles.freeze, in: exportDirectory)
    let connection = try PGConnection(source, applicationName: "cutover freeze")
    let identity = try connection.execute(
      "SELECT current_user AS u, current_database() AS d", doing: "reading the source's identity"
    ).one()
    let user = try identity.string("u")
    let database = try identity.string("d")
    if let previous, previous.database != database {
      throw GateError(
        .usage, "\(exportDirectory.path) records a freeze of database \(previous.database), not \(database)",
        nextStep: "use the export directory of this source, or unfreeze \(previous.database) first")
    }
    let tables = try Self.guardedTables(on: connection, exportDirectory: exportDirectory)
    try refuseOpenPaths(on: connection, user: user, tables: tables)
    let roles = try frozenRoles(on: connection, tables: tables)

    let alreadyGuarded = try Self.guardedNow(on: connection)
    let keep = previous?.active == true ? previous?.tables ?? [] : []
    let keptNames = Set(keep.map(\.name))
    var added: [FreezeRecord.Table] = []
    for table in tables where !alreadyGuarded.contains(table.name) {
      // A table guarded now but not recorded keeps its recorded "before" if it has one.
      guard !keptNames.contains(table.name) else { continue }
      added.append(
        FreezeRecord.Table(
          name: table.name, owner: table.owner,
          triggersBefore: try Self.triggers(of: table.name, on: connection),
          aclBefore: try Self.acl(of: table.name, on: connection)))
    }
    let schemaExists =
      try connection.execute(
        "SELECT 1 FROM pg_namespace WHERE nspname = $1", [FreezeRecord.schema],
        doing: "looking for schema cutover"
      ).count > 0
    var record = FreezeRecord(
      active: true, final: final || previous?.final == true && previous?.active == true, database: database,
      systemIdentifier: try connection.systemIdentifier(doing: "reading the source's system identifier"),
      connectedAs: user, frozenAt: previous?.active == true ? previous?.frozenAt ?? Date() : Date(),
      unfrozenAt: nil,
      createdSchema: previous?.active == true ? previous?.createdSchema ?? !schemaExists : !schemaExists,
      tables: keep + added,
      roles: roles, sessionsEnded: previous?.active == true ? previous?.sessionsEnded ?? 0 : 0)
    // Recorded before the change: an interrupted freeze can always be unfrozen.
    try GateFiles.ensureDirectory(exportDirectory)
    try GateFiles.write(record, GateFiles.freeze, in: exportDirectory)

    let (ended, notEnded) = try Self.endSessions(of: roles, on: connection)
    do {
      try connection.execute("BEGIN")
      try connection.execute("SET LOCAL lock_timeout = \(try connection.quoteLiteral(lockTimeout))")
      if !schemaExists {
        try connection.execute("CREATE SCHEMA \(QualifiedName.quote(FreezeRecord.schema))")
      }
      try connection.execute(Self.functionSQL, doing: "creating the freeze guard function")
      for table in tables where !alreadyGuarded.contains(table.name) {
        try connection.execute(
          """
          CREATE TRIGGER \(QualifiedName.quote(FreezeRecord.trigger))
          BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON \(table.name.quoted)
          FOR EACH STATEMENT EXECUTE FUNCTION \(Self.functionName)()
          """,
          doing: "guarding \(table.name) (CREATE TRIGGER)")
      }
      try connection.execute("COMMIT")
    } catch {
      _ = try? connection.execute("ROLLBACK")
      if let previous {
        try GateFiles.write(previous, GateFiles.freeze, in: exportDirectory)
      } else {
        try? FileManager.default.removeItem(at: exportDirectory.appendingPathComponent(GateFiles.freeze))
      }
      throw error
    }
    // Sessions that connected while the triggers went in hold no write past them (each
    // CREATE TRIGGER waited for the table's writers), but a pool reconnects: end them again.
    let (endedAfter, notEndedAfter) = try Self.endSessions(of: roles, on: connection)
    record.sessionsEnded += ended + endedAfter
    try GateFiles.write(record, GateFiles.freeze, in: exportDirectory)
    let addedNames = tables.map(\.name).filter { !alreadyGuarded.contains($0) }
    try Journal(directory: exportDirectory).append(
      GateJournalRecord.SourceFrozen(
        added: addedNames, guarded: record.tables.count,
        trigger: "\(FreezeRecord.trigger) → \(FreezeRecord.schema).\(FreezeRecord.function)()",
        createdSchema: !schemaExists, roles: roles, sessionsEnded: ended + endedAfter, final: record.final))
    logger.info("froze \(addedNames.count) table(s) on \(source)")
    return Outcome(
      record: record, added: addedNames, sessionsEnded: ended + endedAfter,
      sessionsNotEnded: Array(Set(notEnded + notEndedAfter)).sorted())
  }

  /// `cutover.freeze_guard`, quoted.
  static var functionName: String {
    "\(QualifiedName.quote(FreezeRecord.schema)).\(QualifiedName.quote(FreezeRecord.function))"
  }

  /// The guard: raises `read_only_sql_transaction` (25006) naming the table and operation,
  /// unless the session set the bypass (cutover's own sessions).
  static var functionSQL: String {
    """
    CREATE OR REPLACE FUNCTION \(functionName)() RETURNS trigger LANGUAGE plpgsql AS $guard$
    BEGIN
      IF current_setting('\(FreezeRecord.bypassSetting)', true) = 'on' THEN
        RETURN NULL;
      END IF;
      RAISE EXCEPTION 'cutover: % on %.% refused: the database is frozen for its cutover', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
        USING ERRCODE = 'read_only_sql_transaction',
              HINT = 'writes resume on the new database after the switch, or here after `cutover unfreeze`';
    END
    $guard$
    """
  }

  /// A table to guard: an exported table or a partition under one.
  struct GuardedTable {
    var name: QualifiedName
    var owner: String
    var mayAlter: Bool
  }

  /// Every table an export reads (the default selection, plus the manifest's tables when an
  /// export exists) and every partition under a partitioned one.
  static func guardedTables(on connection: PGConnection, exportDirectory: URL) throws -> [GuardedTable] {
    var names = try ExportTableSelection().catalog(on: connection).tables.map(\.name)
    if let manifest = try ExportManifest.read(directory: exportDirectory) {
      names += manifest.tables.map(\.name).filter { !names.contains($0) }
    }
    let rows = try connection.execute(
      """
      WITH listed AS (
        SELECT to_regclass(x) AS oid FROM unnest($1::text[]) AS x
      ), every AS (
        SELECT listed.oid FROM listed WHERE listed.oid IS NOT NULL
        UNION
        SELECT t.relid FROM listed, pg_partition_tree(listed.oid) AS t WHERE listed.oid IS NOT NULL
      )
      SELECT n.nspname, c.relname, pg_get_userbyid(c.relowner) AS owner,
             pg_has_role(c.relowner, 'USAGE') AS may_alter
      FROM every JOIN pg_class c ON c.oid = every.oid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p')
      ORDER BY n.nspname, c.relname
      """, [PostgresArray.literal(names.map(\.quoted))], doing: "listing the tables to freeze")
    return try rows.map { row in
      GuardedTable(
        name: QualifiedName(schema: try row.string("nspname"), name: try row.string("relname")),
        owner: try row.string("owner"), mayAlter: try row.bool("may_alter"))
    }
  }

  /// Refuses the write paths a trigger cannot close: tables cutover may not alter, other
  /// superusers, a trigger of the guard's name that is not the guard, missing roles.
  private func refuseOpenPaths(on connection: PGConnection, user: String, tables: [GuardedTable]) throws {
    let foreign = tables.filter { !$0.mayAlter }
    if !foreign.isEmpty {
      throw GateError(
        .refused,
        "cannot freeze: \(user) may not alter (add a trigger to) "
          + foreign.map { "\($0.name) (owner \($0.owner))" }.joined(separator: ", "),
        nextStep:
          "connect as a role that owns these tables (or is a member of their owners), then freeze again")
    }
    let superusers = try connection.execute(
      """
      SELECT rolname FROM pg_roles
      WHERE rolsuper AND rolcanlogin AND rolname <> current_user AND rolname <> ALL($1::text[])
      ORDER BY rolname
      """, [PostgresArray.literal(platformSuperusers)], doing: "listing superusers"
    ).column("rolname").compactMap { $0 }
    if !superusers.isEmpty {
      throw GateError(
        .refused,
        "cannot freeze: superuser(s) \(superusers.joined(separator: ", ")) can log in and pass the guard (session_replication_role = replica disables triggers)",
        nextStep:
          "stop the application from connecting as them (ALTER ROLE … NOLOGIN), or, when one is the platform's own (supabase_admin on Supabase), name it with --platform-superuser"
      )
    }
    // session_replication_role = replica (set by a superuser for a role or database, or as
    // the server's default) makes every session it applies to skip triggers.
    let replicaDefault = try connection.execute(
      "SELECT reset_val FROM pg_settings WHERE name = 'session_replication_role'",
      doing: "reading the server's session_replication_role"
    ).scalar
    var replicaSettings = try connection.execute(
      """
      SELECT coalesce(r.rolname, 'every role') || ' on ' || coalesce(d.datname, 'every database') AS who
      FROM pg_db_role_setting s
      LEFT JOIN pg_roles r ON r.oid = s.setrole LEFT JOIN pg_database d ON d.oid = s.setdatabase
      WHERE (s.setdatabase = 0 OR d.datname = current_database())
        AND EXISTS (
          SELECT 1 FROM unnest(s.setconfig) AS c
          WHERE lower(c) LIKE 'session\\_replication\\_role=%' AND lower(c) <> 'session_replication_role=origin')
      ORDER BY 1
      """, doing: "looking for session_replication_role settings"
    ).column("who").compactMap { $0 }
    if let replicaDefault, replicaDefault != "origin" {
      replicaSettings.insert("the server's default (\(replicaDefault))", at: 0)
    }
    if !replicaSettings.isEmpty {
      throw GateError(
        .refused,
        "cannot freeze: session_replication_role is set for \(replicaSettings.joined(separator: ", ")); sessions under it skip the guard triggers",
        nextStep: "reset it (ALTER ROLE … RESET session_replication_role, as a superuser), then freeze again")
    }
    let clashing = try connection.execute(
      """
      SELECT t.tgrelid::regclass::text AS rel FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid
      JOIN pg_namespace pn ON pn.oid = p.pronamespace
      WHERE t.tgname = $1 AND NOT (pn.nspname = $2 AND p.proname = $3)
      """, [FreezeRecord.trigger, FreezeRecord.schema, FreezeRecord.function],
      doing: "looking for triggers named \(FreezeRecord.trigger)"
    ).column("rel").compactMap { $0 }
    if !clashing.isEmpty {
      throw GateError(
        .refused,
        "cannot freeze: \(clashing.joined(separator: ", ")) already has a trigger named \(FreezeRecord.trigger) that is not cutover's",
        nextStep: "rename or drop that trigger, then freeze again")
    }
    let missing = try connection.execute(
      "SELECT x AS name FROM unnest($1::text[]) AS x WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = x)",
      [PostgresArray.literal(applicationRoles)], doing: "looking up the application roles"
    ).column("name").compactMap { $0 }
    if !missing.isEmpty {
      throw GateError(
        .usage, "the application role(s) \(missing.joined(separator: ", ")) do not exist on the source",
        nextStep:
          "fix --application-role (config application_roles): name the roles the application logs in as")
    }
  }

  /// The roles whose sessions are ended: the platform's writers that exist, the
  /// application's, and the guarded tables' owners.
  private func frozenRoles(on connection: PGConnection, tables: [GuardedTable]) throws -> [String] {
    let wanted = Self.platformWriterRoles + applicationRoles + tables.map(\.owner)
    let existing = try connection.execute(
      "SELECT rolname FROM pg_roles WHERE rolname = ANY($1::text[])", [PostgresArray.literal(wanted)],
      doing: "looking up the roles to freeze"
    ).column("rolname").compactMap { $0 }
    var roles: [String] = []
    for role in wanted where existing.contains(role) && !roles.contains(role) { roles.append(role) }
    return roles
  }

  /// Ends the sessions of `roles` on this database, except cutover's own (this one, and those
  /// whose application name starts with "cutover").
  ///
  /// - Returns: how many were ended, and those cutover may not end (`pid role`).
  static func endSessions(of roles: [String], on connection: PGConnection) throws -> (Int, [String]) {
    let sessions = try connection.execute(
      """
      SELECT pid, usename FROM pg_stat_activity
      WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'
        AND usename = ANY($1::text[]) AND coalesce(application_name, '') NOT LIKE 'cutover%'
      """, [PostgresArray.literal(roles)], doing: "listing the sessions of the frozen roles")
    var ended = 0
    var notEnded: [String] = []
    for session in sessions {
      let pid = try session.string("pid")
      do {
        let row = try connection.execute(
          "SELECT pg_terminate_backend($1::int) AS ok", [pid], doing: "ending session \(pid)"
        ).one()
        if try row.bool("ok") { ended += 1 }
      } catch let error as PostgresError where error.sqlState == SQLState.insufficientPrivilege {
        notEnded.append("\(pid) \(try session.string("usename"))")
      }
    }
    return (ended, notEnded)
  }

  /// The tables that carry the guard now.
  static func guardedNow(on connection: PGConnection) throws -> Set<QualifiedName> {
    let rows = try connection.execute(
      """
      SELECT n.nspname, c.relname FROM pg_trigger t
      JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_proc p ON p.oid = t.tgfoid JOIN pg_namespace pn ON pn.oid = p.pronamespace
      WHERE pn.nspname = $1 AND p.proname = $2
      """, [FreezeRecord.schema, FreezeRecord.function], doing: "listing the guarded tables")
    return Set(
      try rows.map { QualifiedName(schema: try $0.string("nspname"), name: try $0.string("relname")) })
  }

  /// The table's own triggers (`pg_get_triggerdef`), sorted by name, the guard left out.
  static func triggers(of table: QualifiedName, on connection: PGConnection) throws -> [String] {
    try connection.execute(
      """
      SELECT pg_get_triggerdef(t.oid) AS def FROM pg_trigger t
      WHERE t.tgrelid = to_regclass($1) AND NOT t.tgisinternal AND t.tgname <> $2
      ORDER BY t.tgname
      """, [table.quoted, FreezeRecord.trigger], doing: "reading the triggers of \(table)"
    ).column("def").compactMap { $0 }
  }

  /// The table's ACL as text (nil: default privileges).
  static func acl(of table: QualifiedName, on connection: PGConnection) throws -> String? {
    try connection.execute(
      "SELECT relacl::text AS acl FROM pg_class WHERE oid = to_regclass($1)", [table.quoted],
      doing: "reading the privileges of \(table)"
    ).scalar
  }
}
