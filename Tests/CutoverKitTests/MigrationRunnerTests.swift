import CutoverKit
import CutoverTestSupport
import Foundation
import Logging
import Synchronization
import Testing

/// `MigrationRunner` (`cutover migrate`) against a real PostgreSQL 15, with small chains
/// written to temporary directories by each test.
@Suite(.postgres, .timeLimit(.minutes(8)))
struct MigrationRunnerTests {
  let logger = Logger(label: "test.migrate")

  @Test func `applies a small chain to an empty database and records it as the Supabase CLI does`()
    async throws
  {
    let db = try #require(TestDatabase.current)
    let chain = try TestChain([
      "0001_app_schema.sql": """
      -- the schema
      CREATE SCHEMA app;
      CREATE TABLE app.notes (id int PRIMARY KEY, body text NOT NULL DEFAULT 'a;b');
      """,
      "0002_functions.sql": """
      CREATE FUNCTION app.note_count() RETURNS bigint LANGUAGE plpgsql AS $fn$
      BEGIN
        RETURN (SELECT count(*) FROM app.notes); -- ; inside
      END;
      $fn$;

      INSERT INTO app.notes (id) VALUES (1), (2);
      """,
      "README.md": "not a migration",
    ])
    let lines = Mutex<[String]>([])
    let outcome = try await MigrationRunner(chain: chain.directory).apply(
      to: try db.target, logger: logger
    ) { progress in lines.withLock { $0.append(progress.line) } }

    #expect(outcome.files.map(\.file) == ["0001_app_schema.sql", "0002_functions.sql"])
    #expect(outcome.files.map(\.status) == [.applied, .applied])
    #expect(!outcome.dryRun)
    let progressLines = lines.withLock { $0 }
    #expect(progressLines.count == 2)
    #expect(progressLines.first?.hasPrefix("[1/2] \(chain.name)/0001_app_schema.sql  applied  ") == true)

    // The table as the CLI creates it.
    let columns = try await db.execute(
      """
      SELECT column_name || ' ' || data_type || ' ' || is_nullable
      FROM information_schema.columns
      WHERE table_schema = 'supabase_migrations' AND table_name = 'schema_migrations'
      ORDER BY ordinal_position
      """
    ).column("?column?")
    #expect(columns == ["version text NO", "statements ARRAY YES", "name text YES"])
    let key = try await db.execute(
      "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'supabase_migrations.schema_migrations'::regclass AND contype = 'p'"
    ).scalar
    #expect(key == "PRIMARY KEY (version)")

    // The rows as the CLI writes them: version, name, statements split, trimmed, without `;`.
    let rows = try await db.execute(
      "SELECT version, name, statements FROM supabase_migrations.schema_migrations ORDER BY version")
    #expect(rows.column("version") == ["0001", "0002"])
    #expect(rows.column("name") == ["app_schema", "functions"])
    let statements = try await db.execute(
      "SELECT s FROM supabase_migrations.schema_migrations, unnest(statements) WITH ORDINALITY AS u(s, n) WHERE version = '0001' ORDER BY n"
    ).column("s")
    #expect(
      statements == [
        "-- the schema\nCREATE SCHEMA app",
        "CREATE TABLE app.notes (id int PRIMARY KEY, body text NOT NULL DEFAULT 'a;b')",
      ])
    let second = try await db.execute(
      "SELECT array_length(statements, 1), statements[1] LIKE '%RETURN (SELECT count(*) FROM app.notes); -- ; inside%$fn$' FROM supabase_migrations.schema_migrations WHERE version = '0002'"
    ).rows.first
    #expect(second == ["2", "t"])

    // cutover's checksums.
    let checksums = try await db.execute(
      "SELECT version, name, sha256, chain FROM cutover.migration_checksums ORDER BY version")
    #expect(try checksums.column("sha256") == chain.sha256s(["0001_app_schema.sql", "0002_functions.sql"]))
    #expect(checksums.column("chain") == [chain.name, chain.name])
    #expect(try await db.execute("SELECT app.note_count()").scalar == "2")

