import CutoverFixture
import CutoverKit
import Foundation
import Logging
import Testing

/// `cutover-fixture fill` on the legacy fixture: same seed, same bytes; every table filled;
/// every foreign key satisfied; every awkward value kind present — all checked from the
/// catalog, not from a list of tables.
@Suite(.postgres, .timeLimit(.minutes(8)))
struct FixtureGeneratorTests {
  /// `supabase/fixture/domains.json` of this package.
  static var domains: ValueDomains {
    get throws {
      try ValueDomains.load(
        from: URL(fileURLWithPath: #filePath)
          .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
          .appendingPathComponent("supabase/fixture/domains.json"))
    }
  }

  /// Builds the legacy fixture in `db` and fills it.
  static func filled(
    _ db: TestDatabase, scale: Double = 1, seed: UInt64 = 42, jobs: Int = 2, rowsPerUnit: Int = 500_000
  ) async throws -> FixtureFillReport {
    try await db.buildLegacyFixture()
    let generator = FixtureGenerator(target: try db.target, domains: try domains, rowsPerUnit: rowsPerUnit)
    return try await generator.fill(
      scale: scale, seed: seed, jobs: jobs, truncate: false, logger: Logger(label: "test.fixture"))
  }

  /// The catalog of the filled schemas.
  static func catalog(_ db: TestDatabase) async throws -> Catalog {
    try await db.withConnection { try CatalogReader(schemas: FixtureGenerator.defaultSchemas).read(from: $0) }
  }

  /// FNV-1a (64 bits) and length of each table's `COPY (SELECT … ORDER BY primary key) TO STDOUT`.
  static func digests(_ db: TestDatabase, _ catalog: Catalog) async throws -> [String: String] {
    let tables = catalog.loadableTables
    return try await db.withConnection { connection in
      var digests: [String: String] = [:]
      for table in tables {
        let order = (table.primaryKey?.columns ?? table.columns.map(\.name))
          .map(QualifiedName.quote).joined(separator: ", ")
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        var length = 0
        try connection.copyOut("COPY (SELECT * FROM \(table.name.quoted) ORDER BY \(order)) TO STDOUT") {
          bytes in
          for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
          }
          length += bytes.count
        }
        digests[table.name.description] = "\(length):\(String(hash, radix: 16))"
      }
      return digests
    }
  }

  /// Checks every foreign key with a NOT EXISTS query: how many keys, and those with orphans.
  static func orphans(_ db: TestDatabase, _ catalog: Catalog) async throws -> (Int, [String]) {
    var checked = 0
    var failing: [String] = []
    for table in catalog.loadableTables {
      for key in table.foreignKeys {
        let pairs = zip(key.columns, key.referencedColumns).map {
          "p.\(QualifiedName.quote($1)) = c.\(QualifiedName.quote($0))"
        }
        let present = key.columns.map { "c.\(QualifiedName.quote($0)) IS NOT NULL" }
        let orphans = try await db.execute(
          """
          SELECT count(*) FROM \(table.name.quoted) c
          WHERE \(present.joined(separator: " AND "))
            AND NOT EXISTS (SELECT 1 FROM \(key.referenced.quoted) p WHERE \(pairs.joined(separator: " AND ")))
          """
        ).scalar
        if orphans != "0" { failing.append("\(table.name).\(key.name): \(orphans ?? "?")") }
        checked += 1
      }
    }
    return (checked, failing)
  }

