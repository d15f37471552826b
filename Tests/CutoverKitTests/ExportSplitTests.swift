import CutoverKit
import CutoverTestSupport
import Foundation
import Logging
import Testing

/// Large tables read in parts (issue 14): key ranges or `ctid` page ranges in the one
/// snapshot, each part its own chunk sequence, exactly the table's rows.
@Suite(.postgres, .timeLimit(.minutes(8)))
struct ExportSplitTests {
  static let logger = Logger(label: "test.export-split", factory: { _ in SwiftLogNoOpLogHandler() })

  /// Rows wide enough that each table spans tens of pages.
  static let filler = "repeat(md5(g::text), 4)"

  static let layouts: [(name: String, setup: String, relation: String, method: TablePart.Method)] = [
    (
      "int key",
      "CREATE TABLE app.t (id bigint PRIMARY KEY, note text); INSERT INTO app.t SELECT g * 7 - 9000, \(filler) FROM generate_series(1, 3000) g;",
      "app.t", .ctid
    ),
    (
      "uuid key",
      "CREATE TABLE app.t (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), note text); INSERT INTO app.t (note) SELECT \(filler) FROM generate_series(1, 3000) g;",
      "app.t", .ctid
    ),
    (
      "text key",
      "CREATE TABLE app.t (code text COLLATE \"C\" PRIMARY KEY, note text); INSERT INTO app.t SELECT 'k' || g || E'\\tx', \(filler) FROM generate_series(1, 3000) g;",
      "app.t", .ctid
    ),
    (
      "no key",
      "CREATE TABLE app.t (a int, note text); INSERT INTO app.t SELECT g % 10, \(filler) FROM generate_series(1, 3000) g; INSERT INTO app.t SELECT NULL, NULL FROM generate_series(1, 50);",
      "app.t", .ctid
    ),
    (
      "partitioned parent",
      """
      CREATE TABLE app.t (id int PRIMARY KEY, note text) PARTITION BY RANGE (id);
      CREATE TABLE app.t_low PARTITION OF app.t FOR VALUES FROM (MINVALUE) TO (1000);
      CREATE TABLE app.t_high PARTITION OF app.t FOR VALUES FROM (1000) TO (MAXVALUE);
      INSERT INTO app.t SELECT g, \(filler) FROM generate_series(1, 3000) g;
      """,
      "app.t", .ctid
    ),
    (
      "partitioned parent without a key",
      """
      CREATE TABLE app.t (id int, note text) PARTITION BY LIST ((id % 2));
      CREATE TABLE app.t_even PARTITION OF app.t FOR VALUES IN (0);
      CREATE TABLE app.t_odd PARTITION OF app.t FOR VALUES IN (1);
      INSERT INTO app.t SELECT g, \(filler) FROM generate_series(1, 3000) g;
      """,
      "app.t", .ctid
    ),
    (
      "inheritance parent",
      """
      CREATE TABLE app.t (id int PRIMARY KEY, note text);
      CREATE TABLE app.t_child (extra int) INHERITS (app.t);
      INSERT INTO app.t SELECT g, \(filler) FROM generate_series(1, 3000) g;
      INSERT INTO app.t_child SELECT g, 'child', g FROM generate_series(1, 2000) g;
      """,
      "ONLY app.t", .ctid
    ),
  ]

