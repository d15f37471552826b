/// What an import loads, worked out before anything moves: each target table with the
/// export's tables that feed it through their mappings, the load order, and the indexes and
/// foreign keys to drop and re-create.
///
/// Made from the manifest (its columns stand in for the source catalog: the mapping is
/// resolved against exactly the columns the chunks hold), the mapping files and the
/// target's catalog. Nothing here names a table.
struct ImportPlan: Sendable {
  /// One export table and the mapping that turns its rows into target rows.
  struct Source: Sendable {
    var name: QualifiedName
    var file: MappingFile
    /// The table as exported; nil while a running export has not finished it (the load
    /// waits for it and resolves the mapping then).
    var table: ExportManifest.Table?
    /// The resolved mapping, before any Swift mapper is attached; nil with `table`.
    ///
    /// Each load makes its mapper from it (`SwiftMappers.mapper(for:)`).
    var mapping: TableMapping?
  }

  /// One target table and what feeds it; loaded in one transaction.
  struct Unit: Sendable {
    var target: QualifiedName
    var sources: [Source]
    /// COPY text bytes of its chunks, to start the largest first.
    var bytes: Int64 { sources.reduce(0) { $0 + ($1.table?.bytes ?? 0) } }
  }

  /// The units, in load order (level by level, largest first in a level).
  var units: [Unit]
  /// Export tables not loaded, with why (a mapping's `skip`).
  var skipped: [(table: QualifiedName, reason: String)]
  /// Each unit's parents in the foreign-key graph (edges not set aside).
  var parents: [QualifiedName: Set<QualifiedName>]
  /// Indexes and foreign keys to drop before loading and re-create after, in catalog order.
  var deferred: [DeferredObject]
  /// Columns whose sequences are set past the column's maximum after loading.
  var sequences: [(table: QualifiedName, column: String, sequence: String)]

  /// Resolves the mappings of the export's tables against the target catalog.
  ///
  /// - Parameters:
  ///   - exported: the export's tables in order, each as exported (nil while a running
  ///     export has not finished it: its mapping is resolved when it is).
  ///   - owned: target tables the connecting role may drop indexes and keys of.
  /// - Throws: `ImportError` (`.mapping`, exit 2) listing every table without a mapping
  ///   file, or whose mapping names a table or column the export or the target lacks.
  init(
    exported: [(name: QualifiedName, table: ExportManifest.Table?)], files: [MappingFile], target: Catalog,
    owned: Set<QualifiedName>
  ) throws {
    let byTable = Dictionary(files.map { ($0.source.value, $0) }, uniquingKeysWith: { first, _ in first })
    var problems: [String] = []
    var skipped: [(QualifiedName, String)] = []
    var units: [QualifiedName: Unit] = [:]
    for (name, table) in exported {
      guard let file = byTable[name] else {
        problems.append(
          "\(name): the export holds it but no mapping file names it (add mappings/\(name).yaml, or `skip:` it with a reason)"
        )
        continue
      }
      if let skip = file.skip {
        skipped.append((name, skip.value))
        continue
      }
      guard let targetTable = target.table(file.target.value), targetTable.kind.holdsRows else {
        problems.append("\(name) (\(file.path)): the target has no table \(file.target.value)")
        continue
      }
      var mapping: TableMapping?
      if let table {
        switch Self.resolve(file, table: table, into: targetTable, catalog: target) {
        case .success(let resolved): mapping = resolved
        case .failure(let found):
          problems += found.lines
          continue
        }
      }
      units[targetTable.name, default: Unit(target: targetTable.name, sources: [])].sources.append(
        Source(name: name, file: file, table: table, mapping: mapping))
    }
    guard problems.isEmpty else { throw Self.mappingError(problems) }
    let tables = target.loadableTables.filter { units[$0.name] != nil }
    let graph = DependencyGraph(tables: tables, catalog: target)
    var parents: [QualifiedName: Set<QualifiedName>] = [:]
    for edge in graph.keptEdges { parents[edge.child, default: []].insert(edge.parent) }
    self.units = graph.levels.flatMap { level in
      level.compactMap { units[$0] }.sorted { $0.bytes > $1.bytes }
    }
    self.skipped = skipped
    self.parents = parents

    var deferred: [DeferredObject] = []
    var sequences: [(QualifiedName, String, String)] = []
    let loaded = Set(self.units.map(\.target))
    let droppedKeys = tables.filter { owned.contains($0.name) }.flatMap { table in
      table.foreignKeys.map { (table: table.name, key: $0) }
    }
    // A foreign key kept in place (its table is not ours to alter) needs the unique index it
    // points at: such an index stays.
    let keptKeys = target.tables.flatMap { table in
      table.foreignKeys.filter { _ in !(owned.contains(table.name) && loaded.contains(table.name)) }
    }
    for table in tables {
      for column in table.copiedColumns {
        if let sequence = column.ownedSequence {
          sequences.append((table.name, column.name, sequence.quoted))
        }
      }
      guard owned.contains(table.name) else { continue }
      for index in table.indexes where index.constraint == nil && !index.isPrimary {
        let needed = keptKeys.contains { key in
          key.referenced == table.name && index.isUnique && Set(key.referencedColumns) == Set(index.columns)
        }
        if needed { continue }
        deferred.append(
          DeferredObject(kind: .index, table: table.name, name: index.name, definition: index.definition))
      }
    }
    for (table, key) in droppedKeys {
      deferred.append(
        DeferredObject(
          kind: .foreignKey, table: table, name: key.name, definition: key.definition,
          referenced: key.referenced))
    }
    self.deferred = deferred
    self.sequences = sequences
  }

  /// Problems found resolving a mapping, one line each.
  struct Problems: Error {
    var lines: [String]
  }

  /// Resolves `file` for `table` as exported (its columns stand in for the source catalog).
  static func resolve(
    _ file: MappingFile, table: ExportManifest.Table, into targetTable: CatalogTable, catalog: Catalog
  ) -> Result<TableMapping, Problems> {
    var findings: [MappingFinding] = []
    let resolved = MappingResolver(source: catalog, target: catalog).resolve(
      file, sourceTable: sourceTable(table), targetTable: targetTable, findings: &findings)
    // Types and enum labels are `plan`'s to check, against the source's real catalog; the
    // manifest only names the types.
    let blocking = findings.filter {
      $0.severity == .problem && $0.kind != .lossyType && $0.kind != .enumLabel
    }
    var problems = blocking.map { "\(table.name): \($0.place.map { "\($0): " } ?? "")\($0.message)" }
    if let resolved, let finding = SwiftMappers.mapper(for: resolved).finding {
      problems.append("\(table.name): \(finding.message)")
    }
    guard let resolved, problems.isEmpty else { return .failure(Problems(lines: problems)) }
    return .success(resolved)
  }

  /// The error for mapping problems.
  static func mappingError(_ problems: [String]) -> ImportError {
    ImportError(
      .mapping,
      "the mappings do not fit this export and target:\n  - " + problems.joined(separator: "\n  - "),
      nextStep:
        "run `cutover plan` against the source and this target, fix what it reports, then import again")
  }

  /// The export's table as a catalog table: its exported columns, named and typed as the
  /// manifest records them.
  static func sourceTable(_ table: ExportManifest.Table) -> CatalogTable {
    CatalogTable(
      name: table.name, kind: .ordinary, owner: "",
      columns: table.columns.enumerated().map { offset, column in
        CatalogColumn(
          name: column.name, position: offset + 1, type: column.type, baseType: column.type,
          isArray: column.type.hasSuffix("[]"))
      })
  }
}
