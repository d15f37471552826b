import Foundation

/// What an import did, for the command line (text or `--json`).
public struct ImportSummary: Sendable, Codable {
  /// One loaded (or skipped) target table.
  public struct Table: Sendable, Codable {
    public var table: QualifiedName
    public var sources: [QualifiedName]
    public var rowsRead: Int64
    public var rowsWritten: Int64
    /// True when an earlier run loaded it (`--resume`).
    public var resumed: Bool
  }

  /// The target, redacted.
  public var target: String
  public var tables: [Table]
  /// Export tables whose mapping says `skip`, with why.
  public var skipped: [String: String]
  /// Indexes and foreign keys dropped and re-created (those an earlier run dropped included).
  public var indexesRebuilt: Int
  public var foreignKeysRebuilt: Int
  /// Sequences set past their column's maximum.
  public var sequencesSet: Int
  public var seconds: Double

  /// Rows written into the target by this run and earlier ones.
  public var rows: Int64 { tables.reduce(0) { $0 + $1.rowsWritten } }

  /// The summary in words.
  public var text: String {
    let loaded = tables.filter { !$0.resumed }
    let resumed = tables.count - loaded.count
    var lines = [
      "imported \(tables.count) tables into \(target) (\(rows) rows) in \(String(format: "%.1f", seconds)) s"
    ]
    if resumed > 0 { lines.append("  \(resumed) tables an earlier run loaded were skipped (--resume)") }
    lines.append(
      "  \(indexesRebuilt) indexes and \(foreignKeysRebuilt) foreign keys dropped and re-created, each proven as the chain defines it"
    )
    lines.append("  \(sequencesSet) sequences set past their column's maximum; every table analyzed")
    for (table, reason) in skipped.sorted(by: { $0.key < $1.key }) {
      lines.append("  skipped \(table): \(reason)")
    }
    return lines.joined(separator: "\n")
  }
}
