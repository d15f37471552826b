import CutoverKit
import Foundation
import Testing

/// The legacy fixture (`supabase/local` + `supabase/migrations`) against the production facts
/// in `supabase/schema/legacy.json`, and the stand-in against what Supabase does.
@Suite(.postgres, .timeLimit(.minutes(5)))
struct LegacyFixtureTests {
  @Test func `the fixture's catalogs match every fact in legacy.json`() async throws {
    let db = try #require(TestDatabase.current)
    try await db.buildLegacyFixture()
    let expected = try LegacySchema.production()
    let actual = try await LegacySchema.read(from: db)
    let differences = expected.differences(from: actual)
    #expect(
      differences.isEmpty,
      "\(differences.count) differences from legacy.json:\n\(differences.joined(separator: "\n"))")
    #expect(actual.tables.count == 51)
    #expect(actual.functions.count == 11)
  }

  /// How to check, on the built fixture, each Supabase object legacy.json says the app uses.
  static let referencedObjectChecks: [String: String] = [
    "auth.users(id uuid primary key)": """
    SELECT EXISTS (
      SELECT 1 FROM pg_constraint k
      JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]
      WHERE k.conrelid = 'auth.users'::regclass AND k.contype = 'p'
        AND cardinality(k.conkey) = 1 AND a.attname = 'id' AND a.atttypid = 'uuid'::regtype)
    """,
    "auth.uid() returns uuid": "SELECT pg_get_function_result('auth.uid()'::regprocedure) = 'uuid'",
    "auth.role() returns text": "SELECT pg_get_function_result('auth.role()'::regprocedure) = 'text'",
    "storage.buckets(id, name, public)": """
    SELECT count(*) = 3 FROM pg_attribute
    WHERE attrelid = 'storage.buckets'::regclass AND attname IN ('id', 'name', 'public')
    """,
    "storage.objects (RLS and policies in the v2 chain)":
      "SELECT relrowsecurity FROM pg_class WHERE oid = 'storage.objects'::regclass",
    "roles anon, authenticated, service_role":
      "SELECT count(*) = 3 FROM pg_roles WHERE rolname IN ('anon', 'authenticated', 'service_role')",
    "extensions pgcrypto, uuid-ossp": """
    SELECT count(*) = 2 FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
    WHERE n.nspname = 'extensions' AND e.extname IN ('pgcrypto', 'uuid-ossp')
    """,
  ]

  @Test func `the stand-in has every Supabase object legacy.json references`() async throws {
    let db = try #require(TestDatabase.current)
    try await db.buildLegacyFixture()
    let referenced = try #require(try LegacySchema.production().supabaseObjectsReferenced)
    #expect(!referenced.isEmpty)
    for fact in referenced {
      let sql = try #require(Self.referencedObjectChecks[fact], "no check for legacy.json's \"\(fact)\"")
      let holds = try await db.execute(sql).scalar
      #expect(holds == "t", "the stand-in lacks \(fact)")
    }
  }

  @Test func `the comparison names each difference a changed fixture has`() async throws {
    let db = try #require(TestDatabase.current)
    try await db.buildLegacyFixture()
    try await db.runScript(
      """
      ALTER TABLE app.orders ALTER COLUMN currency DROP DEFAULT;
      ALTER TABLE app.livekit_webhook_jobs ALTER COLUMN next_run_at DROP NOT NULL;
      DROP POLICY courses_public_read ON app.courses;
      DROP INDEX app.idx_orders_status;
      ALTER TYPE app.order_type ADD VALUE 'gift';
      ALTER TABLE app.seminar_sessions ENABLE ROW LEVEL SECURITY;
      DROP TRIGGER trg_courses_touch ON app.courses;
      ALTER FUNCTION app.is_admin(uuid) SECURITY DEFINER;
      """)
    let differences = try LegacySchema.production().differences(
      from: try await LegacySchema.read(from: db))
    #expect(
      differences.sorted() == [
        "column app.livekit_webhook_jobs.next_run_at: not_null false, expected true",
        "column app.orders.currency: default nil, expected 'sek'::text",
        "enum app.order_type: labels [one_off, subscription, bundle, gift], expected [one_off, subscription, bundle]",
        "function app.is_admin(p_user uuid): returns boolean security definer true, expected returns boolean security definer false",
        "index app.orders: missing CREATE INDEX idx_orders_status ON app.orders USING btree (status)",
        "policy app.courses: missing courses_public_read (r to public)",
        "table app.seminar_sessions: rls true, expected false",
        "trigger app.courses: missing trg_courses_touch → app.set_updated_at",
      ], "\(differences.joined(separator: "\n"))")
  }

  @Test func `auth.uid(), auth.role() and auth.jwt() read the request's JWT claims as authenticated`()
    async throws
  {
    let db = try #require(TestDatabase.current)
    try await db.buildLegacyFixture()
    let (current, legacy) = try await db.withConnection { connection in
      try connection.execute("BEGIN")
      try connection.execute(
        "SELECT set_config('request.jwt.claims', $1, true)",
        [#"{"sub":"6d1f5e0a-3b8e-4f0e-9a51-2c9f4a7d8e11","role":"authenticated","email":"a@example.com"}"#])
      try connection.execute("SET LOCAL ROLE authenticated")
      let current = try connection.execute(
        "SELECT current_user, auth.uid()::text, auth.role(), auth.jwt() ->> 'email', auth.email()")
      try connection.execute("ROLLBACK")
      // PostgREST before 9 set one setting per claim; Supabase's helpers read those first.
      try connection.execute("BEGIN")
      try connection.execute(
        "SELECT set_config('request.jwt.claim.sub', $1, true)", ["0b7c2d4e-1111-4a2b-8c3d-5e6f7a8b9c0d"])
      try connection.execute("SET LOCAL ROLE authenticated")
      let legacy = try connection.execute("SELECT auth.uid()::text")
      try connection.execute("ROLLBACK")
      return (current, legacy)
    }
    #expect(
      current.rows.first == [
        "authenticated", "6d1f5e0a-3b8e-4f0e-9a51-2c9f4a7d8e11", "authenticated", "a@example.com",
        "a@example.com",
      ])
    #expect(legacy.scalar == "0b7c2d4e-1111-4a2b-8c3d-5e6f7a8b9c0d")
  }

  @Test func `auth.identities.email is generated from identity_data`() async throws {
    let db = try #require(TestDatabase.current)
    try await db.buildLegacyFixture()
    try await db.runScript(
      """
      INSERT INTO auth.users (id, email) VALUES ('6d1f5e0a-3b8e-4f0e-9a51-2c9f4a7d8e11', 'a@example.com');
      INSERT INTO auth.identities (provider_id, user_id, identity_data, provider)
      VALUES ('6d1f5e0a-3b8e-4f0e-9a51-2c9f4a7d8e11', '6d1f5e0a-3b8e-4f0e-9a51-2c9f4a7d8e11',
              '{"email": "Ada@Example.COM"}', 'email');
      """)
    let email = try await db.execute("SELECT email FROM auth.identities").scalar
    #expect(email == "ada@example.com")
  }

  @Test func `RLS on storage.objects hides rows from anon and authenticated without a policy`()
    async throws
  {
    let db = try #require(TestDatabase.current)
    try await db.buildLegacyFixture()
    let counts = try await db.withConnection { connection in
      try connection.execute(
        "INSERT INTO storage.objects (bucket_id, name) VALUES ('lesson-media', 'course/lesson/intro.mp4')")
      var counts: [String: String?] = [:]
      for role in ["anon", "authenticated", "service_role", "postgres"] {
        try connection.execute("BEGIN")
        try connection.execute(
          "SELECT set_config('request.jwt.claims', $1, true)",
          [#"{"sub":"6d1f5e0a-3b8e-4f0e-9a51-2c9f4a7d8e11","role":"\#(role)"}"#])
        try connection.execute("SET LOCAL ROLE \(try connection.quoteIdentifier(role))")
        counts[role] = try connection.execute("SELECT count(*) FROM storage.objects").scalar
        try connection.execute("ROLLBACK")
      }
      return counts
    }
    // service_role and postgres have BYPASSRLS on Supabase; the API roles see only what a
    // policy grants, and the stand-in ships none.
    #expect(counts == ["anon": "0", "authenticated": "0", "service_role": "1", "postgres": "1"])
  }

  /// What a superuser may do and `postgres` on Supabase may not.
  static let superuserOnly: [String] = [
    "ALTER SYSTEM SET work_mem = '8MB'",
    "CREATE EXTENSION file_fdw",
    "COPY (SELECT 1) TO PROGRAM 'true'",
    "COPY app.app_config FROM PROGRAM 'true'",
    "SELECT rolpassword FROM pg_authid",
    "ALTER ROLE postgres SUPERUSER",
    "CREATE ROLE escalated SUPERUSER",
    "SET session_replication_role = replica",
    "ALTER TABLE storage.objects DISABLE ROW LEVEL SECURITY",
  ]

  @Test(arguments: superuserOnly)
  func `postgres is refused what only a superuser may do`(statement: String) async throws {
    let db = try #require(TestDatabase.current)
    try await db.buildLegacyFixture()
    let refusal = try await db.withConnection { connection -> PostgresError? in
      try connection.execute("SET SESSION AUTHORIZATION postgres")
      do {
        try connection.execute(statement)
        return nil
      } catch let error as PostgresError {
        return error
      }
    }
    let error = try #require(refusal, "postgres could run: \(statement)")
    #expect(error.sqlState == "42501", "\(error)")
  }

  @Test func `postgres is an ordinary role with Supabase's attributes and the API roles`()
    async throws
  {
    let db = try #require(TestDatabase.current)
    try await db.buildLegacyFixture()
    let attributes = try await db.execute(
      """
      SELECT rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls, rolcanlogin,
             pg_has_role('postgres', 'authenticated', 'MEMBER'),
             (SELECT rolbypassrls FROM pg_roles WHERE rolname = 'service_role')
      FROM pg_roles WHERE rolname = 'postgres'
      """)
    #expect(attributes.rows.first == ["f", "t", "t", "t", "t", "t", "t", "t"])
    let superuser = try await db.execute("SELECT rolname FROM pg_roles WHERE rolsuper ORDER BY 1")
    #expect(superuser.column("rolname") == ["supabase_admin"])
  }
}

/// The facts of `legacy.json` (schema `app` of production), and the same facts read from a
/// database's catalogs in the same shape.
struct LegacySchema: Decodable, Sendable {
  struct Column: Decodable, Sendable {
    var name: String
    var type: String
    var `default`: String?
    var notNull: Bool
    var generated: String?
  }
  struct Constraint: Decodable, Sendable, Hashable {
    var name: String
    var type: String
    var definition: String
  }
  struct Policy: Decodable, Sendable {
    var name: String
    var command: String
    var roles: [String]
  }
  struct Trigger: Decodable, Sendable {
    var name: String
    var function: String
  }
  struct Table: Decodable, Sendable {
    var schema: String
    var name: String
    var rls: Bool
    var columns: [Column]
    var constraints: [Constraint]?
    var indexes: [String]?
    var policies: [Policy]?
    var triggers: [Trigger]?
  }
  struct EnumType: Decodable, Sendable {
    var name: String
    var labels: [String]
  }
  struct Function: Decodable, Sendable {
    var name: String
    var args: String
    var returns: String
    var securityDefiner: Bool
  }

  var tables: [Table]
  var enums: [EnumType]
  var functions: [Function]
  var views: [String]
  var storageBuckets: [String]
  /// Only in legacy.json: what the app uses of Supabase (checked against the stand-in).
  var supabaseObjectsReferenced: [String]?

  /// legacy.json's keys are snake_case (`not_null`, `security_definer`, `storage_buckets`).
  static var decoder: JSONDecoder {
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    return decoder
  }

  /// `<package root>/supabase/schema/legacy.json`, the committed copy of the legacy schema's facts.
  static func production() throws -> LegacySchema {
    let file = URL(fileURLWithPath: #filePath)
      .deletingLastPathComponent()  // CutoverKitTests
      .deletingLastPathComponent()  // Tests
      .deletingLastPathComponent()  // package root
      .appendingPathComponent("supabase/schema/legacy.json")
      .standardizedFileURL
    return try decoder.decode(LegacySchema.self, from: try Data(contentsOf: file))
  }

  /// Reads schema `app` (and the storage buckets) from `db` in legacy.json's shape.
  static func read(from db: TestDatabase) async throws -> LegacySchema {
    let json = try #require(try await db.execute(catalogQuery).scalar)
    return try decoder.decode(LegacySchema.self, from: Data(json.utf8))
  }

  /// The differences of `actual` from these facts, one readable line each.
  func differences(from actual: LegacySchema) -> [String] {
    var out: [String] = []
    func compare(_ kind: String, _ table: String, _ expected: Set<String>, _ actual: Set<String>) {
      out += expected.subtracting(actual).sorted().map { "\(kind) \(table): missing \($0)" }
      out += actual.subtracting(expected).sorted().map { "\(kind) \(table): unexpected \($0)" }
    }
    func describe(_ value: String?) -> String { value ?? "nil" }
    let expectedTables = Dictionary(uniqueKeysWithValues: tables.map { ("\($0.schema).\($0.name)", $0) })
    let actualTables = Dictionary(
      uniqueKeysWithValues: actual.tables.map { ("\($0.schema).\($0.name)", $0) })
    out += Set(expectedTables.keys).subtracting(actualTables.keys).sorted().map { "table \($0): missing" }
    out += Set(actualTables.keys).subtracting(expectedTables.keys).sorted().map { "table \($0): unexpected" }
    for key in Set(expectedTables.keys).intersection(actualTables.keys).sorted() {
      guard let want = expectedTables[key], let have = actualTables[key] else { continue }
      if want.rls != have.rls { out.append("table \(key): rls \(have.rls), expected \(want.rls)") }
      let wantNames = want.columns.map(\.name)
      let haveNames = have.columns.map(\.name)
      if wantNames != haveNames {
        out.append("table \(key): columns \(haveNames), expected \(wantNames)")
      }
      let haveColumns = Dictionary(uniqueKeysWithValues: have.columns.map { ($0.name, $0) })
      for column in want.columns {
        guard let found = haveColumns[column.name] else { continue }
        let place = "column \(key).\(column.name)"
        if found.type != column.type { out.append("\(place): type \(found.type), expected \(column.type)") }
        if found.default != column.default {
          out.append("\(place): default \(describe(found.default)), expected \(describe(column.default))")
        }
        if found.notNull != column.notNull {
          out.append("\(place): not_null \(found.notNull), expected \(column.notNull)")
        }
        if found.generated != column.generated {
          out.append(
            "\(place): generated \(describe(found.generated)), expected \(describe(column.generated))")
        }
      }
      let constraint = { (c: Constraint) in "\(c.name) [\(c.type)] \(c.definition)" }
      compare(
        "constraint", key, Set((want.constraints ?? []).map(constraint)),
        Set((have.constraints ?? []).map(constraint)))
      compare("index", key, Set(want.indexes ?? []), Set(have.indexes ?? []))
      let policy = { (p: Policy) in
        "\(p.name) (\(p.command) to \(p.roles.sorted().joined(separator: ", ")))"
      }
      compare(
        "policy", key, Set((want.policies ?? []).map(policy)), Set((have.policies ?? []).map(policy)))
      let trigger = { (t: Trigger) in "\(t.name) → \(t.function)" }
      compare(
        "trigger", key, Set((want.triggers ?? []).map(trigger)), Set((have.triggers ?? []).map(trigger)))
    }
    let haveEnums = Dictionary(uniqueKeysWithValues: actual.enums.map { ($0.name, $0.labels) })
    let wantEnums = Dictionary(uniqueKeysWithValues: enums.map { ($0.name, $0.labels) })
    for name in Set(wantEnums.keys).union(haveEnums.keys).sorted() where wantEnums[name] != haveEnums[name] {
      let show = { (labels: [String]?) in labels.map { "[\($0.joined(separator: ", "))]" } ?? "none" }
      out.append("enum \(name): labels \(show(haveEnums[name])), expected \(show(wantEnums[name]))")
    }
    let signature = { (f: Function) in "\(f.name)(\(f.args))" }
    let body = { (f: Function) in "returns \(f.returns) security definer \(f.securityDefiner)" }
    let wantFunctions = Dictionary(functions.map { (signature($0), body($0)) }) { first, _ in first }
    let haveFunctions = Dictionary(actual.functions.map { (signature($0), body($0)) }) { first, _ in first }
    for name in Set(wantFunctions.keys).union(haveFunctions.keys).sorted()
    where wantFunctions[name] != haveFunctions[name] {
      switch (haveFunctions[name], wantFunctions[name]) {
      case (nil, _): out.append("function \(name): missing")
      case (_, nil): out.append("function \(name): unexpected")
      case (let have?, let want?): out.append("function \(name): \(have), expected \(want)")
      }
    }
    compare("views", "app", Set(views), Set(actual.views))
    compare("storage buckets", "storage", Set(storageBuckets), Set(actual.storageBuckets))
    return out
  }

  /// Schema `app` in legacy.json's shape, as one JSON document; the primary keys' indexes are
  /// left out of `indexes` as legacy.json does, no trigger/policy/index list is `[]` or null.
  static let catalogQuery = """
    SELECT json_build_object(
      'tables', (
        SELECT coalesce(json_agg(json_build_object(
          'schema', n.nspname,
          'name', c.relname,
          'rls', c.relrowsecurity,
          'columns', (
            SELECT json_agg(json_build_object(
              'name', a.attname,
              'type', format_type(a.atttypid, a.atttypmod),
              'default', CASE WHEN a.attgenerated = '' THEN pg_get_expr(ad.adbin, ad.adrelid) END,
              'not_null', a.attnotnull,
              'generated', CASE WHEN a.attgenerated <> '' THEN pg_get_expr(ad.adbin, ad.adrelid) END
            ) ORDER BY a.attnum)
            FROM pg_attribute a
            LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
            WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped),
          'constraints', (
            SELECT json_agg(json_build_object(
              'name', k.conname, 'type', k.contype, 'definition', pg_get_constraintdef(k.oid)))
            FROM pg_constraint k WHERE k.conrelid = c.oid),
          'indexes', (
            SELECT json_agg(pg_get_indexdef(i.indexrelid))
            FROM pg_index i WHERE i.indrelid = c.oid AND NOT i.indisprimary),
          'policies', (
            SELECT json_agg(json_build_object(
              'name', p.polname,
              'command', p.polcmd,
              'roles', (SELECT json_agg(CASE WHEN r = 0 THEN 'public' ELSE pg_get_userbyid(r)::text END)
                        FROM unnest(p.polroles) r)))
            FROM pg_policy p WHERE p.polrelid = c.oid),
          'triggers', (
            SELECT json_agg(json_build_object('name', t.tgname, 'function', t.tgfoid::regproc::text))
            FROM pg_trigger t WHERE t.tgrelid = c.oid AND NOT t.tgisinternal)
        )), '[]'::json)
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'app' AND c.relkind IN ('r', 'p')),
      'enums', (
        SELECT coalesce(json_agg(json_build_object(
          'name', n.nspname || '.' || t.typname,
          'labels', (SELECT json_agg(e.enumlabel ORDER BY e.enumsortorder)
                     FROM pg_enum e WHERE e.enumtypid = t.oid))), '[]'::json)
        FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE n.nspname = 'app' AND t.typtype = 'e'),
      'functions', (
        SELECT coalesce(json_agg(json_build_object(
          'name', n.nspname || '.' || p.proname,
          'args', pg_get_function_identity_arguments(p.oid),
          'returns', pg_get_function_result(p.oid),
          'security_definer', p.prosecdef)), '[]'::json)
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = 'app'),
      'views', (
        SELECT coalesce(json_agg(n.nspname || '.' || c.relname), '[]'::json)
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'app' AND c.relkind IN ('v', 'm')),
      'storage_buckets', (
        SELECT coalesce(json_agg(b.id || CASE WHEN b.public THEN ' (public)' ELSE ' (private)' END),
                        '[]'::json)
        FROM storage.buckets b)
    )::text
    """
}
