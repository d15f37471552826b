import CLibPQ

/// libpq's `PG_DIAG_*` field codes, which are char macros Swift cannot import.
enum DiagField: Int32 {
  case severity = 83  // S
  case sqlState = 67  // C
  case primary = 77  // M
  case detail = 68  // D
  case hint = 72  // H
  case position = 80  // P
}

/// A libpq result, cleared exactly once. The corresponding C type is `PGresult`.
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
      doing: doing)
  }

  /// Copies the rows into a Sendable value (text format; NULL is `nil`).
  func rows() -> PGRows {
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
    return PGRows(columns: columns, rows: rows, affectedRows: Int(affected) ?? 0)
  }
}

/// The rows a statement returned, copied out of libpq: text values, `nil` for NULL.
public struct PGRows: Sendable {
  public var columns: [String]
  public var rows: [[String?]]
  /// The count in the command tag (`INSERT 0 5` → 5).
  public var affectedRows: Int

  public var isEmpty: Bool { rows.isEmpty }

  /// The first row's first value, for single-value queries.
  public var scalar: String? { rows.first?.first ?? nil }

  /// The values of one column by name.
  public func column(_ name: String) -> [String?] {
    guard let index = columns.firstIndex(of: name) else { return [] }
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