  @Test func `a synthetic schema: composite keys, a cycle, a self-reference, bounded checks`() async throws {
    let db = try #require(TestDatabase.current)
    try await db.runScript(
      """
      CREATE SCHEMA fx;
      CREATE TYPE fx.mood AS ENUM ('calm', 'busy', 'odd label', 'ü', '');
      CREATE TABLE fx.accounts (
        tenant int NOT NULL CHECK (tenant BETWEEN 1 AND 3),
        id bigint NOT NULL,
        name varchar(12) NOT NULL UNIQUE,
        favourite_doc uuid,
        PRIMARY KEY (tenant, id));
      CREATE TABLE fx.docs (
        id uuid PRIMARY KEY,
        tenant int NOT NULL,
        owner bigint NOT NULL,
        parent uuid REFERENCES fx.docs (id),
        mood fx.mood NOT NULL,
        tags text[],
        score numeric(5,2) CHECK (score >= 0 AND score <= 100),
        body text CHECK (length(body) <= 5),
        FOREIGN KEY (tenant, owner) REFERENCES fx.accounts (tenant, id));
      ALTER TABLE fx.accounts ADD FOREIGN KEY (favourite_doc) REFERENCES fx.docs (id);
      CREATE TABLE fx.pairs (
        a uuid NOT NULL REFERENCES fx.docs, b uuid NOT NULL REFERENCES fx.docs, PRIMARY KEY (a, b));
      """)
    let generator = FixtureGenerator(target: try db.target, schemas: ["fx"], domains: .empty, rowsPerUnit: 3)
    let plan = try await generator.plan(scale: 10, seed: 5)
    #expect(plan.cycleEdges.count == 1, "\(plan.cycleEdges)")
    let report = try await generator.fill(
      scale: 10, seed: 5, jobs: 2, truncate: false, logger: Logger(label: "test"))
    #expect(report.tables.map(\.rows) == plan.tables.map(\.rows))
    let catalog = try await db.withConnection { try CatalogReader(schemas: ["fx"]).read(from: $0) }
    let (checked, orphans) = try await Self.orphans(db, catalog)
    #expect(checked == 5)
    #expect(orphans.isEmpty, "rows without a parent: \(orphans)")
    let facts = try await db.execute(
      """
      SELECT (SELECT count(*) FROM fx.accounts WHERE favourite_doc IS NOT NULL),
             (SELECT count(*) FROM fx.docs WHERE parent IS NOT NULL),
             (SELECT count(*) FROM fx.docs WHERE parent IS NULL),
             (SELECT count(DISTINCT mood) FROM fx.docs),
             (SELECT count(*) FROM fx.pairs),
             (SELECT count(*) FROM fx.accounts),
             (SELECT max(length(body)) FROM fx.docs),
             (SELECT bool_and(score BETWEEN 0 AND 100) FROM fx.docs)
      """
    ).rows.first
    let values = try #require(facts)
    #expect(values[0] != "0", "the cycle's nullable side is never set")
    #expect(values[1] != "0" && values[2] != "0", "the self-reference is always or never set")
    #expect(values[3] == "5")
    #expect(values[4] == "40")
    #expect(values[5] == "40")
    #expect(values[6] == "5")
    #expect(values[7] == "t")
  }

