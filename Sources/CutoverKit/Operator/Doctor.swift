import Foundation
import Logging

/// `cutover doctor`: checks both connections and what the cutover will need of them.
///
/// Each side is checked on its own thread and connection; every finding is collected so
/// the operator sees all problems at once, not the first one.
public struct Doctor: Sendable {
  public var source: ConnectionTarget?
  public var target: ConnectionTarget?
  /// The schemas whose tables the export must read; `nil` for the export's default selection.
  public var schemas: [String]?
  /// Where the export will be written, to compare free disk with the source's size.
  public var exportDirectory: String?

  public init(
    source: ConnectionTarget?, target: ConnectionTarget?,
    schemas: [String]? = nil, exportDirectory: String? = nil
  ) {
    self.source = source
    self.target = target
    self.schemas = schemas
    self.exportDirectory = exportDirectory
  }

  public func run(logger: Logger) async -> DoctorReport {
    var checks: [DoctorCheck] = []
    if let source {
      let inspector = SideInspector(
        side: .source, target: source, schemas: schemas, exportDirectory: exportDirectory)
      checks += await inspector.inspect(logger: logger)
    }
    if let target {
      let inspector = SideInspector(
        side: .target, target: target, schemas: schemas, exportDirectory: nil)
      checks += await inspector.inspect(logger: logger)
    }
    return DoctorReport(checks: checks)
  }
}

/// The checks of one side, run on a connection of its own.
struct SideInspector: Sendable {
  var side: Side
  var target: ConnectionTarget
  var schemas: [String]?
  var exportDirectory: String?

  func inspect(logger: Logger) async -> [DoctorCheck] {
    logger.debug("doctor connecting", metadata: ["side": "\(side)", "target": "\(target)"])
    let checks = await collect()
    for check in checks {
      logger.debug(
        "doctor check",
        metadata: [
          "side": "\(check.side)", "check": "\(check.name)", "status": "\(check.status.rawValue)",
          "detail": "\(check.detail)",
        ])
    }
    return checks
  }

  private func collect() async -> [DoctorCheck] {
    let inspector = self
    do {
      return try await onDedicatedThread(named: "doctor-\(side)") {
        let connection: PGConnection
        do {
          connection = try PGConnection(inspector.target, applicationName: "cutover doctor")
        } catch let error as PostgresError {
          return [
            DoctorCheck(
              side: inspector.side, name: "connect", status: .failed,
              detail: error.message, nextStep: error.nextStep, unreachable: true)
          ]
        }
        return inspector.checks(on: connection)
      }
    } catch {
      return [
        DoctorCheck(
          side: side, name: "connect", status: .failed,
          detail: target.redact("\(error)"), unreachable: true)
      ]
    }
  }

  /// Runs every check; a server error inside one becomes that check's failure.
  func checks(on connection: PGConnection) -> [DoctorCheck] {
    var results: [DoctorCheck] = []
    func attempt(_ name: String, _ body: () throws -> DoctorCheck) {
      do {
        results.append(try body())
      } catch let error as ExportError where error.code == .emptySelection {
        results.append(
          DoctorCheck(
            side: side, name: name, status: .failed, detail: error.message, nextStep: error.nextStep,
            misconfigured: true))
      } catch {
        results.append(
          DoctorCheck(
            side: side, name: name, status: .failed, detail: target.redact("\(error)"),
            nextStep: "check the role's privileges on the \(side)"))
      }
    }
    attempt("connect") { try connectCheck(connection) }
    attempt("server-version") { versionCheck(connection) }
    attempt("session-pooling") { try poolingCheck(connection) }
    attempt("timeouts") { try timeoutCheck(connection) }
    if side == .source {
      let catalog = Result {
        if let schemas { return try CatalogReader(schemas: schemas).read(from: connection) }
        return try ExportTableSelection().catalog(on: connection)
      }
      attempt("read-access") { try readAccessCheck(connection, catalog: try catalog.get()) }
      attempt("row-level-security") { try rowSecurityCheck(connection, catalog: try catalog.get()) }
      attempt("snapshot") { try snapshotCheck(connection) }
      if let exportDirectory {
        attempt("free-disk") { try diskCheck(connection, directory: exportDirectory) }
        attempt("snapshot-holder") { holderCheck(directory: exportDirectory) }
      }
    } else {
      attempt("create-schemas") { try createCheck(connection) }
      attempt("session-replication-role") { try replicationRoleCheck(connection) }
    }
    return results
  }

  private func check(
    _ name: String, _ status: DoctorCheck.Status, _ detail: String, next: String? = nil
  ) -> DoctorCheck {
    DoctorCheck(side: side, name: name, status: status, detail: detail, nextStep: next)
  }

