import CutoverKit
import Foundation
import Logging
import Testing

/// A clean fixture cutover, built once per test run and shared by the structure, security and
/// policy-behaviour suites: the legacy fixture filled, exported with a policy sample, a v2
/// target migrated and imported, and what the chain defines (applied to a scratch database).
///
/// Tests never touch `target` itself: each works on a copy (`copy`), so they can break it.
struct ParityCutover: Sendable {
  static let logger = Logger(label: "test.parity-cutover", factory: { _ in SwiftLogNoOpLogHandler() })

  /// The sample the export counts: users spread across `app.profiles.role`.
  static let sample = PolicySampleSettings(
    users: 6, stratify: "app.profiles.role", stratifyKey: "user_id", includeAnon: true,
    statementTimeoutMilliseconds: 30_000)

  /// The allow-list the clean cutover needs: the example config's (also in
  /// docs/policy-behaviour.md), read by the real loader.
  static var allowList: URL {
    MappingFixtures.root.appendingPathComponent("cutover.example.toml")
  }

  var source: TestDatabase
  var target: TestDatabase
  var directory: URL
  var manifest: ExportManifest
  var expected: StructureChecks.Expected
  var chain: MigrationChain
  var mappings: [MappingFile]
  /// The tables the import recorded as loaded (read from the journal for the original target).
  var loaded: Set<QualifiedName>
  /// Seconds per phase of building it.
  var seconds: [String: Double]

  /// The shared cutover; built by the first test that asks.
  static let shared = Task<ParityCutover, any Error> { try await build() }

  static func build() async throws -> ParityCutover {
    var seconds: [String: Double] = [:]
    var began = Date()
    let source = try await TestDatabase.create(label: "parity source")
    try await MappingFixtures.buildFilled(source, .legacy)
    seconds["fixture"] = Date().timeIntervalSince(began)
    began = Date()
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("cutover-parity-\(UUID().uuidString.prefix(8))")
    var options = ExportOptions(source: try ConnectionTarget(source.url, side: .source), directory: directory)
    options.chunkSize = 256 << 10
    options.policySample = sample
    _ = try await Exporter(options: options).run(logger: logger)
    let manifest = try #require(try ExportManifest.read(directory: directory))
    seconds["export"] = Date().timeIntervalSince(began)
    began = Date()
    let target = try await TestDatabase.create(label: "parity target")
    try await MappingFixtures.buildV2(target)
    _ = try await Importer(
      options: ImportOptions(
        target: try target.target, directory: directory, mappings: MappingFixtures.mappings)
    ).run(logger: logger)
    seconds["migrate and import"] = Date().timeIntervalSince(began)
    began = Date()
    let expected = try await StructureChecks.expected(
      chain: MappingFixtures.chain, localStandIn: MappingFixtures.standIn, server: try target.target,
      logger: logger)
    seconds["chain in a scratch database"] = Date().timeIntervalSince(began)
    let targetURL = try target.target
    let loaded = try await target.withConnection {
      try StructureChecks.loadedTables(directory: directory, target: targetURL, on: $0)
    }
    return ParityCutover(
      source: source, target: target, directory: directory, manifest: manifest, expected: expected,
      chain: try MigrationChain(directory: MappingFixtures.chain),
      mappings: try MappingLoader(directory: MappingFixtures.mappings).load(), loaded: loaded,
      seconds: seconds)
  }

  /// A copy of the imported target, to break; dropped by `body`'s caller via `defer`.
  func copy(_ label: String) async throws -> TestDatabase {
    try await TestDatabase.create(label: label, template: target.name)
  }

  /// source table → target table of every mapping that moves rows.
  var mapped: [(QualifiedName, QualifiedName)] {
    mappings.filter { $0.skip == nil }.map { ($0.source.value, $0.target.value) }
  }

