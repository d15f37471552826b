/// Checks mapping files against the source and target catalogs and resolves each into a
/// `TableMapping`, collecting every finding instead of stopping at the first.
///
/// Columns the file does not name map by name. A rename applies where the source has the old
/// column; a source already holding the new name copies it (the shape is reported). Target
/// columns no source column feeds are left to their default, a problem when NOT NULL without
/// one. Nothing here names a table: everything follows from the files and the catalogs.
public struct MappingResolver: Sendable {
  public var source: Catalog
  public var target: Catalog

  public init(source: Catalog, target: Catalog) {
    self.source = source
    self.target = target
  }

  /// Resolves one file whose source and target tables exist; findings go to `findings`.
  ///
  /// Returns nil when the mapping cannot be resolved (a finding says why).
  public func resolve(
    _ file: MappingFile, sourceTable: CatalogTable, targetTable: CatalogTable,
    findings: inout [MappingFinding]
  ) -> TableMapping? {
    let table = "\(file.source.value)"
    func report(_ severity: MappingFinding.Severity, _ kind: MappingFinding.Kind, _ line: Int, _ text: String)
    {
      findings.append(MappingFinding(severity, kind, table: table, place: file.place(line), text))
    }
    let sourceColumns = sourceTable.copiedColumns
    let sourceIndex = Dictionary(uniqueKeysWithValues: sourceColumns.enumerated().map { ($1.name, $0) })
    let targetColumns = targetTable.copiedColumns
    let targetNames = Set(targetColumns.map(\.name))
    var consumed: Set<String> = []
    // target column → source column name
    var feeds: [String: String] = [:]
    var shapeNotes: [String] = []
    var legacyRenames: [String] = []
    var alreadyRenamed: [String] = []

    for rename in file.renamed {
      let (from, to) = (rename.value.from, rename.value.to)
      guard targetNames.contains(to) else {
        report(
          .problem, .missingColumn, rename.line,
          "renamed to `\(to)`, which \(file.target.value) does not have")
        continue
      }
      if sourceIndex[from] != nil {
        feeds[to] = from
        consumed.insert(from)
        legacyRenames.append("\(from)→\(to)")
      } else if sourceIndex[to] != nil {
        alreadyRenamed.append(to)
      } else {
        report(
          .problem, .missingColumn, rename.line,
          "renames `\(from)` to `\(to)`, but the source has neither column")
      }
    }
    if !legacyRenames.isEmpty {
      shapeNotes.append("old names, renamed: \(legacyRenames.joined(separator: ", "))")
    }
    if !alreadyRenamed.isEmpty { shapeNotes.append("already has \(alreadyRenamed.joined(separator: ", "))") }

    for drop in file.dropped {
      if sourceIndex[drop.value.column] == nil {
        report(
          .problem, .missingColumn, drop.line, "drops `\(drop.value.column)`, which the source does not have")
      }
      consumed.insert(drop.value.column)
    }

    var added: [String: MappingFile.Fill] = [:]
    for entry in file.added {
      let column = entry.value.column
      guard targetNames.contains(column) else {
        report(
          .problem, .missingColumn, entry.line, "adds `\(column)`, which \(file.target.value) does not have")
        continue
      }
      if case .copyOf(let from) = entry.value.fill, sourceIndex[from] == nil {
        report(.problem, .missingColumn, entry.line, "copies `\(from)`, which the source does not have")
        continue
      }
      added[column] = entry.value.fill
    }

    var labelsByTarget: [String: [String: String]] = [:]
    for map in file.valueMaps {
      guard targetNames.contains(map.value.column) else {
        report(
          .problem, .missingColumn, map.line,
          "value map on `\(map.value.column)`, which \(file.target.value) does not have")
        continue
      }
      labelsByTarget[map.value.column] = map.value.labels
    }

    var columns: [TableMapping.TargetColumn] = []
    var defaulted: [String] = []
    for column in targetColumns {
      let labels = labelsByTarget[column.name] ?? [:]
      if let fill = added[column.name] {
        switch fill {
        case .constant(let text):
          columns.append(
            .init(
              name: column.name, type: column.type, output: .constant(text),
              sourceExpression: "\(SQLText.literal(text))::\(column.type)"))
        case .targetDefault:
          defaulted.append(column.name)
        case .copyOf(let from):
          if let index = sourceIndex[from] {
            consumed.insert(from)
            columns.append(
              sourceColumn(index: index, of: sourceColumns, into: column, labels: labels))
          }
        }
        continue
      }
      let fromName = feeds[column.name] ?? (sourceIndex[column.name] != nil ? column.name : nil)
      guard let fromName, let index = sourceIndex[fromName] else {
        defaulted.append(column.name)
        if column.notNull && !column.hasDefault {
          report(
            .problem, .notNullWithoutSource, file.source.line,
            "target column `\(column.name)` is NOT NULL without a default and no source column fills it"
              + " (add it with a constant or copy_of, or rename a source column to it)")
        }
        continue
      }
      consumed.insert(fromName)
      let from = sourceColumns[index]
      if labels.isEmpty, let loss = TypeCompatibility.loss(from: from, to: column) {
        report(
          .problem, .lossyType, file.source.line,
          "`\(fromName)` (\(from.type)) into `\(column.name)` (\(column.type)): \(loss)")
      }
      if !column.enumLabels.isEmpty && !from.enumLabels.isEmpty {
        let missing = from.enumLabels.map { labels[$0] ?? $0 }.filter { !column.enumLabels.contains($0) }
        for label in missing {
          report(
            .problem, .enumLabel, labelsLine(file, column.name),
            "enum label '\(label)' of `\(fromName)` has no label in the target's \(column.type)"
              + " (map it under `values:`)")
        }
      }
      columns.append(sourceColumn(index: index, of: sourceColumns, into: column, labels: labels))
    }

    for column in sourceColumns where !consumed.contains(column.name) {
      report(
        .problem, .unmappedColumn, file.source.line,
        "source column `\(column.name)` (\(column.type)) has no target column: rename it, or drop it with a reason"
      )
    }

    var filter: TableMapping.Filter?
    if let entry = file.filter {
      let name = entry.value.column
      let fromName = feeds[name] ?? name
      if let index = sourceIndex[fromName] {
        let quoted = QualifiedName.quote(fromName)
        let texts = entry.value.keep.compactMap { $0 }
        var conditions: [String] = []
        if !texts.isEmpty {
          conditions.append("\(quoted)::text IN (\(texts.map(SQLText.literal).joined(separator: ", ")))")
        }
        if entry.value.keep.contains(where: { $0 == nil }) { conditions.append("\(quoted) IS NULL") }
        filter = .init(
          index: index, keep: Set(entry.value.keep), reason: entry.value.reason,
          sql: conditions.isEmpty ? "false" : "(\(conditions.joined(separator: " OR ")))")
      } else {
        report(.problem, .missingColumn, entry.line, "filters on `\(name)`, which the source does not have")
      }
    }

    return TableMapping(
      file: file.path, source: file.source.value, target: file.target.value,
      sourceColumns: sourceColumns.map(\.name), columns: columns, defaulted: defaulted, filter: filter,
      shape: shapeNotes.isEmpty ? "columns by name" : shapeNotes.joined(separator: "; "), swiftMapper: nil)
  }

