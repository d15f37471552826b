/// A table's size in pages as its files are now (`pg_relation_size`, not the planner's
/// estimate): for a partitioned table, that of its largest partition.
///
/// Splitting a table by `ctid` needs the real page count; a stale estimate would only make
/// the parts uneven (the last part is open-ended), never lose rows.
public enum RelationPages {
  /// The page count of `table`.
  public static func count(of table: QualifiedName, on connection: PGConnection) throws -> Int64 {
    try connection.execute(
      """
      SELECT CASE WHEN c.relkind = 'p'
               THEN (SELECT coalesce(max(pg_catalog.pg_relation_size(t.relid)), 0)
                     FROM pg_catalog.pg_partition_tree(c.oid) t WHERE t.isleaf)
               ELSE pg_catalog.pg_relation_size(c.oid) END / current_setting('block_size')::int8 AS pages
      FROM pg_catalog.pg_class c WHERE c.oid = $1::regclass
      """, [table.quoted], doing: "reading \(table)'s page count"
    ).one().int64("pages")
  }
}
