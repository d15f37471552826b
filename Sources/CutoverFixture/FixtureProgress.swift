import CutoverKit

/// How far a fill is: sent after each loaded range, for a reporter to show.
public struct FixtureProgress: Sendable {
  /// The table whose range just finished.
  public var table: QualifiedName
  public var rowsDone: Int
  public var rowsTotal: Int
  /// COPY text bytes sent so far.
  public var bytesDone: Int64
  public var seconds: Double

  /// `rows 1200000/2700000 (44%), 410.2 MiB, 31 s, 38700 rows/s`.
  public var line: String {
    let percent = rowsTotal > 0 ? rowsDone * 100 / rowsTotal : 100
    let rate = seconds > 0 ? Int(Double(rowsDone) / seconds) : 0
    return
      "rows \(rowsDone)/\(rowsTotal) (\(percent)%), \(ByteCount(bytesDone)), \(Int(seconds)) s, \(rate) rows/s — \(table) range done"
  }
}
