/// An index of a table.
public struct CatalogIndex: Sendable, Hashable, Codable {
  /// The index's name (in the table's schema).
  public var name: String
  /// `pg_get_indexdef`: the `CREATE INDEX` statement that re-creates it.
  public var definition: String
  public var isUnique: Bool
  public var isPrimary: Bool
  /// The constraint it backs (primary key, unique, exclusion), nil for a plain index.
  public var constraint: String?
  /// The columns it references: key columns in order, then those only its expressions or
  /// predicate use.
  public var columns: [String]
  /// True for a partial index (`WHERE …`).
  public var isPartial: Bool
  /// `pg_index.indisvalid`: false for an index a failed `CREATE INDEX CONCURRENTLY` left.
  public var isValid: Bool

  public init(
    name: String, definition: String, isUnique: Bool = false, isPrimary: Bool = false,
    constraint: String? = nil, columns: [String] = [], isPartial: Bool = false,
    isValid: Bool = true
  ) {
    self.name = name
    self.definition = definition
    self.isUnique = isUnique
    self.isPrimary = isPrimary
    self.constraint = constraint
    self.columns = columns
    self.isPartial = isPartial
    self.isValid = isValid
  }
}
