/// What a database's catalog says about the schemas cutover reads: tables and their
/// columns, keys, checks, foreign keys, indexes, row-level security, policies and grants,
/// and the sequences — read by `CatalogReader`, one value for every part that needs them.
///
/// Nothing here names an application table: callers pick tables by schema, kind or the
/// facts themselves.
public struct Catalog: Sendable, Codable {
  /// The schemas read that exist, sorted.
  public var schemas: [String]
  /// Every table of those schemas (partitions and inheritance children included), sorted
  /// by name; views, materialized views and foreign tables too, with their `kind`.
  public var relations: [CatalogTable]
  /// The sequences of those schemas, and those owned by their tables, sorted by name.
  public var sequences: [CatalogSequence]

  public init(schemas: [String], relations: [CatalogTable], sequences: [CatalogSequence]) {
    self.schemas = schemas
    self.relations = relations
    self.sequences = sequences
  }

  /// The relations that hold rows: ordinary and partitioned tables (partitions included).
  public var tables: [CatalogTable] { relations.filter(\.kind.holdsRows) }

  /// The tables data is loaded through: partitions are left out (their parent's rows
  /// include theirs), inheritance children are kept (a parent's own rows exclude theirs).
  public var loadableTables: [CatalogTable] { tables.filter { $0.partitionOf == nil } }

  /// The relation named `name`.
  public func table(_ name: QualifiedName) -> CatalogTable? { relations.first { $0.name == name } }

  /// The sequence named `name`.
  public func sequence(_ name: QualifiedName) -> CatalogSequence? { sequences.first { $0.name == name } }
}
