/// A sequence, and the column that owns it when one does (serial, identity, `OWNED BY`).
public struct CatalogSequence: Sendable, Hashable, Codable {
  public var name: QualifiedName
  /// `smallint`, `integer` or `bigint`.
  public var dataType: String
  /// The owning table and column.
  public var ownedByTable: QualifiedName?
  public var ownedByColumn: String?
  /// True when the owner is an identity column (else serial or `OWNED BY`).
  public var isIdentity: Bool
  public var start: Int64
  public var increment: Int64
  public var minimum: Int64
  public var maximum: Int64
  public var cycles: Bool
  /// The last value handed out; nil before the first `nextval` or without the privilege
  /// to read it (as `pg_sequences.last_value`).
  public var lastValue: Int64?

  public init(
    name: QualifiedName, dataType: String, ownedByTable: QualifiedName? = nil, ownedByColumn: String? = nil,
    isIdentity: Bool = false, start: Int64 = 1, increment: Int64 = 1, minimum: Int64 = 1,
    maximum: Int64 = Int64.max, cycles: Bool = false, lastValue: Int64? = nil
  ) {
    self.name = name
    self.dataType = dataType
    self.ownedByTable = ownedByTable
    self.ownedByColumn = ownedByColumn
    self.isIdentity = isIdentity
    self.start = start
    self.increment = increment
    self.minimum = minimum
    self.maximum = maximum
    self.cycles = cycles
    self.lastValue = lastValue
  }
}
