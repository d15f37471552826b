/// A `CHECK` constraint: its name and `pg_get_constraintdef` (`CHECK ((price >= 0))`).
public struct CatalogCheck: Sendable, Hashable, Codable {
  public var name: String
  public var definition: String
  /// False for a constraint added `NOT VALID` and not validated since.
  public var validated: Bool

  public init(name: String, definition: String, validated: Bool = true) {
    self.name = name
    self.definition = definition
    self.validated = validated
  }
}
