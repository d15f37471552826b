import CutoverKit
import Foundation
import Testing

/// One changed cell among a million rows is found and named by primary key and column,
/// through a mapping directory of its own and a target read for its schema.
@Suite(.postgres, .timeLimit(.minutes(10)))
struct ParityLargeTableTests {
  static let table = """
    CREATE SCHEMA app;
    CREATE TABLE app.big (id bigint PRIMARY KEY, amount numeric(12,2), at timestamptz);
    INSERT INTO app.big
      SELECT g, g / 100.0, '2024-01-01 00:00:00+00'::timestamptz + g * interval '1 second'
      FROM generate_series(1, 1000000) g;
    """

  @Test func `one changed cell in a 1M-row table is named by table, primary key and column`() async throws {
    let db = try #require(TestDatabase.current)
    try await db.runScript(Self.table)
    let target = try await TestDatabase.create(label: "parity 1M")
    let directory = ImportTests.scratchDirectory("parity-1m")
    let mappings = ImportTests.scratchDirectory("parity-1m-mappings")
    do {
      try await target.runScript(Self.table)
      try FileManager.default.createDirectory(at: mappings, withIntermediateDirectories: true)
      try "source: app.big\n".write(
        to: mappings.appendingPathComponent("app.big.yaml"), atomically: true, encoding: .utf8)
      var options = ExportOptions(source: try ConnectionTarget(db.url, side: .source), directory: directory)
      options.parity = ParitySchema(
        mappings: mappings, chain: MappingFixtures.chain, localStandIn: nil, target: try target.target)
      _ = try await Exporter(options: options).run(logger: ParityFixture.logger)
      let manifest = try #require(try ExportManifest.read(directory: directory))
      let parity = try #require(manifest.tables.first?.parity)
      #expect(parity.rows == 1_000_000 && parity.key == ["id"])

      let verify = {
        try await Verifier(
          options: .dataOnly(
            exportDirectory: directory, target: try target.target, mappings: mappings,
            chain: MappingFixtures.chain, jobs: 2)
        ).run(logger: ParityFixture.logger)
      }
      #expect(try await verify().verdict == .green)
      try await target.execute("UPDATE app.big SET amount = amount + 0.01 WHERE id = 654321")
      let report = try await verify()
      #expect(report.verdict == .red)
      let big = try #require(report.tables.first)
      #expect(big.status == .differs && big.sourceRows == big.targetRows)
      #expect(big.differences.count == 1 && !big.differencesTruncated)
      let difference = try #require(big.differences.first)
      #expect(
        difference.kind == .changed && difference.key == ["id": "654321"] && difference.columns == ["amount"])
    } catch {
      try? FileManager.default.removeItem(at: directory)
      try? FileManager.default.removeItem(at: mappings)
      try await target.drop()
      throw error
    }
    try? FileManager.default.removeItem(at: directory)
    try? FileManager.default.removeItem(at: mappings)
    try await target.drop()
  }
}
