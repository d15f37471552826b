import CutoverKit
import Foundation

/// Turns a catalog, the value domains, a scale and a seed into a `FixturePlan`.
///
/// Decides per table: the load order (`DependencyGraph`'s levels, cycles broken), the
/// row count (scale × rows per scale, at least enough rows for every enum label and listed
/// value, at most what the unique keys over foreign keys allow), and per column the rule
/// that makes its values, from the catalog first and the domains file where the catalog
/// cannot tell.
public struct FixturePlanner: Sendable {
  public var catalog: Catalog
  public var domains: ValueDomains
  public var scale: Double
  public var seed: UInt64

  public init(catalog: Catalog, domains: ValueDomains, scale: Double, seed: UInt64) {
    self.catalog = catalog
    self.domains = domains
    self.scale = scale
    self.seed = seed
  }

  /// What one column is, before row counts are known.
  private enum Kind {
    case generated, foreignKey(Int, Int), variant, choices([String?]), typed
  }

  /// Builds the plan.
  ///
  /// - Throws: `FixtureError` (`.unsupportedSchema`) for a NOT NULL column of a type the
  ///   generator cannot make, a CHECK it cannot read on a column the domains file does not
  ///   cover, or a foreign key to a table outside the schemas being filled.
  public func plan() throws -> FixturePlan {
    let pools = FixtureValuePools(seed: seed)
    let graph = DependencyGraph(catalog: catalog)
    let cycleEdges = graph.setAside.filter { $0.reason == .cycle }
      .map { "\($0.edge.child).\($0.edge.constraint)" }
    let tables = graph.order.compactMap { catalog.table($0) }
    let indexOf = Dictionary(uniqueKeysWithValues: tables.enumerated().map { ($1.name, $0) })
    var referenced: Set<String> = []
    for table in tables {
      for key in table.foreignKeys {
        for column in key.referencedColumns { referenced.insert("\(key.referenced).\(column)") }
      }
    }
    // Desired row counts first; caps need the parents' counts.
    var rows = tables.map { table -> Int in
      let domain = domains.table(table.name)
      let perScale =
        domain?.rowsPerScale
        ?? (domain?.weight == "heavy" ? domains.defaults.heavyRowsPerScale : domains.defaults.rowsPerScale)
      var count = max(domains.defaults.minimumRows, Int((perScale * scale).rounded(.up)))
      count = max(count, domain?.variants?.count ?? 0)
      for column in table.columns {
        count = max(
          count, column.enumLabels.count, domains.column(table.name, column.name)?.values.count ?? 0)
      }
      let checks = CheckConstraintParser().parse(table.checks.map { ($0.name, $0.definition) })
      for restriction in checks.restrictions.values {
        count = max(count, restriction.allowedValues?.count ?? 0)
      }
      return count
    }
    var plans: [FixturePlan.TablePlan] = []
    var groups: [[Int]] = []
    for (tableIndex, table) in tables.enumerated() {
      let (plan, group) = try planTable(
        table, rows: rows[tableIndex], indexOf: indexOf, tables: tables, referenced: referenced,
        pools: pools)
      plans.append(plan)
      groups.append(group)
    }
    // Caps: an injective group fits at most the product of its parents' rows; a unique
    // integer at most its range. Two passes settle caps that depend on capped parents.
    for _ in 0..<2 {
      for index in plans.indices {
        var cap = Int.max
        if !groups[index].isEmpty {
          cap = groups[index].reduce(1) { product, key in
            product.multipliedReportingOverflow(by: max(rows[plans[index].foreignKeys[key].parent], 1))
              .overflow
              ? Int.max : product * max(rows[plans[index].foreignKeys[key].parent], 1)
          }
        }
        for column in plans[index].columns {
          if case .integer(let minimum, let maximum, true) = column.rule {
            let range = maximum - minimum
            if range < Int64(Int.max) { cap = min(cap, Int(range) + 1) }
          }
        }
        rows[index] = min(rows[index], cap)
        plans[index].rows = rows[index]
      }
    }
    return FixturePlan(tables: plans, cycleEdges: cycleEdges, pools: pools)
  }

