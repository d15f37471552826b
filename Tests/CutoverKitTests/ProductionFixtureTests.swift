import CutoverFixture
import CutoverKit
import Foundation
import Logging
import Testing

/// The production-shaped fixture (`supabase/local` + `supabase/migrations` +
/// `supabase/production`) against the facts `supabase db pull` recorded in
/// `supabase/schema/production.json`, and filled by the fixture generator.
@Suite(.postgres, .timeLimit(.minutes(8)))
struct ProductionFixtureTests {
  @Test func `the fixture's catalogs match every fact in production.json`() async throws {
    let db = try #require(TestDatabase.current)
    try await db.buildProductionFixture()
    let expected = try SchemaFacts.production()
    let actual = try await SchemaFacts.read(from: db)
    let differences = expected.differences(from: actual)
    #expect(
      differences.isEmpty,
      "\(differences.count) differences from production.json:\n\(differences.joined(separator: "\n"))")
    #expect(actual.tables.count == 62)
    #expect(actual.tables.filter { $0.schema == "public" }.count == 4)
    #expect(actual.functions.count == 18)
    #expect(actual.views.count == 5)
  }

  @Test func `the ledger records the legacy chain and production's drift as one chain`() async throws {
    let db = try #require(TestDatabase.current)
    try await db.buildProductionFixture()
    let versions = try await db.execute(
      "SELECT version FROM supabase_migrations.schema_migrations ORDER BY version"
    ).column("version").compactMap { $0 }
    #expect(versions.count == 21)
    #expect(versions.first == "20240101120000")
    #expect(versions.contains("20240311150000"))
    #expect(versions.last == "20260110090900")
  }

  @Test func `the stand-in has every Supabase object production.json references`() async throws {
    let db = try #require(TestDatabase.current)
    try await db.buildProductionFixture()
    let referenced = try #require(try SchemaFacts.production().supabaseObjectsReferenced)
    #expect(!referenced.isEmpty)
    for fact in referenced {
      let sql = try #require(
        LegacyFixtureTests.referencedObjectChecks[fact], "no check for production.json's \"\(fact)\"")
      let holds = try await db.execute(sql).scalar
      #expect(holds == "t", "the stand-in lacks \(fact)")
    }
  }

  @Test func `the comparison names each difference in schema public`() async throws {
    let db = try #require(TestDatabase.current)
    try await db.buildProductionFixture()
    try await db.runScript(
      """
      ALTER TABLE public.coupons ALTER COLUMN redeemed_count DROP DEFAULT;
      DROP POLICY coupons_service_role ON public.coupons;
      DROP INDEX public.idx_subscription_plans_active;
      ALTER TABLE public.user_certifications DISABLE ROW LEVEL SECURITY;
      DROP FUNCTION public.rest_select_seminar(uuid);
      CREATE TABLE public.stray (id int);
      """)
    let differences = try SchemaFacts.production().differences(from: try await SchemaFacts.read(from: db))
    #expect(
      differences.sorted() == [
        "column public.coupons.redeemed_count: default nil, expected 0",
        "function public.rest_select_seminar(p_seminar_id uuid): missing",
        "index public.subscription_plans: missing CREATE INDEX idx_subscription_plans_active ON public.subscription_plans USING btree (is_active)",
        "policy public.coupons: missing coupons_service_role (* to public)",
        "table public.stray: unexpected",
        "table public.user_certifications: rls false, expected true",
      ], "\(differences.joined(separator: "\n"))")
  }

  @Test func `cutover-fixture fill fills every table of the production shape and every key holds`()
    async throws
  {
    let db = try #require(TestDatabase.current)
    try await db.buildProductionFixture()
    let generator = FixtureGenerator(
      target: try db.target, domains: try FixtureGeneratorTests.domains, rowsPerUnit: 500_000)
    let report = try await generator.fill(
      scale: 0.01, seed: 42, jobs: 2, truncate: false, logger: Logger(label: "test.fixture"))
    let catalog = try await db.withConnection {
      try CatalogReader(schemas: FixtureGenerator.defaultSchemas).read(from: $0)
    }
    #expect(catalog.tables.contains { $0.name.schema == "public" }, "fill does not cover schema public")
    #expect(report.tables.count == catalog.tables.count)
    let empty = try await db.withConnection { connection in
      try catalog.tables.filter { table in
        try connection.execute("SELECT count(*) FROM \(table.name.quoted)").scalar == "0"
      }.map(\.name.description)
    }
    #expect(empty.isEmpty, "empty after fill: \(empty)")
    let (checked, orphans) = try await FixtureGeneratorTests.orphans(db, catalog)
    #expect(checked >= 90)
    #expect(orphans.isEmpty, "rows without a parent: \(orphans)")
    // Every check and key of schemas app and public holds for the rows (COPY checked them as
    // it loaded; a NOT VALID constraint would not have been): none is left unvalidated.
    let unvalidated = try await db.execute(
      """
      SELECT n.nspname || '.' || c.relname || ' ' || k.conname
        FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname IN ('app', 'public') AND NOT k.convalidated
      """)
    #expect(unvalidated.rows.isEmpty, "\(unvalidated.rows)")
  }
}
