import Foundation

/// Divides a large table into ranges that several workers read at once, in the export's
/// snapshot (`TablePart`).
///
/// A table whose size (`TablePlan.estimatedBytes`, from page counts) is over `threshold` is
/// read in `max(jobs, ⌈size / threshold⌉)` parts (2 to 1000), by `ctid` ranges of heap pages:
/// a TID range scan reads only its own pages, so the parts together read the table once
/// (ranges of a primary key, used before, were each a scan of the whole table once the
/// planner chose a sequential scan, and an index scan's random reads otherwise). The last
/// part is open-ended, so pages added since the count hold no row of the snapshot that is
/// missed; a partitioned table is divided by the pages of its largest partition (each
/// partition is filtered by its own pages).
///
/// The layout is journaled (`ExportStarted.splits`): a resume reuses it rather than planning
/// it again, since page counts are not part of the snapshot — a layout of key ranges that an
/// earlier cutover journaled resumes as it was.
struct TableSplitter {
  /// Tables larger than this many bytes are split.
  var threshold: Int64
  /// Worker count: a split table has at least this many parts.
  var jobs: Int

  /// The threshold when none is given: a table larger than half of one worker's fair
  /// share (`total / jobs / 2`) is split, so no single table keeps one worker busy while the
  /// others idle — but never below `minimumAutomaticThreshold`, where parts cost more than
  /// they save.
  static func automaticThreshold(totalBytes: Int64, jobs: Int) -> Int64 {
    max(minimumAutomaticThreshold, totalBytes / Int64(max(jobs, 1) * 2))
  }

  /// Tables smaller than this are never split by the automatic threshold.
  static let minimumAutomaticThreshold: Int64 = 64 << 20

  /// At most this many parts.
  static let maximumParts = 1000

  /// `plan` with its parts (none when it is small enough or empty).
  func split(_ plan: TablePlan, on connection: PGConnection) throws -> TablePlan {
    guard plan.estimatedBytes > threshold else { return plan }
    let wanted = Int(
      min(Int64(Self.maximumParts), max(Int64(jobs), 2, (plan.estimatedBytes + threshold - 1) / threshold)))
    var result = plan
    result.parts = try Self.pageParts(of: plan.name, count: wanted, on: connection)
    return result
  }

  /// `table` in about `count` ranges of heap pages (none when it has fewer than two pages):
  /// whatever the page count, `< b1`, `[b1, b2)`, … `>= bn` hold every row exactly once.
  static func pageParts(of table: QualifiedName, count: Int, on connection: PGConnection) throws
    -> [TablePart]
  {
    let pages = try RelationPages.count(of: table, on: connection)
    let parts = Int(min(Int64(count), pages))
    guard parts >= 2 else { return [] }
    let bounds = (1..<parts).map { Int64($0) * pages / Int64(parts) }
    var predicates: [String] = ["ctid < '(\(bounds[0]),0)'::tid"]
    for index in 1..<bounds.count {
      predicates.append("ctid >= '(\(bounds[index - 1]),0)'::tid AND ctid < '(\(bounds[index]),0)'::tid")
    }
    predicates.append("ctid >= '(\(bounds[bounds.count - 1]),0)'::tid")
    return predicates.enumerated().map {
      TablePart(number: $0.offset + 1, count: parts, method: .ctid, predicate: $0.element)
    }
  }
}
