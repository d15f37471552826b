import Foundation

/// Divides a large table into ranges that several workers read at once, in the export's
/// snapshot (`TablePart`).
///
/// A table whose size (`TablePlan.estimatedBytes`, from page counts) is over `threshold` is
/// read in `max(jobs, ⌈size / threshold⌉)` parts (2 to 1000):
/// - with a single-column primary key (any type: its btree order, whatever the collation),
///   by key ranges whose bounds are percentiles of a sample of the keys
///   (`TABLESAMPLE SYSTEM`, about 20 000 rows, read in the snapshot): cheap on any size, and
///   balanced as far as the sample is; whatever the bounds, the ranges `< b1`, `[b1, b2)`, …
///   `>= bn` hold every row exactly once. The bounds are quoted by the server
///   (`quote_literal`), because COPY cannot take `$n` parameters;
/// - otherwise by `ctid` ranges of heap pages (a TID range scan reads only its pages), the
///   last part open-ended; a partitioned table without such a key is divided by the pages
///   of its largest partition (each partition is filtered by its own pages).
///
/// The layout is journaled (`ExportStarted.splits`): a resume reuses it rather than planning
/// it again, since page counts and samples are not part of the snapshot.
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

  /// Rows sampled to find key bounds.
  static let sampleRows: Double = 20_000
  /// At most this many parts.
  static let maximumParts = 1000

  /// `plan` with its parts (none when it is small enough or empty).
  func split(_ plan: TablePlan, on connection: PGConnection) throws -> TablePlan {
    guard plan.estimatedBytes > threshold else { return plan }
    let wanted = Int(
      min(Int64(Self.maximumParts), max(Int64(jobs), 2, (plan.estimatedBytes + threshold - 1) / threshold)))
    var result = plan
    if let key = plan.splitKey {
      result.parts = try keyParts(plan, key: key, count: wanted, on: connection)
    } else {
      result.parts = try pageParts(plan, count: wanted, on: connection)
    }
    return result
  }

  private func keyParts(
    _ plan: TablePlan, key: ExportManifest.Column, count: Int, on connection: PGConnection
  )
    throws -> [TablePart]
  {
    let fractions = (1..<count).map { String(Double($0) / Double(count)) }.joined(separator: ",")
    let rows = Double(max(plan.estimatedRows, 0))
    let percent = rows <= Self.sampleRows ? 100 : max(0.0001, 100 * Self.sampleRows / rows)
    let column = QualifiedName.quote(key.name)
    func bounds(percent: Double) throws -> [String] {
      let sql = """
        SELECT quote_literal(b::text) AS bound
        FROM unnest((SELECT percentile_disc($1::float8[]) WITHIN GROUP (ORDER BY \(column))
                     FROM \(plan.relationReference) TABLESAMPLE SYSTEM ($2::float4))) WITH ORDINALITY AS u(b, n)
        WHERE b IS NOT NULL ORDER BY n
        """
      return try connection.execute(
        sql, ["{\(fractions)}", String(percent)], doing: "sampling \(plan.name)'s keys to split it"
      ).column("bound").compactMap { $0 }
    }
    var found = try bounds(percent: percent)
    if found.isEmpty && percent < 100 { found = try bounds(percent: 100) }
    var distinct: [String] = []
    for bound in found where distinct.last != bound { distinct.append(bound) }
    // A bound equal to the smallest key would leave the first part empty: harmless.
    guard !distinct.isEmpty else { return [] }
    let typed = { (bound: String) in "CAST(\(bound) AS \(key.type))" }
    var predicates = ["\(column) < \(typed(distinct[0]))"]
    for index in 1..<distinct.count {
      predicates.append(
        "\(column) >= \(typed(distinct[index - 1])) AND \(column) < \(typed(distinct[index]))")
    }
    predicates.append("\(column) >= \(typed(distinct[distinct.count - 1]))")
    return predicates.enumerated().map {
      TablePart(number: $0.offset + 1, count: predicates.count, method: .key, predicate: $0.element)
    }
  }

  private func pageParts(_ plan: TablePlan, count: Int, on connection: PGConnection) throws -> [TablePart] {
    try Self.pageParts(of: plan.name, count: count, on: connection)
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
