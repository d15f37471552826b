import CutoverKit

/// Everything a fill needs decided before the first row: per table, its row count, the
/// rule of each column and how its foreign keys pick parent rows.
///
/// Built from the catalog, the value domains, the scale and the seed only, so two runs with
/// the same inputs make the same bytes.
public struct FixturePlan: Sendable {
  /// How a foreign key picks the parent row of a child row.
  struct ForeignKeyPlan: Sendable {
    /// The parent table's index in `tables`, and its referenced columns' indexes in its `columns`.
    var parent: Int
    var parentColumns: [Int]
    /// `nil`: a random parent row; else this key's place in the table's injective group,
    /// which maps rows to distinct parent tuples (the key is part of a unique key).
    var injectivePosition: Int?
    /// How often the key is NULL (all its columns nullable), in percent.
    var nullPercent: Int
    var seed: UInt64
  }

  /// One column that COPY writes.
  struct ColumnPlan: Sendable {
    var name: String
    var rule: FixtureColumnRule
    var nullPercent: Int
    var seed: UInt64
  }

  /// One table to fill.
  public struct TablePlan: Sendable {
    public var name: QualifiedName
    public var rows: Int
    public var isHeavy: Bool
    var columns: [ColumnPlan]
    var foreignKeys: [ForeignKeyPlan]
    /// The foreign keys of the injective group, in order (indexes into `foreignKeys`).
    var injectiveGroup: [Int]
    /// Sequences owned by columns, to advance after the fill.
    public var sequences: [(sequence: String, column: String)]
    /// `COPY "s"."t" ("a", "b") FROM STDIN`.
    public var copyStatement: String {
      "COPY \(name.quoted) (\(columns.map { QualifiedName.quote($0.name) }.joined(separator: ", "))) FROM STDIN"
    }
  }

  /// The tables in load order (parents before children; cycles broken deterministically).
  public var tables: [TablePlan]
  /// Foreign keys set aside to break a cycle between tables (`table.constraint`); loads run
  /// without FK triggers, so they need no other care.
  public var cycleEdges: [String]
  let pools: FixtureValuePools

  /// Total rows over all tables.
  public var totalRows: Int { tables.reduce(0) { $0 + $1.rows } }
}
