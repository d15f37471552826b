/// Tables whose file changed since a snapshot was taken: rewritten (`ALTER TABLE … TYPE`,
/// `VACUUM FULL`, `CLUSTER`) or truncated after it.
///
/// Such a table looks empty to the old snapshot, because its new file's rows were written
/// after it. Compares the snapshot's `pg_class.relfilenode` with the file the table has now
/// (`pg_relation_filenode` reads the current catalog), for each table and, for a partitioned
/// one, each of its partitions.
public enum RelationRewrites {
  /// The tables among `tables` (and their partitions) rewritten since the transaction's
  /// snapshot; run inside that transaction, after the tables are locked.
  public static func since(
    snapshotOf tables: [QualifiedName], on connection: PGConnection
  ) throws -> [String] {
    guard !tables.isEmpty else { return [] }
    return try connection.execute(
      """
      WITH RECURSIVE planned(oid) AS (
        SELECT p.name::regclass::oid FROM unnest($1::text[]) AS p(name)
        UNION ALL
        SELECT i.inhrelid FROM pg_catalog.pg_inherits i JOIN planned ON i.inhparent = planned.oid
        JOIN pg_catalog.pg_class parent ON parent.oid = planned.oid AND parent.relkind = 'p'
      )
      SELECT c.oid::regclass::text AS name
      FROM planned JOIN pg_catalog.pg_class c ON c.oid = planned.oid
      WHERE c.relkind = 'r' AND c.relfilenode IS DISTINCT FROM pg_catalog.pg_relation_filenode(c.oid)
      """,
      [PostgresArray.literal(tables.map(\.quoted))],
      doing: "checking that no table was rewritten since the snapshot"
    ).map { try $0.string("name") }
  }
}