  @Test func `two fills with the same seed give byte-identical COPY output, whatever the scheduling`()
    async throws
  {
    let db = try #require(TestDatabase.current)
    let other = try await TestDatabase.create(label: "fixture twin")
    let third = try await TestDatabase.create(label: "fixture other seed")
    let first = try await Self.filled(db, scale: 3, seed: 42, jobs: 1)
    let second = try await Self.filled(other, scale: 3, seed: 42, jobs: 3, rowsPerUnit: 7)
    _ = try await Self.filled(third, scale: 3, seed: 43, jobs: 2)
    #expect(first.totalRows == second.totalRows)
    #expect(first.totalBytes == second.totalBytes)
    let catalog = try await Self.catalog(db)
    let a = try await Self.digests(db, catalog)
    let b = try await Self.digests(other, catalog)
    let c = try await Self.digests(third, catalog)
    #expect(a.count == catalog.loadableTables.count)
    for table in a.keys.sorted() {
      #expect(a[table] == b[table], "\(table) differs between two fills with seed 42")
    }
    let changed = a.keys.filter { a[$0] != c[$0] }
    #expect(
      changed.count > catalog.loadableTables.count / 2, "another seed changed only \(changed.count) tables")
    try await other.drop()
    try await third.drop()
  }

  @Test func `the smallest scale fills every table and every foreign key holds`() async throws {
    let db = try #require(TestDatabase.current)
    let report = try await Self.filled(db, scale: 0.01)
    let catalog = try await Self.catalog(db)
    #expect(catalog.loadableTables.count >= 56)
    #expect(report.tables.count == catalog.loadableTables.count)
    let counts = try await db.withConnection { connection in
      try catalog.loadableTables.map { table in
        (
          table.name.description,
          Int(try connection.execute("SELECT count(*) FROM \(table.name.quoted)").scalar ?? "") ?? 0
        )
      }
    }
    for (table, count) in counts {
      #expect(count > 0, "\(table) is empty")
      #expect(count < 1000, "\(table) has \(count) rows at the smallest scale")
    }
    let (checked, orphans) = try await Self.orphans(db, catalog)
    #expect(orphans.isEmpty, "rows without a parent: \(orphans)")
    #expect(checked >= 80)
    // The profiles ↔ media_objects style cycles end with both sides filled: every foreign
    // key column that may be NULL also holds values.
    for table in catalog.loadableTables {
      for key in table.foreignKeys where key.referenced != table.name {
        let filled = try await db.execute(
          "SELECT count(*) FROM \(table.name.quoted) WHERE \(QualifiedName.quote(key.columns[0])) IS NOT NULL"
        ).scalar
        #expect(filled != "0", "\(table.name).\(key.name) is never set")
      }
    }
  }

  @Test func `every awkward value kind is present, checked from the catalog`() async throws {
    let db = try #require(TestDatabase.current)
    _ = try await Self.filled(db, scale: 1)
    let catalog = try await Self.catalog(db)
    var found: [String: Int] = [:]
    var nullable = 0
    var nullableWithNull: Set<String> = []
    var missingNull: [String] = []
    var enumLabels: [String: Set<String>] = [:]
    var enumSeen: [String: Set<String>] = [:]
    for table in catalog.loadableTables {
      var probes: [(kind: String, sql: String)] = []
      for column in table.columns {
        let c = QualifiedName.quote(column.name)
        if !column.notNull && !(table.primaryKey?.columns.contains(column.name) ?? false) {
          nullable += 1
          probes.append(("null:\(table.name).\(column.name)", "bool_or(\(c) IS NULL)"))
        }
        if !column.enumLabels.isEmpty && !column.isArray {
          enumLabels[column.baseType] = Set(column.enumLabels)
          probes.append(("enum:\(column.baseType)", "string_agg(DISTINCT \(c)::text, ',')"))
          continue
        }
        switch (column.baseType, column.isArray) {
        case ("text", false), ("varchar", false):
          probes += [
            ("text tab", "bool_or(strpos(\(c), E'\\t') > 0)"),
            ("text newline", "bool_or(strpos(\(c), E'\\n') > 0)"),
            ("text carriage return", "bool_or(strpos(\(c), E'\\r') > 0)"),
            ("text backslash", "bool_or(strpos(\(c), E'\\\\') > 0)"),
            ("text literal \\N", "bool_or(strpos(\(c), E'\\\\N') > 0)"),
            ("text empty", "bool_or(\(c) = '')"),
            ("text CJK", "bool_or(\(c) ~ '[\\u4e00-\\u9fff]')"),
            ("text emoji", "bool_or(\(c) ~ '[\\U0001F300-\\U0001FAFF]')"),
            ("text right-to-left", "bool_or(\(c) ~ '[\\u0590-\\u06ff]')"),
            ("text accents", "bool_or(\(c) ~ '[\\u00c0-\\u00ff]')"),
            ("text ≥ 100 KB", "bool_or(octet_length(\(c)) >= 100000)"),
          ]
        case ("jsonb", false), ("json", false):
          probes += [
            ("jsonb nested", "bool_or(jsonb_path_exists(\(c)::jsonb, '$.**{3 to last}'))"),
            ("jsonb non-ASCII from escapes", "bool_or(\(c)::text ~ '[\\u0080-\\U0010FFFF]')"),
            (
              "jsonb tiny number",
              "bool_or(jsonb_path_exists(\(c)::jsonb, '$.** ? (@.type() == \"number\" && @ != 0 && @ < 0.000001 && @ > -0.000001)'))"
            ),
            (
              "jsonb huge number",
              "bool_or(jsonb_path_exists(\(c)::jsonb, '$.** ? (@.type() == \"number\" && @ > 1e20)'))"
            ),
          ]
        case (_, true):
          probes.append(("array with NULL element", "bool_or(array_position(\(c), NULL) IS NOT NULL)"))
          probes.append(("empty array", "bool_or(cardinality(\(c)) = 0)"))
        case ("timestamptz", false), ("timestamp", false), ("date", false):
          probes += [
            ("timestamp infinity", "bool_or(NOT isfinite(\(c)))"),
            ("timestamp before year 1000", "bool_or(isfinite(\(c)) AND \(c) < '1000-01-01')"),
            ("timestamp after year 9000", "bool_or(isfinite(\(c)) AND \(c) > '9000-01-01')"),
          ]
          if column.baseType != "date" {
            probes.append(
              (
                "timestamp microseconds",
                "bool_or(isfinite(\(c)) AND \(c) <> date_trunc('milliseconds', \(c)))"
              ))
          }
        case ("numeric", false):
          if let precision = column.numericPrecision, let scale = column.numericScale {
            probes.append(
              (
                "numeric at precision limit",
                "bool_or(abs(\(c)) = 10::numeric ^ \(precision - scale) - 10::numeric ^ (-\(scale)))"
              ))
          } else {
            probes.append(("numeric of many digits", "bool_or(length(\(c)::text) > 40)"))
          }
        case ("int2", false), ("int4", false), ("int8", false):
          probes.append(("integer negative or zero", "bool_or(\(c) <= 0)"))
        default:
          break
        }
      }
      guard !probes.isEmpty else { continue }
      let row =
        try await db.execute(
          "SELECT \(probes.map(\.sql).joined(separator: ", ")) FROM \(table.name.quoted)"
        ).rows.first ?? []
      for (index, probe) in probes.enumerated() {
        let value = index < row.count ? row[index] : nil
        if probe.kind.hasPrefix("enum:") {
          enumSeen[String(probe.kind.dropFirst(5)), default: []].formUnion(
            (value ?? "").split(separator: ",").map(String.init))
        } else if probe.kind.hasPrefix("null:") {
          if value == "t" {
            nullableWithNull.insert(probe.kind)
          } else {
            missingNull.append(String(probe.kind.dropFirst(5)))
          }
        } else if value == "t" {
          found[probe.kind, default: 0] += 1
        }
      }
    }
    let kinds = [
      "text tab", "text newline", "text carriage return", "text backslash", "text literal \\N", "text empty",
      "text CJK", "text emoji", "text right-to-left", "text accents", "text ≥ 100 KB", "jsonb nested",
      "jsonb non-ASCII from escapes", "jsonb tiny number", "jsonb huge number", "array with NULL element",
      "empty array", "timestamp infinity", "timestamp before year 1000", "timestamp after year 9000",
      "timestamp microseconds", "numeric at precision limit", "numeric of many digits",
      "integer negative or zero",
    ]
    for kind in kinds {
      #expect(found[kind, default: 0] > 0, "no value of kind \(kind)")
    }
    #expect(found["text tab", default: 0] >= 20, "tabs in only \(found["text tab", default: 0]) text columns")
    for (type, labels) in enumLabels.sorted(by: { $0.key < $1.key }) {
      let missing = labels.subtracting(enumSeen[type] ?? [])
      #expect(missing.isEmpty, "enum \(type): labels never used: \(missing.sorted())")
    }
    #expect(enumLabels.count >= 15)
    #expect(
      nullableWithNull.count * 10 >= nullable * 9,
      "only \(nullableWithNull.count) of \(nullable) nullable columns hold a NULL; none in: \(missingNull.sorted())"
    )
  }

  @Test func `fill refuses tables that hold rows unless told to truncate`() async throws {
    let db = try #require(TestDatabase.current)
    _ = try await Self.filled(db, scale: 0.01)
    let generator = FixtureGenerator(target: try db.target, domains: try Self.domains)
    let error = await #expect(throws: FixtureError.self) {
      try await generator.fill(scale: 0.01, seed: 1, jobs: 1, truncate: false, logger: Logger(label: "test"))
    }
    #expect(error?.code == .notEmpty)
    #expect(error?.exitStatus == .usage)
    let again = try await generator.fill(
      scale: 0.01, seed: 1, jobs: 1, truncate: true, logger: Logger(label: "test"))
    #expect(again.totalRows > 0)
  }
}

