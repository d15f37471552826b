/// Checks that a stream of bytes is whole COPY text rows with a given number of columns.
///
/// COPY's text format ends each row with a newline and separates fields with tabs; a tab,
/// newline or carriage return inside a value is written as `\t`, `\n`, `\r`, so counting the
/// tabs not preceded by an escaping backslash gives the field count. Fed in any split;
/// remembers only the first problem.
public struct CopyTextScanner: Sendable {
  /// Fields each row must have.
  public let columns: Int
  /// Rows completed so far.
  public private(set) var rows: Int64 = 0
  /// The first malformation found, for example "row 12 has 3 fields, expected 4".
  public private(set) var problem: String?
  private var tabs = 0
  private var escaped = false
  private var midRow = false

  public init(columns: Int) { self.columns = columns }

  /// Scans the next bytes.
  public mutating func scan(_ data: UnsafeRawBufferPointer) {
    guard problem == nil else { return }
    let expectedTabs = max(columns - 1, 0)
    for byte in data {
      if escaped {
        escaped = false
        if byte == 0x0A || byte == 0x0D {
          problem = "row \(rows + 1) has a backslash before a raw line break"
          return
        }
        continue
      }
      switch byte {
      case 0x5C:  // backslash
        escaped = true
        midRow = true
      case 0x09:
        tabs += 1
        midRow = true
      case 0x0A:
        if tabs != expectedTabs {
          problem = "row \(rows + 1) has \(tabs + 1) fields, the manifest lists \(columns) columns"
          return
        }
        rows += 1
        tabs = 0
        midRow = false
      case 0x0D:
        problem = "row \(rows + 1) holds a raw carriage return (COPY text writes \\r)"
        return
      default:
        midRow = true
      }
    }
  }

  /// Checks that the stream ended at a row boundary.
  public mutating func finish() {
    if problem == nil && (midRow || escaped) {
      problem = "the text ends inside row \(rows + 1) (no final newline)"
    }
  }
}
