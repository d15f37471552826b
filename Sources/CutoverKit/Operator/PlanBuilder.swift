import Logging

/// The synchronous part of `plan`, on the source connection's thread: accounts for every
/// source table, resolves the mappings, checks the constraints v2 adds against the source's
/// rows, and lists the load order and what is not moved.
struct PlanBuilder {
  let files: [MappingFile]
  let source: Catalog
  let target: Catalog
  let connection: PGConnection
  let logger: Logger
  var privilegeGaps: [QualifiedName: [String]] = [:]
  private var findings: [MappingFinding] = []
  private var lines: [PlanReport.TableLine] = []

  init(files: [MappingFile], source: Catalog, target: Catalog, connection: PGConnection, logger: Logger) {
    self.files = files
    self.source = source
    self.target = target
    self.connection = connection
    self.logger = logger
  }

  /// Schemas whose tables are the platform's own bookkeeping unless exported by default.
  static let platformTableSchemas: [String: [String]] = [
    "auth": ExportTableSelection.authTables, "storage": ExportTableSelection.storageTables,
    "supabase_migrations": [],
  ]

  mutating func build(targetSchema: String) throws -> PlanReport {
    let resolver = MappingResolver(source: source, target: target)
    let byTable = Dictionary(files.map { ($0.source.value, $0) }, uniquingKeysWith: { first, _ in first })
    var mapped: [QualifiedName] = []
    var fedTargets: Set<QualifiedName> = []

    for table in source.loadableTables where table.fromExtension == nil {
      let name = table.name
      if let file = byTable[name] {
        if let skip = file.skip {
          lines.append(
            .init(source: "\(name)", target: nil, file: file.path, action: "skipped", detail: skip.value))
          continue
        }
        guard let targetTable = target.table(file.target.value), targetTable.kind.holdsRows else {
          findings.append(
            .init(
              .problem, .missingTable, table: "\(name)", place: file.place(file.target.line),
              "the target has no table \(file.target.value)"))
          continue
        }
        fedTargets.insert(targetTable.name)
        guard
          let resolved = resolver.resolve(
            file, sourceTable: table, targetTable: targetTable, findings: &findings)
        else { continue }
        let (mapper, finding) = SwiftMappers.mapper(for: resolved)
        if let finding { findings.append(finding) }
        let mapping = mapper.mapping
        lines.append(
          .init(
            source: "\(name)", target: "\(mapping.target)", file: file.path, action: "moved",
            detail: mapping.summary))
        mapped.append(mapping.target)
        try checkNewConstraints(mapping, sourceTable: table, targetTable: targetTable, file: file)
      } else if let exported = Self.platformTableSchemas[name.schema], !exported.contains(name.name) {
        lines.append(
          .init(
            source: "\(name)", target: nil, file: nil, action: "skipped",
            detail: "the platform's own bookkeeping (the target's platform keeps its own); skipped by default"
          ))
      } else {
        findings.append(
          .init(
            .problem, .unaccountedTable, table: "\(name)", place: nil,
            "neither mapped nor skipped: add mappings/\(name).yaml (`source: \(name)`, or `skip:` with a reason)"
          ))
      }
    }

    for file in files where source.table(file.source.value) == nil {
      if let reason = file.emptyWhenAbsent {
        lines.append(
          .init(
            source: "\(file.source.value)", target: "\(file.target.value)", file: file.path,
            action: "starts empty",
            detail: reason.value))
        fedTargets.insert(file.target.value)
      } else if file.skip == nil {
        findings.append(
          .init(
            .problem, .missingTable, table: "\(file.source.value)", place: file.place(file.source.line),
            "the source has no table \(file.source.value) (if that is expected, say so with `empty_when_absent:`)"
          ))
      }
    }

    for table in target.loadableTables
    where table.fromExtension == nil && !fedTargets.contains(table.name)
      && Self.platformTableSchemas[table.name.schema] == nil
    {
      findings.append(
        .init(
          .warning, .emptyTarget, table: "\(table.name)", place: nil,
          "no mapping fills this target table: it starts empty"))
    }

    // A moved table whose foreign key points into a table that starts empty (skipped, or
    // fed by nothing) would load rows whose key cannot hold: said before anything moves.
    for table in target.loadableTables where fedTargets.contains(table.name) {
      for key in table.foreignKeys where !fedTargets.contains(key.referenced) && key.referenced != table.name
      {
        guard target.table(key.referenced).map({ Self.platformTableSchemas[$0.name.schema] == nil }) ?? false
        else { continue }
        let nullable = table.allNullable(key.columns)
        findings.append(
          .init(
            nullable ? .warning : .problem, .orphanedReference, table: "\(table.name)", place: nil,
            "\(key.name) (\(key.columns.joined(separator: ", "))) references \(key.referenced), which starts empty"
              + (nullable
                ? ": rows with a value there will fail the key when it is validated"
                : ": every row needs a parent there, so the import would fail; map \(key.referenced) or skip \(table.name) too")
          ))
      }
    }

    for (table, missing) in privilegeGaps.sorted(by: { $0.key < $1.key }) {
      findings.append(
        .init(
          .problem, .privilege, table: "\(table)", place: nil,
          "the target connection's role lacks \(missing.joined(separator: " and ")) on \(table): grant it, or connect as the table's owner"
        ))
    }

    let graph = DependencyGraph(
      tables: target.loadableTables.filter { Set(mapped).contains($0.name) }, catalog: target)
    return PlanReport(
      targetSchema: targetSchema,
      loadOrder: graph.levels.map { $0.map(\.description) },
      setAside: graph.setAside.map { aside in
        switch aside.reason {
        case .selfReference:
          "\(aside.edge): references its own table; rows load in one pass, the key is validated after"
        case .cycle: "\(aside.edge): breaks a cycle; loaded in the same pass, validated after"
        }
      },
      cycles: graph.cycles.map { $0.map(\.description) },
      tables: lines.sorted { $0.source < $1.source },
      notMoved: try NotMovedDetector(connection: connection, catalog: source).detect(),
      findings: findings)
  }

