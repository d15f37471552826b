import CutoverKit
import CutoverTestSupport
import Foundation
import Testing

/// `cutover verify` against a real import of the legacy fixture: green with no false
/// positive at three seeds; each fault of issue 17 injected on the target turns it red
/// naming the exact table and primary key (and is undone, green again).
@Suite(.postgres, .timeLimit(.minutes(12)))
struct ParityFaultTests {
  /// The tables that are not green, by name.
  static func red(_ report: ParityReport) -> [String] {
    report.tables.filter { !$0.status.isGreen }.map { "\($0.target)" }
  }

  static func expectGreen(_ report: ParityReport, _ comment: String) {
    #expect(report.verdict == .green, "\(comment): \(report.failures)")
    #expect(report.tables.allSatisfy { $0.status == .match || $0.status == .skipped })
  }

  @Test(arguments: [UInt64(3), 11])
  func `a clean import is green, every mapped table matched, at more seeds`(seed: UInt64) async throws {
    let db = try #require(TestDatabase.current)
    let fixture = try await ParityFixture.make(db, seed: seed)
    do {
      let manifest = try #require(try ExportManifest.read(directory: fixture.directory))
      let files = try MappingLoader(directory: MappingFixtures.mappings).load()
      let skipped = Set(files.filter { $0.skip != nil }.map(\.source.value))
      for table in manifest.tables where !skipped.contains(table.name) {
        let parity = try #require(table.parity, "\(table.name) has no source digest")
        #expect(parity.rows <= table.rows, "\(table.name): a filter keeps at most every row")
        #expect(parity.rowsFile != nil && parity.rowsFileSHA256 != nil)
      }
      // The rows files belong to the export: check-export lists no extra file.
      let check = try await ExportChecker(directory: fixture.directory).run(logger: ParityFixture.logger)
      #expect(check.problems.isEmpty, "\(check.problems)")
      let report = try await fixture.verify()
      Self.expectGreen(report, "seed \(seed)")
      #expect(report.tables.filter { $0.status == .match }.count >= 50)
      let (read, _) = try #require(try ParityReport.read(directory: fixture.directory))
      #expect(read.tables == report.tables && read.verdict == report.verdict)
      #expect(read.export.manifestSHA256.count == 64 && read.inputs.count == 2)
      // A table its mapping skips is listed as skipped, with the reason.
      let skipping = try MappingFixtures.mappingsCopy()
      try "source: app.payment_events\nskip: not moved in this test\n".write(
        to: skipping.appendingPathComponent("app.payment_events.yaml"), atomically: true, encoding: .utf8)
      let skippedReport = try await fixture.verify(mappings: skipping)
      try? FileManager.default.removeItem(at: skipping.deletingLastPathComponent())
      Self.expectGreen(skippedReport, "seed \(seed), one table skipped")
      let events = try #require(skippedReport.tables.first { "\($0.target)" == "app.payment_events" })
      #expect(events.status == .skipped && events.reason == "not moved in this test")
    } catch {
      try await fixture.cleanUp()
      throw error
    }
    try await fixture.cleanUp()
  }

