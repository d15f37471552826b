/// What identifies a table's rows for an export: its oid, its file, its columns and, for a
/// partitioned table, its partitions and their files.
///
/// Read twice — inside the export's snapshot and on a fresh connection once the export holds
/// its locks — the two must be equal. Anything that differs happened between the snapshot
/// and the lock and would make the snapshot read the wrong rows: a table swapped by a rename
/// (a new oid whose rows the snapshot cannot see), rewritten or truncated (a new file), a
/// column renamed or retyped (COPY reads by name), a partition attached or detached.
public enum RelationFingerprint {
  /// One table's identity; equal on both sides when nothing changed.
  public struct Fingerprint: Sendable, Equatable {
    public var oid: String
    public var file: String
    public var columns: String
    public var partitions: String
  }

  /// The fingerprints of `tables` as the connection's snapshot (or the current catalog, on
  /// a connection with no snapshot) sees them; a table it cannot see is absent.
  public static func fingerprints(
    of tables: [QualifiedName], on connection: PGConnection
  ) throws -> [QualifiedName: Fingerprint] {
    guard !tables.isEmpty else { return [:] }
    var result: [QualifiedName: Fingerprint] = [:]
    for row in try connection.execute(
      """
      SELECT n.nspname::text AS schema, c.relname::text AS name, c.oid::text AS oid,
             c.relfilenode::text AS file,
             COALESCE((SELECT string_agg(a.attnum || ':' || a.attname || ':'
                                         || pg_catalog.format_type(a.atttypid, a.atttypmod), ','
                                         ORDER BY a.attnum)
                       FROM pg_catalog.pg_attribute a
                       WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped), '') AS columns,
             CASE WHEN c.relkind = 'p'
                  THEN COALESCE((SELECT string_agg(t.relid::text || '/' || pc.relfilenode, ',' ORDER BY t.relid)
                                 FROM pg_catalog.pg_partition_tree(c.oid) t
                                 JOIN pg_catalog.pg_class pc ON pc.oid = t.relid), '')
                  ELSE '' END AS partitions
      FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      JOIN unnest($1::text[], $2::text[]) AS w(schema, name) ON w.schema = n.nspname AND w.name = c.relname
      """,
      [PostgresArray.literal(tables.map(\.schema)), PostgresArray.literal(tables.map(\.name))],
      doing: "reading what identifies the tables to export")
    {
      result[QualifiedName(schema: try row.string("schema"), name: try row.string("name"))] = Fingerprint(
        oid: try row.string("oid"), file: try row.string("file"), columns: try row.string("columns"),
        partitions: try row.string("partitions"))
    }
    return result
  }

  /// Each table whose fingerprint differs between `snapshot` and `now`, with what changed.
  public static func changes(
    snapshot: [QualifiedName: Fingerprint], now: [QualifiedName: Fingerprint], tables: [QualifiedName]
  ) -> [String] {
    tables.compactMap { table in
      guard let before = snapshot[table] else { return "\(table) (not in the snapshot)" }
      guard let after = now[table] else { return "\(table) (dropped or renamed)" }
      if before.oid != after.oid { return "\(table) (replaced by another table of that name)" }
      if before.file != after.file { return "\(table) (rewritten or truncated)" }
      if before.columns != after.columns { return "\(table) (columns renamed, retyped, added or dropped)" }
      if before.partitions != after.partitions {
        return "\(table) (partitions attached, detached or rewritten)"
      }
      return nil
    }
  }
}