  /// Plans one table's columns and foreign keys; returns the injective group too.
  private func planTable(
    _ table: CatalogTable, rows: Int, indexOf: [QualifiedName: Int],
    tables: [CatalogTable], referenced: Set<String>, pools: FixtureValuePools
  ) throws -> (FixturePlan.TablePlan, [Int]) {
    let checks = CheckConstraintParser().parse(table.checks.map { ($0.name, $0.definition) })
    let domain = domains.table(table.name)
    let variantColumns = Set((domain?.variants ?? []).flatMap(\.keys))
    // Columns that some check forces non-NULL (one per NOT NULL group: its last column).
    var forcedNotNull = Set(checks.restrictions.filter { $0.value.notNull }.map(\.key))
    for group in checks.notNullGroups { if let last = group.last { forcedNotNull.insert(last) } }
    // Checks not understood must be covered by the domains file.
    if !checks.unparsed.isEmpty {
      let definitions = table.checks.filter { checks.unparsed.contains($0.name) }
      for check in definitions {
        let covered = table.columns.contains { column in
          check.definition.contains(column.name)
            && (domains.column(table.name, column.name) != nil || variantColumns.contains(column.name))
        }
        if !covered {
          throw FixtureError(
            code: .unsupportedSchema,
            message: "\(table.name): the generator cannot read CHECK \(check.name) \(check.definition)",
            nextStep:
              "list the allowed values of its column in the domains file (\"columns\": {\"\(table.name).COLUMN\": {\"values\": […]}})"
          )
        }
      }
    }
    // Foreign keys: each column belongs to the first key naming it.
    var keyOfColumn: [String: (Int, Int)] = [:]
    var foreignKeys: [FixturePlan.ForeignKeyPlan] = []
    var outsideColumns: Set<String> = []
    for key in table.foreignKeys {
      guard let parentIndex = indexOf[key.referenced],
        let parent = tables.first(where: { $0.name == key.referenced })
      else {
        let nullable = key.columns.allSatisfy { name in table.column(name).map { !$0.notNull } ?? false }
        guard nullable else {
          throw FixtureError(
            code: .unsupportedSchema,
            message:
              "\(table.name): foreign key \(key.name) references \(key.referenced), which is not being filled",
            nextStep: "add schema \(key.referenced.schema) to --schemas")
        }
        outsideColumns.formUnion(key.columns)
        continue
      }
      let copied = parent.columns.filter { !$0.isGenerated }.map(\.name)
      let parentColumns = try key.referencedColumns.map { name -> Int in
        guard let index = copied.firstIndex(of: name) else {
          throw FixtureError(
            code: .unsupportedSchema,
            message:
              "\(table.name): foreign key \(key.name) references generated column \(key.referenced).\(name)")
        }
        return index
      }
      let nullable = key.columns.allSatisfy { name in
        (table.column(name).map { !$0.notNull } ?? false) && !forcedNotNull.contains(name)
          && !referenced.contains("\(table.name).\(name)")
      }
      let index = foreignKeys.count
      foreignKeys.append(
        FixturePlan.ForeignKeyPlan(
          parent: parentIndex, parentColumns: parentColumns, injectivePosition: nil,
          nullPercent: nullable ? domains.defaults.nullPercent : 0,
          seed: DeterministicRandom.columnSeed(
            seed: seed, table: table.name.description, column: "fk:" + key.name)))
      for (position, column) in key.columns.enumerated() where keyOfColumn[column] == nil {
        keyOfColumn[column] = (index, position)
      }
    }
    // Unique keys: a column that can be unique by row makes the key unique; a key of foreign
    // keys only joins the injective group.
    var uniqueColumns: Set<String> = []
    var group: [Int] = []
    for key in table.uniqueColumnSets {
      // Prefer uuids, text and timestamps; an integer only when no check narrows it.
      let candidates = key.filter { name in
        guard keyOfColumn[name] == nil, let column = table.column(name), !column.isGenerated else {
          return false
        }
        return domains.column(table.name, name) == nil && !variantColumns.contains(name)
          && checks.restrictions[name]?.allowedValues == nil && column.enumLabels.isEmpty && !column.isArray
          && ["uuid", "text", "varchar", "bpchar", "int2", "int4", "int8", "timestamptz", "timestamp"]
            .contains(column.baseType)
      }
      let candidate =
        candidates.first { !["int2", "int4", "int8"].contains(table.column($0)?.baseType ?? "") }
        ?? candidates.first { checks.restrictions[$0]?.maximum == nil }
        ?? candidates.first
      if let candidate {
        uniqueColumns.insert(candidate)
        continue
      }
      for name in key {
        if let (keyIndex, _) = keyOfColumn[name], !group.contains(keyIndex) {
          group.append(keyIndex)
          foreignKeys[keyIndex].nullPercent = 0
        }
      }
    }
    for (position, keyIndex) in group.enumerated() { foreignKeys[keyIndex].injectivePosition = position }

    var hugeGiven = false
    var columns: [FixturePlan.ColumnPlan] = []
    for column in table.columns where !column.isGenerated {
      let seed = DeterministicRandom.columnSeed(
        seed: seed, table: table.name.description, column: column.name)
      let isReferenced = referenced.contains("\(table.name).\(column.name)")
      var nullPercent =
        column.notNull || forcedNotNull.contains(column.name) || isReferenced
        ? 0 : domains.defaults.nullPercent
      let restriction = checks.restrictions[column.name]
      let offset = Int(seed % 1009)
      let rule: FixtureColumnRule
      if outsideColumns.contains(column.name) {
        rule = .null
      } else if let (keyIndex, position) = keyOfColumn[column.name] {
        rule = .foreignKey(foreignKey: keyIndex, position: position)
        nullPercent = 0  // the key decides
      } else if variantColumns.contains(column.name) {
        rule = .variant(
          (domain?.variants ?? []).map { variant in
            (variant[column.name] ?? nil).map(CopyTextEncoder.escaped)
          })
        nullPercent = 0
      } else if let values = domains.column(table.name, column.name)?.values {
        rule = .choices(values.map { $0.map(CopyTextEncoder.escaped) }, offset: offset)
        nullPercent = 0
      } else if let allowed = restriction?.allowedValues {
        rule = .choices(allowed.map(CopyTextEncoder.escaped), offset: offset)
      } else if !column.enumLabels.isEmpty && !column.isArray {
        rule = .choices(column.enumLabels.map(CopyTextEncoder.escaped), offset: offset)
      } else {
        let unique = uniqueColumns.contains(column.name)
        let huge =
          !hugeGiven && !unique && column.maxLength == nil && restriction?.maxLength == nil
          && !table.indexedColumns.contains(column.name) && column.baseType == "text" && !column.isArray
        if huge { hugeGiven = true }
        rule = try typedRule(
          column, table: table.name, restriction: restriction, unique: unique, huge: huge,
          indexed: table.indexedColumns.contains(column.name), pools: pools, nullable: nullPercent > 0)
      }
      columns.append(
        FixturePlan.ColumnPlan(name: column.name, rule: rule, nullPercent: nullPercent, seed: seed))
    }
    let sequences = table.columns.compactMap { column in
      column.ownedSequence.map { (sequence: $0.quoted, column: column.name) }
    }
    let plan = FixturePlan.TablePlan(
      name: table.name, rows: rows, isHeavy: domain?.weight == "heavy", columns: columns,
      foreignKeys: foreignKeys, injectiveGroup: group, sequences: sequences)
    return (plan, group)
  }

