/// One table the export will read: its columns, its COPY statement and its size estimate.
public struct TablePlan: Sendable, Equatable {
  public var name: QualifiedName
  /// The exported columns in order (generated columns left out).
  public var columns: [ExportManifest.Column]
  /// `pg_class.reltuples` (0 when never analyzed).
  public var estimatedRows: Int64
  /// `pg_relation_size`, used to order the work largest first.
  public var estimatedBytes: Int64

  public init(
    name: QualifiedName, columns: [ExportManifest.Column], estimatedRows: Int64, estimatedBytes: Int64
  ) {
    self.name = name
    self.columns = columns
    self.estimatedRows = estimatedRows
    self.estimatedBytes = estimatedBytes
  }

  /// `COPY (SELECT <quoted columns> FROM <quoted table>) TO STDOUT`, text format.
  ///
  /// An explicit column list pins the column order and leaves generated columns out.
  public var copyQuery: String {
    let list = columns.map { QualifiedName.quote($0.name) }.joined(separator: ", ")
    return "COPY (SELECT \(list) FROM \(name.quoted)) TO STDOUT"
  }
}
