import CutoverKit
import CutoverTestSupport
import Foundation
import Testing

/// `cutover plan` over both source shapes and the v2 chain, and each problem kind it catches.
@Suite(.postgres, .timeLimit(.minutes(8)))
struct PlanTests {
  /// Every problem, one per line, for failure messages.
  static func listing(_ report: PlanReport) -> String {
    report.findings.map(\.description).joined(separator: "\n")
  }

  @Test(arguments: SourceShape.allCases)
  func `plan over a filled fixture and the v2 chain is clean`(shape: SourceShape) async throws {
    let db = try #require(TestDatabase.current)
    try await MappingFixtures.buildFilled(db, shape)
    // GoTrue's and Storage's own ledgers, as on a real project (the stand-in has none).
    try await db.runScript(
      """
      CREATE TABLE auth.schema_migrations (version text PRIMARY KEY);
      CREATE TABLE storage.migrations (id int PRIMARY KEY, name text);
      """)
    let report = try await MappingFixtures.planner(source: db).run(logger: MappingFixtures.logger)
    #expect(report.problems.isEmpty, "\(Self.listing(report))")
    #expect(report.exitStatus == .success)
    let moved = report.tables.filter { $0.action == "moved" }
    #expect(moved.count >= (shape == .legacy ? 51 : 62))
    let jobs = try #require(report.tables.first { $0.source == "app.livekit_webhook_jobs" })
    #expect(jobs.detail.contains("Swift mapper LivekitWebhookJobsMapper"))
    if shape == .legacy {
      #expect(jobs.detail.contains("old names, renamed: job_id→id"), "\(jobs.detail)")
      #expect(report.tables.contains { $0.source == "app.subscriptions" && $0.action == "starts empty" })
    } else {
      #expect(jobs.detail.contains("already has id, attempt, last_error, last_attempt_at"), "\(jobs.detail)")
    }
    for ledger in ["auth.schema_migrations", "storage.migrations"] {
      #expect(report.tables.contains { $0.source == ledger && $0.action == "skipped" }, "\(ledger)")
    }
    if shape == .production {
      #expect(
        report.tables.contains {
          $0.source == "supabase_migrations.schema_migrations" && $0.action == "skipped"
        })
    }
    #expect(!report.loadOrder.isEmpty)
    #expect(report.loadOrder[0].contains("auth.users"))
    // The new check on livekit_webhook_jobs.status is a warning the source's rows satisfy.
    #expect(
      report.findings.contains {
        $0.kind == .newConstraint && $0.severity == .warning
          && $0.message.contains("livekit_webhook_jobs_status_check")
      }, "\(Self.listing(report))")
  }

  @Test func `plan against a migrated target reports tables its role cannot write or truncate`() async throws
  {
    let db = try #require(TestDatabase.current)
    try await db.buildLegacyFixture()
    let target = try await TestDatabase.create(label: "plan target")
    do {
      try await MappingFixtures.buildV2(target)
      let role = "plan_writer_\(UUID().uuidString.prefix(6).lowercased())"
      try await target.createRole(role, password: "secret-\(role)")
      try await target.runScript(
        """
        GRANT USAGE ON SCHEMA app, public, auth, storage TO \(role);
        GRANT SELECT ON ALL TABLES IN SCHEMA app, public, auth, storage TO \(role);
        GRANT INSERT, TRUNCATE ON ALL TABLES IN SCHEMA app, public, auth, storage TO \(role);
        REVOKE TRUNCATE ON app.courses FROM \(role);
        REVOKE INSERT ON auth.users FROM \(role);
        """)
      let asRole = try ConnectionTarget(target.url(user: role, password: "secret-\(role)"), side: .target)
      let report = try await MappingFixtures.planner(source: db, target: asRole).run(
        logger: MappingFixtures.logger)
      let privileges = report.problems.filter { $0.kind == .privilege }.map(\.table).sorted()
      #expect(privileges == ["app.courses", "auth.users"], "\(Self.listing(report))")
      #expect(report.problems.count == 2, "\(Self.listing(report))")
      #expect(report.targetSchema.contains("migrated target"))
    } catch {
      try await target.drop()
      throw error
    }
    try await target.drop()
  }

  @Test func `every problem kind is caught, each with its mapping file and line`() async throws {
    let db = try #require(TestDatabase.current)
    try await db.buildLegacyFixture()
    try await db.runScript(
      """
      CREATE TABLE app.stray_table (id int PRIMARY KEY);
      ALTER TABLE app.lessons ADD COLUMN legacy_note text;
      ALTER TABLE app.course_bundles ALTER COLUMN price_amount_cents TYPE text;
      ALTER TABLE app.quiz_questions DROP COLUMN prompt;
      """)
    // An enum label v2 lacks, on the first app table with an enum column.
    let enumColumn = try await db.execute(
      """
      SELECT format_type(a.atttypid, NULL) AS type, c.relname AS table FROM pg_attribute a
        JOIN pg_type t ON t.oid = a.atttypid JOIN pg_class c ON c.oid = a.attrelid
      WHERE c.relnamespace = 'app'::regnamespace AND c.relkind = 'r' AND t.typtype = 'e' AND a.attnum > 0
      ORDER BY c.relname, a.attnum LIMIT 1
      """
    ).one()
    let enumTable = "app." + (try enumColumn.string("table"))
    try await db.execute("ALTER TYPE \(try enumColumn.string("type")) ADD VALUE 'legacy_only_label'")
    let directory = try MappingFixtures.mappingsCopy()
    defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
    try "source: app.profiles\ndropped:\n  no_such_column: not in any source\n".write(
      to: directory.appendingPathComponent("app.profiles.yaml"), atomically: true, encoding: .utf8)
    try "source: app.no_such_table\n".write(
      to: directory.appendingPathComponent("app.no_such_table.yaml"), atomically: true, encoding: .utf8)
    // Skipping a table that moved tables point to leaves their keys without parents.
    try "source: app.courses\nskip: not needed\n".write(
      to: directory.appendingPathComponent("app.courses.yaml"), atomically: true, encoding: .utf8)
    let report = try await MappingFixtures.planner(source: db, mappings: directory).run(
      logger: MappingFixtures.logger)
    let problems = report.problems
    func find(_ kind: MappingFinding.Kind, _ table: String) -> MappingFinding? {
      problems.first { $0.kind == kind && $0.table == table }
    }
    let listing = Self.listing(report)
    #expect(find(.unaccountedTable, "app.stray_table") != nil, "\(listing)")
    #expect(find(.unmappedColumn, "app.lessons")?.place == "mappings/app.lessons.yaml:1", "\(listing)")
    #expect(
      find(.lossyType, "app.course_bundles")?.message.contains("price_amount_cents") == true, "\(listing)")
    #expect(
      find(.notNullWithoutSource, "app.quiz_questions")?.message.contains("prompt") == true, "\(listing)")
    #expect(find(.missingColumn, "app.profiles")?.place == "mappings/app.profiles.yaml:3", "\(listing)")
    #expect(
      find(.missingTable, "app.no_such_table")?.place == "mappings/app.no_such_table.yaml:1", "\(listing)")
    #expect(find(.enumLabel, enumTable)?.message.contains("legacy_only_label") == true, "\(listing)")
    #expect(
      problems.contains { $0.kind == .orphanedReference && $0.message.contains("references app.courses") },
      "\(listing)")
    #expect(report.exitStatus == .checkFailed)
  }

  @Test func `a constraint v2 adds is a problem naming the count and keys when source rows violate it`()
    async throws
  {
    let db = try #require(TestDatabase.current)
    try await MappingFixtures.buildFilled(db, .legacy)
    let changed = try await db.execute(
      "UPDATE app.entitlements SET source = 'gift' WHERE ctid IN (SELECT ctid FROM app.entitlements LIMIT 2)"
    ).affectedRows
    #expect(changed == 2)
    // A unique key and a NOT NULL the source no longer has, with rows that break them.
    try await db.runScript(
      """
      DROP INDEX app.course_products_course_id_key;
      UPDATE app.course_products SET course_id = (SELECT min(course_id::text)::uuid FROM app.course_products);
      ALTER TABLE app.courses ALTER COLUMN title DROP NOT NULL;
      UPDATE app.courses SET title = NULL WHERE ctid IN (SELECT ctid FROM app.courses LIMIT 1);
      """)
    let products = try await db.execute("SELECT count(*) AS n FROM app.course_products").one().int64("n")
    #expect(products >= 2)
    let report = try await MappingFixtures.planner(source: db).run(logger: MappingFixtures.logger)
    let problem = try #require(
      report.problems.first { $0.kind == .newConstraint && $0.table == "app.entitlements" },
      "\(Self.listing(report))")
    #expect(problem.message.contains("entitlements_source_check"))
    #expect(problem.message.contains("2 source rows violate it (e.g. ("), "\(problem)")
    #expect(problem.place == "mappings/app.entitlements.yaml:1")
    let unique = try #require(
      report.problems.first { $0.kind == .newConstraint && $0.table == "app.course_products" },
      "\(Self.listing(report))")
    #expect(
      unique.message.contains("unique course_products_course_id_key (course_id); \(products) source rows"),
      "\(unique)")
    let notNull = try #require(
      report.problems.first { $0.kind == .newConstraint && $0.table == "app.courses" },
      "\(Self.listing(report))")
    #expect(notNull.message.contains("NOT NULL on title; 1 source row violates it"), "\(notNull)")
  }

  @Test func `the command prints the plan, --json parses, and exit codes follow the findings`() async throws {
    let db = try #require(TestDatabase.current)
    try await db.buildLegacyFixture()
    let arguments = [
      "plan", "--source", db.url, "--mappings", MappingFixtures.mappings.path, "--chain",
      MappingFixtures.chain.path, "--stand-in-dir", MappingFixtures.standIn.path,
    ]
    let text = try CutoverBinary.run(arguments)
    #expect(text.status == 0, "\(text.output)")
    #expect(text.output.contains("load order"), "\(text.output)")
    #expect(text.output.contains("plan: no problems"), "\(text.output)")
    #expect(!text.output.contains(db.password))
    let json = try CutoverBinary.run(arguments + ["--json"])
    #expect(json.status == 0)
    let start = try #require(json.output.firstIndex(of: "{"))
    let decoded = try JSONDecoder().decode(PlanReport.self, from: Data(json.output[start...].utf8))
    #expect(decoded.problems.isEmpty)
    try await db.execute("CREATE TABLE app.unmapped_extra (id int)")
    let failing = try CutoverBinary.run(arguments)
    #expect(failing.status == 1, "\(failing.output)")
    #expect(failing.output.contains("app.unmapped_extra"))
  }
}