  /// The rule for a column the catalog's type decides.
  private func typedRule(
    _ column: CatalogColumn, table: QualifiedName, restriction: CheckConstraintParser.Restriction?,
    unique: Bool, huge: Bool, indexed: Bool, pools: FixtureValuePools, nullable: Bool
  ) throws -> FixtureColumnRule {
    if column.isArray {
      switch column.baseType {
      case "text", "varchar", "bpchar": return .textArray
      case "int2", "int4", "int8": return .integerArray
      default: break
      }
    } else {
      switch column.baseType {
      case "uuid": return .uuid
      case "text", "varchar", "bpchar", "citext", "name":
        var limit = [column.maxLength, restriction?.maxLength].compactMap { $0 }.min()
        if unique { limit = max(min(limit ?? 48, 48) - 12, 0) }
        if indexed { limit = min(limit ?? 200, 200) }
        let pool = limit.map { limit in
          pools.textSource.map { CopyTextEncoder.escaped(FixtureValuePools.truncated($0, to: limit)) }
        }
        return .text(pool: pool ?? pools.text, unique: unique, huge: huge)
      case "int2", "int4", "int8":
        let bits: Int64 = column.baseType == "int2" ? 15 : column.baseType == "int4" ? 31 : 63
        let typeMax = bits == 63 ? Int64.max : (Int64(1) << bits) - 1
        let typeMin = bits == 63 ? Int64.min : -(Int64(1) << bits)
        let minimum = max(typeMin, restriction?.minimum ?? typeMin)
        let maximum = min(typeMax, restriction?.maximum ?? typeMax)
        return .integer(minimum: unique ? max(minimum, 0) : minimum, maximum: maximum, unique: unique)
      case "numeric", "float4", "float8":
        // A check bounds it: whole numbers inside both the check and the precision.
        if restriction?.minimum != nil || restriction?.maximum != nil {
          var limit = Int64.max
          if let precision = column.numericPrecision, precision - (column.numericScale ?? 0) < 18 {
            limit =
              (0..<(precision - (column.numericScale ?? 0))).reduce(Int64(1)) { value, _ in value * 10 } - 1
          }
          return .integer(
            minimum: max(restriction?.minimum ?? -limit, -limit),
            maximum: min(restriction?.maximum ?? limit, limit),
            unique: false)
        }
        if column.baseType != "numeric" { return .float }
        return .numeric(precision: column.numericPrecision, scale: column.numericScale ?? 0)
      case "bool": return .boolean
      case "timestamptz": return .timestamp(withZone: true, unique: unique)
      case "timestamp": return .timestamp(withZone: false, unique: unique)
      case "date": return .date
      case "time": return .time
      case "json", "jsonb": return .json
      case "inet", "cidr": return .inet
      default: break
      }
    }
    guard nullable else {
      throw FixtureError(
        code: .unsupportedSchema,
        message: "\(table).\(column.name): the generator has no values for NOT NULL type \(column.type)",
        nextStep:
          "list values for it in the domains file (\"columns\": {\"\(table).\(column.name)\": {\"values\": […]}})"
      )
    }
    return .null
  }
}
