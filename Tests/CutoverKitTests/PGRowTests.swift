import CutoverKit
import Foundation
import Testing

/// Typed row access against the real server: what each accessor accepts, and errors that
/// name the query, the row and the column and tell NULL from unparsable text.
@Suite(.postgres)
struct PGRowTests {
  /// Runs `sql` on a fresh connection and returns its rows.
  static func rows(_ sql: String, doing: String = "the test query") async throws -> PGRows {
    let db = try #require(TestDatabase.current)
    return try await db.withConnection { try $0.execute(sql, doing: doing) }
  }

  /// The `PostgresError` that `body` throws.
  static func failure(_ body: () throws -> Void) throws -> PostgresError {
    do {
      try body()
    } catch let error as PostgresError {
      return error
    }
    Issue.record("no error was thrown")
    throw TestFailure()
  }

  struct TestFailure: Error {}

  @Test func `strings, booleans and integers read by column name`() async throws {
    let row = try await Self.rows(
      """
      SELECT 'text' AS s, ''::text AS empty, true AS yes, false AS no, 42 AS small,
             (-9223372036854775808)::bigint AS lowest, 9223372036854775807::bigint AS highest,
             NULL::text AS nothing, NULL::bool AS unknown, NULL::bigint AS no_number
      """
    ).one()
    #expect(try row.string("s") == "text")
    #expect(try row.string("empty") == "")
    #expect(try row.bool("yes") == true)
    #expect(try row.bool("no") == false)
    #expect(try row.int("small") == 42)
    #expect(try row.int64("lowest") == Int64.min)
    #expect(try row.int64("highest") == Int64.max)
    #expect(try row.optionalString("nothing") == nil)
    #expect(try row.optionalBool("unknown") == nil)
    #expect(try row.optionalInt64("no_number") == nil)
    #expect(try row.optionalInt("small") == 42)
  }

  @Test func `NULL where a value is required names the query and the column`() async throws {
    let row = try await Self.rows(
      "SELECT NULL::text AS missing, NULL::int AS gap", doing: "reading the probe"
    )
    .one()
    for read in [{ _ = try row.string("missing") }, { _ = try row.int("gap") }, { _ = try row.bool("gap") }] {
      let error = try Self.failure(read)
      #expect(error.code == .unexpectedNull)
      #expect(error.doing == "reading the probe")
      #expect(error.message.contains("is NULL"))
    }
    let error = try Self.failure { _ = try row.string("missing") }
    #expect(error.description.contains("\"missing\""))
    #expect(error.description.contains("reading the probe"))
  }

  @Test(arguments: ["true", "false", "yes", "1", "T", ""])
  func `booleans are the server's t and f only`(text: String) async throws {
    let row = try await Self.rows("SELECT '\(text)'::text AS flag").one()
    let error = try Self.failure { _ = try row.bool("flag") }
    #expect(error.code == .unparsableValue)
    #expect(error.message.contains("\"flag\""))
    #expect(error.message.contains("boolean"))
  }

  @Test func `integers that do not fit or do not parse are unparsable, not zero`() async throws {
    let row = try await Self.rows(
      "SELECT 9223372036854775808::numeric AS too_big, '12abc'::text AS junk, ' 5'::text AS spaced, 1.5 AS fraction"
    ).one()
    for column in ["too_big", "junk", "spaced", "fraction"] {
      let error = try Self.failure { _ = try row.int64(column) }
      #expect(error.code == .unparsableValue, "\(column)")
      #expect(error.message.contains("\"\(column)\""))
    }
  }

  @Test func `a column the query did not return is an error naming the columns it has`() async throws {
    let row = try await Self.rows("SELECT 1 AS one, 2 AS two", doing: "counting").one()
    let error = try Self.failure { _ = try row.optionalString("three") }
    #expect(error.code == .missingColumn)
    #expect(error.message.contains("three"))
    #expect(error.message.contains("one, two"))
    #expect(error.doing == "counting")
  }

  @Test func `text arrays with quotes, commas, braces, backslashes and NULL elements`() async throws {
    let row = try await Self.rows(
      #"""
      SELECT ARRAY['plain', 'with space', 'comma,here', 'quote"d', 'back\slash', '{brace}', '', 'NULL', 'null']
               AS awkward,
             '{}'::text[] AS empty, ARRAY['a', NULL] AS with_null, NULL::text[] AS no_array,
             ARRAY[[1, 2], [3, 4]] AS matrix
      """#
    ).one()
    #expect(
      try row.stringArray("awkward") == [
        "plain", "with space", "comma,here", "quote\"d", "back\\slash", "{brace}", "", "NULL", "null",
      ])
    #expect(try row.stringArray("empty") == [])
    #expect(try row.optionalStringArray("no_array") == nil)
    #expect(try Self.failure { _ = try row.stringArray("with_null") }.code == .unparsableValue)
    #expect(try Self.failure { _ = try row.stringArray("matrix") }.code == .unparsableValue)
    #expect(try Self.failure { _ = try row.stringArray("no_array") }.code == .unexpectedNull)
  }

  @Test func `one() wants exactly one row, and rows iterate in order`() async throws {
    let none = try await Self.rows("SELECT 1 AS n WHERE false", doing: "an empty probe")
    #expect(try Self.failure { _ = try none.one() }.message.contains("returned 0"))
    let three = try await Self.rows("SELECT n FROM generate_series(1, 3) n")
    #expect(try Self.failure { _ = try three.one() }.message.contains("returned 3"))
    #expect(try three.map { try $0.int("n") } == [1, 2, 3])
    #expect(three.count == 3)
  }
}
