import CLibPQ

/// libpq's `PG_DIAG_*` field codes, which are char macros Swift cannot import.
enum DiagField: Int32 {
  case severity = 83  // S
  case sqlState = 67  // C
  case primary = 77  // M
  case detail = 68  // D
  case hint = 72  // H
  case position = 80  // P
  case context = 87  // W
}

/// A libpq result, cleared exactly once.
///
/// The corresponding C type is `PGresult`.
struct PGResult: ~Copyable {
  let raw: OpaquePointer

  init(_ raw: OpaquePointer) { self.raw = raw }

  deinit { PQclear(raw) }

  var status: ExecStatusType { PQresultStatus(raw) }

  /// A diagnostic field of an error result, copied out of libpq's memory.
  func field(_ field: DiagField) -> String? {
    guard let text = PQresultErrorField(raw, field.rawValue) else { return nil }
    return String(cString: text)
  }

  /// The typed error this result carries, `doing` saying what was being done.
  func error(doing: String, redact: (String) -> String) -> PostgresError {
    let message = field(.primary) ?? String(cString: PQresultErrorMessage(raw))
    return PostgresError(
      code: .server,
      sqlState: field(.sqlState),
      message: redact(message.trimmingTrailingNewlines),
      detail: field(.detail).map(redact),
      hint: field(.hint).map(redact),
      position: field(.position).flatMap { Int($0) },
      context: field(.context).map(redact),
      doing: doing)
  }

  /// Copies the rows into a Sendable value (text format; NULL is `nil`).
  func rows(doing: String) -> PGRows {
    let rowCount = Int(PQntuples(raw))
    let columnCount = Int(PQnfields(raw))
    let columns = (0..<columnCount).map { String(cString: PQfname(raw, Int32($0))) }
    var rows: [[String?]] = []
    rows.reserveCapacity(rowCount)
    for row in 0..<rowCount {
      var values: [String?] = []
      values.reserveCapacity(columnCount)
      for column in 0..<columnCount {
        if PQgetisnull(raw, Int32(row), Int32(column)) == 1 {
          values.append(nil)
        } else {
          values.append(String(cString: PQgetvalue(raw, Int32(row), Int32(column))))
        }
      }
      rows.append(values)
    }
    let affected = String(cString: PQcmdTuples(raw))
    return PGRows(columns: columns, rows: rows, affectedRows: Int(affected) ?? 0, doing: doing)
  }
}

/// The rows a statement returned, copied out of libpq: text values, `nil` for NULL.
///
/// Read them as `PGRow`s (`for row in rows`, `rows.one()`), by column name with typed
/// accessors that throw on NULL or unparsable text; `rows` keeps the raw values.
public struct PGRows: Sendable, RandomAccessCollection {
  public var columns: [String]
  /// The raw values, row by row, `nil` for NULL.
  public var rows: [[String?]]
  /// The count in the command tag (`INSERT 0 5` → 5).
  public var affectedRows: Int
  /// What the statement was for; typed accessors name it in their errors.
  public var doing: String
  private let positions: [String: Int]

  public init(columns: [String], rows: [[String?]], affectedRows: Int = 0, doing: String) {
    self.columns = columns
    self.rows = rows
    self.affectedRows = affectedRows
    self.doing = doing
    self.positions = Dictionary(
      columns.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
  }

  public var startIndex: Int { rows.startIndex }
  public var endIndex: Int { rows.endIndex }

  public subscript(position: Int) -> PGRow {
    PGRow(columns: columns, positions: positions, values: rows[position], index: position, doing: doing)
  }

  /// The only row of a statement that returns exactly one (`SELECT count(*)`, a function).
  ///
  /// - Throws: `PostgresError` (`.unexpectedResult`) for no row or more than one.
  public func one() throws -> PGRow {
    guard rows.count == 1 else {
      throw PostgresError(
        code: .unexpectedResult, message: "expected one row, the statement returned \(rows.count)",
        hint: "this is a bug in cutover or a server it does not expect; report it with this message",
        doing: doing)
    }
    return self[0]
  }

  /// The first row's first value, for single-value queries.
  ///
  /// > Important: untyped (NULL and "no row" are both `nil`): new code reads `one()` with a
  /// > typed accessor instead; this stays until export's callers move.
  public var scalar: String? { rows.first?.first ?? nil }

  /// The raw values of one column by name (empty when there is no such column).
  ///
  /// > Important: untyped; new code reads rows with typed accessors instead.
  public func column(_ name: String) -> [String?] {
    guard let index = positions[name] else { return [] }
    return rows.map { $0[index] }
  }
}

extension String {
  var trimmingTrailingNewlines: String {
    var text = self
    while text.last == "\n" { text.removeLast() }
    return text
  }
}
