/// One table the export will read: its columns, its COPY statement and its size estimate.
public struct TablePlan: Sendable, Equatable {
  public var name: QualifiedName
  /// The exported columns in order (generated columns left out).
  public var columns: [ExportManifest.Column]
  /// `pg_class.reltuples` (0 when never analyzed).
  public var estimatedRows: Int64
  /// `pg_relation_size` (of every partition, for a partitioned table), to order the work
  /// largest first.
  public var estimatedBytes: Int64
  /// A partitioned table: read through its parent, which returns every partition's rows
  /// once (the partitions themselves are not planned).
  public var isPartitioned: Bool
  /// The ranges the table is read in (`TableSplitter`); empty when it is read whole.
  public var parts: [TablePart] = []

  public init(
    name: QualifiedName, columns: [ExportManifest.Column], estimatedRows: Int64, estimatedBytes: Int64,
    isPartitioned: Bool = false
  ) {
    self.name = name
    self.columns = columns
    self.estimatedRows = estimatedRows
    self.estimatedBytes = estimatedBytes
    self.isPartitioned = isPartitioned
  }

  /// `FROM ONLY <table>` for an ordinary table, `FROM <table>` for a partitioned one.
  ///
  /// An inheritance parent without `ONLY` would return its children's rows too, and the
  /// children are exported as tables of their own: the rows would be there twice. A
  /// partitioned table holds no rows itself, so it is read whole. Parity counts and digests
  /// read the same relation (`relationReference`), so they cannot agree with a wrong export.
  public var relationReference: String {
    isPartitioned ? name.quoted : "ONLY \(name.quoted)"
  }

  /// `COPY (SELECT <quoted columns> FROM [ONLY] <quoted table>) TO STDOUT`, text format.
  ///
  /// An explicit column list pins the column order and leaves generated columns out.
  public var copyQuery: String { copyQuery(for: nil) }

  /// The COPY statement of one part: the whole table's with the part's `WHERE` condition.
  ///
  /// > Important: COPY takes no `$n` parameters, so a part's bounds are literals (page
  ///   numbers of `ctid` ranges; key ranges journaled by older exports were quoted by the
  ///   server).
  ///
  /// `appending` adds expressions after the columns (the export's source digest fields).
  public func copyQuery(for part: TablePart?, appending extra: [String] = []) -> String {
    let list = (columns.map { QualifiedName.quote($0.name) } + extra).joined(separator: ", ")
    let condition = part.map { " WHERE \($0.predicate)" } ?? ""
    return "COPY (SELECT \(list) FROM \(relationReference)\(condition)) TO STDOUT"
  }
}