  /// Verifies `database` (a copy of the target) as `cutover verify` will: structure and
  /// coverage, security, policy behaviour; each phase timed into `phaseSeconds`.
  /// - Parameter export: another export of `source` whose policy counts to compare with
  ///   (default: the shared one).
  func report(_ database: TestDatabase, accepted: [PolicyAcceptance], export: ExportManifest? = nil)
    async throws -> ParityReport
  {
    let startedAt = Date()
    let structure = StructureChecks(
      expected: expected.catalog, chain: chain, manifest: manifest, mappings: mappings, loaded: loaded)
    let security = SecurityChecks(expected: expected)
    let manifest = export ?? self.manifest
    let mapped = self.mapped
    let files = self.mappings
    let sourceCounts = try #require(manifest.policyBehaviour)
    let (checks, findings, phases) = try await database.withConnection { connection in
      var phases: [String: Double] = [:]
      var began = Date()
      var checks = try structure.run(on: connection)
      phases["structure"] = Date().timeIntervalSince(began)
      began = Date()
      checks += try security.run(on: connection)
      phases["security"] = Date().timeIntervalSince(began)
      began = Date()
      let catalog = try CatalogReader(scope: StructureChecks.scope).read(from: connection)
      let tables = PolicyBehaviour.targetTables(
        mapped: mapped, catalog: catalog, manifest: manifest, files: files, source: sourceCounts)
      let targetCounts = try PolicyBehaviour.targetCounts(
        on: connection, tables: tables, source: sourceCounts, settings: Self.sample)
      let comparison = PolicyBehaviour.compare(
        source: sourceCounts, target: targetCounts, mappings: mapped, accepted: accepted)
      phases["policy behaviour"] = Date().timeIntervalSince(began)
      return (checks + comparison.checks, comparison.findings, phases)
    }
    let source = manifest.source
    return ParityReport(
      export: ExportReference(
        manifestSHA256: "", snapshot: source.snapshot,
        source: DatabaseReference(
          database: source.database, systemIdentifier: source.systemIdentifier,
          serverVersion: source.serverVersion),
        exportStartedAt: source.startedAt, exportFinishedAt: source.finishedAt),
      target: DatabaseReference(database: database.name, systemIdentifier: nil, serverVersion: "15"),
      startedAt: startedAt, finishedAt: Date(), checks: checks, policyBehaviour: findings,
      phaseSeconds: phases)
  }

  /// The committed allow-list the clean cutover needs.
  static func acceptances() throws -> [PolicyAcceptance] {
    try #require(try CutoverConfig.load(from: allowList).policyBehaviour).accepted
  }
}

/// Structure and coverage checks on a real cutover: each break turns the verdict red, named.
@Suite(.postgres, .timeLimit(.minutes(15)))
struct StructureChecksTests {
  /// The checks of `report` that failed, as "name: subject".
  static func failed(_ report: ParityReport) -> [String] {
    report.checks.filter { $0.status == .fail }.map { "\($0.name): \($0.subject)" }
  }

  @Test
  func `a clean fixture cutover passes every structure and coverage check`() async throws {
    let cutover = try await ParityCutover.shared.value
    let copy = try await cutover.copy("structure clean")
    let report = try await cutover.report(copy, accepted: try ParityCutover.acceptances())
    try await copy.drop()
    let structure = report.checks.filter { $0.category != .security }
    #expect(structure.allSatisfy { $0.status != .fail }, "\(Self.failed(report))")
    #expect(structure.contains { $0.name == "migration ledger" && $0.status == .pass })
    #expect(structure.contains { $0.name == "foreign-key integrity" && $0.status == .pass })
    #expect(structure.contains { $0.name == "indexes and constraints" && $0.status == .pass })
    // Every exported table is accounted for: loaded, or skipped with its reason.
    let coverage = structure.filter { $0.category == .coverage }
    #expect(coverage.count == cutover.manifest.tables.count)
    #expect(coverage.allSatisfy { $0.message.hasPrefix("loaded into ") || $0.message.hasPrefix("skipped (") })
    #expect(report.verdict == .green, "\(report.failures)")
    #expect(Set(report.phaseSeconds.keys) == ["structure", "security", "policy behaviour"])
  }