/// What cutover does not move, each detected from the catalogs only when present.
@Suite(.postgres, .timeLimit(.minutes(8)))
struct PlanNotMovedTests {
  @Test func `storage files, cron jobs, webhooks, vault secrets and publications are named when present`()
    async throws
  {
    let db = try #require(TestDatabase.current)
    try await db.buildLegacyFixture()
    let quiet = try await MappingFixtures.planner(source: db).run(logger: MappingFixtures.logger)
    #expect(quiet.notMoved.isEmpty, "\(quiet.notMoved)")
    try await db.runScript(
      """
      INSERT INTO storage.buckets (id, name) VALUES ('avatars', 'avatars');
      INSERT INTO storage.objects (bucket_id, name, metadata)
        VALUES ('avatars', 'a.png', '{"size": 1200}'), ('avatars', 'b.png', '{"size": 34}');
      CREATE SCHEMA cron;
      CREATE TABLE cron.job (jobid bigint PRIMARY KEY, schedule text, command text);
      INSERT INTO cron.job VALUES (1, '0 * * * *', 'select 1');
      CREATE SCHEMA vault;
      CREATE TABLE vault.secrets (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), secret text);
      INSERT INTO vault.secrets (secret) VALUES ('x'), ('y');
      CREATE SCHEMA supabase_functions;
      CREATE TABLE supabase_functions.hooks (id bigint PRIMARY KEY);
      INSERT INTO supabase_functions.hooks VALUES (1);
      CREATE PUBLICATION supabase_realtime FOR TABLE app.profiles;
      """)
    let report = try await MappingFixtures.planner(source: db).run(logger: MappingFixtures.logger)
    let text = report.notMoved.joined(separator: "\n")
    #expect(text.contains("storage files: 2 objects, 1234 bytes"), "\(text)")
    #expect(text.contains("pg_cron jobs: 1"), "\(text)")
    #expect(text.contains("Vault secrets: 2"), "\(text)")
    #expect(text.contains("database webhooks: 1"), "\(text)")
    #expect(text.contains("publication supabase_realtime (1 tables)"), "\(text)")
    #expect(report.problems.isEmpty, "\(report.problems)")
  }
}
