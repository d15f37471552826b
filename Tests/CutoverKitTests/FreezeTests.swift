import CutoverKit
import CutoverTestSupport
import Foundation
import Logging
import Testing

/// `cutover freeze` / `unfreeze` on the legacy fixture: every application write path is
/// refused while frozen (PostgREST's roles through `authenticator`, `service_role`, an
/// application role and the tables' owner over direct connections), reads still work,
/// unfreeze restores triggers and privileges exactly, and both are harmless twice.
@Suite(.postgres, .timeLimit(.minutes(10)))
struct FreezeTests {
  static let logger = Logger(label: "test.freeze", factory: { _ in SwiftLogNoOpLogHandler() })

  /// Every table's ACL and own triggers in the schemas an export reads, plus the guard's
  /// function and schema: what a freeze must leave exactly as it found it.
  static func state(_ db: TestDatabase) async throws -> [String] {
    try await db.execute(
      """
      SELECT c.oid::regclass::text || ' acl=' || coalesce(c.relacl::text, 'default') || ' triggers=' ||
             coalesce((SELECT string_agg(pg_get_triggerdef(t.oid), '; ' ORDER BY t.tgname)
                       FROM pg_trigger t WHERE t.tgrelid = c.oid AND NOT t.tgisinternal), '') AS s
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p') AND n.nspname IN ('app', 'public', 'auth', 'storage', 'cutover')
      UNION ALL
      SELECT 'function ' || p.oid::regprocedure::text FROM pg_proc p
      JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'cutover'
      UNION ALL
      SELECT 'schema ' || nspname FROM pg_namespace WHERE nspname = 'cutover'
      ORDER BY 1
      """
    ).column("s").compactMap { $0 }
  }

  /// The fixture plus a table every writer may write (so a refusal is the freeze's, not a
  /// missing privilege), owned by `postgres` as app tables are on Supabase, and a login
  /// application role; returns the role's name and password.
  static func prepare(_ db: TestDatabase) async throws -> (role: String, password: String) {
    try await db.buildLegacyFixture()
    let role = "gate_app_\(UUID().uuidString.prefix(8).lowercased())"
    let password = "app-\(UUID().uuidString)"
    try await db.createRole(role, password: password)
    try await db.runScript(
      """
      CREATE TABLE app.gate_notes (id int PRIMARY KEY, body text);
      ALTER TABLE app.gate_notes OWNER TO postgres;
      GRANT USAGE ON SCHEMA app TO anon, authenticated, service_role, \(role);
      GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON app.gate_notes TO anon, authenticated, service_role, \(role);
      GRANT CONNECT ON DATABASE \(QualifiedName.quote(db.name)) TO \(role);
      INSERT INTO app.gate_notes VALUES (1, 'before');
      """)
    return (role, password)
  }

  /// How each writer reaches the table: a statement prefix run on a superuser connection
  /// (`SET SESSION AUTHORIZATION` then `SET ROLE`, as PostgREST does from `authenticator`),
  /// or nil for the application role's own login.
  static let writers: [(name: String, setup: [String]?)] = [
    ("anon via authenticator", ["SET SESSION AUTHORIZATION authenticator", "SET ROLE anon"]),
    (
      "authenticated via authenticator",
      ["SET SESSION AUTHORIZATION authenticator", "SET ROLE authenticated"]
    ),
    ("service_role via authenticator", ["SET SESSION AUTHORIZATION authenticator", "SET ROLE service_role"]),
    ("owner postgres", ["SET SESSION AUTHORIZATION postgres"]),
    ("superuser without the bypass", []),
    ("application role", nil),
  ]