  @Test
  func `an index dropped turns the verdict red`() async throws {
    let cutover = try await ParityCutover.shared.value
    let copy = try await cutover.copy("index dropped")
    let index = try #require(
      StructureChecks.applicationTables(cutover.expected.catalog).lazy
        .flatMap { table in table.indexes.filter { $0.constraint == nil }.map { (table.name, $0) } }.first)
    try await copy.execute("DROP INDEX \(QualifiedName(schema: index.0.schema, name: index.1.name).quoted)")
    let report = try await cutover.report(copy, accepted: try ParityCutover.acceptances())
    try await copy.drop()
    #expect(report.verdict == .red)
    #expect(Self.failed(report) == ["index exists: index \(index.1.name) on \(index.0)"])
  }

  @Test
  func `a sequence reset below its maximum turns the verdict red`() async throws {
    let cutover = try await ParityCutover.shared.value
    let copy = try await cutover.copy("sequence reset")
    // The legacy schema has no identity column: one table with one, loaded past 5.
    try await copy.runScript(
      """
      CREATE TABLE app.identity_probe (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, note text);
      INSERT INTO app.identity_probe (note) SELECT 'row ' || n FROM generate_series(1, 5) n;
      """)
    let before = try await cutover.report(copy, accepted: try ParityCutover.acceptances())
    #expect(!Self.failed(before).contains { $0.hasPrefix("sequence") }, "\(Self.failed(before))")
    try await copy.execute("ALTER TABLE app.identity_probe ALTER COLUMN id RESTART WITH 3")
    try await copy.execute("SELECT nextval(pg_get_serial_sequence('app.identity_probe', 'id'))")
    let report = try await cutover.report(copy, accepted: try ParityCutover.acceptances())
    try await copy.drop()
    #expect(report.verdict == .red)
    let failed = report.checks.filter { $0.status == .fail }
    #expect(failed.count == 1)
    #expect(failed.first?.name == "sequence past maximum")
    #expect(failed.first?.subject.hasSuffix("of app.identity_probe.id") == true)
    #expect(failed.first?.message.contains("at 3, behind the maximum 5") == true, "\(failed)")
  }

  @Test
  func `an orphaned foreign key with its constraints dropped turns the verdict red`() async throws {
    let cutover = try await ParityCutover.shared.value
    let copy = try await cutover.copy("orphaned key")
    // A child with rows whose key is not NULL, its foreign keys dropped, a parent row deleted.
    let (table, key) = try #require(
      try await copy.withConnection { connection -> (QualifiedName, CatalogForeignKey)? in
        for table in StructureChecks.applicationTables(cutover.expected.catalog) {
          for key in table.foreignKeys where key.columns.count == 1 && key.referenced != table.name {
            let column = QualifiedName.quote(key.columns[0])
            let rows = try connection.execute(
              "SELECT count(*) AS n FROM \(table.name.quoted) WHERE \(column) IS NOT NULL"
            ).one().int64("n")
            if rows > 0 { return (table.name, key) }
          }
        }
        return nil
      })
    try await copy.withConnection { connection in
      try connection.execute("SET session_replication_role = replica")
      try connection.execute(
        "ALTER TABLE \(table.quoted) DROP CONSTRAINT \(QualifiedName.quote(key.name))")
      let column = QualifiedName.quote(key.columns[0])
      try connection.execute(
        """
        DELETE FROM \(key.referenced.quoted) WHERE \(QualifiedName.quote(key.referencedColumns[0])) =
          (SELECT \(column) FROM \(table.quoted) WHERE \(column) IS NOT NULL LIMIT 1)
        """)
    }
    let report = try await cutover.report(copy, accepted: try ParityCutover.acceptances())
    try await copy.drop()
    #expect(report.verdict == .red)
    let integrity = report.checks.filter { $0.name == "foreign-key integrity" && $0.status == .fail }
    #expect(
      integrity.contains { $0.subject == "foreign key \(key.name) on \(table)" }, "\(Self.failed(report))")
    #expect(Self.failed(report).contains("foreign key exists: foreign key \(key.name) on \(table)"))
  }

  @Test
  func `the ledger must list the whole chain with matching checksums`() async throws {
    let cutover = try await ParityCutover.shared.value
    let copy = try await cutover.copy("ledger")
    let last = try #require(cutover.chain.files.last)
    try await copy.execute(
      "UPDATE cutover.migration_checksums SET sha256 = repeat('0', 64) WHERE version = $1", [last.version])
    let first = try #require(cutover.chain.files.first)
    try await copy.execute(
      "DELETE FROM supabase_migrations.schema_migrations WHERE version = $1", [first.version])
    let checks = try await copy.withConnection { connection in
      StructureChecks.ledger(chain: cutover.chain, state: try MigrationLedger(connection: connection).read())
    }
    try await copy.drop()
    #expect(
      checks.filter { $0.status == .fail }.map(\.subject).sorted() == [
        "supabase_migrations.schema_migrations \(first.fileName)",
        "supabase_migrations.schema_migrations \(last.fileName)",
      ])
  }
}
