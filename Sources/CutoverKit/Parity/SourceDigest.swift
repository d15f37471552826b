/// Counts and digests, on the source, the target rows a mapping computes from its source table.
///
/// A simple stand-in for the parity part's digest with the same signature: `count(*)` and
/// `sum(hashtextextended(ROW(expressions)::text, 0))` over `TableMapping.sourceSelectSQL`
/// (the mapping's source expressions and filter), so any committed change to a column the
/// target receives changes the digest (up to a 64-bit hash collision in a sum).
public enum SourceDigest {
  /// The algorithm name recorded next to the digest.
  public static let algorithm = "sum-hashtextextended-v1"

  /// Counts and digests the target rows `mapping` computes from its source table, on the
  /// source, in whatever snapshot/transaction `connection` is in.
  public static func compute(_ mapping: TableMapping, on connection: PGConnection) throws
    -> ExportManifest.Parity
  {
    let row = try connection.execute(
      """
      SELECT count(*)::bigint AS n,
             coalesce(sum(hashtextextended(ROW(m.*)::text, 0)::numeric), 0)::text AS d
      FROM (\(mapping.sourceSelectSQL)) AS m
      """,
      doing: "digesting \(mapping.source) on the source"
    ).one()
    return ExportManifest.Parity(algorithm: algorithm, rows: try row.int64("n"), digest: try row.string("d"))
  }
}
