import CutoverKit
import Foundation
import Testing

/// A changed row's differing columns are named by replaying its source row from the chunks
/// (the rows file has no per-column hashes); a row the replay cannot explain stays changed,
/// its columns unnamed, with the reason.
@Suite(.postgres, .timeLimit(.minutes(10)))
struct ParityReplayTests {
  static let table = """
    CREATE SCHEMA app;
    CREATE TABLE app.small (id bigint PRIMARY KEY, label text, amount numeric(12,2), at timestamptz, tags text[]);
    INSERT INTO app.small
      SELECT g, 'row ' || g, g / 100.0, '2024-01-01 00:00:00+00'::timestamptz + g * interval '1 second',
             ARRAY['a', g::text]
      FROM generate_series(1, 20000) g;
    """

  /// The export of `app.small` (digests with a rows file, small chunks), the target filled
  /// with the same rows, and a verify of it.
  struct Setup {
    var source: TestDatabase
    var target: TestDatabase
    var directory: URL
    var mappings: URL

    func verify(showValues: Bool = false) async throws -> TableParity {
      let report = try await Verifier(
        options: .dataOnly(
          exportDirectory: directory, target: try target.target, mappings: mappings,
          chain: MappingFixtures.chain, jobs: 1, showValues: showValues)
      ).run(logger: ParityFixture.logger)
      return try #require(report.tables.first)
    }

    func cleanUp() async throws {
      try? FileManager.default.removeItem(at: directory)
      try? FileManager.default.removeItem(at: mappings)
      try await target.drop()
    }

