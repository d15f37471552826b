/// One range of a split table: read by a COPY of its own, into a chunk sequence of its own.
///
/// A table larger than `--split-tables-larger-than` is read in `count` parts, all in the
/// export's one snapshot, so several workers export it at once. `predicate` is a condition
/// on the table's rows that selects exactly this part: the parts of a table are disjoint
/// and together hold every row (ranges of one total order, the first and last open-ended).
public struct TablePart: Codable, Sendable, Hashable {
  /// How the rows are divided.
  public enum Method: String, Codable, Sendable {
    /// Ranges of a single-column primary key (any type: its btree order): journaled by
    /// exports before 2026-12-02, still resumed as they were.
    case key
    /// Ranges of heap pages (`ctid`), read by TID range scans: what the export plans.
    case ctid
  }

  /// 1-based position of the part within its table.
  public var number: Int
  /// How many parts the table has.
  public var count: Int
  public var method: Method
  /// The SQL condition that selects the part's rows, for example
  /// `"id" >= '2500'::bigint AND "id" < '5000'::bigint` or `ctid >= '(128,0)'::tid`.
  public var predicate: String

  public init(number: Int, count: Int, method: Method, predicate: String) {
    self.number = number
    self.count = count
    self.method = method
    self.predicate = predicate
  }
}