  /// Runs `statement` as `writer`; returns the SQLSTATE of its refusal, nil when it ran.
  static func attempt(
    _ db: TestDatabase, as writer: (name: String, setup: [String]?), role: String, password: String,
    _ statement: String
  ) async throws -> String? {
    let url = writer.setup == nil ? db.url(user: role, password: password) : db.url
    let setup = writer.setup ?? []
    return try await onDedicatedThread(named: "test-writer") {
      let connection = try PGConnection(try ConnectionTarget(url), applicationName: "app")
      for line in setup { try connection.execute(line) }
      do {
        try connection.execute(statement)
        return nil
      } catch let error as PostgresError {
        return error.sqlState ?? "none"
      }
    }
  }

  @Test
  func `while frozen every writer is refused and reads work; unfreeze restores triggers and ACLs exactly`()
    async throws
  {
    let db = try #require(TestDatabase.current)
    let (role, password) = try await Self.prepare(db)
    let directory = GateScenario.scratchDirectory("freeze")
    defer { try? FileManager.default.removeItem(at: directory) }
    let before = try await Self.state(db)

    // An application session open before the freeze is ended by it.
    let appURL = db.url(user: role, password: password)
    let sessionEnded = try await onDedicatedThread(named: "test-open-session") { () -> Bool in
      let session = try PGConnection(try ConnectionTarget(appURL), applicationName: "app")
      try session.execute("SELECT 1")
      let source = try ConnectionTarget(db.url, side: .source)
      let freeze = Freeze(source: source, exportDirectory: directory, applicationRoles: [role])
      _ = try freeze.runBlocking(logger: Self.logger)
      do {
        try session.execute("SELECT 1")
        return false
      } catch {
        return true
      }
    }
    #expect(sessionEnded, "the application's open session survived the freeze")

    let record = try #require(
      try JSONSerialization.jsonObject(
        with: Data(contentsOf: directory.appendingPathComponent("freeze.json")))
        as? [String: Any])
    #expect(record["active"] as? Bool == true)
    #expect((record["roles"] as? [String])?.contains(role) == true)

    for writer in Self.writers {
      for statement in [
        "INSERT INTO app.gate_notes VALUES (2, 'during')", "UPDATE app.gate_notes SET body = 'x'",
        "DELETE FROM app.gate_notes", "TRUNCATE app.gate_notes",
      ] {
        let refusal = try await Self.attempt(db, as: writer, role: role, password: password, statement)
        #expect(refusal == "25006", "\(writer.name): \(statement) → \(refusal ?? "ran")")
      }
      let read = try await onDedicatedThread(named: "test-reader") { [setup = writer.setup] () -> String? in
        let url = setup == nil ? appURL : db.url
        let connection = try PGConnection(try ConnectionTarget(url), applicationName: "app")
        for line in setup ?? [] { try connection.execute(line) }
        return try connection.execute("SELECT body FROM app.gate_notes WHERE id = 1").scalar
      }
      #expect(read == "before", "\(writer.name) could not read")
    }
    // A fixture table with rows of its own is guarded too (no table is left out).
    let auth = try await Self.attempt(
      db, as: ("owner", []), role: role, password: password, "DELETE FROM auth.users")
    #expect(auth == "25006")

    // Freezing twice is harmless: nothing added, nothing changed.
    let frozenState = try await Self.state(db)
    let again = try await Freeze(
      source: try ConnectionTarget(db.url, side: .source), exportDirectory: directory
    )
    .run(logger: Self.logger)
    #expect(again.added.isEmpty)
    #expect(again.text.contains("already frozen"))
    #expect(try await Self.state(db) == frozenState)

