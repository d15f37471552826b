/// What kind of relation a catalog entry is (`pg_class.relkind`).
public enum TableKind: String, Sendable, Hashable, Codable {
  /// `r`: an ordinary table (also a partition or an inheritance parent or child).
  case ordinary
  /// `p`: a partitioned table; its rows live in its partitions.
  case partitioned
  /// `v`: a view.
  case view
  /// `m`: a materialized view.
  case materializedView
  /// `f`: a foreign table.
  case foreignTable

  /// The kind of a `relkind` character, or nil for relations that are not tables or views.
  init?(relkind: String) {
    switch relkind {
    case "r": self = .ordinary
    case "p": self = .partitioned
    case "v": self = .view
    case "m": self = .materializedView
    case "f": self = .foreignTable
    default: return nil
    }
  }

  /// Whether rows are stored in (or under) the relation: ordinary and partitioned tables.
  public var holdsRows: Bool { self == .ordinary || self == .partitioned }
}
