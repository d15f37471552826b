import CutoverKit
import Foundation
import Testing

@Suite(.postgres)
struct PostgresConnectionTests {
  /// Values COPY text must escape: tab, newline, CR, backslash, a literal `\N`, non-ASCII.
  static let awkwardValues: [String?] = [
    "tab\there", "new\nline", "carriage\rreturn", "back\\slash", "\\N", "", nil,
    "ünïcödé 漢字 🚀 שלום", "mixed\t\n\r\\\\N end",
  ]

  @Test
  func `COPY round-trips tabs, newlines, backslashes, backslash-N, empty strings and NULLs byte for byte`()
    async throws
  {
    let db = try #require(TestDatabase.current)
    let values = Self.awkwardValues
    let (first, second) = try await db.withConnection { connection in
      try connection.execute("CREATE TABLE source (id int PRIMARY KEY, value text)")
      try connection.execute("CREATE TABLE copy (id int PRIMARY KEY, value text)")
      for (index, value) in values.enumerated() {
        try connection.execute("INSERT INTO source VALUES ($1, $2)", [String(index), value])
      }
      var exported: [UInt8] = []
      let rows = try connection.copyOut("COPY source TO STDOUT") { exported.append(contentsOf: $0) }
      #expect(rows == values.count)
      try connection.copyIn("COPY copy FROM STDIN") { writer in
        // Split mid-row to show rows may span writes.
        let half = exported.count / 2
        try writer.write(Array(exported[..<half]))
        try writer.write(Array(exported[half...]))
      }
      var reexported: [UInt8] = []
      try connection.copyOut("COPY copy TO STDOUT") { reexported.append(contentsOf: $0) }
      let roundTrip = try connection.execute("SELECT value FROM copy ORDER BY id").column("value")
      #expect(roundTrip == values)
      return (exported, reexported)
    }
    #expect(first == second)
    #expect(!first.isEmpty)
  }

  @Test func `two connections on one exported snapshot see the same rows despite a concurrent insert`()
    async throws
  {
    let db = try #require(TestDatabase.current)
    let url = db.url
    let counts = try await db.withConnection { holder in
      try holder.execute("CREATE TABLE events (id int)")
      try holder.execute("INSERT INTO events SELECT generate_series(1, 10)")
      let snapshot = try holder.exportSnapshot()
      let writer = try PGConnection(try ConnectionTarget(url))
      try writer.execute("INSERT INTO events SELECT generate_series(11, 15)")
      let worker = try PGConnection(try ConnectionTarget(url))
      try worker.importSnapshot(snapshot)
      let holderCount = try holder.execute("SELECT count(*) FROM events").scalar
      let workerCount = try worker.execute("SELECT count(*) FROM events").scalar
      let outsideCount = try writer.execute("SELECT count(*) FROM events").scalar
      return [holderCount, workerCount, outsideCount]
    }
    #expect(counts == ["10", "10", "15"])
  }

  @Test func `a server error keeps its SQLSTATE, hint and the statement`() async throws {
    let db = try #require(TestDatabase.current)
    let error = try await db.withConnection { connection -> PostgresError? in
      do {
        try connection.execute("SELECT no_such_function(1)")
        return nil
      } catch let error as PostgresError {
        return error
      }
    }
    let failure = try #require(error)
    #expect(failure.sqlState == "42883")
    #expect(failure.hint?.contains("explicit type casts") == true)
    #expect(failure.doing.contains("no_such_function"))
    #expect(failure.description.contains("[42883]"))
    #expect(failure.exitStatus == .ioFailure)

    let raised = try await db.withConnection { connection -> PostgresError? in
      do {
        try connection.runScript(
          "DO $$ BEGIN RAISE EXCEPTION 'custom' USING ERRCODE = 'P0001', HINT = 'do the next thing'; END $$",
          doing: "custom raise")
        return nil
      } catch let error as PostgresError {
        return error
      }
    }
    #expect(raised?.sqlState == "P0001")
    #expect(raised?.hint == "do the next thing")
    #expect(raised?.doing == "custom raise")
  }

  @Test func `parameters carry values that would break SQL text`() async throws {
    let db = try #require(TestDatabase.current)
    let value = "'; DROP TABLE x; --"
    let rows = try await db.execute("SELECT $1::text, $2::text IS NULL", [value, nil])
    #expect(rows.rows.first == [value, "t"])
  }

  @Test func `a failing COPY IN feeder rolls the COPY back and leaves the connection usable`()
    async throws
  {
    let db = try #require(TestDatabase.current)
    struct Stop: Error {}
    let count = try await db.withConnection { connection in
      try connection.execute("CREATE TABLE t (v text)")
      #expect(throws: Stop.self) {
        try connection.copyIn("COPY t FROM STDIN") { writer in
          try writer.write(Array("a\nb\n".utf8))
          throw Stop()
        }
      }
      return try connection.execute("SELECT count(*) FROM t").scalar
    }
    #expect(count == "0")
  }

  @Test func `quoted identifiers survive quotes and dots`() async throws {
    let db = try #require(TestDatabase.current)
    let name = QualifiedName(schema: "we\"ird.schema", name: "ta\"ble")
    let rows = try await db.withConnection { connection in
      try connection.execute("CREATE SCHEMA \(QualifiedName.quote(name.schema))")
      try connection.execute("CREATE TABLE \(name.quoted) (v int)")
      try connection.execute("INSERT INTO \(name.quoted) VALUES (7)")
      return try connection.execute("SELECT v FROM \(name.quoted)").scalar
    }
    #expect(rows == "7")
  }
}
