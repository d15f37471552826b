/// How fast one table went through one step in a run, and how large its source was then.
///
/// `cutover plan --estimate` scales `seconds` by the source's size now over `sourceBytes`
/// (`pg_total_relation_size`) or `sourceTuples` (`pg_class.reltuples`) at the run.
public struct RunTableRate: Codable, Sendable, Equatable {
  /// The source table (`schema.name`).
  public var table: String
  public var rows: Int64
  /// COPY text bytes.
  public var bytes: Int64
  public var seconds: Double
  /// `pg_total_relation_size` of the source table when the run measured it.
  public var sourceBytes: Int64?
  /// `pg_class.reltuples` of the source table then (negative: never analyzed).
  public var sourceTuples: Double?

  public init(
    table: String, rows: Int64, bytes: Int64, seconds: Double, sourceBytes: Int64? = nil,
    sourceTuples: Double? = nil
  ) {
    self.table = table
    self.rows = rows
    self.bytes = bytes
    self.seconds = seconds
    self.sourceBytes = sourceBytes
    self.sourceTuples = sourceTuples
  }

  /// Rows per second (0 when the time is 0).
  public var rowsPerSecond: Double { seconds > 0 ? Double(rows) / seconds : 0 }
  /// Bytes per second (0 when the time is 0).
  public var bytesPerSecond: Double { seconds > 0 ? Double(bytes) / seconds : 0 }
}
