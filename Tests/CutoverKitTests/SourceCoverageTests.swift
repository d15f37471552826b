import CutoverKit
import Foundation
import Logging
import Testing

/// Every table and column of both source shapes (schemas `app` and `public`) has a home in
/// the v2 chain that takes its values: a table of the same name, a column of the same name
/// (or a known rename) with a compatible type, not made NOT NULL where the source allows
/// NULL, and no NOT NULL column without a default that the source cannot fill.
@Suite(.postgres, .timeLimit(.minutes(8)))
struct SourceCoverageTests {
  /// The legacy shape's column renames in v2, read from the mapping files (`mappings/`).
  ///
  /// `app.livekit_webhook_jobs`, see `supabase/migrations_v2/README.md`. A rename applies only
  /// where the source has the old column (the production shape already has the new names).
  static var legacyRenames: [String: String] {
    get throws {
      var renames: [String: String] = [:]
      for file in try MappingLoader(directory: MappingFixtures.mappings).load() {
        for rename in file.renamed {
          renames["\(file.source.value).\(rename.value.from)"] = rename.value.to
        }
      }
      return renames
    }
  }

  /// Type changes that keep every value (source type → target types).
  static let wideningTypes: [String: Set<String>] = [
    "smallint": ["integer", "bigint", "numeric"],
    "integer": ["bigint", "numeric"],
    "bigint": ["numeric"],
    "character varying": ["text"],
    "json": ["jsonb"],
  ]

  /// Whether a column of type `source` can be copied into a column of type `target` as it is.
  static func compatible(_ source: String, _ target: String) -> Bool {
    if source == target { return true }
    // varchar(n) → text or unbounded varchar
    let base = source.hasPrefix("character varying") ? "character varying" : source
    return wideningTypes[base, default: []].contains(target)
  }

  /// Each way a source column, or a target column it leaves empty, does not fit; one line each.
  static func unaccounted(
    source: SchemaFacts, target: SchemaFacts, renames: [String: String] = [:]
  ) -> [String] {
    var problems: [String] = []
    let targets = Dictionary(uniqueKeysWithValues: target.tables.map { ("\($0.schema).\($0.name)", $0) })
    for table in source.tables.sorted(by: { ($0.schema, $0.name) < ($1.schema, $1.name) }) {
      let name = "\(table.schema).\(table.name)"
      guard let home = targets[name] else {
        problems += table.columns.map { "\(name).\($0.name) (\($0.type)): no table \(name) in v2" }
        continue
      }
      let homeColumns = Dictionary(uniqueKeysWithValues: home.columns.map { ($0.name, $0) })
      var filled: Set<String> = []
      for column in table.columns where column.generated == nil {
        let targetName = renames["\(name).\(column.name)"] ?? column.name
        let place = "\(name).\(column.name) (\(column.type))"
        guard let into = homeColumns[targetName] else {
          problems.append("\(place): no column \(targetName) in v2")
          continue
        }
        filled.insert(targetName)
        if !compatible(column.type, into.type) {
          problems.append("\(place): v2 column \(targetName) is \(into.type)")
        }
        if into.notNull && !column.notNull {
          problems.append("\(place): nullable, v2 column \(targetName) is NOT NULL")
        }
        if into.generated != nil {
          problems.append("\(place): v2 column \(targetName) is generated")
        }
      }
      for column in home.columns
      where column.notNull && column.default == nil && column.generated == nil
        && !filled.contains(column.name)
      {
        problems.append(
          "\(name).\(column.name) in v2 (\(column.type)): NOT NULL without default, not in the source")
      }
    }
    return problems
  }

  @Test(arguments: SourceShape.allCases)
  func `every source column has a v2 column that takes its values`(shape: SourceShape) async throws {
    let db = try #require(TestDatabase.current)
    try await db.buildV2Chain()
    let v2 = try await SchemaFacts.read(from: db)
    let sourceDB = try await TestDatabase.create(label: "coverage \(shape)")
    let source: SchemaFacts
    do {
      try await sourceDB.build(shape)
      source = try await SchemaFacts.read(from: sourceDB)
    } catch {
      try await sourceDB.drop()
      throw error
    }
    try await sourceDB.drop()
    // The built source is the shape its facts describe (LegacyFixtureTests, ProductionFixtureTests).
    #expect(source.tables.count == (try shape.facts()).tables.count)
    let problems = Self.unaccounted(
      source: source, target: v2, renames: shape == .legacy ? try Self.legacyRenames : [:])
    let listing = problems.joined(separator: "\n")
    #expect(
      problems.isEmpty,
      "\(problems.count) source columns of the \(shape) shape without a v2 target:\n\(listing)")
  }

  @Test func `the check lists every column without a target, wrong type or refused NULL`() async throws {
    let db = try #require(TestDatabase.current)
    try await db.buildV2Chain()
    let v2 = try await SchemaFacts.read(from: db)
    try await db.runScript(
      """
      CREATE TABLE app.only_in_source (id uuid PRIMARY KEY);
      ALTER TABLE app.courses ADD COLUMN legacy_only text, ALTER COLUMN title DROP NOT NULL;
      ALTER TABLE app.course_bundles ALTER COLUMN price_amount_cents TYPE bigint;
      ALTER TABLE app.lessons DROP COLUMN price_currency;
      ALTER TABLE app.quiz_questions DROP COLUMN prompt;
      ALTER TABLE app.livekit_webhook_jobs RENAME COLUMN id TO job_id;
      ALTER TABLE app.livekit_webhook_jobs RENAME COLUMN attempt TO attempts;
      """)
    let source = try await SchemaFacts.read(from: db)
    let problems = Self.unaccounted(source: source, target: v2, renames: try Self.legacyRenames)
    #expect(
      problems == [
        "app.course_bundles.price_amount_cents (bigint): v2 column price_amount_cents is integer",
        "app.courses.title (text): nullable, v2 column title is NOT NULL",
        "app.courses.legacy_only (text): no column legacy_only in v2",
        "app.only_in_source.id (uuid): no table app.only_in_source in v2",
        "app.quiz_questions.prompt in v2 (text): NOT NULL without default, not in the source",
      ], "\(problems.joined(separator: "\n"))")
    // without the renames, the renamed columns have no target
    let unrenamed = Self.unaccounted(source: source, target: v2)
    #expect(unrenamed.contains("app.livekit_webhook_jobs.job_id (uuid): no column job_id in v2"))
    #expect(unrenamed.contains("app.livekit_webhook_jobs.attempts (integer): no column attempts in v2"))
    #expect(Self.compatible("character varying(12)", "text"))
    #expect(!Self.compatible("text", "character varying(12)"))
  }
}

extension TestDatabase {
  /// `cutover migrate --local-stand-in` as `supabase_admin`: the stand-in, then the v2 chain.
  fileprivate func buildV2Chain() async throws {
    let root = URL(fileURLWithPath: #filePath)
      .deletingLastPathComponent()  // CutoverKitTests
      .deletingLastPathComponent()  // Tests
      .deletingLastPathComponent()
    let runner = MigrationRunner(
      chain: root.appendingPathComponent("supabase/migrations_v2"),
      localStandIn: root.appendingPathComponent("supabase/local"))
    _ = try await runner.apply(to: try target, logger: Logger(label: "test.coverage"))
  }
}
