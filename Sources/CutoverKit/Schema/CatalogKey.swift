/// A primary key or `UNIQUE` constraint: its name and columns in key order.
public struct CatalogKey: Sendable, Hashable {
  public var name: String
  public var columns: [String]
  public var deferrable: Bool

  public init(name: String, columns: [String], deferrable: Bool = false) {
    self.name = name
    self.columns = columns
    self.deferrable = deferrable
  }
}
