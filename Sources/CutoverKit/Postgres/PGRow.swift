/// One row a statement returned, read by column name with typed, throwing accessors.
///
/// Values are PostgreSQL's text format. Every accessor says what it expects: a NULL where
/// a value is required, a text that does not parse, or a column the statement did not
/// return is a `PostgresError` naming the statement (`doing`), the row and the column —
/// never a silent `""`, `0` or `false`. Booleans are the server's `t`/`f` only.
public struct PGRow: Sendable {
  /// The column names of the result, shared by all its rows.
  public let columns: [String]
  /// The values, `nil` for NULL, in column order.
  public let values: [String?]
  /// The row's 0-based position in its result.
  public let index: Int
  /// What the statement was for, for error messages.
  public let doing: String
  private let positions: [String: Int]

  init(columns: [String], positions: [String: Int], values: [String?], index: Int, doing: String) {
    self.columns = columns
    self.positions = positions
    self.values = values
    self.index = index
    self.doing = doing
  }

  /// The raw text of `column`, `nil` for NULL.
  ///
  /// - Throws: `PostgresError` (`.missingColumn`) when the statement returned no such column.
  public func optionalString(_ column: String) throws -> String? {
    guard let position = positions[column] else {
      throw PostgresError(
        code: .missingColumn,
        message: "the result has no column \"\(column)\" (it has \(columns.joined(separator: ", ")))",
        doing: doing,
        nextStep: "this is a bug in cutover: the query and the code reading it disagree")
    }
    return values[position]
  }

  /// The text of `column`; NULL is an error.
  public func string(_ column: String) throws -> String {
    guard let value = try optionalString(column) else { throw nullError(column, expected: "text") }
    return value
  }

  /// A `boolean` column (`t`/`f`), `nil` for NULL.
  public func optionalBool(_ column: String) throws -> Bool? {
    try optionalString(column).map { text in
      switch text {
      case "t": return true
      case "f": return false
      default: throw unparsable(column, text, expected: "a boolean (t or f)")
      }
    }
  }

  /// A `boolean` column (`t`/`f`); NULL is an error.
  public func bool(_ column: String) throws -> Bool {
    guard let value = try optionalBool(column) else { throw nullError(column, expected: "a boolean") }
    return value
  }

  /// An integer column that fits `Int`, `nil` for NULL.
  public func optionalInt(_ column: String) throws -> Int? {
    try optionalString(column).map { text in
      guard let value = Int(text) else { throw unparsable(column, text, expected: "an integer") }
      return value
    }
  }

  /// An integer column that fits `Int`; NULL is an error.
  public func int(_ column: String) throws -> Int {
    guard let value = try optionalInt(column) else { throw nullError(column, expected: "an integer") }
    return value
  }

  /// A `bigint` column, `nil` for NULL.
  public func optionalInt64(_ column: String) throws -> Int64? {
    try optionalString(column).map { text in
      guard let value = Int64(text) else { throw unparsable(column, text, expected: "a bigint") }
      return value
    }
  }

  /// A `bigint` column; NULL is an error.
  public func int64(_ column: String) throws -> Int64 {
    guard let value = try optionalInt64(column) else { throw nullError(column, expected: "a bigint") }
    return value
  }

  /// A one-dimensional text array (`{a,"b c"}`), `nil` for NULL; a NULL element is an error.
  public func optionalStringArray(_ column: String) throws -> [String]? {
    try optionalString(column).map { text in
      guard let elements = PostgresArray.parse(text) else {
        throw unparsable(column, text, expected: "a one-dimensional array")
      }
      return try elements.map { element in
        guard let element else { throw unparsable(column, text, expected: "an array without NULLs") }
        return element
      }
    }
  }

  /// A one-dimensional text array; NULL (or a NULL element) is an error.
  public func stringArray(_ column: String) throws -> [String] {
    guard let value = try optionalStringArray(column) else { throw nullError(column, expected: "an array") }
    return value
  }

  private func nullError(_ column: String, expected: String) -> PostgresError {
    PostgresError(
      code: .unexpectedNull,
      message: "column \"\(column)\" of row \(index + 1) is NULL where \(expected) is required",
      doing: doing,
      nextStep: "this is a bug in cutover or a catalog it does not expect; report it with this message")
  }

  private func unparsable(_ column: String, _ text: String, expected: String) -> PostgresError {
    let shown = text.count > 40 ? String(text.prefix(37)) + "…" : text
    return PostgresError(
      code: .unparsableValue,
      message: "column \"\(column)\" of row \(index + 1) is not \(expected): \"\(shown)\"",
      doing: doing,
      nextStep: "this is a bug in cutover or a catalog it does not expect; report it with this message")
  }
}
