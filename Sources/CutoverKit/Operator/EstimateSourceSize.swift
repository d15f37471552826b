import Foundation

/// A source table's size as the planner sees it: `pg_total_relation_size` and
/// `pg_class.reltuples`, the measures `cutover plan --estimate` scales a run's times by.
public struct EstimateSourceSize: Codable, Sendable, Equatable {
  public var bytes: Int64
  /// Negative when the table was never vacuumed or analyzed.
  public var tuples: Double

  public init(bytes: Int64, tuples: Double) {
    self.bytes = bytes
    self.tuples = tuples
  }

  /// Every ordinary or partitioned table outside PostgreSQL's own schemas, by `schema.name`.
  ///
  /// Blocks (one catalog query).
  public static func read(on connection: PGConnection) throws -> [String: EstimateSourceSize] {
    let rows = try connection.execute(
      """
      SELECT n.nspname AS schema, c.relname AS name,
             pg_total_relation_size(c.oid)::bigint AS bytes, c.reltuples::float8::text AS tuples
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p')
        AND n.nspname NOT IN ('pg_catalog', 'information_schema')
        AND n.nspname NOT LIKE 'pg\\_toast%'
      """, doing: "reading the source's table sizes")
    var sizes: [String: EstimateSourceSize] = [:]
    for row in rows {
      let name = QualifiedName(schema: try row.string("schema"), name: try row.string("name"))
      sizes[name.description] = EstimateSourceSize(
        bytes: try row.int64("bytes"), tuples: Double(try row.string("tuples")) ?? -1)
    }
    return sizes
  }

  /// How many times larger `now` is than `self` (the size at the run): by tuples when both
  /// were analyzed, else by bytes; 1 when neither says.
  public func ratio(to now: EstimateSourceSize) -> Double {
    if tuples > 0 && now.tuples >= 0 { return now.tuples / tuples }
    if bytes > 0 { return Double(now.bytes) / Double(bytes) }
    return 1
  }
}
