import Foundation

/// `report.md`: the parity report for review in a pull request.
///
/// Verdict first, then what failed, the per-table table (failures first), the rows that
/// differ, checks, policy behaviour, what cutover does not move, run facts and the approval.
/// Every database-provided text is escaped (`ReportText.markdownCell`); values appear only
/// when the report `showsValues`.
public struct MarkdownReport: Sendable {
  /// The report's file name in the export directory.
  public static let fileName = "report.md"

  public var report: ParityReport
  /// The approval, when one is recorded for this report (it lives in the journal, not in
  /// `report.json`).
  public var approval: ReportApproval?
  /// SHA-256 (hex) of the `report.json` bytes this renders, when known.
  public var reportSHA256: String?

  public init(report: ParityReport, approval: ReportApproval? = nil, reportSHA256: String? = nil) {
    self.report = report
    self.approval = approval
    self.reportSHA256 = reportSHA256
  }

  /// The status words the per-table table uses, with a symbol for quick scanning.
  public static func statusCell(_ status: TableParity.Status) -> String {
    switch status {
    case .match: "✅ match"
    case .differs: "❌ differs"
    case .skipped: "⏭️ skipped"
    case .notChecked: "⚠️ not checked"
    }
  }

  /// The whole document.
  public var text: String {
    var lines: [String] = []
    verdict(into: &lines)
    tables(into: &lines)
    differences(into: &lines)
    checks(into: &lines)
    policyBehaviour(into: &lines)
    notMoved(into: &lines)
    facts(into: &lines)
    approvalSection(into: &lines)
    return lines.joined(separator: "\n") + "\n"
  }

  private func cell(_ text: String) -> String { ReportText.markdownCell(text) }

  private func row(_ cells: [String]) -> String { "| " + cells.joined(separator: " | ") + " |" }

  private func verdict(into lines: inout [String]) {
    let failures = report.failures
    switch report.verdict {
    case .green:
      lines.append("# Parity report: GREEN")
      lines.append("")
      lines.append("**Verdict: GREEN** — every table matches or is skipped with a reason, no check failed.")
    case .red:
      lines.append("# Parity report: RED")
      lines.append("")
      lines.append(
        "**Verdict: RED** — do not switch: \(failures.count) finding\(failures.count == 1 ? "" : "s") failed."
      )
    }
    lines.append("")
    lines.append(
      "Target \(cell(report.target.database)) checked against the export of \(cell(report.export.source.database)) "
        + "(snapshot \(cell(report.export.snapshot))), \(ReportText.date(report.finishedAt)).")
    if !failures.isEmpty {
      lines.append("")
      lines.append("## Failures")
      lines.append("")
      for failure in failures { lines.append("- " + cell(failure)) }
    }
    lines.append("")
  }

  private func tables(into lines: inout [String]) {
    lines.append("## Tables")
    lines.append("")
    guard !report.tables.isEmpty else {
      lines.append("No tables were checked.")
      lines.append("")
      return
    }
    let shown = ReportText.failuresFirst(report.tables) { $0.status.isGreen }
    let failed = shown.filter { !$0.status.isGreen }.count
    lines.append("\(report.tables.count) tables, \(failed) failed.")
    lines.append("")
    lines.append(row(["Table", "Source", "Status", "Source rows", "Target rows", "Bytes", "Time", "Digest"]))
    lines.append("|:--|:--|:--|--:|--:|--:|--:|:--|")
    for table in shown {
      var digest = ReportText.digest(table)
      if let reason = table.reason { digest += " — " + reason }
      lines.append(
        row([
          cell(table.target.description), cell(table.source?.description ?? "–"),
          Self.statusCell(table.status),
          ReportText.count(table.sourceRows), ReportText.count(table.targetRows),
          ReportText.bytes(table.bytes),
          ReportText.seconds(table.seconds), cell(digest),
        ]))
    }
    lines.append("")
  }

