import Foundation

/// A byte count printed in binary units (`1.5 GiB`), for progress and summaries.
public struct ByteCount: CustomStringConvertible, Sendable {
  public var bytes: Int64
  public init(_ bytes: Int64) { self.bytes = bytes }
  public init(_ bytes: Int) { self.bytes = Int64(bytes) }

  public var description: String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB"]
    var value = Double(bytes)
    var unit = 0
    while abs(value) >= 1024 && unit < units.count - 1 {
      value /= 1024
      unit += 1
    }
    return unit == 0 ? "\(bytes) B" : String(format: "%.1f", value) + " " + units[unit]
  }
}