    // A second run is a no-op.
    let again = try await MigrationRunner(chain: chain.directory).apply(to: try db.target, logger: logger)
    #expect(again.files.map(\.status) == [.skipped, .skipped])
    #expect(try await db.execute("SELECT count(*) FROM app.notes").scalar == "2")
  }

  @Test func `a half-applied chain resumes at the failed file once it is fixed`() async throws {
    let db = try #require(TestDatabase.current)
    let chain = try TestChain([
      "0001_schema.sql": "CREATE SCHEMA app;\nCREATE TABLE app.a (id int);",
      "0002_more.sql": "CREATE TABLE app.half (id int);\nINSERT INTO app.missing VALUES (1);",
      "0003_last.sql": "CREATE TABLE app.c (id int);",
    ])
    let runner = MigrationRunner(chain: chain.directory)
    let failure = try await #require(throws: MigrationError.self) {
      try await runner.apply(to: try db.target, logger: logger)
    }
    #expect(failure.code == .statementFailed)
    #expect(failure.exitStatus == .ioFailure)
    #expect(failure.file == chain.path("0002_more.sql"))
    #expect(failure.line == 2)
    #expect(failure.sqlState == SQLState.undefinedTable)
    #expect(failure.description.contains("0002_more.sql:2: relation \"app.missing\" does not exist [42P01]"))
    #expect(
      try await db.execute("SELECT version FROM supabase_migrations.schema_migrations").column("version") == [
        "0001"
      ])
    #expect(try await db.execute("SELECT to_regclass('app.half') IS NULL").scalar == "t")

    try chain.write("0002_more.sql", "CREATE TABLE app.half (id int);\nINSERT INTO app.half VALUES (1);")
    let outcome = try await runner.apply(to: try db.target, logger: logger)
    #expect(outcome.files.map(\.status) == [.skipped, .applied, .applied])
    #expect(
      try await db.execute("SELECT version FROM supabase_migrations.schema_migrations ORDER BY 1").column(
        "version")
        == ["0001", "0002", "0003"])
  }

  @Test func `a file changed after it was applied is refused with exit status 1, naming it`() async throws {
    let db = try #require(TestDatabase.current)
    let chain = try TestChain([
      "0001_schema.sql": "CREATE SCHEMA app;",
      "0002_table.sql": "CREATE TABLE app.t (id int);",
    ])
    let runner = MigrationRunner(chain: chain.directory)
    _ = try await runner.apply(to: try db.target, logger: logger)
    try chain.write("0002_table.sql", "CREATE TABLE app.t (id bigint);")
    try chain.write("0003_new.sql", "CREATE TABLE app.u (id int);")
    let failure = try await #require(throws: MigrationError.self) {
      try await runner.apply(to: try db.target, logger: logger)
    }
    #expect(failure.code == .checksumChanged)
    #expect(failure.exitStatus == .checkFailed)
    #expect(failure.description.contains("0002_table.sql"))
    #expect(!failure.description.contains("0001_schema.sql"))
    #expect(failure.detail?.contains("when applied") == true)
    #expect(try await db.execute("SELECT to_regclass('app.u') IS NULL").scalar == "t")
  }

  @Test func `a later run by another role that may read the ledger skips everything`() async throws {
    let db = try #require(TestDatabase.current)
    let chain = try TestChain(["0001_schema.sql": "CREATE SCHEMA app;\nCREATE TABLE app.t (id int);"])
    _ = try await MigrationRunner(chain: chain.directory).apply(to: try db.target, logger: logger)
    let role = "migrate_reader_\(UUID().uuidString.prefix(8).lowercased())"
    try await db.createRole(role, password: "reader-secret")
    try await db.runScript(
      """
      GRANT USAGE ON SCHEMA supabase_migrations, cutover TO \(role);
      GRANT SELECT ON ALL TABLES IN SCHEMA supabase_migrations, cutover TO \(role);
      """)
    let reader = try ConnectionTarget(db.url(user: role, password: "reader-secret"), side: .target)
    let outcome = try await MigrationRunner(chain: chain.directory).apply(to: reader, logger: logger)
    #expect(outcome.files.map(\.status) == [.skipped])
    try await db.runScript("DROP OWNED BY \(role); DROP ROLE \(role);")
  }

  @Test func `a target holding app tables cutover did not create is refused with exit status 2`() async throws
  {
    let db = try #require(TestDatabase.current)
    try await db.runScript("CREATE SCHEMA app; CREATE TABLE app.customers (id int);")
    let chain = try TestChain(["0001_schema.sql": "CREATE SCHEMA IF NOT EXISTS app;"])
    let failure = try await #require(throws: MigrationError.self) {
      try await MigrationRunner(chain: chain.directory).apply(to: try db.target, logger: logger)
    }
    #expect(failure.code == .foreignTarget)
    #expect(failure.exitStatus == .usage)
    #expect(failure.description.contains("app.customers"))
    #expect(try await db.execute("SELECT to_regnamespace('supabase_migrations') IS NULL").scalar == "t")

    // A legacy-style database: app tables and a ledger the CLI wrote, no cutover checksums.
    try await db.runScript(
      """
      CREATE SCHEMA supabase_migrations;
      CREATE TABLE supabase_migrations.schema_migrations (version text PRIMARY KEY, statements text[], name text);
      INSERT INTO supabase_migrations.schema_migrations VALUES ('0001', '{}', 'schema');
      """)
    let again = try await #require(throws: MigrationError.self) {
      try await MigrationRunner(chain: chain.directory).apply(to: try db.target, logger: logger)
    }
    #expect(again.code == .foreignTarget)
    #expect(again.description.contains("schema_migrations ledger that cutover did not write"))
  }

  @Test func `tables of extensions and platform schemas do not make a target foreign`() async throws {
    let db = try #require(TestDatabase.current)
    try await db.runScript(
      "CREATE SCHEMA storage; CREATE TABLE storage.buckets (id text); CREATE SCHEMA extensions; CREATE TABLE extensions.x (id int);"
    )
    let chain = try TestChain(["0001_schema.sql": "CREATE SCHEMA app;"])
    let outcome = try await MigrationRunner(chain: chain.directory).apply(to: try db.target, logger: logger)
    #expect(outcome.files.map(\.status) == [.applied])
  }

  @Test func `ALTER TYPE … ADD VALUE followed by its use runs outside a transaction and works`() async throws
  {
    let db = try #require(TestDatabase.current)
    let chain = try TestChain([
      "0001_types.sql": "CREATE SCHEMA app;\nCREATE TYPE app.mood AS ENUM ('ok');",
      "0002_add_value.sql": """
      -- 'great' is new; it is used right after
      ALTER TYPE app.mood ADD VALUE IF NOT EXISTS 'great';
      CREATE TABLE app.days (mood app.mood NOT NULL DEFAULT 'great');
      INSERT INTO app.days DEFAULT VALUES;
      """,
      "0003_after.sql": "INSERT INTO app.days VALUES ('ok');",
    ])
    // The same statements in one transaction fail: the detection is what makes it work.
    try await db.execute("CREATE TYPE public.probe AS ENUM ('ok')")
    let inOneTransaction = try await #require(throws: PostgresError.self) {
      try await db.runScript(
        "BEGIN; ALTER TYPE public.probe ADD VALUE 'great'; SELECT 'great'::public.probe; COMMIT;")
    }
    #expect(inOneTransaction.sqlState == "55P04")

    let lines = Mutex<[String]>([])
    let outcome = try await MigrationRunner(chain: chain.directory).apply(to: try db.target, logger: logger) {
      progress in lines.withLock { $0.append(progress.line) }
    }
    #expect(outcome.files.map(\.status) == [.applied, .ranOutsideTransaction, .applied])
    #expect(outcome.files[1].reason == "ALTER TYPE … ADD VALUE (line 2)")
    #expect(lines.withLock { $0[1] }.contains("applied outside a transaction"))
    #expect(outcome.text.contains("ran outside a transaction: \(chain.name)/0002_add_value.sql"))
    #expect(
      try await db.execute("SELECT string_agg(mood::text, ',' ORDER BY mood) FROM app.days").scalar
        == "ok,great")
    #expect(try await db.execute("SELECT count(*) FROM supabase_migrations.schema_migrations").scalar == "3")
  }

  @Test func `a syntax error is reported with the file, the line, the server's message and SQLSTATE`()
    async throws
  {
    let db = try #require(TestDatabase.current)
    let chain = try TestChain([
      "0001_bad.sql": """
      CREATE SCHEMA app;

      -- a table with a typo
      CREATE TABLE app.t (
        id int,
        name text,,
        note text
      );
      """
    ])
    let failure = try await #require(throws: MigrationError.self) {
      try await MigrationRunner(chain: chain.directory).apply(to: try db.target, logger: logger)
    }
    #expect(failure.sqlState == SQLState.syntaxError)
    #expect(failure.line == 6)
    #expect(failure.statement == "CREATE TABLE app.t (")
    #expect(
      failure.description.hasPrefix("\(chain.path("0001_bad.sql")):6: syntax error at or near \",\" [42601]"))
    #expect(failure.description.contains("next: 0001_bad.sql was rolled back"))
    #expect(try await db.execute("SELECT to_regnamespace('app') IS NULL").scalar == "t")
  }

  @Test func `a dry run leaves the database unchanged and lists files needing no transaction as not tried`()
    async throws
  {
    let db = try #require(TestDatabase.current)
    let chain = try TestChain(["0001_schema.sql": "CREATE SCHEMA app;\nCREATE TYPE app.mood AS ENUM ('ok');"])
    let runner = MigrationRunner(chain: chain.directory)
    _ = try await runner.apply(to: try db.target, logger: logger)
    try chain.write(
      "0002_tables.sql",
      "CREATE TABLE app.t (id int PRIMARY KEY);\nINSERT INTO app.t VALUES (1);\nCREATE ROLE dry_run_probe_role;"
    )
    try chain.write("0003_enum.sql", "ALTER TYPE app.mood ADD VALUE 'great';")
    try chain.write("0004_after.sql", "CREATE TABLE app.u (id int);")
    let before = try await db.catalogSnapshot()

    let outcome = try await runner.apply(to: try db.target, dryRun: true, logger: logger)
    #expect(outcome.dryRun)
    #expect(outcome.files.map(\.status) == [.skipped, .applied, .notTried, .notTried])
    #expect(outcome.files[2].reason?.contains("ALTER TYPE … ADD VALUE") == true)
    #expect(outcome.text.contains("nothing was changed"))
    #expect(try await db.catalogSnapshot() == before)
    #expect(
      try await db.execute("SELECT count(*) FROM pg_roles WHERE rolname = 'dry_run_probe_role'").scalar == "0"
    )

    // A failing file in a dry run is reported and still nothing changes.
    try chain.write("0003_enum.sql", "SELECT 1;")
    try chain.write("0004_after.sql", "SELECT * FROM app.nope;")
    let failure = try await #require(throws: MigrationError.self) {
      try await runner.apply(to: try db.target, dryRun: true, logger: logger)
    }
    #expect(failure.file == chain.path("0004_after.sql"))
    #expect(failure.description.contains("dry run: everything was rolled back"))
    #expect(try await db.catalogSnapshot() == before)
  }

  @Test func `a dry run on an empty database leaves no ledger behind`() async throws {
    let db = try #require(TestDatabase.current)
    let chain = try TestChain(["0001_schema.sql": "CREATE SCHEMA app;"])
    let before = try await db.catalogSnapshot()
    let outcome = try await MigrationRunner(chain: chain.directory).apply(
      to: try db.target, dryRun: true, logger: logger)
    #expect(outcome.files.map(\.status) == [.applied])
    #expect(try await db.catalogSnapshot() == before)
    #expect(try await db.execute("SELECT to_regnamespace('supabase_migrations') IS NULL").scalar == "t")
  }

  @Test func `a missing or empty chain directory is a usage error`() async throws {
    let db = try #require(TestDatabase.current)
    let missing = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-chain-\(UUID())")
    let notFound = try await #require(throws: MigrationError.self) {
      try await MigrationRunner(chain: missing).apply(to: try db.target, logger: logger)
    }
    #expect(notFound.code == .chainNotFound)
    #expect(notFound.exitStatus == .usage)
    let empty = try TestChain(["README.md": "nothing"])
    let none = try await #require(throws: MigrationError.self) {
      try await MigrationRunner(chain: empty.directory).apply(to: try db.target, logger: logger)
    }
    #expect(none.code == .emptyChain)
    let badName = try TestChain(["add_column.sql": "SELECT 1;"])
    let bad = try await #require(throws: MigrationError.self) {
      try await MigrationRunner(chain: badName.directory).apply(to: try db.target, logger: logger)
    }
    #expect(bad.code == .badFileName)
    #expect(bad.exitStatus == .usage)
  }

  @Test
  func `the stand-in and the real v2 chain apply on a fresh database, and a second run skips everything`()
    async throws
  {
    let db = try #require(TestDatabase.current)
    let runner = MigrationRunner(
      chain: RepositoryPaths.root.appendingPathComponent("supabase/migrations_v2"),
      localStandIn: RepositoryPaths.root.appendingPathComponent("supabase/local"))
    let outcome = try await runner.apply(to: try db.target, logger: logger)
    let standIn = outcome.files.filter { $0.chain == MigrationRunner.standInChainName }
    let chainFiles = outcome.files.filter { $0.chain == "migrations_v2" }
    #expect(!standIn.isEmpty)
    #expect(chainFiles.first?.file == "0001_app_schema.sql")
    #expect(outcome.files.allSatisfy { $0.status == .applied })
    let recorded = try await db.execute(
      "SELECT version || '_' || name || '.sql' AS file FROM supabase_migrations.schema_migrations ORDER BY version"
    ).column("file")
    #expect(recorded == chainFiles.map(\.file))
    #expect(
      try await db.execute("SELECT count(*) FROM cutover.stand_in_files").scalar == String(standIn.count))
    #expect(try await db.execute("SELECT to_regclass('auth.users') IS NOT NULL").scalar == "t")

    let again = try await runner.apply(to: try db.target, logger: logger)
    #expect(again.files.count == outcome.files.count)
    #expect(again.files.allSatisfy { $0.status == .skipped })
  }

  @Test func `the legacy chain also goes through the runner statement by statement`() async throws {
    let db = try #require(TestDatabase.current)
    let chain = RepositoryPaths.root.appendingPathComponent("supabase/migrations")
    let outcome = try await MigrationRunner(
      chain: chain, localStandIn: RepositoryPaths.root.appendingPathComponent("supabase/local")
    ).apply(to: try db.target, logger: logger)
    #expect(outcome.files.allSatisfy { $0.status == .applied }, "\(outcome.text)")
    let files = try MigrationChain(directory: chain).files
    let recorded = try await db.execute(
      "SELECT version, coalesce(array_length(statements, 1), 0) AS n FROM supabase_migrations.schema_migrations ORDER BY version"
    )
    #expect(recorded.column("version") == files.map(\.version))
    #expect(recorded.column("n") == files.map { String($0.statements.count) })
  }

  @Test func `the stand-in is refused on a database that already has an auth schema`() async throws {
    let db = try #require(TestDatabase.current)
    try await db.execute("CREATE SCHEMA auth")
    let runner = MigrationRunner(
      chain: RepositoryPaths.root.appendingPathComponent("supabase/migrations_v2"),
      localStandIn: RepositoryPaths.root.appendingPathComponent("supabase/local"))
    let failure = try await #require(throws: MigrationError.self) {
      try await runner.apply(to: try db.target, logger: logger)
    }
    #expect(failure.code == .standInOnSupabase)
    #expect(failure.exitStatus == .usage)
    #expect(failure.description.contains("already has an auth schema"))
    #expect(try await db.execute("SELECT to_regnamespace('supabase_migrations') IS NULL").scalar == "t")
  }

  @Test func `cutover migrate exits 0, then 1 for a changed file and 2 for a foreign target`() async throws {
    let db = try #require(TestDatabase.current)
    let chain = try TestChain(["0001_schema.sql": "CREATE SCHEMA app;\nCREATE TABLE app.t (id int);"])
    let environment = ["TARGET_DATABASE_URL": db.url]
    let first = try await migrateCommand(["--chain", chain.directory.path], environment: environment)
    #expect(first.status == 0)
    #expect(first.output.contains("[1/1] \(chain.name)/0001_schema.sql  applied"))
    #expect(first.output.contains("1 file(s) applied"))
    #expect(!first.output.contains(db.password))

    let json = try await migrateCommand(
      ["--chain", chain.directory.path, "--json"], environment: environment)
    #expect(json.status == 0)
    #expect(json.output.contains("\"status\" : \"skipped\""))

    try chain.write("0001_schema.sql", "CREATE SCHEMA app;\nCREATE TABLE app.t (id bigint);")
    let changed = try await migrateCommand(["--chain", chain.directory.path], environment: environment)
    #expect(changed.status == 1)
    #expect(changed.output.contains("0001_schema.sql"))

    let other = try await TestDatabase.create(label: "foreign")
    try await other.runScript("CREATE SCHEMA app; CREATE TABLE app.t (id int);")
    let foreign = try await migrateCommand(["--chain", chain.directory.path, "--target", other.url])
    try await other.drop()
    #expect(foreign.status == 2)
    #expect(foreign.output.contains("app.t"))
    #expect(!foreign.output.contains(db.password))

    let usage = try await migrateCommand(["--chain", chain.directory.path])
    #expect(usage.status == 2)
  }
}

