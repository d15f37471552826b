import Foundation

/// Counting a bounded part of each table: the source's first `rows_per_table` rows by primary
/// key, and on the target the rows with the same keys, so both sides count the same rows.
///
/// Policies run per row and per subject on both sides: counted whole, a big table costs more
/// than copying it. The bound is found with the caller's own role (before any `SET ROLE`),
/// in the same snapshot as the counts; the counts add `key <= bound`, which the planner
/// answers from the key's index (the comparison operators of the usual key types are
/// leakproof, so row security lets them run first).
extension PolicyBehaviour {
  /// A bound turned into SQL: the condition over the table's key and its parameters.
  struct BoundCondition: Sendable {
    var bound: PolicyBehaviourCounts.KeyBound
    /// `(a, b) <= ($1::type, $2::type)`.
    var sql: String
  }

  /// The condition of every table counted by key: a table's given bound (the target's), or
  /// the key of its `rowsPerTable`-th row (the source's; none when the table has no primary
  /// key or fewer rows).
  ///
  /// - Throws: `PostgresError` when the key or its types cannot be read.
  static func boundConditions(
    _ tables: [CountedTable], rowsPerTable: Int, on connection: PGConnection
  ) throws -> [QualifiedName: BoundCondition] {
    var conditions: [QualifiedName: BoundCondition] = [:]
    for table in tables {
      if let bound = table.bound {
        let types = try bound.columns.map { try columnType(table.name, $0, on: connection) }
        conditions[table.name] = condition(bound, types: types)
      } else if rowsPerTable > 0,
        let found = try sourceBound(table, rowsPerTable: rowsPerTable, on: connection)
      {
        conditions[table.name] = found
      }
    }
    return conditions
  }

  /// The key of the `rows`-th row of `table` in key order, nil without a primary key or
  /// when the table has fewer rows (then it is counted whole).
  private static func sourceBound(_ table: CountedTable, rowsPerTable rows: Int, on connection: PGConnection)
    throws -> BoundCondition?
  {
    let key = try connection.execute(
      """
      SELECT a.attname AS name, pg_catalog.format_type(a.atttypid, a.atttypmod) AS type
      FROM pg_catalog.pg_index i
      CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, position)
      JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
      WHERE i.indrelid = $1::regclass AND i.indisprimary
      ORDER BY k.position
      """, [table.name.quoted], doing: "reading the primary key of \(table.name)"
    ).map { (name: try $0.string("name"), type: try $0.string("type")) }
    guard !key.isEmpty else { return nil }
    let columns = key.map { QualifiedName.quote($0.name) }.joined(separator: ", ")
    let texts = key.map { "\(QualifiedName.quote($0.name))::text" }.joined(separator: ", ")
    let found = try connection.execute(
      "SELECT ARRAY[\(texts)] AS key FROM \(table.reference) ORDER BY \(columns) OFFSET $1 LIMIT 1",
      [String(rows - 1)], doing: "finding the \(rows)th key of \(table.name) for the policy count"
    ).first
    guard let found else { return nil }
    let bound = PolicyBehaviourCounts.KeyBound(columns: key.map(\.name), values: try found.stringArray("key"))
    return condition(bound, types: key.map(\.type))
  }

  /// The type of `table.column`, as SQL.
  private static func columnType(_ table: QualifiedName, _ column: String, on connection: PGConnection) throws
    -> String
  {
    try connection.execute(
      """
      SELECT pg_catalog.format_type(atttypid, atttypmod) AS type FROM pg_catalog.pg_attribute
      WHERE attrelid = $1::regclass AND attname = $2 AND attnum > 0 AND NOT attisdropped
      """, [table.quoted, column], doing: "reading the type of \(table).\(column) for the policy count"
    ).one().string("type")
  }

  private static func condition(_ bound: PolicyBehaviourCounts.KeyBound, types: [String]) -> BoundCondition {
    let columns = bound.columns.map(QualifiedName.quote).joined(separator: ", ")
    let values = types.enumerated().map { "$\($0.offset + 1)::\($0.element)" }.joined(separator: ", ")
    return BoundCondition(bound: bound, sql: "(\(columns)) <= (\(values))")
  }

  /// The target tables to count, each with the bound that makes it count the rows its source
  /// counted (see `targetBound`).
  /// - Parameters:
  ///   - mapped: source table → target table of every mapping that moves rows.
  ///   - catalog: the target's.
  public static func targetTables(
    mapped: [(QualifiedName, QualifiedName)], catalog: Catalog, manifest: ExportManifest,
    files: [MappingFile],
    source: PolicyBehaviourCounts
  ) -> [CountedTable] {
    Set(mapped.map(\.1)).sorted().compactMap { name in
      guard let table = catalog.table(name) else { return nil }
      let sources = mapped.filter { $0.1 == name }.map(\.0)
      var mapping: TableMapping?
      if sources.count == 1, let exported = manifest.tables.first(where: { $0.name == sources[0] }) {
        let file = files.first { $0.skip == nil && $0.source.value == sources[0] }
        mapping = try? Verifier.mapping(file, table: exported, into: table, catalog: catalog).get()
      }
      return CountedTable(
        name: name, isPartitioned: table.kind == .partitioned,
        bound: targetBound(
          for: table, sourceBounds: sources.map { source.table($0)?.bound }, mapping: mapping))
    }
  }

  /// The bound to count `target` by, so it holds the same rows as its source counted.
  ///
  /// It is the source's key values in the target columns its mapping fills from the source's
  /// key columns unchanged. Nil when the source was counted whole, or when the target cannot
  /// count the same rows (several sources, a key the mapping computes or relabels, a target
  /// key of other columns) — `compare` then says the table was not compared.
  static func targetBound(
    for target: CatalogTable, sourceBounds: [PolicyBehaviourCounts.KeyBound?], mapping: TableMapping?
  ) -> PolicyBehaviourCounts.KeyBound? {
    guard sourceBounds.count == 1, let bound = sourceBounds[0], let mapping else { return nil }
    var columns: [String] = []
    for sourceColumn in bound.columns {
      let fed = mapping.columns.first { column in
        guard case .source(let index, let labels) = column.output, labels.isEmpty else { return false }
        return mapping.sourceColumns[index] == sourceColumn
      }
      guard let fed else { return nil }
      columns.append(fed.name)
    }
    guard target.primaryKey?.columns == columns else { return nil }
    return .init(columns: columns, values: bound.values)
  }
}
