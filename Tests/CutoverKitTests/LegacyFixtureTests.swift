import CutoverKit
import Foundation
import Testing

/// The legacy fixture (`supabase/local` + `supabase/migrations`) against the production facts
/// in `supabase/schema/legacy.json`, and the stand-in against what Supabase does.
@Suite(.postgres, .timeLimit(.minutes(8)))
struct LegacyFixtureTests {
  @Test func `the fixture's catalogs match every fact in legacy.json`() async throws {
    let db = try #require(TestDatabase.current)
    try await db.buildLegacyFixture()
    let expected = try SchemaFacts.legacy()
    let actual = try await SchemaFacts.read(from: db)
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
    let referenced = try #require(try SchemaFacts.legacy().supabaseObjectsReferenced)
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
    let differences = try SchemaFacts.legacy().differences(
      from: try await SchemaFacts.read(from: db))
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
