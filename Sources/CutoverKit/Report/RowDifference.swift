/// One row that differs between the source (as mapped) and the target, named by primary key.
public struct RowDifference: Codable, Sendable, Equatable {
  /// At most this many rows are listed per table; the report says when there are more.
  public static let limit = 100

  public enum Kind: String, Codable, Sendable {
    /// On the source, not on the target.
    case missing
    /// On the target, not on the source.
    case extra
    /// On both, with different values in `columns`.
    case changed
  }

  public var kind: Kind
  /// The primary key, column name to value as text (keys name rows; they are shown).
  public var key: [String: String]
  /// The columns whose values differ (`changed` only).
  public var columns: [String]
  /// The differing columns' values on each side; nil unless verify ran with `--show-values`.
  public var sourceValues: [String: String?]?
  public var targetValues: [String: String?]?
  /// Why `columns` is empty for a `changed` row: verify could not name them (never a guess).
  public var reason: String?

  public init(
    kind: Kind, key: [String: String], columns: [String] = [], sourceValues: [String: String?]? = nil,
    targetValues: [String: String?]? = nil, reason: String? = nil
  ) {
    self.reason = reason
    self.kind = kind
    self.key = key
    self.columns = columns
    self.sourceValues = sourceValues
    self.targetValues = targetValues
  }
}