  @Test(arguments: 0..<7)
  func `a split table exports exactly its rows`(layout: Int) async throws {
    let (name, setup, relation, method) = Self.layouts[layout]
    let db = try #require(TestDatabase.current)
    try await db.runScript("CREATE SCHEMA app; CREATE EXTENSION IF NOT EXISTS pgcrypto; \(setup) ANALYZE;")
    let directory = ExporterTests.scratchDirectory("split")
    defer { try? FileManager.default.removeItem(at: directory) }
    var options = ExportOptions(source: try ConnectionTarget(db.url, side: .source), directory: directory)
    options.selection = ExportTableSelection(only: ["app.t"])
    options.splitTablesLargerThan = 8192
    options.chunkSize = 16 << 10
    options.jobs = 3
    _ = try await Exporter(options: options).run(logger: Self.logger)
    let manifest = try #require(try ExportManifest.read(directory: directory))
    let table = try #require(manifest.tables.first)
    let parts = try #require(table.parts, "\(name): not split")
    #expect(manifest.version == 2)
    #expect(parts.count >= 3, "\(name)")
    #expect(parts.allSatisfy { $0.method == method }, "\(name): \(parts.map(\.predicate))")
    #expect(
      Set(table.chunks.compactMap(\.part)) == Set(parts.map(\.number)) || parts.contains { $0.rows == 0 })
    #expect(parts.reduce(0) { $0 + $1.rows } == table.rows)
    let columns = table.columns.map(\.name)
    let (expected, loaded) = try await db.withConnection { connection in
      (
        try ExporterTests.digest(connection, table: relation, columns: columns),
        try ExporterTests.loadAndDigest(
          connection, manifestTable: table, directory: directory, into: "public.loaded")
      )
    }
    #expect(loaded == expected, "\(name)")
    #expect(expected.first == String(table.rows), "\(name)")
    let report = try await ExportChecker(directory: directory).run(logger: Self.logger)
    #expect(report.problems.isEmpty, "\(report.text)")
  }

  @Test(arguments: [0, 3, 4, 6])
  func `a split table's source digest, computed in page ranges, is the whole table's`(layout: Int)
    async throws
  {
    let (name, setup, relation, _) = Self.layouts[layout]
    let db = try #require(TestDatabase.current)
    try await db.runScript("CREATE SCHEMA app; CREATE EXTENSION IF NOT EXISTS pgcrypto; \(setup) ANALYZE;")
    let directory = ExporterTests.scratchDirectory("split-parity")
    let mappings = ExporterTests.scratchDirectory("split-parity-mappings")
    defer {
      try? FileManager.default.removeItem(at: directory)
      try? FileManager.default.removeItem(at: mappings)
    }
    try MappingFixtures.writeIdentityMappings(["app.t"], into: mappings)
    var options = ExportOptions(source: try ConnectionTarget(db.url, side: .source), directory: directory)
    options.selection = ExportTableSelection(only: ["app.t"])
    options.splitTablesLargerThan = 8192
    options.chunkSize = 16 << 10
    options.jobs = 3
    // The source itself has the table the mapping fills: it stands in for the v2 target.
    options.parity = ParitySchema(
      mappings: mappings, chain: MappingFixtures.chain, localStandIn: nil,
      target: try ConnectionTarget(db.url, side: .target))
    _ = try await Exporter(options: options).run(logger: Self.logger)
    let manifest = try #require(try ExportManifest.read(directory: directory))
    let table = try #require(manifest.tables.first)
    #expect((table.parts?.count ?? 0) >= 3, "\(name): not split")
    let parity = try #require(table.parity, "\(name): no digest")
    // The canonical row of an identity mapping, over the whole table at once.
    let texts = table.columns.map { "\(QualifiedName.quote($0.name))::text" }.joined(separator: ", ")
    let whole = try await db.withConnection { connection in
      try CanonicalRow.prepare(connection)
      return try connection.execute(
        "SELECT count(*) AS rows, coalesce(sum(hashtextextended(ROW(\(texts))::text, 0)), 0)::text AS digest FROM \(relation)"
      ).one()
    }
    let wholeRows = try whole.int64("rows")
    let wholeDigest = try whole.string("digest")
    #expect(parity.rows == table.rows && wholeRows == table.rows, "\(name)")
    #expect(parity.digest == wholeDigest, "\(name)")
    // The rows file holds each row once: its lines add up to the same count and digest.
    var lines: Int64 = 0
    var sum: Int128 = 0
    try ParityRowsFile.forEachEntry(
      in: directory.appendingPathComponent(try #require(parity.rowsFile)), sha256: parity.rowsFileSHA256
    ) { entry in
      lines += 1
      sum += Int128(entry.rowHash)
    }
    #expect(lines == table.rows && String(sum) == parity.digest, "\(name)")
  }

  @Test func `a small table is read whole and the manifest stays version 1`() async throws {
    let db = try #require(TestDatabase.current)
    try await db.runScript(
      "CREATE SCHEMA app; CREATE TABLE app.t (id int PRIMARY KEY); INSERT INTO app.t VALUES (1); ANALYZE;")
    let directory = ExporterTests.scratchDirectory("unsplit")
    defer { try? FileManager.default.removeItem(at: directory) }
    let options = ExportOptions(source: try ConnectionTarget(db.url, side: .source), directory: directory)
    _ = try await Exporter(options: options).run(logger: Self.logger)
    let manifest = try #require(try ExportManifest.read(directory: directory))
    #expect(manifest.version == 1)
    #expect(manifest.tables.allSatisfy { $0.parts == nil && $0.chunks.allSatisfy { $0.part == nil } })
  }

  @Test func `a split table resumes per part in the same snapshot, keeping the journaled layout`()
    async throws
  {
    let db = try #require(TestDatabase.current)
    try await db.runScript(
      "CREATE SCHEMA app; CREATE TABLE app.t (id int PRIMARY KEY, note text); INSERT INTO app.t SELECT g, \(Self.filler) FROM generate_series(1, 3000) g; ANALYZE;"
    )
    let url = db.url
    let directory = ExporterTests.scratchDirectory("split-resume")
    defer { try? FileManager.default.removeItem(at: directory) }
    // A snapshot the test keeps open, so every run reads in it.
    let holder = SnapshotSession()
    let heldSnapshot = try await holder.open(url)
    defer { holder.close() }
    do {
      var options = ExportOptions(source: try ConnectionTarget(url, side: .source), directory: directory)
      options.snapshot = heldSnapshot
      options.splitTablesLargerThan = 100_000
      options.chunkSize = 16 << 10
      options.jobs = 2
      let exportOptions = options
      _ = try await Exporter(options: exportOptions).run(logger: Self.logger)
      let first = try #require(try ExportManifest.read(directory: directory))
      let table = try #require(first.tables.first)
      let part = try #require(table.parts?.first { $0.chunks >= 2 })
      let dropped = table.chunks.filter { $0.part == part.number }.suffix(1)
      // Interrupted: no manifest, no end records, the part's last chunk never sealed.
      try FileManager.default.removeItem(at: directory.appendingPathComponent(ExportManifest.fileName))
      let journal = directory.appendingPathComponent(Journal.fileName)
      let lines = try String(contentsOf: journal, encoding: .utf8).split(separator: "\n")
      let kept = lines.filter { line in
        if line.contains("export_finished") { return false }
        if line.contains("\"table_finished\"") && line.contains("\"part\":\(part.number),") { return false }
        return !dropped.contains { line.contains($0.sha256) }
      }
      try (kept.joined(separator: "\n") + "\n").write(to: journal, atomically: false, encoding: .utf8)
      // A different threshold must not change the journaled layout.
      var changed = exportOptions
      changed.splitTablesLargerThan = 1 << 30
      let again = changed
      _ = try await Exporter(options: again).run(logger: Self.logger)
      let second = try #require(try ExportManifest.read(directory: directory))
      #expect(second.tables.map(\.chunks) == first.tables.map(\.chunks))
      #expect(second.tables.first?.parts?.map(\.predicate) == table.parts?.map(\.predicate))
      let restarted = try Journal.read(directory: directory).compactMap {
        try $0.decode(ExportJournalRecord.TableStarted.self)
      }.filter { $0.part != nil }
      #expect(restarted.count == (table.parts?.count ?? 0) + 1)
      #expect(restarted.last?.part?.number == part.number)
      #expect(restarted.last?.resumedAfterChunk == part.chunks - 1)
    }
    let report = try await ExportChecker(directory: directory).run(logger: Self.logger)
    #expect(report.problems.isEmpty, "\(report.text)")
  }
}