  /// Unique, check and not-null constraints of the target that the source table lacks: a
  /// warning when the source's rows (as mapped) satisfy them, a problem naming the count and
  /// a few keys when some do not.
  private mutating func checkNewConstraints(
    _ mapping: TableMapping, sourceTable: CatalogTable, targetTable: CatalogTable, file: MappingFile
  ) throws {
    let place = file.place(file.source.line)
    let table = "\(sourceTable.name)"
    // Target columns left to their default join the mapped rows (NULL when they have none),
    // so checks naming them can run; a default drawing on a sequence is not evaluated.
    var extra: [String] = []
    for name in mapping.defaulted {
      guard let column = targetTable.column(name) else { continue }
      let value = column.defaultExpression.flatMap { $0.contains("nextval(") ? nil : $0 } ?? "NULL"
      extra.append("(\(value))::\(column.type) AS \(QualifiedName.quote(name))")
    }
    let rows =
      "(SELECT mapped_rows.*\(extra.map { ", " + $0 }.joined()) FROM (\(mapping.sourceSelectSQL)) AS mapped_rows) AS mapped"
    let written = Set(mapping.columns.map(\.name))
    // The source name of each target column fed as is, to recognise constraints it already had.
    var sourceName: [String: String] = [:]
    for column in mapping.columns {
      if case .source(let index, _) = column.output { sourceName[column.name] = mapping.sourceColumns[index] }
    }
    let keyColumns = (targetTable.primaryKey?.columns ?? []).filter(written.contains)
    let keyExpression =
      keyColumns.isEmpty
      ? "NULL::text"
      : "ROW(\(keyColumns.map { "mapped." + QualifiedName.quote($0) }.joined(separator: ", ")))::text"

    var checks: [(what: String, condition: String)] = []
    for column in targetTable.copiedColumns where column.notNull && written.contains(column.name) {
      if let from = sourceName[column.name], sourceTable.column(from)?.notNull == true { continue }
      if let output = mapping.columns.first(where: { $0.name == column.name })?.output,
        case .constant(let text) = output, text != nil
      {
        continue
      }
      checks.append(("NOT NULL on \(column.name)", "mapped.\(QualifiedName.quote(column.name)) IS NULL"))
    }
    let sourceChecks = Set(sourceTable.checks.map(\.definition))
    for check in targetTable.checks where !sourceChecks.contains(check.definition) {
      var expression = check.definition
      if expression.hasPrefix("CHECK ") { expression.removeFirst("CHECK ".count) }
      if expression.hasSuffix(" NOT VALID") { expression.removeLast(" NOT VALID".count) }
      checks.append(("check \(check.name) \(check.definition)", "NOT (\(expression))"))
    }
    for (what, condition) in checks {
      let sql =
        "SELECT count(*) AS violations, (array_agg(\(keyExpression)))[1:3] AS keys FROM \(rows) WHERE \(condition)"
      try report(sql: sql, what: what, table: table, place: place)
    }

    let sourceSets = Set(sourceTable.uniqueColumnSets.map { Set($0) })
    var targetSets: [(name: String, columns: [String])] = []
    if let key = targetTable.primaryKey { targetSets.append((key.name, key.columns)) }
    targetSets += targetTable.uniqueConstraints.map { ($0.name, $0.columns) }
    targetSets += targetTable.indexes.filter { $0.isUnique && !$0.isPartial && $0.constraint == nil }.map {
      ($0.name, $0.columns)
    }
    for set in targetSets where !set.columns.isEmpty && set.columns.allSatisfy(written.contains) {
      let fromColumns = set.columns.compactMap { sourceName[$0] }
      if fromColumns.count == set.columns.count && sourceSets.contains(Set(fromColumns)) { continue }
      let list = set.columns.map { "mapped." + QualifiedName.quote($0) }.joined(separator: ", ")
      let notNull = set.columns.map { "mapped.\(QualifiedName.quote($0)) IS NOT NULL" }.joined(
        separator: " AND ")
      let sql = """
        SELECT coalesce(sum(n), 0) AS violations, (array_agg(k))[1:3] AS keys FROM (
          SELECT count(*) AS n, ROW(\(list))::text AS k FROM \(rows) WHERE \(notNull) GROUP BY \(list) HAVING count(*) > 1
        ) AS duplicates
        """
      try report(
        sql: sql, what: "unique \(set.name) (\(set.columns.joined(separator: ", ")))", table: table,
        place: place)
    }
  }

  /// Runs one violation query; a finding either way (a warning when it cannot run).
  private mutating func report(sql: String, what: String, table: String, place: String) throws {
    let result: PGRow
    do {
      // Autocommit: a failing query leaves the session usable for the next.
      result = try connection.execute(sql, doing: "checking \(what) against the source's rows of \(table)")
        .one()
    } catch let error as PostgresError {
      findings.append(
        .init(
          .warning, .newConstraint, table: table, place: place,
          "v2 adds \(what); could not check the source's rows: \(error.message)"))
      return
    }
    let count = try result.int64("violations")
    if count == 0 {
      findings.append(
        .init(
          .warning, .newConstraint, table: table, place: place,
          "v2 adds \(what); every source row satisfies it"))
    } else {
      let keys = (try result.optionalStringArray("keys") ?? []).joined(separator: ", ")
      findings.append(
        .init(
          .problem, .newConstraint, table: table, place: place,
          "v2 adds \(what); \(count) source \(count == 1 ? "row violates" : "rows violate") it (e.g. \(keys)): map or filter them in the mapping"
        ))
    }
  }
}
