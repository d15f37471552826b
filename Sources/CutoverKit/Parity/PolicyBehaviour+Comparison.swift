extension PolicyBehaviour {
  /// The findings of a comparison, and the allow-list's warnings.
  public struct Comparison: Sendable, Equatable {
    /// One per target table and subject: equal, accepted (with the entry's reason) or differs.
    public var findings: [PolicyBehaviourFinding]
    /// A `warning` check per allow-list entry that no longer matches any difference.
    public var checks: [ParityCheck]
  }

  /// Compares what each subject sees on the source (the mapped source tables, summed) with
  /// what it sees in each target table.
  ///
  /// A subject sees the same when the row counts are equal and both sides counted (or both
  /// refused, with the same SQLSTATE). A difference an entry of `accepted` covers is
  /// `accepted` with the entry's reason; an entry covering no difference is a warning.
  /// - Parameter mappings: source table → target table, skipped tables left out.
  public static func compare(
    source: PolicyBehaviourCounts, target: PolicyBehaviourCounts, mappings: [(QualifiedName, QualifiedName)],
    accepted: [PolicyAcceptance]
  ) -> Comparison {
    var sourcesOf: [QualifiedName: [QualifiedName]] = [:]
    for (from, to) in mappings { sourcesOf[to, default: []].append(from) }
    var findings: [PolicyBehaviourFinding] = []
    var checks: [ParityCheck] = []
    var used = Set<Int>()
    for table in target.tables.sorted(by: { $0.table < $1.table }) {
      guard let sources = sourcesOf[table.table] else { continue }
      let sourceTables = sources.compactMap { source.table($0) }
      guard !sourceTables.isEmpty, sourceTables.count == sources.count else { continue }
      if let bounded = sourceTables.first(where: { $0.bound != nil }),
        sourceTables.count != 1 || table.bound?.values != bounded.bound?.values
      {
        checks.append(unbounded(table.table, source: bounded.table, rows: source.rowsPerTable))
        continue
      }
      var subjects: [(String, Bool, PolicyBehaviourCounts.Count?, PolicyBehaviourCounts.Count?)] = []
      if source.includesAnon && target.includesAnon {
        subjects.append(("anon", true, sum(sourceTables.map(\.anon)), table.anon))
      }
      for user in source.users {
        subjects.append(
          (
            subjectName(user), false, sum(sourceTables.map { $0.users[user.id] }), table.users[user.id]
          ))
      }
      for (subject, isAnon, sourceCount, targetCount) in subjects {
        guard let sourceCount, let targetCount else { continue }
        var finding = PolicyBehaviourFinding(
          table: table.table, subject: subject, sourceRows: sourceCount.rows ?? 0,
          targetRows: targetCount.rows ?? 0, status: .equal)
        if sourceCount.rows == nil || targetCount.rows == nil {
          finding.note = "source: \(sourceCount.text), target: \(targetCount.text)"
        } else if sourceTables.first?.bound != nil, let rows = source.rowsPerTable {
          finding.note = "of the first \(rows) rows by primary key"
        }
        if sourceCount != targetCount {
          if let index = accepted.firstIndex(where: { $0.covers(table: table.table, anon: isAnon) }) {
            used.insert(index)
            finding.status = .accepted
            finding.acceptedBecause = accepted[index].reason
          } else {
            finding.status = .differs
          }
        }
        findings.append(finding)
      }
    }
    for (index, entry) in accepted.enumerated() where !used.contains(index) {
      checks.append(
        ParityCheck(
          category: .security, name: "policy allow-list",
          subject: "\(entry.table) as \(entry.subject)", status: .warning,
          message:
            "the allow-list entry\(entry.location.map { " at \($0)" } ?? "") accepts a difference in visible rows that no sampled subject shows any more (\(entry.reason))",
          nextStep: "remove the entry from [policy_behaviour] if the difference is gone for good"))
    }
    return Comparison(findings: findings, checks: checks)
  }

  /// The warning for a target table that cannot count the rows its source counted by key.
  private static func unbounded(_ table: QualifiedName, source: QualifiedName, rows: Int?) -> ParityCheck {
    ParityCheck(
      category: .security, name: "policy behaviour", subject: "\(table)", status: .warning,
      message:
        "not compared: the export counted \(source)'s first \(rows.map(String.init) ?? "") rows by primary key, and \(table) cannot count the same rows (it has other sources too, or its mapping computes or relabels the key, or its primary key is on other columns)",
      nextStep:
        "to compare it, export again with policy_behaviour.rows_per_table = 0 (every row of every table is counted)"
    )
  }

  /// "user <id> (stratum admin)" or "user <id>".
  public static func subjectName(_ user: PolicyBehaviourCounts.User) -> String {
    "user \(user.id)" + (user.stratum.map { " (stratum \($0))" } ?? "")
  }

  /// The sum of several source tables' counts; refused when any is; nil when any is missing.
  private static func sum(_ counts: [PolicyBehaviourCounts.Count?]) -> PolicyBehaviourCounts.Count? {
    var rows: Int64 = 0
    for count in counts {
      guard let count else { return nil }
      guard let counted = count.rows else { return count }
      rows += counted
    }
    return .init(rows: rows)
  }
}