  func connectCheck(_ connection: PGConnection) throws -> DoctorCheck {
    let row = try connection.execute(
      """
      SELECT current_database() AS database, current_user AS role, r.rolsuper AS superuser,
             r.rolbypassrls AS bypassrls
      FROM pg_roles r WHERE r.rolname = current_user
      """, doing: "reading the connected role"
    ).one()
    let database = try row.string("database")
    let role = try row.string("role")
    let superuser = try row.bool("superuser")
    let bypass = try row.bool("bypassrls")
    var attributes: [String] = []
    if superuser { attributes.append("superuser") }
    if bypass { attributes.append("bypassrls") }
    let suffix = attributes.isEmpty ? "" : " (\(attributes.joined(separator: ", ")))"
    return check("connect", .ok, "\(target) — database \(database), role \(role)\(suffix)")
  }

  func versionCheck(_ connection: PGConnection) -> DoctorCheck {
    let version = ServerVersion(number: connection.serverVersionNumber)
    if let refusal = version.refusal {
      return check(
        "server-version", .failed, refusal,
        next: "point cutover at a PostgreSQL \(ServerVersion.supportedMajor) server")
    }
    return check("server-version", .ok, "PostgreSQL \(version)")
  }

  /// A transaction-mode pooler hands each transaction to any backend: session settings and
  /// exported snapshots are lost between statements.
  func poolingCheck(_ connection: PGConnection) throws -> DoctorCheck {
    let marker = UUID().uuidString
    let doing = "probing for a transaction pooler"
    let first = try connection.execute("SELECT pg_backend_pid() AS pid", doing: doing).one().int("pid")
    try connection.execute("SELECT set_config('cutover.session_probe', $1, false)", [marker], doing: doing)
    let second = try connection.execute(
      "SELECT pg_backend_pid() AS pid, current_setting('cutover.session_probe', true) AS probe", doing: doing
    ).one()
    let samePID = try second.int("pid") == first
    let kept = try second.optionalString("probe") == marker
    guard samePID && kept else {
      return check(
        "session-pooling", .failed,
        "session state was lost between statements: this connection goes through a transaction-mode pooler",
        next: "connect directly or through a session-mode pooler (on Supabase: port 5432, not 6543)")
    }
    if target.port == "6543" {
      return check(
        "session-pooling", .warning,
        "port 6543 is Supabase's transaction pooler, although this session kept its state",
        next: "prefer the direct connection (port 5432)")
    }
    return check("session-pooling", .ok, "session state is kept (direct or session pooling)")
  }

  func timeoutCheck(_ connection: PGConnection) throws -> DoctorCheck {
    let names = ["statement_timeout", "idle_in_transaction_session_timeout", "lock_timeout"]
    let row = try connection.execute(
      "SELECT " + names.map { "current_setting('\($0)') AS \($0)" }.joined(separator: ", "),
      doing: "reading the timeouts"
    ).one()
    let values = try names.map { "\($0)=\(try row.string($0))" }
    try connection.prepareLongRunningSession()
    return check(
      "timeouts", .ok,
      "\(values.joined(separator: ", ")); cutover sets all three to 0 for its own sessions")
  }

  func readAccessCheck(_ connection: PGConnection, catalog: Catalog) throws -> DoctorCheck {
    let missingSchemas = (schemas ?? []).filter { !catalog.schemas.contains($0) }
    let tables = catalog.tables.map(\.name)
    // Name lookup in a schema without USAGE fails, so that is asked first.
    let unreadable = try connection.execute(
      """
      SELECT w.schema || '.' || w.name AS name
      FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS w(schema, name, quoted, ord)
      WHERE CASE WHEN has_schema_privilege(w.schema, 'USAGE') THEN NOT has_table_privilege(w.quoted, 'SELECT')
                 ELSE true END
      ORDER BY w.ord
      """,
      [
        PostgresArray.literal(tables.map(\.schema)), PostgresArray.literal(tables.map(\.name)),
        PostgresArray.literal(tables.map(\.quoted)),
      ], doing: "checking SELECT on the tables to export"
    ).map { try $0.string("name") }
    guard !tables.isEmpty else {
      return DoctorCheck(
        side: side, name: "read-access", status: .failed,
        detail:
          "no tables to read: schemas \((schemas ?? []).joined(separator: ", ")) hold none\(missingSchemas.isEmpty ? "" : " (not present: \(missingSchemas.joined(separator: ", ")))")",
        nextStep: "check --schemas and that \(side.option) names the application's database (not `postgres`)",
        misconfigured: true)
    }
    if !unreadable.isEmpty {
      return check(
        "read-access", .failed,
        "cannot read \(unreadable.count) of \(tables.count) tables: \(Self.list(unreadable))",
        next:
          "GRANT USAGE on the schemas and SELECT on these tables to the export role, or export as the project's postgres role"
      )
    }
    let note =
      missingSchemas.isEmpty ? "" : " (schemas not present: \(missingSchemas.joined(separator: ", ")))"
    return check(
      "read-access", .ok,
      "can read all \(tables.count) tables in \(catalog.schemas.joined(separator: ", "))\(note)")
  }

