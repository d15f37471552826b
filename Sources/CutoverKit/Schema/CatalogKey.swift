/// A primary key or `UNIQUE` constraint: its name and columns in key order.
public struct CatalogKey: Sendable, Hashable, Codable {
  public var name: String
  public var columns: [String]
  /// `pg_get_constraintdef` (`PRIMARY KEY (id)`), to re-create the constraint.
  public var definition: String
  public var deferrable: Bool

  public init(name: String, columns: [String], definition: String = "", deferrable: Bool = false) {
    self.name = name
    self.columns = columns
    self.definition = definition
    self.deferrable = deferrable
  }
}