    let unfreeze = Unfreeze(source: try ConnectionTarget(db.url, side: .source), exportDirectory: directory)
    let lifted = try await unfreeze.run(logger: Self.logger)
    #expect(lifted.wasFrozen && lifted.differences.isEmpty, "\(lifted.text)")
    #expect(try await Self.state(db) == before)
    for writer in Self.writers {
      let refusal = try await Self.attempt(
        db, as: writer, role: role, password: password, "UPDATE app.gate_notes SET body = body")
      #expect(refusal == nil, "\(writer.name) still refused after unfreeze: \(refusal ?? "")")
    }
    // Unfreezing twice is harmless and says so.
    let twice = try await unfreeze.run(logger: Self.logger)
    #expect(!twice.wasFrozen)
    #expect(twice.text.contains("not frozen"))
    #expect(try await Self.state(db) == before)
    let kinds = try Journal.read(directory: directory).map(\.kind)
    #expect(kinds == ["source_frozen", "source_frozen", "source_unfrozen"])
  }

  @Test func `freeze refuses a table it may not alter, naming it, and changes nothing`() async throws {
    let db = try #require(TestDatabase.current)
    try await db.buildLegacyFixture()
    let role = "gate_op_\(UUID().uuidString.prefix(8).lowercased())"
    let password = "op-\(UUID().uuidString)"
    try await db.createRole(role, password: password)
    try await db.runScript(
      """
      GRANT CONNECT ON DATABASE \(QualifiedName.quote(db.name)) TO \(role);
      GRANT USAGE ON SCHEMA app, auth, storage TO \(role);
      GRANT SELECT ON ALL TABLES IN SCHEMA app, auth, storage TO \(role);
      """)
    let before = try await Self.state(db)
    let directory = GateScenario.scratchDirectory("freeze-refused")
    defer { try? FileManager.default.removeItem(at: directory) }
    let freeze = Freeze(
      source: try ConnectionTarget(db.url(user: role, password: password), side: .source),
      exportDirectory: directory)
    let error = await #expect(throws: GateError.self) { try await freeze.run(logger: Self.logger) }
    let refusal = try #require(error)
    #expect(refusal.exitStatus == .checkFailed)
    #expect(refusal.message.contains("app.profiles"), "\(refusal)")
    #expect(refusal.message.contains("auth.users"), "\(refusal)")
    #expect(try await Self.state(db) == before)
    #expect(!FileManager.default.fileExists(atPath: directory.path), "a refused freeze left a directory")
  }

  @Test func `unfreeze without a freeze says so and changes nothing; an unknown application role is refused`()
    async throws
  {
    let db = try #require(TestDatabase.current)
    try await db.buildLegacyFixture()
    let before = try await Self.state(db)
    let directory = GateScenario.scratchDirectory("unfreeze-none")
    defer { try? FileManager.default.removeItem(at: directory) }
    let source = try ConnectionTarget(db.url, side: .source)
    let outcome = try await Unfreeze(source: source, exportDirectory: directory).run(logger: Self.logger)
    #expect(!outcome.wasFrozen)
    #expect(outcome.text == "the source is not frozen: nothing to unfreeze")
    let error = await #expect(throws: GateError.self) {
      try await Freeze(source: source, exportDirectory: directory, applicationRoles: ["no_such_role_gates"])
        .run(logger: Self.logger)
    }
    #expect(error?.exitStatus == .usage)
    #expect(error?.message.contains("no_such_role_gates") == true)
    #expect(try await Self.state(db) == before)
  }

  @Test func `a freeze before the export (as run --final does) leaves the directory to the export`()
    async throws
  {
    let db = try #require(TestDatabase.current)
    try await db.buildLegacyFixture()
    let directory = GateScenario.scratchDirectory("freeze-first")
    defer { try? FileManager.default.removeItem(at: directory) }
    let source = try ConnectionTarget(db.url, side: .source)
    _ = try await Freeze(source: source, exportDirectory: directory).run(logger: Self.logger)
    _ = try await Exporter(options: ExportOptions(source: source, directory: directory)).run(
      logger: Self.logger)
    let manifest = try #require(try ExportManifest.read(directory: directory))
    #expect(manifest.tables.contains { $0.name == QualifiedName(schema: "app", name: "app_config") })
    let check = try await ExportChecker(directory: directory).run(logger: Self.logger)
    #expect(check.exitStatus == .success, "\(check.text)")
    let lifted = try await Unfreeze(source: source, exportDirectory: directory).run(logger: Self.logger)
    #expect(lifted.wasFrozen && lifted.differences.isEmpty)
  }

  @Test func `freeze and unfreeze from the command line: exit 0 twice each, no password printed`()
    async throws
  {
    let db = try #require(TestDatabase.current)
    try await db.buildLegacyFixture()
    let before = try await Self.state(db)
    let directory = GateScenario.scratchDirectory("freeze-cli")
    defer { try? FileManager.default.removeItem(at: directory) }
    var outputs: [String] = []
    for command in ["freeze", "freeze", "unfreeze", "unfreeze"] {
      let outcome = try CutoverBinary.run(
        [command, "--export-dir", directory.path], environment: ["SOURCE_DATABASE_URL": db.url])
      #expect(outcome.status == 0, "\(command): \(outcome.output)")
      outputs.append(outcome.output)
    }
    #expect(outputs[0].contains("froze the source"))
    #expect(outputs[1].contains("already frozen"))
    #expect(outputs[2].contains("unfroze the source"))
    #expect(outputs[3].contains("not frozen"))
    #expect(outputs.allSatisfy { !$0.contains(db.password) })
    #expect(try await Self.state(db) == before)
    let usage = try CutoverBinary.run(["freeze", "--export-dir", directory.path])
    #expect(usage.status == 2, "\(usage.output)")
  }

  @Test func `another login superuser or session_replication_role = replica is refused, naming it`()
    async throws
  {
    let db = try #require(TestDatabase.current)
    try await db.buildLegacyFixture()
    // An operator that owns every table through membership, as postgres does on Supabase:
    // the cluster's superuser supabase_admin is then another superuser that could pass.
    let suffix = UUID().uuidString.prefix(8).lowercased()
    let (owner, app) = ("gate_owner_\(suffix)", "gate_replica_\(suffix)")
    let password = "owner-\(UUID().uuidString)"
    try await db.createRole(owner, password: password)
    try await db.createRole(app, password: password)
    try await db.runScript(
      """
      GRANT supabase_admin, supabase_auth_admin, supabase_storage_admin TO \(owner);
      GRANT CONNECT, CREATE ON DATABASE \(QualifiedName.quote(db.name)) TO \(owner);
      """)
    let before = try await Self.state(db)
    let directory = GateScenario.scratchDirectory("freeze-superuser")
    defer { try? FileManager.default.removeItem(at: directory) }
    let source = try ConnectionTarget(db.url(user: owner, password: password), side: .source)
    let refused = await #expect(throws: GateError.self) {
      try await Freeze(source: source, exportDirectory: directory).run(logger: Self.logger)
    }
    #expect(refused?.exitStatus == .checkFailed)
    #expect(
      refused?.message.contains("superuser(s) supabase_admin") == true, "\(String(describing: refused))")
    #expect(try await Self.state(db) == before)

    // Named as the platform's own, it is not refused; the freeze works as that operator.
    let frozen = try await Freeze(
      source: source, exportDirectory: directory, platformSuperusers: ["supabase_admin"]
    )
    .run(logger: Self.logger)
    #expect(!frozen.added.isEmpty)
    let lifted = try await Unfreeze(source: source, exportDirectory: directory).run(logger: Self.logger)
    #expect(lifted.differences.isEmpty)
    #expect(try await Self.state(db) == before)

    // A role whose sessions skip triggers is a path the guard cannot close.
    try await db.execute(
      "ALTER ROLE \(app) IN DATABASE \(QualifiedName.quote(db.name)) SET session_replication_role = replica")
    let replica = await #expect(throws: GateError.self) {
      try await Freeze(source: try ConnectionTarget(db.url, side: .source), exportDirectory: directory)
        .run(logger: Self.logger)
    }
    #expect(replica?.message.contains("\(app) on \(db.name)") == true, "\(String(describing: replica))")
    try await db.execute(
      "ALTER ROLE \(app) IN DATABASE \(QualifiedName.quote(db.name)) RESET session_replication_role")
    #expect(try await Self.state(db) == before)
  }
}