/// The CHECK forms the generator reads, as `pg_get_constraintdef` prints them.
struct CheckConstraintParserTests {
  @Test(arguments: [
    (
      "CHECK ((kind = ANY (ARRAY['video'::text, 'audio'::text, 'it''s'::text])))", "kind",
      ["video", "audio", "it's"]
    ),
    (
      "CHECK ((plan_interval = ANY (ARRAY['month'::text, 'year'::text])))", "plan_interval",
      ["month", "year"]
    ),
  ])
  func `lists of allowed values`(definition: String, column: String, values: [String]) {
    let result = CheckConstraintParser().parse([(name: "c", definition: definition)])
    #expect(result.unparsed.isEmpty)
    #expect(result.restrictions[column]?.allowedValues == values)
  }

  @Test func `ranges, lengths, nullable and not-null groups`() {
    let result = CheckConstraintParser().parse([
      (name: "a", definition: "CHECK (((payout_split_pct >= 0) AND (payout_split_pct <= 100)))"),
      (name: "b", definition: "CHECK (((capacity IS NULL) OR (capacity >= 0)))"),
      (name: "c", definition: "CHECK ((rating > 0))"),
      (name: "g", definition: "CHECK (((score >= (0)::numeric) AND (score <= (100)::numeric)))"),
      (name: "d", definition: "CHECK ((length(title) <= 80))"),
      (name: "e", definition: "CHECK (((media_id IS NOT NULL) OR (storage_path IS NOT NULL)))"),
      (name: "f", definition: "CHECK ((lower(email) ~ '^[a-z]+$'::text))"),
    ])
    #expect(result.restrictions["payout_split_pct"]?.minimum == 0)
    #expect(result.restrictions["payout_split_pct"]?.maximum == 100)
    #expect(result.restrictions["capacity"]?.minimum == 0)
    #expect(result.restrictions["rating"]?.minimum == 1)
    #expect(result.restrictions["score"]?.minimum == 0)
    #expect(result.restrictions["score"]?.maximum == 100)
    #expect(result.restrictions["title"]?.maxLength == 80)
    #expect(result.notNullGroups == [["media_id", "storage_path"]])
    #expect(result.unparsed == ["f"])
  }
}
