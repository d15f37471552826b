/// Turns source COPY-text rows into target COPY-text rows, one row at a time.
///
/// A mapper sees one row (`CopyRowBuffer`, reused) and writes the target row into the
/// stream's encoder; `MappingStream` feeds it from buffers of any size and never holds more
/// than one row. The declarative mappings are `DeclarativeTableMapper`s; a table whose rows
/// need code gets a `SwiftRowMapper` (registered in `SwiftMappers`) inside one.
public protocol TableMapper {
  /// What the mapper does, resolved against both catalogs.
  var mapping: TableMapping { get }

  /// Writes the target row for `row` (its fields and tabs, not the newline).
  /// - Returns: false when the row is filtered out (nothing written).
  func map(
    _ row: CopyRowBuffer, into encoder: inout CopyTextEncoder,
    flush: (UnsafeRawBufferPointer) throws -> Void
  ) throws -> Bool
}

/// Computes some target columns of a table in Swift, where a declaration cannot say it.
///
/// Registered by table name in `SwiftMappers`. It names the target columns it computes and,
/// for each, the SQL expression over the source table that gives the same value (parity runs
/// it: double entry).
public protocol SwiftRowMapper: Sendable {
  /// The target columns computed here, in the order `values` fills them.
  var computedColumns: [String] { get }
  /// For each computed column, its SQL over the source columns (before the cast to its type).
  var sourceExpressions: [String] { get }
  /// The computed columns' values for `row` (nil is NULL), in `computedColumns` order.
  func values(for row: CopyRowBuffer, into values: inout [String?])
}