    /// Rewrites the chunk holding the line that starts with `prefix` (`edit` returns its
    /// replacement, empty to delete it) and records the new chunk's SHA-256 in the manifest.
    func rewriteChunk(holding prefix: String, _ edit: (String) -> String) throws {
      var manifest = try #require(try ExportManifest.read(directory: directory))
      var table = manifest.tables[0]
      for (position, chunk) in table.chunks.enumerated() {
        var bytes: [UInt8] = []
        let url = directory.appendingPathComponent(chunk.file)
        try ChunkReader(directory: directory, chunk: chunk).forEachBuffer { bytes.append(contentsOf: $0) }
        var lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init)
        guard let index = lines.firstIndex(where: { $0.hasPrefix(prefix) }) else { continue }
        let replacement = edit(lines[index])
        if replacement.isEmpty { lines.remove(at: index) } else { lines[index] = replacement }
        let text = Array((lines.joined(separator: "\n") + "\n").utf8)
        let encoder = try ZstdEncoder(file: url.path)
        var compressed: [UInt8] = []
        try text.withUnsafeBytes { raw in try encoder.compress(raw) { compressed.append(contentsOf: $0) } }
        try encoder.finishFrame { compressed.append(contentsOf: $0) }
        try Data(compressed).write(to: url)
        table.chunks[position].sha256 = try ChunkReader.sha256(of: url).sha256
        manifest.tables[0] = table
        try manifest.write(directory: directory)
        return
      }
      Issue.record("no chunk holds a line starting with \(prefix)")
    }
  }

  static func make(
    _ source: TestDatabase, sourceSQL: String = table, targetSQL: String = table,
    mapping: String = "source: app.small\n", name: String = "app.small"
  ) async throws -> Setup {
    try await source.runScript(sourceSQL)
    let target = try await TestDatabase.create(label: "parity replay")
    let directory = ImportTests.scratchDirectory("parity-replay")
    let mappings = ImportTests.scratchDirectory("parity-replay-mappings")
    do {
      try await target.runScript(targetSQL)
      try FileManager.default.createDirectory(at: mappings, withIntermediateDirectories: true)
      try mapping.write(
        to: mappings.appendingPathComponent("\(name).yaml"), atomically: true, encoding: .utf8)
      var options = ExportOptions(
        source: try ConnectionTarget(source.url, side: .source), directory: directory)
      options.chunkSize = 64 << 10
      options.parity = ParitySchema(
        mappings: mappings, chain: MappingFixtures.chain, localStandIn: nil, target: try target.target)
      _ = try await Exporter(options: options).run(logger: ParityFixture.logger)
    } catch {
      try? FileManager.default.removeItem(at: directory)
      try? FileManager.default.removeItem(at: mappings)
      try await target.drop()
      throw error
    }
    return Setup(source: source, target: target, directory: directory, mappings: mappings)
  }

  @Test func `the rows file carries row hash and key only, in format 3`() async throws {
    let db = try #require(TestDatabase.current)
    let setup = try await Self.make(db)
    do {
      let manifest = try #require(try ExportManifest.read(directory: setup.directory))
      let parity = try #require(manifest.tables.first?.parity)
      #expect(parity.rowsFileFormat == 3 && parity.key == ["id"])
      #expect(manifest.tables[0].chunks.count > 3)
      var fields: Set<Int> = []
      try ParityRowsFile.forEachLine(
        in: setup.directory.appendingPathComponent(try #require(parity.rowsFile)),
        sha256: parity.rowsFileSHA256
      ) { line in
        fields.insert(line.split(separator: UInt8(ascii: "\t"), omittingEmptySubsequences: false).count)
      }
      #expect(fields == [2])
    } catch {
      try await setup.cleanUp()
      throw error
    }
    try await setup.cleanUp()
  }

  @Test func `changed columns are named from the replayed source row, values only when asked`() async throws {
    let db = try #require(TestDatabase.current)
    let setup = try await Self.make(db)
    do {
      #expect(try await setup.verify().status == .match)
      try await setup.target.execute(
        "UPDATE app.small SET label = 'row 4321 (edited)', at = at + interval '1 microsecond', "
          + "tags = ARRAY['a', 'b'] WHERE id = 4321")
      let table = try await setup.verify()
      #expect(table.status == .differs && table.differences.count == 1)
      let difference = try #require(table.differences.first)
      #expect(difference.kind == .changed && difference.key == ["id": "4321"])
      #expect(difference.columns == ["label", "at", "tags"] && difference.reason == nil)
      #expect(difference.sourceValues == nil && difference.targetValues == nil)
      let shown = try #require(try await setup.verify(showValues: true).differences.first)
      #expect(shown.sourceValues?["label"] == .some(.some("row 4321")))
      #expect(shown.targetValues?["label"] == .some(.some("row 4321 (edited)")))
      #expect(shown.sourceValues?["tags"] == .some(.some("{a,4321}")))
      #expect(shown.sourceValues?["at"] == .some(.some("2024-01-01 01:12:01+00")))
    } catch {
      try await setup.cleanUp()
      throw error
    }
    try await setup.cleanUp()
  }

  @Test func `a row the replay cannot explain is changed with its columns unnamed and why`() async throws {
    let db = try #require(TestDatabase.current)
    let setup = try await Self.make(db)
    do {
      try await setup.target.execute("UPDATE app.small SET amount = 0 WHERE id IN (4321, 9876)")
      // The chunk row of 4321 no longer hashes to the rows file's row hash.
      try setup.rewriteChunk(holding: "4321\t") { $0.replacingOccurrences(of: "row 4321", with: "row 4321?") }
      var table = try await setup.verify(showValues: true)
      #expect(table.differences.count == 2)
      var byKey = Dictionary(uniqueKeysWithValues: table.differences.map { ($0.key["id"] ?? "", $0) })
      let unexplained = try #require(byKey["4321"])
      #expect(unexplained.kind == .changed && unexplained.columns.isEmpty)
      #expect(unexplained.reason?.contains("does not hash to the rows file's row hash") == true)
      #expect(unexplained.sourceValues == nil && unexplained.targetValues == nil)
      // The other row of the same pass is still named.
      #expect(byKey["9876"]?.columns == ["amount"] && byKey["9876"]?.reason == nil)

      // A key the chunks do not hold.
      try setup.rewriteChunk(holding: "9876\t") { _ in "" }
      table = try await setup.verify()
      byKey = Dictionary(uniqueKeysWithValues: table.differences.map { ($0.key["id"] ?? "", $0) })
      let missing = try #require(byKey["9876"])
      #expect(missing.kind == .changed && missing.columns.isEmpty)
      #expect(missing.reason?.contains("not found in the export's chunks") == true)
      #expect(byKey["4321"]?.reason?.contains("does not hash") == true)
    } catch {
      try await setup.cleanUp()
      throw error
    }
    try await setup.cleanUp()
  }

  @Test func `a key the mapping relabels is found through the mapper`() async throws {
    let db = try #require(TestDatabase.current)
    let create = "CREATE SCHEMA app; CREATE TABLE app.coded (code text PRIMARY KEY, n int);"
    let setup = try await Self.make(
      db,
      sourceSQL: create
        + " INSERT INTO app.coded SELECT 'c' || g, g FROM generate_series(1, 3000) g; INSERT INTO app.coded VALUES ('old-7', 7);",
      targetSQL: create
        + " INSERT INTO app.coded SELECT 'c' || g, g FROM generate_series(1, 3000) g; INSERT INTO app.coded VALUES ('new-7', 7);",
      mapping: "source: app.coded\nvalues:\n  code: {old-7: new-7}\n", name: "app.coded")
    do {
      #expect(try await setup.verify().status == .match)
      try await setup.target.execute("UPDATE app.coded SET n = -1 WHERE code IN ('new-7', 'c2999')")
      let table = try await setup.verify()
      let named = Dictionary(uniqueKeysWithValues: table.differences.map { ($0.key["code"] ?? "", $0) })
      #expect(named.count == 2)
      #expect(named["new-7"]?.kind == .changed && named["new-7"]?.columns == ["n"], "\(named)")
      #expect(named["c2999"]?.kind == .changed && named["c2999"]?.columns == ["n"], "\(named)")
    } catch {
      try await setup.cleanUp()
      throw error
    }
    try await setup.cleanUp()
  }

  @Test func `a rows file line parses in every format, the old column hashes skipped`() throws {
    func entry(_ text: String, format: Int) throws -> ParityRowsFile.Entry {
      try Array(text.utf8).withUnsafeBytes { try ParityRowsFile.entry($0, format: format, file: "x") }
    }
    let current = try entry("34\tk\\t1\t\\N", format: 3)
    #expect(
      current.keyHash == KeyHash.of(["k\t1", nil]) && current.rowHash == 34 && current.key == ["k\t1", nil])
    let keyless = try entry("34", format: 3)
    #expect(keyless.keyHash == 34 && keyless.rowHash == 34 && keyless.key.isEmpty)
    let previous = try entry("-12\t34\tk\\t1\t\\N", format: 2)
    #expect(previous.keyHash == -12 && previous.rowHash == 34 && previous.key == ["k\t1", nil])
    let old = try entry("-12\t34\t{1,NULL,-3}\tk\\t1\t\\N", format: 1)
    #expect(old.keyHash == -12 && old.rowHash == 34 && old.key == ["k\t1", nil])
    #expect(throws: ChunkError.self) { try entry("-12", format: 2) }
    #expect(throws: ChunkError.self) { try entry("x\t1", format: 3) }
    #expect(throws: ChunkError.self) { try entry("-12\t34", format: 1) }
  }
}
