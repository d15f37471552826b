import Foundation

/// The source side of parity: the one place its SQL is built.
///
/// Counts and digests the target rows a mapping computes from its source table, evaluating
/// each target column's source-side SQL (double entry: the Swift mappers moved the data,
/// this independent SQL checks it).
public enum SourceDigest {
  /// Counts and digests the target rows `mapping` computes from its source table, on the
  /// source, in whatever snapshot/transaction `connection` is in.
  ///
  /// Without the target's catalog, a target type is compared as itself when the source has
  /// it and is not an enum there, else as text; no primary key (no rows file).
  public static func compute(_ mapping: TableMapping, on connection: PGConnection) throws
    -> ExportManifest.Parity
  {
    try aggregate(try recipe(mapping, targetTable: nil, on: connection), mapping, only: false, on: connection)
  }

  /// Counts and digests again exactly as an export did: the column types it recorded
  /// (`recorded.columns`) and `FROM ONLY` when it read the table alone — what drift detection
  /// compares with the manifest, so a recipe difference can never look like a changed row.
  public static func recompute(
    _ mapping: TableMapping, as recorded: ExportManifest.Parity, only: Bool, on connection: PGConnection
  ) throws -> ExportManifest.Parity {
    guard let columns = recorded.columns, columns.map(\.name) == mapping.columns.map(\.name) else {
      return try compute(mapping, on: connection)
    }
    return try aggregate(CanonicalRow(columns: columns, key: []), mapping, only: only, on: connection)
  }

  /// Count and digest of `mapping`'s rows under `row`'s recipe, summed on the server.
  private static func aggregate(
    _ row: CanonicalRow, _ mapping: TableMapping, only: Bool, on connection: PGConnection
  ) throws -> ExportManifest.Parity {
    try CanonicalRow.prepare(connection)
    let result = try connection.execute(
      row.aggregate(sourceRows(row, mapping, only: only)),
      doing: "digesting the mapped rows of \(mapping.source)"
    ).one()
    return ExportManifest.Parity(
      algorithm: CanonicalRow.algorithm, rows: try result.int64("count"), digest: try result.string("digest"),
      target: mapping.target, columns: row.columns, key: [])
  }

  /// The canonical texts of `mapping`'s target rows, computed on the source (of one `part` of
  /// a split table, when given).
  private static func sourceRows(
    _ row: CanonicalRow, _ mapping: TableMapping, only: Bool, part: TablePart? = nil
  ) -> String {
    let condition = [mapping.filter?.sql, part?.predicate].compactMap { $0 }.map { "(\($0))" }
    return CanonicalRow.texts(
      row.sourceTexts(mapping), from: (only ? "ONLY " : "") + mapping.source.quoted,
      where: condition.isEmpty ? nil : condition.joined(separator: " AND "))
  }

  /// Counts and digests as `compute(_:on:)` the rows of one part of the table (`part`; nil:
  /// all of them), in one pass that also feeds them to the table's rows file (`sink`, which
  /// the last part seals through `beforeRename`, where the export journals it).
  ///
  /// - Parameters:
  ///   - targetTable: the target's table (its enums and primary key shape the recipe).
  ///   - only: read `FROM ONLY` the source table (as its export did).
  ///   - part: the export's range of a split table (its predicate on the source's rows).
  static func digest(
    _ mapping: TableMapping, targetTable: CatalogTable, only: Bool, part: TablePart?,
    on connection: PGConnection, into sink: ParityRowsSink,
    beforeRename: (ExportManifest.Parity) throws -> Void
  ) throws {
    let row = try recipe(mapping, targetTable: targetTable, on: connection)
    try CanonicalRow.prepare(connection)
    let inner = sourceRows(row, mapping, only: only, part: part)
    var stream = ParityRowsSink.Part(into: sink)
    let parallel = part == nil
    if parallel {
      for setting in parallelSettings {
        try connection.execute("SET \(setting) = 0", doing: "setting the parity session (\(setting))")
      }
    }
    try connection.copyOut(
      "COPY (\(row.rowLines(inner, keyHash: false))) TO STDOUT",
      doing: "digesting the mapped rows of \(mapping.source)"
    ) { line in try stream.add(line) }
    if parallel {
      for setting in parallelSettings {
        try connection.execute("RESET \(setting)", doing: "resetting \(setting)")
      }
    }
    try stream.finish(recipe: row, target: mapping.target, beforeRename: beforeRename)
  }

  /// The planner costs set to 0 for the rows lines of a table read whole, so that the
  /// server's parallel workers compute them (a split table's parts share the connections
  /// instead: parallel workers would only add their tuple queues' cost).
  ///
  /// Without them a `COPY (query)` returning every row is planned serial (a `Gather` looks
  /// costly per row): one core computes every row's texts and hashes, while the aggregate
  /// baseline gets the parallel workers. The server's own limits
  /// (`max_parallel_workers_per_gather`, a table's size) still apply.
  static let parallelSettings = ["parallel_setup_cost", "parallel_tuple_cost"]

  /// The recipe of `mapping`: each target column compared as the target's type where the
  /// source can cast to it (and it is no enum), else as text; the key from `targetTable`'s
  /// primary key when every key column is mapped.
  static func recipe(_ mapping: TableMapping, targetTable: CatalogTable?, on connection: PGConnection) throws
    -> CanonicalRow
  {
    var columns: [ExportManifest.ParityColumn] = []
    var usable: [String: Bool] = [:]
    for column in mapping.columns {
      let targetColumn = targetTable?.column(column.name)
      var comparedAs = column.type
      if let targetColumn, !targetColumn.enumLabels.isEmpty {
        comparedAs = targetColumn.isArray ? "text[]" : "text"
      } else {
        if usable[column.type] == nil { usable[column.type] = try isPlainType(column.type, on: connection) }
        if usable[column.type] != true { comparedAs = column.type.hasSuffix("[]") ? "text[]" : "text" }
      }
      columns.append(.init(name: column.name, comparedAs: comparedAs))
    }
    var key: [Int] = []
    if let primary = targetTable?.primaryKey {
      let positions = primary.columns.compactMap { name in mapping.columns.firstIndex { $0.name == name } }
      if positions.count == primary.columns.count { key = positions }
    }
    return CanonicalRow(columns: columns, key: key)
  }

  /// Whether `connection`'s database has type `type` (a `format_type` name) and it is neither
  /// an enum nor a domain, nor an array of one: a value's text means the same there.
  static func isPlainType(_ type: String, on connection: PGConnection) throws -> Bool {
    let found = try connection.execute(
      """
      SELECT coalesce((SELECT t.typtype NOT IN ('e', 'd')
                        AND (e.oid IS NULL OR e.typtype NOT IN ('e', 'd'))
                       FROM pg_type t LEFT JOIN pg_type e ON e.oid = t.typelem AND t.typcategory = 'A'
                       WHERE t.oid = to_regtype($1)), false) AS usable
      """, [type], doing: "checking the database knows type \(type)")
    return try found.one().bool("usable")
  }
}