  /// A role that RLS applies to would export only the rows its policies let it see: RLS is
  /// on, the role is neither superuser nor BYPASSRLS, and RLS is forced or the role does not
  /// own the table (as a member of its owner).
  func rowSecurityCheck(_ connection: PGConnection, catalog: Catalog) throws -> DoctorCheck {
    let role = try connection.execute(
      "SELECT rolsuper AS superuser, rolbypassrls AS bypassrls FROM pg_roles WHERE rolname = current_user",
      doing: "reading the connected role"
    ).one()
    let exempt = try role.bool("superuser") || role.bool("bypassrls")
    let secured = catalog.tables.filter(\.rowSecurityEnabled)
    var owns: [String: Bool] = [:]
    if !exempt && !secured.isEmpty {
      let owners = Array(Set(secured.map(\.owner))).sorted()
      for row in try connection.execute(
        "SELECT o AS owner, pg_has_role(o, 'USAGE') AS member FROM unnest($1::text[]) AS o",
        [PostgresArray.literal(owners)], doing: "checking which table owners this role acts as")
      {
        owns[try row.string("owner")] = try row.bool("member")
      }
    }
    let filtered =
      exempt ? [] : secured.filter { $0.rowSecurityForced || owns[$0.owner] != true }.map(\.name.description)
    guard filtered.isEmpty else {
      return check(
        "row-level-security", .failed,
        "row-level security would hide rows of \(filtered.count) tables from this role: \(Self.list(filtered))",
        next: "export as a role with BYPASSRLS (Supabase's postgres role has it)")
    }
    return check("row-level-security", .ok, "no table's policies apply to this role")
  }

  func snapshotCheck(_ connection: PGConnection) throws -> DoctorCheck {
    let id = try connection.exportSnapshot()
    try connection.execute("ROLLBACK")
    return check("snapshot", .ok, "can export a snapshot (\(id)) for parallel workers")
  }

  /// The export's own estimate (`ExportSizeEstimate`, from the tables it would read) against
  /// the free space near `directory`.
  func diskCheck(_ connection: PGConnection, directory: String) throws -> DoctorCheck {
    let plans = try ExportTableSelection().plan(on: connection)
    let estimate = ExportSizeEstimate(
      plans: plans, jobs: 2, chunkSize: 64 << 20, directory: URL(fileURLWithPath: directory))
    guard estimate.available != nil else {
      return check(
        "free-disk", .warning, "cannot tell the free space near \(directory)",
        next: "make sure the export directory's file system is mounted and writable")
    }
    let detail = "near \(directory): \(estimate.text)"
    guard estimate.fits else {
      return check("free-disk", .failed, detail, next: "free disk or choose another --export-dir")
    }
    return check("free-disk", .ok, detail)
  }

  /// A snapshot holder process left by an interrupted export holds a transaction open on the
  /// source (holding back vacuum) until it ends by itself.
  func holderCheck(directory: String) -> DoctorCheck {
    guard let holder = SnapshotHolderProcess.live(in: URL(fileURLWithPath: directory)) else {
      return check("snapshot-holder", .ok, "no snapshot holder process open for \(directory)")
    }
    return check(
      "snapshot-holder", .warning, "\(holder.text) for \(directory): a transaction open on the source",
      next:
        "resume the export (`cutover export` with the same --export-dir), or end it with `cutover export --abandon --export-dir \(directory)`"
    )
  }

  func createCheck(_ connection: PGConnection) throws -> DoctorCheck {
    let canCreate = try connection.execute(
      "SELECT has_database_privilege(current_database(), 'CREATE') AS allowed",
      doing: "checking CREATE on the database"
    ).one().bool("allowed")
    guard canCreate else {
      return check(
        "create-schemas", .failed,
        "role \(target.user ?? "?") cannot create schemas in this database",
        next: "GRANT CREATE ON DATABASE to the import role, or import as the project's postgres role")
    }
    return check("create-schemas", .ok, "can create schemas and tables")
  }

  /// Import runs with `session_replication_role = replica`; on PostgreSQL 15 a
  /// non-superuser needs `GRANT SET ON PARAMETER` for that.
  func replicationRoleCheck(_ connection: PGConnection) throws -> DoctorCheck {
    let allowed = try connection.execute(
      "SELECT has_parameter_privilege('session_replication_role', 'SET') AS allowed",
      doing: "checking SET on session_replication_role"
    ).one().bool("allowed")
    if allowed {
      try connection.execute("BEGIN")
      defer { _ = try? connection.execute("ROLLBACK") }
      try connection.execute("SET LOCAL session_replication_role = replica")
      return check("session-replication-role", .ok, "can SET session_replication_role = replica")
    }
    return check(
      "session-replication-role", .failed,
      "role \(target.user ?? "?") may not SET session_replication_role (needed to load without triggers and per-row foreign-key checks)",
      next: "as a superuser: GRANT SET ON PARAMETER session_replication_role TO \(target.user ?? "<role>")")
  }

  static func list(_ names: [String]) -> String {
    names.count <= 10
      ? names.joined(separator: ", ")
      : names.prefix(10).joined(separator: ", ") + " and \(names.count - 10) more"
  }
}
