import CutoverKit
import Foundation

/// What a fill did: rows and COPY bytes per table, and the rates over the whole run.
public struct FixtureFillReport: Sendable, Codable {
  /// One table's share.
  public struct TableFill: Sendable, Codable {
    public var table: String
    public var rows: Int
    public var bytes: Int64
  }

  public var seed: UInt64
  public var scale: Double
  public var jobs: Int
  public var tables: [TableFill]
  public var seconds: Double

  public var totalRows: Int { tables.reduce(0) { $0 + $1.rows } }
  public var totalBytes: Int64 { tables.reduce(0) { $0 + $1.bytes } }
  public var rowsPerSecond: Double { seconds > 0 ? Double(totalRows) / seconds : 0 }
  /// COPY text bytes per second.
  public var bytesPerSecond: Double { seconds > 0 ? Double(totalBytes) / seconds : 0 }

  /// A few plain lines for a person: per table, then the totals and rates.
  public var text: String {
    var lines = tables.map { fill in
      "\(fill.table.padding(toLength: 36, withPad: " ", startingAt: 0)) \(String(fill.rows).leftPadded(12)) rows  \(ByteCount(fill.bytes))"
    }
    let mbPerSecond = bytesPerSecond / 1_000_000
    let gbPerMinute = bytesPerSecond * 60 / 1_000_000_000
    lines.append(
      "filled \(tables.count) tables: \(totalRows) rows, \(ByteCount(totalBytes)) of COPY text in "
        + String(format: "%.1f s", seconds))
    lines.append(
      String(
        format: "rate: %.0f rows/s, %.1f MB/s (%.2f GB/min), seed %llu, scale %g, %d jobs",
        rowsPerSecond, mbPerSecond, gbPerMinute, seed, scale, jobs))
    return lines.joined(separator: "\n")
  }
}

extension String {
  fileprivate func leftPadded(_ width: Int) -> String {
    count >= width ? self : String(repeating: " ", count: width - count) + self
  }
}
