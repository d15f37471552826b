/// What `cutover plan` found: load order, mappings, what is not moved, findings.
///
/// One model for the text and `--json`.
public struct PlanReport: Codable, Sendable {
  /// One table's line.
  public struct TableLine: Codable, Sendable {
    public var source: String
    public var target: String?
    /// `mappings/….yaml`, nil for a default.
    public var file: String?
    /// "moved", "skipped" or "starts empty".
    public var action: String
    /// The mapping in one line, or the skip's reason.
    public var detail: String
  }

  /// Where the target's schema came from (a migrated target or a scratch database).
  public var targetSchema: String
  /// The target tables by foreign-key level, parents first.
  public var loadOrder: [[String]]
  /// Foreign keys the levels do not honour, with why (self-reference, cycle).
  public var setAside: [String]
  /// Groups of tables that reference each other.
  public var cycles: [[String]]
  public var tables: [TableLine]
  /// What cutover does not move and the operator must handle, one line each.
  public var notMoved: [String]
  public var findings: [MappingFinding]

  public var problems: [MappingFinding] { findings.filter { $0.severity == .problem } }

  /// 1 on any problem, else 0.
  public var exitStatus: ExitStatus { problems.isEmpty ? .success : .checkFailed }

  /// The report as plain text, sections in the issue's order.
  public var text: String {
    var lines = ["target schema: \(targetSchema)", "", "load order (foreign-key levels, parents first):"]
    for (level, names) in loadOrder.enumerated() {
      lines.append("  level \(level): \(names.joined(separator: ", "))")
    }
    if !setAside.isEmpty {
      lines.append(
        "  loaded with per-row checks off, validated after (set aside from the levels):")
      lines += setAside.map { "    \($0)" }
    }
    for cycle in cycles { lines.append("  cycle: \(cycle.joined(separator: " ↔ "))") }
    lines += ["", "tables (\(tables.count)):"]
    let width = tables.map(\.source.count).max() ?? 0
    for table in tables {
      let padding = String(repeating: " ", count: width - table.source.count)
      lines.append("  \(table.source)\(padding)  \(table.action): \(table.detail)")
    }
    lines += ["", "not moved by cutover (the operator handles these):"]
    lines += notMoved.isEmpty ? ["  nothing detected"] : notMoved.map { "  \($0)" }
    let warnings = findings.filter { $0.severity == .warning }
    if !warnings.isEmpty {
      lines += ["", "warnings (\(warnings.count)):"] + warnings.map { "  \($0)" }
    }
    lines.append("")
    if problems.isEmpty {
      lines.append("plan: no problems (\(tables.count) tables accounted for)")
    } else {
      lines.append("problems (\(problems.count)):")
      lines += problems.map { "  \($0)" }
      lines.append(
        "plan: \(problems.count) problem\(problems.count == 1 ? "" : "s"); fix the mappings or the schema and run plan again"
      )
    }
    return lines.joined(separator: "\n")
  }
}
