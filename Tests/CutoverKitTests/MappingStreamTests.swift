import CutoverKit
import Foundation
import Testing

/// The row-by-row mapper: COPY text in, COPY text out, fed in any split, values intact.
@Suite(.postgres, .timeLimit(.minutes(8)))
struct MappingStreamTests {
  /// Maps `input` through `mapper`, fed `piece` bytes at a time.
  static func run(_ mapper: any TableMapper, _ input: [UInt8], piece: Int) throws -> [UInt8] {
    var stream = MappingStream(mapper: mapper, flushSize: 64)
    var output: [UInt8] = []
    var offset = 0
    while offset < input.count {
      let end = min(offset + piece, input.count)
      try input[offset..<end].withUnsafeBytes { bytes in
        try stream.feed(bytes) { output.append(contentsOf: $0) }
      }
      offset = end
    }
    try stream.finish { output.append(contentsOf: $0) }
    return output
  }

  /// A by-name mapping of `table` onto itself.
  static func identity(_ table: CatalogTable) throws -> TableMapping {
    var findings: [MappingFinding] = []
    let catalog = Catalog(schemas: [table.name.schema], relations: [table], sequences: [])
    let mapping = MappingResolver(source: catalog, target: catalog).byName(
      table, into: table, findings: &findings)
    #expect(findings.isEmpty, "\(findings)")
    return try #require(mapping)
  }

  @Test func `every value kind of the fixture generator comes out byte for byte, in any split`() async throws
  {
    let db = try #require(TestDatabase.current)
    try await MappingFixtures.buildFilled(db, .legacy)
    let outcome = try await db.withConnection { connection in
      let catalog = try CatalogReader(schemas: ["app", "auth", "storage"]).read(from: connection)
      var tables = 0
      var rows = 0
      for table in catalog.loadableTables where table.fromExtension == nil {
        let columns = table.copiedColumns.map { QualifiedName.quote($0.name) }.joined(separator: ", ")
        var input: [UInt8] = []
        try connection.copyOut("COPY \(table.name.quoted) (\(columns)) TO STDOUT") {
          input.append(contentsOf: $0)
        }
        let mapper = DeclarativeTableMapper(mapping: try Self.identity(table))
        let whole = try Self.run(mapper, input, piece: 1 << 20)
        #expect(whole == input, "\(table.name): the mapped COPY text differs")
        let bytewise = try Self.run(mapper, input, piece: 7)
        #expect(bytewise == input, "\(table.name): split input maps differently")
        tables += 1
        rows += input.count(where: { $0 == 0x0A })
      }
      return (tables, rows)
    }
    #expect(outcome.0 > 40)
    #expect(outcome.1 > 500)
  }

  @Test func `decoding and re-encoding keeps tabs, newlines, backslashes, unicode, arrays and json`()
    async throws
  {
    let db = try #require(TestDatabase.current)
    try await db.runScript(
      """
      CREATE SCHEMA app;
      CREATE TYPE app.mood AS ENUM ('ok', 'sad');
      CREATE TABLE app.kinds (id int, t text, a text[], j jsonb, m app.mood, b bytea);
      INSERT INTO app.kinds VALUES
        (1, E'tab\\there\\nnew\\\\back\\r', ARRAY['x', NULL, 'y z', E'q\\"'], '{"k": "v\\n", "n": [1, null]}', 'ok', '\\x00ff'),
        (2, '', '{}', 'null', 'sad', ''),
        (3, NULL, NULL, NULL, NULL, NULL),
        (4, 'ünïcödé 🚀 \\N', ARRAY[''], '"\\u00e9"', 'ok', '\\x5c');
      """)
    let result = try await db.withConnection { connection in
      let catalog = try CatalogReader(schemas: ["app"]).read(from: connection)
      let table = try #require(catalog.table(QualifiedName(schema: "app", name: "kinds")))
      var mapping = try Self.identity(table)
      // A relabel on every text column forces decode and re-encode of each value.
      for index in mapping.columns.indices {
        mapping.columns[index].output = .source(index: index, labels: ["never-present": "x"])
      }
      var input: [UInt8] = []
      try connection.copyOut("COPY app.kinds TO STDOUT") { input.append(contentsOf: $0) }
      let output = try Self.run(DeclarativeTableMapper(mapping: mapping), input, piece: 3)
      try connection.execute("CREATE TABLE app.kinds_copy (LIKE app.kinds)")
      try connection.copyIn("COPY app.kinds_copy FROM STDIN") { try $0.write(output) }
      return try connection.execute(
        "SELECT count(*) AS n FROM (SELECT * FROM app.kinds EXCEPT SELECT * FROM app.kinds_copy) d"
      ).one().int("n")
    }
    #expect(result == 0)
  }

  @Test func `a value map relabels, a constant fills, a filter drops rows`() async throws {
    let db = try #require(TestDatabase.current)
    try await db.runScript(
      """
      CREATE SCHEMA app;
      CREATE TABLE app.src (id int, status text, note text);
      CREATE TABLE app.dst (id int, state text, note text, origin text);
      """)
    let mapping = try await db.withConnection { connection in
      let catalog = try CatalogReader(schemas: ["app"]).read(from: connection)
      let file = try MappingLoader.parse(
        """
        source: app.src
        target: app.dst
        renamed: {status: state}
        added: {origin: {constant: "le\\tgacy"}}
        values: {state: {done: failed}}
        filter: {column: state, keep: [done, pending], reason: test}
        """, path: "mappings/app.src.yaml")
      var findings: [MappingFinding] = []
      let mapping = MappingResolver(source: catalog, target: catalog).resolve(
        file, sourceTable: try #require(catalog.table(file.source.value)),
        targetTable: try #require(catalog.table(file.target.value)), findings: &findings)
      #expect(findings.isEmpty, "\(findings)")
      return try #require(mapping)
    }
    let input = Array("1\tdone\tx\n2\tpending\t\\N\n3\tgone\ty\n".utf8)
    let output = try Self.run(DeclarativeTableMapper(mapping: mapping), input, piece: 5)
    #expect(
      String(decoding: output, as: UTF8.self) == "1\tfailed\tx\tle\\tgacy\n2\tpending\t\\N\tle\\tgacy\n")
    #expect(mapping.copyInSQL == #"COPY "app"."dst" ("id", "state", "note", "origin") FROM STDIN"#)
  }

  @Test func `a row with the wrong field count or a truncated stream is refused`() throws {
    let table = CatalogTable(
      name: QualifiedName(schema: "app", name: "t"), kind: .ordinary, owner: "postgres",
      columns: [
        CatalogColumn(name: "a", position: 1, type: "text", baseType: "text"),
        CatalogColumn(name: "b", position: 2, type: "text", baseType: "text"),
      ])
    let mapper = DeclarativeTableMapper(mapping: try Self.identity(table))
    #expect(throws: MappingStreamError.self) { try Self.run(mapper, Array("x\ty\tz\n".utf8), piece: 4) }
    #expect(throws: MappingStreamError.self) { try Self.run(mapper, Array("x\ty\nx\t".utf8), piece: 4) }
    #expect(try Self.run(mapper, Array("x\\\ty\t\\\\\n".utf8), piece: 1) == Array("x\\\ty\t\\\\\n".utf8))
  }
}
