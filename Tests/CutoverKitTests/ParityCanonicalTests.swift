import CutoverKit
import Foundation
import Testing

/// The canonical form both sides digest: fixed session settings, NULL apart from '', types
/// that exist only on the target compared as text, and equal values digested equally.
@Suite(.postgres, .timeLimit(.minutes(10)))
struct ParityCanonicalTests {
  @Test func `the canonical text is UTC, shortest-exact floats, ISO dates and keeps NULL apart from ''`()
    async throws
  {
    let db = try #require(TestDatabase.current)
    let row = try await db.withConnection { connection in
      // Whatever the session said before, the canonical settings win.
      try connection.execute("SET TimeZone = 'Asia/Tokyo'")
      try connection.execute("SET extra_float_digits = -3")
      try connection.execute("SET DateStyle = 'SQL, DMY'")
      try connection.execute("SET IntervalStyle = 'sql_standard'")
      try connection.execute("SET bytea_output = 'escape'")
      try CanonicalRow.prepare(connection)
      return try connection.execute(
        """
        SELECT '2024-03-01 12:00:00.000001+09'::timestamptz::text AS t, '2024-03-01'::date::text AS d,
               (0.1::float8 + 0.2::float8)::text AS f, 0.1::float4::text AS f4,
               ROW(NULL::text, 'x')::text AS n, ROW(''::text, 'x')::text AS e,
               '\\xdead'::bytea::text AS b, '1 day 2 hours'::interval::text AS i,
               hashtextextended(ROW(NULL::text)::text, 0) <> hashtextextended(ROW(''::text)::text, 0) AS apart
        """
      ).one()
    }
    #expect(try row.string("t") == "2024-03-01 03:00:00.000001+00")
    #expect(try row.string("d") == "2024-03-01")
    #expect(try row.string("f") == "0.30000000000000004")
    #expect(try row.string("f4") == "0.1")
    #expect(try row.string("n") == "(,x)")
    #expect(try row.string("e") == "(\"\",x)")
    #expect(try row.string("b") == "\\xdead")
    #expect(try row.string("i") == "1 day 02:00:00")
    #expect(try row.bool("apart"))
  }

  @Test func `a key hash computed from the rows file's texts equals the server's, whatever the key holds`()
    async throws
  {
    let db = try #require(TestDatabase.current)
    // Lengths across the 12-byte blocks and the tail cases, every character record_out
    // quotes, NULL and '' apart, multibyte text, one to three columns.
    let alphabet = Array("ab \"\\(),\t\n\u{0B}\u{0C}\r{}é漢😀xyz019-")
    var keys: [[String?]] = [
      [nil], [""], ["", nil], [nil, nil, nil], ["x"], ["a b"], ["\"q\""], ["back\\"],
    ]
    for length in 0...40 {
      keys.append([String((0..<length).map { alphabet[(length * 7 + $0 * 13) % alphabet.count] })])
      keys.append([UUID().uuidString.lowercased(), String(length), length % 3 == 0 ? nil : "t\(length)"])
    }
    let all = keys
    let hashes = try await db.withConnection { connection in
      try all.map { key in
        let columns = key.indices.map { "$\($0 + 1)::text" }.joined(separator: ", ")
        return try connection.execute("SELECT hashtextextended(ROW(\(columns))::text, 0) AS k", key).one()
          .int64("k")
      }
    }
    for (key, server) in zip(keys, hashes) {
      #expect(KeyHash.of(key) == server, "\(key)")
    }
    // The rows file's line (format 3) gives the same key hash, its COPY escapes decoded.
    let line = Array("42\tt\\tab\\n\t\\N\n".utf8)
    let parsed = line.withUnsafeBytes { ParityRowsFile.hashes($0, format: 3) }
    #expect(parsed?.rowHash == 42 && parsed?.keyHash == KeyHash.of(["t\tab\n", nil]))
    #expect(Array("42".utf8).withUnsafeBytes { ParityRowsFile.hashes($0, format: 3) }?.keyHash == 42)
  }