  private func differences(into lines: inout [String]) {
    let failing = report.tables.filter { !$0.status.isGreen }
    guard !failing.isEmpty else { return }
    lines.append("## Failing tables")
    lines.append("")
    for table in failing {
      lines.append("### " + cell(table.target.description) + " — " + table.status.rawValue)
      lines.append("")
      lines.append(
        "Rows: source \(ReportText.count(table.sourceRows)), target \(ReportText.count(table.targetRows)). "
          + "Digest: \(cell(ReportText.digest(table))).")
      if let reason = table.reason {
        lines.append("")
        lines.append("Reason: " + cell(reason))
      }
      lines.append("")
      guard !table.differences.isEmpty else { continue }
      var header = ["Kind", "Key", "Columns"]
      if report.showsValues { header += ["Source values", "Target values"] }
      lines.append(row(header))
      lines.append("|" + String(repeating: ":--|", count: header.count))
      for difference in table.differences {
        var cells = [
          difference.kind.rawValue, cell(ReportText.key(difference.key)),
          cell(ReportText.columns(difference)),
        ]
        if report.showsValues {
          cells.append(cell(ReportText.values(difference.sourceValues, columns: difference.columns)))
          cells.append(cell(ReportText.values(difference.targetValues, columns: difference.columns)))
        }
        lines.append(row(cells))
      }
      lines.append("")
      if table.differencesTruncated {
        lines.append("More rows differ than the \(table.differences.count) listed.")
        lines.append("")
      }
      if !report.showsValues {
        lines.append("Values are not shown (verify ran without `--show-values`); keys name the rows.")
        lines.append("")
      }
    }
  }

  private func checks(into lines: inout [String]) {
    lines.append("## Structure and security checks")
    lines.append("")
    guard !report.checks.isEmpty else {
      lines.append("No checks were recorded.")
      lines.append("")
      return
    }
    lines.append(row(["Category", "Check", "Subject", "Status", "Message", "Next step or accepted because"]))
    lines.append("|:--|:--|:--|:--|:--|:--|")
    for check in ReportText.failuresFirst(report.checks, isGreen: { $0.status.isGreen }) {
      lines.append(
        row([
          check.category.rawValue, cell(check.name), cell(check.subject), check.status.rawValue,
          cell(check.message),
          cell(check.acceptedBecause ?? check.nextStep ?? ""),
        ]))
    }
    lines.append("")
  }

  private func policyBehaviour(into lines: inout [String]) {
    lines.append("## Policy behaviour")
    lines.append("")
    guard !report.policyBehaviour.isEmpty else {
      lines.append("No subjects were sampled.")
      lines.append("")
      return
    }
    lines.append(
      row(["Subject", "Table", "Source rows", "Target rows", "Status", "Accepted because", "Note"]))
    lines.append("|:--|:--|--:|--:|:--|:--|:--|")
    for finding in ReportText.failuresFirst(report.policyBehaviour, isGreen: { $0.status.isGreen }) {
      lines.append(
        row([
          cell(finding.subject), cell(finding.table.description), ReportText.count(finding.sourceRows),
          ReportText.count(finding.targetRows), finding.status.rawValue, cell(finding.acceptedBecause ?? ""),
          cell(finding.note ?? ""),
        ]))
    }
    lines.append("")
  }

  private func notMoved(into lines: inout [String]) {
    lines.append("## Not moved by cutover")
    lines.append("")
    if report.notMoved.isEmpty { lines.append("Nothing listed.") }
    for item in report.notMoved { lines.append("- " + cell(item)) }
    lines.append("")
  }

  private func facts(into lines: inout [String]) {
    lines.append("## Run facts")
    lines.append("")
    lines.append("| Fact | Value |")
    lines.append("|:--|:--|")
    for fact in ReportFacts(report: report, reportSHA256: reportSHA256).rows {
      lines.append(row([cell(fact.name), cell(fact.value)]))
    }
    lines.append("")
  }

  private func approvalSection(into lines: inout [String]) {
    lines.append("## Approval")
    lines.append("")
    if let approval {
      lines.append(
        "Approved by \(cell(approval.approvedBy)) at \(ReportText.date(approval.approvedAt)) "
          + "for report.json SHA-256 \(cell(approval.reportSHA256)).")
      if let reportSHA256, reportSHA256 != approval.reportSHA256 {
        lines.append("")
        lines.append(
          "**The approval names another report**: this report.json is SHA-256 \(cell(reportSHA256)).")
      }
    } else {
      lines.append("Not approved.")
    }
    lines.append("")
  }
}