/// Runs the built `cutover migrate` (beside the test bundle) with the URL variables cleared
/// unless `environment` sets them.
private func migrateCommand(_ arguments: [String], environment: [String: String] = [:]) async throws
  -> ChildProcess.Outcome
{
  var environment = environment
  environment["TARGET_DATABASE_URL"] = environment["TARGET_DATABASE_URL"] ?? ""
  let variables = environment
  return try await onDedicatedThread(named: "cutover-migrate-cli") {
    try CutoverBinary.run(["migrate"] + arguments, environment: variables)
  }
}

/// A chain of migration files in a temporary directory of its own.
private struct TestChain {
  let directory: URL

  init(_ files: [String: String]) throws {
    directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("cutover-chain-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    for (name, text) in files { try write(name, text) }
  }

  /// The directory's name, recorded as the chain of each checksum.
  var name: String { directory.lastPathComponent }

  /// How the runner shows a file of this chain.
  func path(_ file: String) -> String { directory.relativePath + "/" + file }

  func write(_ name: String, _ text: String) throws {
    try Data(text.utf8).write(to: directory.appendingPathComponent(name))
  }

  func sha256s(_ names: [String]) throws -> [String?] {
    try names.map { MigrationFile.sha256(of: try Data(contentsOf: directory.appendingPathComponent($0))) }
  }
}

/// The package root, for the repository's own chains.
private enum RepositoryPaths {
  static var root: URL {
    URL(fileURLWithPath: #filePath)
      .deletingLastPathComponent()  // CutoverKitTests
      .deletingLastPathComponent()  // Tests
      .deletingLastPathComponent()
  }
}

extension TestDatabase {
  /// Every schema, relation (with its kind and columns), type, enum label and ledger row:
  /// what a dry run must leave as it found it. (Roles are cluster-wide and other tests create
  /// them concurrently; tests check their own role by name.)
  fileprivate func catalogSnapshot() async throws -> [String] {
    var lines: [String] = []
    lines += try await execute("SELECT 'schema ' || nspname FROM pg_namespace ORDER BY 1").rows.compactMap {
      $0[0]
    }
    lines += try await execute(
      """
      SELECT 'relation ' || n.nspname || '.' || c.relname || ' ' || c.relkind::text || ' '
        || coalesce((SELECT string_agg(attname || ':' || format_type(atttypid, atttypmod), ',' ORDER BY attnum)
                     FROM pg_attribute WHERE attrelid = c.oid AND attnum > 0 AND NOT attisdropped), '')
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace ORDER BY 1
      """
    ).rows.compactMap { $0[0] }
    lines += try await execute(
      "SELECT 'type ' || typnamespace::regnamespace || '.' || typname FROM pg_type ORDER BY 1"
    ).rows.compactMap { $0[0] }
    lines += try await execute(
      "SELECT 'enum ' || enumtypid::regtype || ' ' || enumlabel FROM pg_enum ORDER BY 1"
    ).rows.compactMap { $0[0] }
    if try await execute("SELECT to_regclass('supabase_migrations.schema_migrations') IS NOT NULL").scalar
      == "t"
    {
      lines += try await execute(
        "SELECT 'ledger ' || version || ' ' || name FROM supabase_migrations.schema_migrations ORDER BY 1"
      ).rows.compactMap { $0[0] }
    }
    return lines
  }
}
