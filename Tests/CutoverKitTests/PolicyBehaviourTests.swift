import CutoverKit
import Foundation
import Testing

/// Rows visible per sampled user and to anon, source (in the export's snapshot) against the
/// target: equal, accepted by the committed allow-list with its reason, or red.
@Suite(.postgres, .timeLimit(.minutes(15)))
struct PolicyBehaviourTests {
  @Test
  func `a clean fixture cutover is green with the committed allow-list, and red without any one entry`()
    async throws
  {
    let cutover = try await ParityCutover.shared.value
    let accepted = try ParityCutover.acceptances()
    #expect(!accepted.isEmpty)
    let copy = try await cutover.copy("policy clean")
    let report = try await cutover.report(copy, accepted: accepted)
    let differing = report.policyBehaviour.filter { $0.status == .differs }
      .map { "\($0.table) as \($0.subject): \($0.sourceRows) → \($0.targetRows) \($0.note ?? "")" }
    #expect(differing.isEmpty, "\(differing.joined(separator: "\n"))")
    #expect(report.verdict == .green, "\(report.failures.joined(separator: "\n"))")
    // Every entry is needed and carries its reason into the findings it accepts.
    #expect(
      !report.checks.contains { $0.name == "policy allow-list" },
      "\(report.checks.filter { $0.name == "policy allow-list" })")
    for entry in accepted {
      #expect(
        report.policyBehaviour.contains { $0.status == .accepted && $0.acceptedBecause == entry.reason })
    }
    // The sample spread over the strata and looked at every table, as anon and each user.
    let users = try #require(cutover.manifest.policyBehaviour).users
    #expect((2...ParityCutover.sample.users).contains(users.count))
    #expect(Set(users.compactMap(\.stratum)).count > 1)
    #expect(report.policyBehaviour.contains { $0.subject == "anon" })
    for index in accepted.indices {
      var without = accepted
      without.remove(at: index)
      let red = try await cutover.report(copy, accepted: without)
      #expect(red.verdict == .red, "removing \(accepted[index].table) as \(accepted[index].subject)")
    }
    try await copy.drop()
  }

  @Test
  func `one policy loosened turns the verdict red: a user sees more rows than on the source`() async throws {
    let cutover = try await ParityCutover.shared.value
    let copy = try await cutover.copy("policy loosened")
    try await copy.execute("ALTER POLICY orders_user_read ON app.orders USING (true)")
    let report = try await cutover.report(copy, accepted: try ParityCutover.acceptances())
    try await copy.drop()
    #expect(report.verdict == .red)
    let loosened = report.policyBehaviour.filter { $0.status == .differs }
    #expect(!loosened.isEmpty)
    #expect(loosened.allSatisfy { $0.table == QualifiedName(schema: "app", name: "orders") })
    #expect(loosened.allSatisfy { $0.targetRows > $0.sourceRows && $0.subject.hasPrefix("user ") })
  }

  @Test
  func `counted by key, both sides count the same first rows, and a policy loosened among them is red`()
    async throws
  {
    let cutover = try await ParityCutover.shared.value
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("cutover-policy-bound-\(UUID().uuidString.prefix(8))")
    defer { try? FileManager.default.removeItem(at: directory) }
    var options = ExportOptions(
      source: try ConnectionTarget(cutover.source.url, side: .source), directory: directory)
    options.chunkSize = 256 << 10
    var sample = ParityCutover.sample
    sample.rowsPerTable = 3
    options.policySample = sample
    _ = try await Exporter(options: options).run(logger: ParityCutover.logger)
    let manifest = try #require(try ExportManifest.read(directory: directory))
    let counts = try #require(manifest.policyBehaviour)
    #expect(counts.rowsPerTable == 3)
    let bounded = counts.tables.filter { $0.bound != nil }
    #expect(bounded.count > 10, "\(bounded.map(\.table))")
    for table in bounded {
      for count in [table.anon].compactMap({ $0 }) + Array(table.users.values) {
        #expect((count.rows ?? 0) <= 3, "\(table.table): \(count.text)")
      }
    }
    let copy = try await cutover.copy("policy bounded")
    let clean = try await cutover.report(copy, accepted: try ParityCutover.acceptances(), export: manifest)
    let differing = clean.policyBehaviour.filter { $0.status == .differs }
      .map { "\($0.table) as \($0.subject): \($0.sourceRows) → \($0.targetRows)" }
    #expect(differing.isEmpty, "\(differing.joined(separator: "\n"))")
    // Every target found its source's bound (renamed keys too): none left uncompared.
    let uncompared = clean.checks.filter { $0.name == "policy behaviour" }
    #expect(uncompared.isEmpty, "\(uncompared.map(\.message))")
    #expect(clean.policyBehaviour.contains { $0.table == QualifiedName(schema: "app", name: "orders") })
    try await copy.execute("ALTER POLICY orders_user_read ON app.orders USING (true)")
    let loosened = try await cutover.report(copy, accepted: try ParityCutover.acceptances(), export: manifest)
    try await copy.drop()
    let red = loosened.policyBehaviour.filter { $0.status == .differs }
    #expect(loosened.verdict == .red)
    #expect(!red.isEmpty)
    #expect(red.allSatisfy { $0.table == QualifiedName(schema: "app", name: "orders") && $0.targetRows <= 3 })
  }

  @Test
  func `composite, quoted and partitioned keys are bounded, and the same bound counts the same rows`()
    async throws
  {
    let db = try #require(TestDatabase.current)
    try await db.buildLegacyFixture()
    try await db.runScript(
      #"""
      CREATE SCHEMA odd;
      GRANT USAGE ON SCHEMA odd TO anon, authenticated;
      CREATE TABLE odd.pairs (a int, "b, ""quoted""" text, note text, PRIMARY KEY (a, "b, ""quoted"""));
      INSERT INTO odd.pairs SELECT g / 3, format('k''%s,"}{', g % 3), 'n' FROM generate_series(0, 29) g;
      CREATE TABLE odd.parted (id bigint PRIMARY KEY, owner text) PARTITION BY RANGE (id);
      CREATE TABLE odd.parted_low PARTITION OF odd.parted FOR VALUES FROM (0) TO (10);
      CREATE TABLE odd.parted_high PARTITION OF odd.parted FOR VALUES FROM (10) TO (100);
      INSERT INTO odd.parted SELECT g, CASE WHEN g % 2 = 0 THEN 'even' END FROM generate_series(0, 40) g;
      CREATE TABLE odd.keyless (v int);
      INSERT INTO odd.keyless SELECT generate_series(1, 20);
      ALTER TABLE odd.pairs ENABLE ROW LEVEL SECURITY;
      ALTER TABLE odd.parted ENABLE ROW LEVEL SECURITY;
      CREATE POLICY visible ON odd.pairs FOR SELECT TO anon, authenticated USING (true);
      CREATE POLICY even ON odd.parted FOR SELECT TO anon, authenticated USING (owner = 'even');
      GRANT SELECT ON ALL TABLES IN SCHEMA odd TO anon, authenticated;
      """#)
    let tables = [
      PolicyBehaviour.CountedTable(name: QualifiedName(schema: "odd", name: "pairs")),
      PolicyBehaviour.CountedTable(name: QualifiedName(schema: "odd", name: "parted"), isPartitioned: true),
      PolicyBehaviour.CountedTable(name: QualifiedName(schema: "odd", name: "keyless")),
    ]
    let settings = PolicySampleSettings(users: 1, includeAnon: true, rowsPerTable: 7)
    let source = try await db.withConnection { connection in
      _ = try connection.exportSnapshot()
      defer { _ = try? connection.execute("COMMIT") }
      return try PolicyBehaviour.sourceCounts(on: connection, tables: tables, settings: settings)
    }
    let pairs = try #require(source.table(tables[0].name))
    let parted = try #require(source.table(tables[1].name))
    let keyless = try #require(source.table(tables[2].name))
    #expect(pairs.bound?.columns == ["a", "b, \"quoted\""])
    #expect(pairs.bound?.values.first == "2")
    #expect(pairs.anon?.rows == 7)
    // The first 7 keys are 0…6: four of them even.
    #expect(parted.bound == .init(columns: ["id"], values: ["6"]))
    #expect(parted.anon?.rows == 4)
    #expect(keyless.bound == nil && keyless.anon?.rows == 20)
    // Counted again with the recorded bounds, as verify counts a target: the same rows.
    let again = try await db.withConnection { connection in
      try PolicyBehaviour.targetCounts(
        on: connection,
        tables: tables.map { table in
          var bounded = table
          bounded.bound = source.table(table.name)?.bound
          return bounded
        }, source: source, settings: settings)
    }
    #expect(again.tables == source.tables)
  }

  @Test
  func `counts spread over several connections equal one connection's, refusals and timeouts too`()
    async throws
  {
    let db = try #require(TestDatabase.current)
    try await db.buildLegacyFixture()
    try await db.runScript(
      #"""
      INSERT INTO auth.users (id) SELECT gen_random_uuid() FROM generate_series(1, 4);
      CREATE SCHEMA spread;
      GRANT USAGE ON SCHEMA spread TO anon, authenticated;
      CREATE TABLE spread.mine (id int PRIMARY KEY, owner uuid);
      INSERT INTO spread.mine
        SELECT g, (SELECT id FROM auth.users ORDER BY id OFFSET g % 4 LIMIT 1) FROM generate_series(1, 90) g;
      ALTER TABLE spread.mine ENABLE ROW LEVEL SECURITY;
      CREATE POLICY own ON spread.mine FOR SELECT TO authenticated USING (owner = auth.uid());
      CREATE TABLE spread.open (id int PRIMARY KEY);
      INSERT INTO spread.open SELECT generate_series(1, 40);
      CREATE TABLE spread.closed (id int PRIMARY KEY);
      INSERT INTO spread.closed SELECT generate_series(1, 5);
      CREATE FUNCTION spread.slow(int) RETURNS boolean LANGUAGE sql AS 'SELECT pg_sleep(0.2) IS NOT NULL';
      CREATE TABLE spread.sleepy (id int PRIMARY KEY);
      INSERT INTO spread.sleepy SELECT generate_series(1, 3);
      ALTER TABLE spread.sleepy ENABLE ROW LEVEL SECURITY;
      CREATE POLICY slow ON spread.sleepy FOR SELECT TO anon, authenticated USING (spread.slow(id));
      GRANT SELECT ON spread.mine, spread.open, spread.sleepy TO anon, authenticated;
      """#)
    let tables = ["mine", "open", "closed", "sleepy"].map {
      PolicyBehaviour.CountedTable(name: QualifiedName(schema: "spread", name: $0))
    }
    let settings = {
      var settings = PolicySampleSettings(users: 4, includeAnon: true, rowsPerTable: 0)
      settings.statementTimeoutMilliseconds = 300
      return settings
    }()
    let source = try await db.withConnection { connection in
      _ = try connection.exportSnapshot()
      defer { _ = try? connection.execute("COMMIT") }
      return try PolicyBehaviour.sourceCounts(on: connection, tables: tables, settings: settings)
    }
    #expect(source.users.count == 4)
    let spread = try await PolicyBehaviour.targetCounts(
      target: db.target, tables: tables, source: source, settings: settings, jobs: 3)
    #expect(spread.tables == source.tables)
    let mine = try #require(spread.table(tables[0].name))
    #expect(mine.anon?.rows == 0)
    #expect(mine.users.values.map { $0.rows ?? -1 }.sorted() == [22, 22, 23, 23])
    #expect(spread.table(tables[1].name)?.users.values.allSatisfy { $0.rows == 40 } == true)
    // Refused (no privilege) and timed out: recorded per subject, the other counts go on.
    let closed = try #require(spread.table(tables[2].name))
    #expect(closed.anon?.sqlState == "42501" && closed.users.values.allSatisfy { $0.sqlState == "42501" })
    let sleepy = try #require(spread.table(tables[3].name))
    #expect(sleepy.anon?.sqlState == "57014" && sleepy.users.values.allSatisfy { $0.sqlState == "57014" })
  }

  @Test
  func `a target that cannot count its source's rows by key is a warning, not a difference`() {
    let table = QualifiedName(schema: "app", name: "orders")
    let user = PolicyBehaviourCounts.User(id: "u1")
    let bound = PolicyBehaviourCounts.KeyBound(columns: ["id"], values: ["42"])
    let source = PolicyBehaviourCounts(
      users: [user], stratify: nil, includesAnon: false,
      tables: [.init(table: table, anon: nil, users: ["u1": .init(rows: 2)], bound: bound)], seconds: 0,
      rowsPerTable: 3)
    var target = source
    target.tables[0].bound = nil
    target.tables[0].users["u1"] = .init(rows: 7)
    let comparison = PolicyBehaviour.compare(
      source: source, target: target, mappings: [(table, table)], accepted: [])
    #expect(comparison.findings.isEmpty)
    #expect(comparison.checks.map(\.status) == [.warning])
    #expect(comparison.checks.first?.message.contains("first 3 rows by primary key") == true)
    #expect(comparison.checks.first?.nextStep?.contains("rows_per_table = 0") == true)
    target.tables[0].bound = bound
    let compared = PolicyBehaviour.compare(
      source: source, target: target, mappings: [(table, table)], accepted: [])
    #expect(compared.checks.isEmpty)
    #expect(compared.findings.map(\.status) == [.differs])
    #expect(compared.findings.first?.note == "of the first 3 rows by primary key")
  }

  @Test
  func `counting in the export's snapshot leaves its role and settings as they were`() async throws {
    let db = try #require(TestDatabase.current)
    try await MappingFixtures.buildFilled(db, .legacy)
    let (user, claims, timeout, tables) = try await db.withConnection { connection in
      _ = try connection.exportSnapshot()
      let tables = try CatalogReader(scope: .schemas(["app"])).read(from: connection).loadableTables
        .map { PolicyBehaviour.CountedTable(name: $0.name, isPartitioned: $0.kind == .partitioned) }
      let counts = try PolicyBehaviour.sourceCounts(
        on: connection, tables: tables, settings: ParityCutover.sample)
      let row = try connection.execute(
        """
        SELECT current_user::text AS u, coalesce(current_setting('request.jwt.claims', true), '') AS c,
               current_setting('statement_timeout') AS t
        """
      ).one()
      try connection.execute("COMMIT")
      return (try row.string("u"), try row.string("c"), try row.string("t"), counts.tables.count)
    }
    #expect(user == "supabase_admin")
    #expect(claims == "")
    #expect(timeout == "0")
    #expect(tables > 0)
  }

  @Test
  func `a stratified sample takes each stratum's first user, then its second`() async throws {
    let db = try #require(TestDatabase.current)
    try await db.buildLegacyFixture()
    let id = { (n: Int) in "00000000-0000-0000-0000-00000000000\(n)" }
    // u3 has two rows (its stratum is the least), u4 and u6 none (no stratum); the key
    // column is text, auth.users.id a uuid: matched on their text.
    try await db.runScript(
      """
      INSERT INTO auth.users (id) SELECT format('00000000-0000-0000-0000-00000000000%s', g)::uuid
        FROM generate_series(1, 6) g;
      CREATE SCHEMA strat;
      CREATE TABLE strat.people (uid text, kind text);
      INSERT INTO strat.people VALUES ('\(id(1))', 'b'), ('\(id(2))', 'a'), ('\(id(3))', 'b'),
        ('\(id(3))', 'a'), ('\(id(5))', 'a');
      """)
    let settings = PolicySampleSettings(users: 5, stratify: "strat.people.kind", stratifyKey: "uid")
    let users = try await db.withConnection { try PolicyBehaviour.sample(on: $0, settings: settings) }
    #expect(users.map(\.id) == [id(2), id(1), id(4), id(3), id(6)])
    #expect(users.map(\.stratum) == ["a", "b", nil, "a", nil])
  }

  @Test
  func `a stratify setting that is not schema.table.column is refused with the next step`() async throws {
    let db = try #require(TestDatabase.current)
    try await db.buildLegacyFixture()
    let error = await #expect(throws: PolicyBehaviourError.self) {
      try await db.withConnection { connection in
        try PolicyBehaviour.sample(
          on: connection, settings: PolicySampleSettings(users: 3, stratify: "profiles.role"))
      }
    }
    #expect(error?.description.contains("next step: write it as schema.table.column") == true)
  }

  @Test
  func `an allow-list entry that matches nothing is a warning, an accepted difference carries its reason`() {
    let table = QualifiedName(schema: "app", name: "orders")
    let user = PolicyBehaviourCounts.User(id: "u1", stratum: "student")
    let source = PolicyBehaviourCounts(
      users: [user], stratify: nil, includesAnon: true,
      tables: [.init(table: table, anon: .init(rows: 0), users: ["u1": .init(rows: 2)])], seconds: 0)
    var target = source
    target.tables[0].anon = .init(rows: nil, sqlState: "42501")
    let comparison = PolicyBehaviour.compare(
      source: source, target: target, mappings: [(table, table)],
      accepted: [
        PolicyAcceptance(table: "app.orders", subject: "anon", reason: "v2 revokes anon"),
        PolicyAcceptance(table: "app.orders", subject: "authenticated", reason: "stale"),
      ])
    #expect(comparison.findings.map(\.status) == [.accepted, .equal])
    #expect(comparison.findings.first?.acceptedBecause == "v2 revokes anon")
    #expect(comparison.findings.first?.note == "source: 0 rows, target: refused [42501]")
    #expect(comparison.findings.last?.subject == "user u1 (stratum student)")
    #expect(comparison.checks.map(\.status) == [.warning])
    #expect(comparison.checks.first?.subject == "app.orders as authenticated")
  }
}
