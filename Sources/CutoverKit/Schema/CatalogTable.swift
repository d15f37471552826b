/// One relation of a catalog, with everything cutover reads about it.
public struct CatalogTable: Sendable, Codable {
  public var name: QualifiedName
  public var kind: TableKind
  /// The owning role (`pg_class.relowner`).
  public var owner: String
  /// The extension the relation belongs to (`pg_depend` type `e`), nil for a user table.
  public var fromExtension: String?
  /// The partitioned table this is a partition of.
  public var partitionOf: QualifiedName?
  /// The partition bound (`FOR VALUES …`), for partitions.
  public var partitionBound: String?
  /// Tables this inherits from (`INHERITS`), partitions' parents left out.
  public var inherits: [QualifiedName]
  /// Direct partitions (of a partitioned table) or inheritance children, sorted.
  public var children: [QualifiedName]
  /// The planner's estimates: `reltuples` (nil when never analyzed) and `relpages`.
  public var estimatedRows: Int64?
  public var pages: Int64
  /// `pg_relation_size`: the main fork's bytes (0 for a partitioned table).
  public var bytes: Int64
  /// Columns in `attnum` order, dropped ones left out.
  public var columns: [CatalogColumn]
  public var primaryKey: CatalogKey?
  /// `UNIQUE` constraints (unique indexes without a constraint are in `indexes`).
  public var uniqueConstraints: [CatalogKey]
  public var checks: [CatalogCheck]
  public var foreignKeys: [CatalogForeignKey]
  public var indexes: [CatalogIndex]
  /// Row-level security: `ENABLE` and `FORCE`.
  public var rowSecurityEnabled: Bool
  public var rowSecurityForced: Bool
  public var policies: [CatalogPolicy]
  /// Grants on the table and on its columns (`column` set), from the ACLs.
  public var grants: [CatalogGrant]

  public init(
    name: QualifiedName, kind: TableKind, owner: String, fromExtension: String? = nil,
    partitionOf: QualifiedName? = nil, partitionBound: String? = nil, inherits: [QualifiedName] = [],
    children: [QualifiedName] = [], estimatedRows: Int64? = nil, pages: Int64 = 0, bytes: Int64 = 0,
    columns: [CatalogColumn] = [], primaryKey: CatalogKey? = nil, uniqueConstraints: [CatalogKey] = [],
    checks: [CatalogCheck] = [], foreignKeys: [CatalogForeignKey] = [], indexes: [CatalogIndex] = [],
    rowSecurityEnabled: Bool = false, rowSecurityForced: Bool = false, policies: [CatalogPolicy] = [],
    grants: [CatalogGrant] = []
  ) {
    self.name = name
    self.kind = kind
    self.owner = owner
    self.fromExtension = fromExtension
    self.partitionOf = partitionOf
    self.partitionBound = partitionBound
    self.inherits = inherits
    self.children = children
    self.estimatedRows = estimatedRows
    self.pages = pages
    self.bytes = bytes
    self.columns = columns
    self.primaryKey = primaryKey
    self.uniqueConstraints = uniqueConstraints
    self.checks = checks
    self.foreignKeys = foreignKeys
    self.indexes = indexes
    self.rowSecurityEnabled = rowSecurityEnabled
    self.rowSecurityForced = rowSecurityForced
    self.policies = policies
    self.grants = grants
  }

  /// The column named `name`.
  public func column(_ name: String) -> CatalogColumn? { columns.first { $0.name == name } }

  /// The columns COPY reads and writes: all but generated ones, in order.
  public var copiedColumns: [CatalogColumn] { columns.filter { !$0.isGenerated } }

  /// Column sets that must be unique: the primary key, `UNIQUE` constraints, then unique
  /// indexes (partial and expression ones by the columns they reference), each set once.
  public var uniqueColumnSets: [[String]] {
    var sets: [[String]] = []
    for columns in [primaryKey.map(\.columns)].compactMap({ $0 }) + uniqueConstraints.map(\.columns)
      + indexes.filter(\.isUnique).map(\.columns)
    where !columns.isEmpty && !sets.contains(where: { Set($0) == Set(columns) }) {
      sets.append(columns)
    }
    return sets
  }

  /// Columns that any index references.
  public var indexedColumns: Set<String> { Set(indexes.flatMap(\.columns)) }

  /// Whether every column of `columns` may be NULL.
  public func allNullable(_ columns: [String]) -> Bool {
    columns.allSatisfy { name in column(name).map { !$0.notNull } ?? false }
  }
}