  /// The mapping of a table no file names: every column by name (platform tables, defaults).
  public func byName(
    _ sourceTable: CatalogTable, into targetTable: CatalogTable, findings: inout [MappingFinding]
  )
    -> TableMapping?
  {
    let file = MappingFile(
      path: "(by name)", source: .init(sourceTable.name, line: 0), target: .init(targetTable.name, line: 0))
    var mapping = resolve(file, sourceTable: sourceTable, targetTable: targetTable, findings: &findings)
    mapping?.file = nil
    return mapping
  }

  private func labelsLine(_ file: MappingFile, _ column: String) -> Int {
    file.valueMaps.first { $0.value.column == column }?.line ?? file.source.line
  }

  private func sourceColumn(
    index: Int, of sourceColumns: [CatalogColumn], into column: CatalogColumn, labels: [String: String]
  ) -> TableMapping.TargetColumn {
    let quoted = QualifiedName.quote(sourceColumns[index].name)
    var expression = "\(quoted)::\(column.type)"
    if !labels.isEmpty {
      let cases = labels.sorted { $0.key < $1.key }
        .map { "WHEN \(SQLText.literal($0.key)) THEN \(SQLText.literal($0.value))" }.joined(separator: " ")
      expression = "(CASE \(quoted)::text \(cases) ELSE \(quoted)::text END)::\(column.type)"
    }
    return .init(
      name: column.name, type: column.type, output: .source(index: index, labels: labels),
      sourceExpression: expression)
  }
}