  @Test
  func
    `the source SQL and the target rows digest equal, across types, enums only the target has, and sessions`()
    async throws
  {
    let db = try #require(TestDatabase.current)
    try await db.runScript(
      """
      CREATE SCHEMA app;
      CREATE TABLE app.t (id int PRIMARY KEY, at timestamp, amount float8, price numeric, doc json, tags text[],
                          label text, mood text);
      INSERT INTO app.t VALUES
        (1, '2024-01-01 00:00:00.5', 0.1::float8 + 0.2::float8, 1.5, '{"b": 1, "a": [1, {"c": "x"}]}', '{a,"b c"}', NULL, 'happy'),
        (2, NULL, 1e300, 2, '[]', '{}', '', 'sad'),
        (3, '1999-12-31 23:59:59', '-0'::float8, 0.10, 'null', NULL, 'é', NULL);
      """)
    let target = try await TestDatabase.create(label: "canonical target")
    do {
      try await target.runScript(
        """
        CREATE SCHEMA app;
        CREATE TYPE app.mood AS ENUM ('sad', 'happy');
        CREATE TABLE app.t (id int PRIMARY KEY, at timestamptz, amount float8, price numeric(10,2), doc jsonb,
                            tags text[], label text, mood app.mood);
        SET TimeZone = 'UTC';
        INSERT INTO app.t VALUES
          (1, '2024-01-01 00:00:00.5+00', 0.30000000000000004, 1.50, '{"a": [1, {"c": "x"}], "b": 1}', '{a,"b c"}', NULL, 'happy'),
          (2, NULL, 1e300, 2.00, '[]', '{}', '', 'sad'),
          (3, '1999-12-31 23:59:59+00', '-0'::float8, 0.10, 'null', NULL, 'é', NULL);
        """)
      let scope = CatalogReader.Scope.allSchemas(except: Planner.readSchemas)
      let sourceCatalog = try await db.withConnection { try CatalogReader(scope: scope).read(from: $0) }
      let targetCatalog = try await target.withConnection { try CatalogReader(scope: scope).read(from: $0) }
      let name = QualifiedName(schema: "app", name: "t")
      var findings: [MappingFinding] = []
      let sourceTable = try #require(sourceCatalog.table(name))
      let targetTable = try #require(targetCatalog.table(name))
      let resolved = MappingResolver(source: sourceCatalog, target: targetCatalog).byName(
        sourceTable, into: targetTable, findings: &findings)
      let mapping = try #require(resolved)
      let parity = try await db.withConnection { connection in
        try connection.execute("SET TimeZone = 'America/New_York'")
        return try SourceDigest.compute(mapping, on: connection)
      }
      #expect(parity.rows == 3)
      #expect(parity.columns?.first { $0.name == "mood" }?.comparedAs == "text")
      #expect(parity.columns?.first { $0.name == "at" }?.comparedAs == "timestamp with time zone")
      let columns = try #require(parity.columns)
      let digest = { @Sendable () async throws -> String in
        try await target.withConnection { connection in
          try connection.execute("SET TimeZone = 'Asia/Kolkata'")
          try CanonicalRow.prepare(connection)
          let row = CanonicalRow(columns: columns, key: [0])
          return try connection.execute(
            row.aggregate(CanonicalRow.texts(row.targetTexts(), from: name.quoted, where: nil))
          ).one().string("digest")
        }
      }
      let row = CanonicalRow(columns: columns, key: [0])
      let sourceRows = try await db.withConnection { connection in
        try CanonicalRow.prepare(connection)
        return try connection.execute(
          "SELECT \(row.rowText) AS r FROM (\(CanonicalRow.texts(row.sourceTexts(mapping), from: name.quoted, where: nil))) s ORDER BY 1"
        ).rows.map { $0[0] ?? "" }
      }
      let targetRows = try await target.withConnection { connection in
        try CanonicalRow.prepare(connection)
        return try connection.execute(
          "SELECT \(row.rowText) AS r FROM (\(CanonicalRow.texts(row.targetTexts(), from: name.quoted, where: nil))) s ORDER BY 1"
        ).rows.map { $0[0] ?? "" }
      }
      #expect(sourceRows == targetRows)
      #expect(try await digest() == parity.digest)
      // NULL and '' swapped between two rows: same texts otherwise, another digest.
      try await target.runScript(
        "UPDATE app.t SET label = CASE WHEN id = 1 THEN '' ELSE NULL END WHERE id IN (1, 2)")
      #expect(try await digest() != parity.digest)
    } catch {
      try await target.drop()
      throw error
    }
    try await target.drop()
  }
}
