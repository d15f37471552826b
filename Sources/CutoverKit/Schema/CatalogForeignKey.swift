/// A foreign key: `columns` of its table reference `referencedColumns` of `referenced`.
public struct CatalogForeignKey: Sendable, Hashable, Codable {
  public var name: String
  public var columns: [String]
  public var referenced: QualifiedName
  public var referencedColumns: [String]
  /// `pg_get_constraintdef`, to drop and re-create the key around a load.
  public var definition: String
  public var deferrable: Bool
  public var initiallyDeferred: Bool
  /// False for a key added `NOT VALID` and not validated since.
  public var validated: Bool

  public init(
    name: String, columns: [String], referenced: QualifiedName, referencedColumns: [String],
    definition: String = "", deferrable: Bool = false, initiallyDeferred: Bool = false,
    validated: Bool = true
  ) {
    self.name = name
    self.columns = columns
    self.referenced = referenced
    self.referencedColumns = referencedColumns
    self.definition = definition
    self.deferrable = deferrable
    self.initiallyDeferred = initiallyDeferred
    self.validated = validated
  }
}
