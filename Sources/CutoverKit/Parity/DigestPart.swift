/// One digest of verify's data phase: a whole table, or one block range of a large one
/// (`ctid` ranges, read by a TID range scan; the last range is open so rows in blocks added
/// since the size was read are counted too).
struct DigestPart: Sendable {
  /// Tables smaller than this (8 MiB of 8 KiB blocks) are never split.
  static let minimumBlocks: Int64 = 1024

  /// What a digest of the pool found.
  enum Outcome: Sendable {
    /// A whole table compared.
    case whole(TableParity)
    /// A part's rows and digest, to add up.
    case part(TargetDigest)
  }

  var check: TableCheck
  /// The `ctid` condition of the part; nil for a whole table.
  var range: String?

  /// `parts` conditions covering every block of a table of `blocks` blocks exactly once.
  static func ranges(blocks: Int64, parts: Int) -> [String] {
    let parts = Int64(max(1, parts))
    let step = max(1, (blocks + parts - 1) / parts)
    var conditions: [String] = []
    var start: Int64 = 0
    for part in 0..<parts {
      let lower = start == 0 ? nil : "ctid >= '(\(start),0)'::tid"
      let upper = part == parts - 1 ? nil : "ctid < '(\(start + step),0)'::tid"
      conditions.append([lower, upper].compactMap { $0 }.joined(separator: " AND "))
      start += step
    }
    return conditions.map { $0.isEmpty ? "true" : $0 }
  }
}
