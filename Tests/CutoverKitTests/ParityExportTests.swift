import CutoverKit
import Foundation
import Synchronization
import Testing

/// The export's source digests: a resumed export neither loses nor doubles them, and a table
/// without a primary key is digested and narrowed by whole-row hash.
@Suite(.postgres, .timeLimit(.minutes(10)))
struct ParityExportTests {
  static let schema = """
    CREATE SCHEMA app;
    CREATE TABLE app.a (id int PRIMARY KEY, v text);
    CREATE TABLE app.b (x int, y text);
    CREATE TABLE app.c (id bigint PRIMARY KEY, at timestamptz, doc jsonb);
    """
  static let rows = """
    INSERT INTO app.a SELECT g, 'v' || g FROM generate_series(1, 500) g;
    INSERT INTO app.b SELECT g % 7, CASE WHEN g % 5 = 0 THEN NULL ELSE 'y' END FROM generate_series(1, 300) g;
    INSERT INTO app.c SELECT g, '2024-01-01 00:00:00+00'::timestamptz + g * interval '1 ms', jsonb_build_object('n', g)
      FROM generate_series(1, 400) g;
    """

  /// Journal lines other than those `drop` says to leave out.
  static func rewriteJournal(_ directory: URL, drop: (String, String?) -> Bool) throws {
    let url = directory.appendingPathComponent("journal.jsonl")
    let text = try String(contentsOf: url, encoding: .utf8)
    var kept: [Substring] = []
    for line in text.split(separator: "\n") {
      let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
      let kind = object?["kind"] as? String ?? ""
      let payload = object?["payload"] as? [String: Any]
      let table = (payload?["table"] as? [String: Any]).map { "\($0["schema"] ?? "").\($0["name"] ?? "")" }
      if !drop(kind, table) { kept.append(line) }
    }
    try (kept.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
  }

  @Test func `a --target without the mapped tables is refused before anything is copied`() async throws {
    let db = try #require(TestDatabase.current)
    try await db.runScript(Self.schema + Self.rows)
    let empty = try await TestDatabase.create(label: "parity unmigrated")
    let directory = ImportTests.scratchDirectory("parity-unmigrated")
    let mappings = ImportTests.scratchDirectory("parity-unmigrated-mappings")
    defer {
      try? FileManager.default.removeItem(at: directory)
      try? FileManager.default.removeItem(at: mappings)
    }
    try MappingFixtures.writeIdentityMappings(["app.a", "app.b", "app.c"], into: mappings)
    var options = ExportOptions(source: try ConnectionTarget(db.url, side: .source), directory: directory)
    options.parity = ParitySchema(
      mappings: mappings, chain: MappingFixtures.chain, localStandIn: nil, target: try empty.target)
    let exportOptions = options
    let error = await #expect(throws: ExportError.self) {
      _ = try await Exporter(options: exportOptions).run(logger: ParityFixture.logger)
    }
    try await empty.drop()
    #expect(error?.message.contains("not a migrated v2 database") == true, "\(String(describing: error))")
    #expect(error?.nextStep?.contains("cutover migrate") == true)
    #expect(!(error?.message.contains("password") ?? true))
    // Refused before the copy (the digests ride in it): nothing of this run is left.
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
    #expect(
      !names.contains { $0.hasSuffix(".copy.zst") || $0 == "manifest.json" || $0 == "journal.jsonl" },
      "\(names)")
  }

  @Test func `row hashes computed from the COPY text equal the server's, across types and hostile texts`()
    async throws
  {
    let db = try #require(TestDatabase.current)
    // Types whose COPY text is their ::text (hashed from the row) beside ones that are not
    // (boolean, inet, character, a domain: their text comes from the server), every byte
    // COPY escapes or record_out quotes, NULL apart from '', and a filtered mapping.
    let schema = """
      CREATE SCHEMA app;
      CREATE TYPE app.mood AS ENUM ('sad', 'happy');
      CREATE DOMAIN app.flag AS boolean;
      CREATE TABLE app.h (id int PRIMARY KEY, t text, v varchar(10), c char(4), b boolean, n inet, j jsonb,
                          js json, a text[], ts timestamptz, f float8, num numeric, by bytea, iv interval,
                          u uuid, m app.mood, d app.flag, ba boolean[]);
      CREATE TABLE app.k (code text PRIMARY KEY, note text);
      """
    let data = #"""
      INSERT INTO app.h
      SELECT i,
             CASE WHEN i % 17 = 0 THEN NULL WHEN i % 13 = 0 THEN ''
                  ELSE (SELECT string_agg(substr(E'ab\t\n\r\\"(),{} \x0B\x0C\x08é漢😀''xyz', 1 + (i * 7 + g * 11) % 23, 1), '')
                          FROM generate_series(1, i % 29) g) END,
             left(md5(i::text), i % 11), CASE WHEN i % 3 = 0 THEN 'ab' END, i % 2 = 0,
             ('10.0.' || (i % 250) || '.1')::inet, jsonb_build_object('k', E'v\t"' || i, 'a', jsonb_build_array(i, NULL, 'x y')),
             ('{"s": "' || i || '\n"}')::json, ARRAY[E'q"\\' || i, NULL, '', 'a b'],
             '2024-01-01 00:00:00.5+09'::timestamptz + i * interval '1 minute', i / 7.0::float8, i * 1.10,
             decode(md5(i::text), 'hex'), i * interval '1 day 2 hours', md5(i::text)::uuid,
             (ARRAY['sad', 'happy'])[1 + i % 2]::app.mood, i % 3 = 1, ARRAY[true, NULL, i % 2 = 0]
        FROM generate_series(1, 400) i;
      INSERT INTO app.k SELECT E'c\t' || i, CASE WHEN i % 2 = 0 THEN 'keep' ELSE 'drop' END FROM generate_series(1, 50) i;
      """#
    try await IdentityCopy.with(
      source: db, schema: schema, data: data, tables: ["app.h", "app.k"], label: "parity copy hashes"
    ) { copy in
      // app.k keeps only the rows whose note is 'keep' (a filter the digest must apply too).
      let k = copy.mappings.appendingPathComponent("app.k.yaml")
      try
        (try String(contentsOf: k, encoding: .utf8)
        + "filter:\n  column: note\n  keep: [keep]\n  reason: the test drops the others\n")
        .write(to: k, atomically: true, encoding: .utf8)
      let options = try copy.parityExportOptions()
      let summary = try await Exporter(options: options).run(logger: ParityFixture.logger)
      #expect(summary.digestsInCopy == 2)
      // The digests equal the server's own sums of the same rows.
      let manifest = try #require(try ExportManifest.read(directory: copy.directory))
      let h = try #require(manifest.tables.first { "\($0.name)" == "app.h" }?.parity)
      let kept = try #require(manifest.tables.first { "\($0.name)" == "app.k" }?.parity)
      let server = try await db.withConnection { connection -> [String] in
        try CanonicalRow.prepare(connection)
        let columns = (h.columns ?? []).map { "\(QualifiedName.quote($0.name))::\($0.comparedAs)::text" }
        let all = try connection.execute(
          "SELECT sum(hashtextextended(ROW(\(columns.joined(separator: ", ")))::text, 0))::text AS d FROM app.h"
        ).one().string("d")
        let some = try connection.execute(
          "SELECT sum(hashtextextended(ROW(code, note)::text, 0))::text AS d FROM app.k WHERE note = 'keep'"
        ).one().string("d")
        return [all, some]
      }
      #expect(h.rows == 400 && h.digest == server[0], "\(h)")
      #expect(kept.rows == 25 && kept.digest == server[1], "\(kept)")
      // And the loaded target verifies green, row by row.
      try await Self.expectImportVerifiesGreen(
        copy.target, directory: copy.directory, mappings: copy.mappings)
    }
  }

  @Test
  func
    `a table holding most of the bytes is digested in block ranges on every connection, and still narrows`()
    async throws
  {
    // app.big: ~11 MiB, above the 8 MiB below which no table is split.
    try await IdentityCopy.with(
      source: try #require(TestDatabase.current),
      schema: """
        CREATE SCHEMA app;
        CREATE TABLE app.big (id int PRIMARY KEY, label text);
        CREATE TABLE app.small (id int PRIMARY KEY);
        """,
      data: """
        INSERT INTO app.big SELECT g, md5(g::text) || md5((-g)::text) FROM generate_series(1, 120000) g;
        INSERT INTO app.small SELECT generate_series(1, 10);
        """, tables: ["app.big", "app.small"], label: "parity split verify"
    ) { copy in
      _ = try await Exporter(options: try copy.parityExportOptions()).run(logger: ParityFixture.logger)
      let lines = Mutex<[String]>([])
      try await Self.expectImportVerifiesGreen(
        copy.target, directory: copy.directory, mappings: copy.mappings
      ) {
        line in lines.withLock { $0.append(line) }
      }
      #expect(
        lines.withLock { $0 }.contains {
          $0.hasPrefix("verify: app.big match (120000 rows") && $0.hasSuffix("in 2 block ranges)")
        }, "\(lines.withLock { $0 })")
      // A row changed in the first range, one gone from the last: named as in a whole scan.
      try await copy.target.runScript(
        "UPDATE app.big SET label = 'changed' WHERE id = 7; DELETE FROM app.big WHERE id = 119999;")
      let report = try await Verifier(
        options: .dataOnly(
          exportDirectory: copy.directory, target: try copy.target.target, mappings: copy.mappings,
          chain: MappingFixtures.chain, jobs: 2)
      ).run(logger: ParityFixture.logger)
      let big = try #require(report.tables.first { "\($0.target)" == "app.big" })
      #expect(big.status == .differs && big.targetRows == 119_999)
      #expect(
        big.differences.map { "\($0.kind.rawValue) \($0.key.values.sorted())" }.sorted()
          == ["changed [\"7\"]", "missing [\"119999\"]"], "\(big.differences)")
    }
  }

  @Test func `a table without columns is exported, digested, imported and verified green`() async throws {
    try await IdentityCopy.with(
      source: try #require(TestDatabase.current),
      schema: "CREATE SCHEMA app; CREATE TABLE app.z (); CREATE TABLE app.a (id int PRIMARY KEY);",
      data:
        "INSERT INTO app.z DEFAULT VALUES; INSERT INTO app.z DEFAULT VALUES; INSERT INTO app.a VALUES (1);",
      tables: ["app.z", "app.a"], label: "parity no columns"
    ) { copy in
      _ = try await Exporter(options: try copy.parityExportOptions()).run(logger: ParityFixture.logger)
      let manifest = try #require(try ExportManifest.read(directory: copy.directory))
      let z = try #require(manifest.tables.first { "\($0.name)" == "app.z" })
      #expect(z.rows == 2 && z.parity?.rows == 2, "\(z)")
      #expect(manifest.tables.first { "\($0.name)" == "app.a" }?.parity?.rows == 1)
      // It imports and verifies green like any other.
      try await Self.expectImportVerifiesGreen(
        copy.target, directory: copy.directory, mappings: copy.mappings)
    }
  }

  @Test func `a resumed export neither loses nor doubles digests; a keyless table narrows by row hash`()
    async throws
  {
    let db = try #require(TestDatabase.current)
    try await db.runScript(Self.schema + Self.rows)
    let target = try await TestDatabase.create(label: "parity resume")
    let directory = ImportTests.scratchDirectory("parity-resume")
    let mappings = ImportTests.scratchDirectory("parity-resume-mappings")
    let holder = SnapshotSession()
    do {
      try await target.runScript(Self.schema)
      try MappingFixtures.writeIdentityMappings(["app.a", "app.b", "app.c"], into: mappings)
      let snapshot = try await holder.open(db.url)
      var options = ExportOptions(source: try ConnectionTarget(db.url, side: .source), directory: directory)
      options.snapshot = snapshot
      options.chunkSize = 4096
      options.parity = ParitySchema(
        mappings: mappings, chain: MappingFixtures.chain, localStandIn: nil, target: try target.target)
      let exportOptions = options
      let uninterrupted = try await Exporter(options: exportOptions).run(logger: ParityFixture.logger)
      // Every digest rode in its table's COPY; the resume below computes two in the pass after.
      #expect(uninterrupted.digestsInCopy == 3)
      let first = try #require(try ExportManifest.read(directory: directory))
      #expect(first.tables.allSatisfy { $0.parity != nil })
      #expect(first.tables.first { "\($0.name)" == "app.b" }?.parity?.key == [])

      // A crash in the parity step: app.b's digest never journaled (its file still .partial),
      // app.c's journaled but not renamed; no export_finished, no manifest.
      try Self.rewriteJournal(directory) { kind, table in
        kind == "export_finished" || (kind == "table_parity" && table == "app.b")
      }
      try FileManager.default.removeItem(at: directory.appendingPathComponent("manifest.json"))
      for name in ["app.b.parity.zst", "app.c.parity.zst"] {
        let url = directory.appendingPathComponent(name)
        try FileManager.default.moveItem(at: url, to: url.appendingPathExtension("partial"))
      }
      let resumedRun = try await Exporter(options: exportOptions).run(logger: ParityFixture.logger)
      #expect(resumedRun.digestsInCopy == 0)
      let second = try #require(try ExportManifest.read(directory: directory))
      // Paired by name: tables of equal size may be planned in another order on the resume.
      #expect(first.tables.map(\.name).sorted() == second.tables.map(\.name).sorted())
      let resumed = Dictionary(second.tables.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
      for before in first.tables {
        let after = try #require(resumed[before.name])
        #expect(before.parity?.digest == after.parity?.digest && before.parity?.rows == after.parity?.rows)
        let parity = try #require(after.parity)
        var entries: Int64 = 0
        try ParityRowsFile.forEachEntry(
          in: directory.appendingPathComponent(try #require(parity.rowsFile)), sha256: parity.rowsFileSHA256
        ) { _ in entries += 1 }
        #expect(entries == parity.rows, "\(after.name)")
      }
      let check = try await ExportChecker(directory: directory).run(logger: ParityFixture.logger)
      #expect(check.problems.isEmpty, "\(check.problems)")

      // The target filled with the same rows is green; one duplicate changed is red by row hash.
      try await target.runScript(Self.rows)
      let verify = {
        try await Verifier(
          options: .dataOnly(
            exportDirectory: directory, target: try target.target, mappings: mappings,
            chain: MappingFixtures.chain, jobs: 3)
        ).run(logger: ParityFixture.logger)
      }
      #expect(try await verify().verdict == .green)
      try await target.execute(
        "UPDATE app.b SET y = 'z' WHERE ctid = (SELECT ctid FROM app.b WHERE x = 3 AND y = 'y' LIMIT 1)")
      let report = try await verify()
      #expect(report.verdict == .red)
      let b = try #require(report.tables.first { "\($0.target)" == "app.b" })
      #expect(b.status == .differs)
      #expect(b.differences.map(\.kind).sorted { $0.rawValue < $1.rawValue } == [.extra, .missing])
      #expect(b.differences.allSatisfy { $0.key.keys.sorted() == ["row hash"] })
      #expect(report.tables.filter { $0.status == .match }.count == 2)

      // A target table no source table fills: listed; red once it holds rows.
      try await target.runScript("CREATE TABLE app.d (id int)")
      let empty = try #require(try await verify().tables.first { "\($0.target)" == "app.d" })
      #expect(
        empty.status == .skipped && empty.source == nil && empty.reason?.contains("no source table") == true)
      try await target.runScript("INSERT INTO app.d VALUES (1)")
      let filled = try #require(try await verify().tables.first { "\($0.target)" == "app.d" })
      #expect(filled.status == .differs && filled.targetRows == 1)
    } catch {
      holder.close()
      try? FileManager.default.removeItem(at: directory)
      try? FileManager.default.removeItem(at: mappings)
      try await target.drop()
      throw error
    }
    holder.close()
    try? FileManager.default.removeItem(at: directory)
    try? FileManager.default.removeItem(at: mappings)
    try await target.drop()
  }
}

extension ParityExportTests {
  /// Imports `directory` into `target` and expects `verify` (data only) green.
  static func expectImportVerifiesGreen(
    _ target: TestDatabase, directory: URL, mappings: URL, progress: (@Sendable (String) -> Void)? = nil
  ) async throws {
    _ = try await Importer(
      options: try ImportTests.importOptions(target, directory: directory, mappings: mappings)
    ).run(logger: ParityFixture.logger)
    let report = try await Verifier(
      options: .dataOnly(
        exportDirectory: directory, target: try target.target, mappings: mappings,
        chain: MappingFixtures.chain, jobs: 2)
    ).run(logger: ParityFixture.logger, progress: progress)
    #expect(report.verdict == .green, "\(report.tables.map { "\($0.target): \($0.status)" })")
  }
}