  /// One fault: applied on the target (triggers off), verified red on exactly `table` with a
  /// difference of `kind` for `key` (and `column`), then undone and verified green.
  static func fault(
    _ fixture: ParityFixture, _ name: String, apply: String, undo: String, table: String,
    kind: RowDifference.Kind, key: [String: String]?, column: String?
  ) async throws {
    try await fixture.target.runScript("SET session_replication_role = replica;\n\(apply)")
    let report = try await fixture.verify()
    #expect(report.verdict == .red, "\(name)")
    #expect(Self.red(report) == [table], "\(name): \(report.failures)")
    // A real red run: report.json, report.md and report.html exist and agree.
    try ReportAgreement.expectAgreement(in: fixture.directory, report: report)
    let differences = report.tables.first { "\($0.target)" == table }?.differences ?? []
    #expect(differences.count == 1, "\(name): \(differences)")
    let difference = try #require(differences.first, "\(name)")
    #expect(difference.kind == kind, "\(name)")
    if let key { #expect(difference.key == key, "\(name)") }
    if let column { #expect(difference.columns == [column], "\(name)") }
    #expect(difference.targetValues == nil && difference.sourceValues == nil)
    try await fixture.target.runScript("SET session_replication_role = replica;\n\(undo)")
    expectGreen(try await fixture.verify(), "\(name) undone")
  }

  @Test func `each injected fault turns the verdict red naming the table and primary key`() async throws {
    let db = try #require(TestDatabase.current)
    let plant = """
      UPDATE app.profiles SET display_name = NULL, bio = 'caf' || U&'\\00E9'
        WHERE user_id = (SELECT min(user_id::text)::uuid FROM app.profiles);
      INSERT INTO app.payment_events (event_id, payload) VALUES ('evt_parity_test', '{"a": [1, {"b": [2, 3]}]}');
      """
    let fixture = try await ParityFixture.make(db, seed: 7, plant: plant)
    do {
      Self.expectGreen(try await fixture.verify(), "clean")
      let profile = try await db.execute("SELECT min(user_id::text) AS id FROM app.profiles").one().string(
        "id")
      let event = try await db.execute(
        "SELECT id::text AS id FROM app.payment_events WHERE event_id = 'evt_parity_test'"
      ).one().string("id")
      let saved = try await fixture.target.execute(
        "SELECT row_to_json(e)::text AS row FROM app.payment_events e WHERE id = '\(event)'"
      ).one().string("row").replacingOccurrences(of: "'", with: "''")
      let profileRow = "WHERE user_id = '\(profile)'"
      try await Self.fault(
        fixture, "deleted row", apply: "DELETE FROM app.payment_events WHERE id = '\(event)';",
        undo:
          "INSERT INTO app.payment_events SELECT * FROM json_populate_record(NULL::app.payment_events, '\(saved)');",
        table: "app.payment_events", kind: .missing, key: ["id": event], column: nil)
      try await Self.fault(
        fixture, "extra row",
        apply:
          "INSERT INTO app.payment_events (id, event_id, payload) VALUES ('00000000-0000-4000-8000-000000000042', 'evt_extra', '{}');",
        undo: "DELETE FROM app.payment_events WHERE id = '00000000-0000-4000-8000-000000000042';",
        table: "app.payment_events", kind: .extra, key: ["id": "00000000-0000-4000-8000-000000000042"],
        column: nil)
      try await Self.fault(
        fixture, "NULL to empty string", apply: "UPDATE app.profiles SET display_name = '' \(profileRow);",
        undo: "UPDATE app.profiles SET display_name = NULL \(profileRow);",
        table: "app.profiles", kind: .changed, key: ["user_id": profile], column: "display_name")
      try await Self.fault(
        fixture, "timestamp +1 µs",
        apply: "UPDATE app.profiles SET created_at = created_at + interval '1 microsecond' \(profileRow);",
        undo: "UPDATE app.profiles SET created_at = created_at - interval '1 microsecond' \(profileRow);",
        table: "app.profiles", kind: .changed, key: ["user_id": profile], column: "created_at")
      try await Self.fault(
        fixture, "deep jsonb",
        apply:
          "UPDATE app.payment_events SET payload = '{\"a\": [1, {\"b\": [2, 4]}]}' WHERE id = '\(event)';",
        undo:
          "UPDATE app.payment_events SET payload = '{\"a\": [1, {\"b\": [2, 3]}]}' WHERE id = '\(event)';",
        table: "app.payment_events", kind: .changed, key: ["id": event], column: "payload")
      try await Self.fault(
        fixture, "NFC vs NFD", apply: "UPDATE app.profiles SET bio = 'cafe' || U&'\\0301' \(profileRow);",
        undo: "UPDATE app.profiles SET bio = 'caf' || U&'\\00E9' \(profileRow);",
        table: "app.profiles", kind: .changed, key: ["user_id": profile], column: "bio")
      try await Self.redaction(fixture, profileRow: profileRow, profile: profile)
      try await Self.wrongSwiftMapper(fixture)
    } catch {
      try await fixture.cleanUp()
      throw error
    }
    try await fixture.cleanUp()
  }

  /// A changed value is named by column, never shown without --show-values: report.json and
  /// the command's output are grepped for it.
  static func redaction(_ fixture: ParityFixture, profileRow: String, profile: String) async throws {
    let planted = "PLANTED-SECRET-4711"
    try await fixture.target.runScript(
      "SET session_replication_role = replica; UPDATE app.profiles SET display_name = '\(planted)' \(profileRow);"
    )
    let report = try await fixture.verify()
    #expect(red(report) == ["app.profiles"])
    let file = try String(
      contentsOf: fixture.directory.appendingPathComponent(ParityReport.fileName), encoding: .utf8)
    #expect(!file.contains(planted))
    #expect(file.contains(profile))
    let arguments = [
      "verify", "--export-dir", fixture.directory.path, "--target", fixture.target.url,
      "--mappings", MappingFixtures.mappings.path, "--chain", MappingFixtures.chain.path, "--data-only",
    ]
    for json in [false, true] {
      let outcome = try CutoverBinary.run(arguments + (json ? ["--json"] : []))
      #expect(outcome.status == 1, "\(outcome.output)")
      #expect(!outcome.output.contains(planted))
      #expect(outcome.output.contains("display_name"), "\(outcome.output)")
    }
    let shown = try CutoverBinary.run(arguments + ["--show-values"])
    #expect(shown.status == 1)
    #expect(shown.output.contains(planted), "\(shown.output)")
    let revealed = try await fixture.verify(showValues: true)
    let difference = try #require(
      revealed.tables.first { "\($0.target)" == "app.profiles" }?.differences.first)
    #expect(difference.targetValues?["display_name"] == .some(.some(planted)))
    try await fixture.target.runScript(
      "SET session_replication_role = replica; UPDATE app.profiles SET display_name = NULL \(profileRow);")
    expectGreen(try await fixture.verify(), "redaction undone")
    let green = try CutoverBinary.run(arguments)
    #expect(green.status == 0, "\(green.output)")
  }

  /// A deliberately wrong Swift mapper (attempt copied into last_error's place) whose SQL
  /// expression says the right thing: the Swift path loads the table, the SQL path checks it.
  static func wrongSwiftMapper(_ fixture: ParityFixture) async throws {
    let table = QualifiedName(schema: "app", name: "livekit_webhook_jobs")
    let manifest = try #require(try ExportManifest.read(directory: fixture.directory))
    let exported = try #require(manifest.tables.first { $0.name == table })
    let targetCatalog = try await fixture.target.withConnection {
      try CatalogReader(scope: .allSchemas(except: Planner.readSchemas)).read(from: $0)
    }
    let sourceCatalog = try await fixture.source.withConnection {
      try CatalogReader(scope: .allSchemas(except: Planner.readSchemas)).read(from: $0)
    }
    let file = try #require(
      try MappingLoader(directory: MappingFixtures.mappings).load().first { $0.source.value == table })
    var findings: [MappingFinding] = []
    let sourceTable = try #require(sourceCatalog.table(table))
    let targetTable = try #require(targetCatalog.table(table))
    let resolved = MappingResolver(source: sourceCatalog, target: targetCatalog).resolve(
      file, sourceTable: sourceTable, targetTable: targetTable, findings: &findings)
    var mapping = try #require(resolved)
    let wrong = try #require(WrongLastErrorMapper(mapping: mapping))
    for (name, sql) in zip(wrong.computedColumns, wrong.sourceExpressions) {
      let position = try #require(mapping.columns.firstIndex { $0.name == name })
      mapping.columns[position].output = .swift
      mapping.columns[position].sourceExpression = "(\(sql))::\(mapping.columns[position].type)"
    }
    let mapper = DeclarativeTableMapper(mapping: mapping, swift: wrong)
    let columns = exported.columns.map { QualifiedName.quote($0.name) }.joined(separator: ", ")
    let raw = try await fixture.source.withConnection { connection in
      var bytes: [UInt8] = []
      try connection.copyOut("COPY \(table.quoted) (\(columns)) TO STDOUT") { bytes.append(contentsOf: $0) }
      return bytes
    }
    var stream = MappingStream(mapper: mapper)
    var mapped: [UInt8] = []
    try raw.withUnsafeBytes { try stream.feed($0) { mapped.append(contentsOf: $0) } }
    try stream.finish { mapped.append(contentsOf: $0) }
    let rows = mapped
    let copyIn = mapping.copyInSQL
    try await fixture.target.withConnection { connection in
      try connection.execute("SET session_replication_role = replica")
      try connection.execute("TRUNCATE \(table.quoted)")
      try connection.copyIn(copyIn) { try $0.write(rows) }
    }
    let report = try await fixture.verify()
    #expect(red(report) == ["app.livekit_webhook_jobs"], "\(report.failures)")
    let differences = try #require(report.tables.first { $0.target == table }?.differences)
    #expect(!differences.isEmpty)
    #expect(
      differences.allSatisfy { $0.kind == .changed && $0.columns == ["last_error"] && $0.key["id"] != nil })
  }
}

/// Test only, never registered: the real mapper's values, then `attempt`'s text put where
/// `last_error` goes, while its SQL expressions stay the real (right) ones — a Swift path that
/// disagrees with its SQL path.
struct WrongLastErrorMapper: SwiftRowMapper {
  let real: LivekitWebhookJobsMapper
  let attempt: Int

  init?(mapping: TableMapping) {
    guard let real = LivekitWebhookJobsMapper(mapping: mapping),
      let attempt = mapping.sourceIndex(feeding: "attempt")
    else { return nil }
    self.real = real
    self.attempt = attempt
  }

  var computedColumns: [String] { real.computedColumns }
  var sourceExpressions: [String] { real.sourceExpressions }
  func values(for row: CopyRowBuffer, into values: inout [String?]) {
    real.values(for: row, into: &values)
    values[1] = row.text(attempt)
  }
}
