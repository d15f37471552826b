import Foundation

/// `report.html`: the parity report as one self-contained page for the go/no-go meeting.
///
/// Inline CSS and JavaScript only (no external assets; it works from `file://` and offline).
/// The per-table table sorts and filters, and applies `#sort=rows&dir=desc&filter=failed&q=…`
/// from the URL fragment on load. Every database-provided text is escaped
/// (`ReportText.html`); values appear only when the report `showsValues`. The data attributes
/// (`data-verdict` on the banner, `data-table`/`data-status` on each table row) are the page's
/// machine-readable facts.
public struct HTMLReport: Sendable {
  /// The report's file name in the export directory.
  public static let fileName = "report.html"
  /// At most this many failures are listed in the banner; the sections below list them all.
  static let bannerFailures = 8

  public var report: ParityReport
  /// The approval, when one is recorded for this report (journal, not `report.json`).
  public var approval: ReportApproval?
  /// SHA-256 (hex) of the `report.json` bytes this renders, when known.
  public var reportSHA256: String?

  public init(report: ParityReport, approval: ReportApproval? = nil, reportSHA256: String? = nil) {
    self.report = report
    self.approval = approval
    self.reportSHA256 = reportSHA256
  }

  /// The whole page.
  public var text: String {
    var page = ""
    let verdict = report.verdict.rawValue
    page += "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    page += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    page += "<meta name=\"generator\" content=\"cutover \(e(report.cutoverVersion))\">\n"
    page += "<title>\(verdict.uppercased()) · parity report · \(e(report.target.database))</title>\n"
    page += "<style>\n\(Self.style)</style>\n</head>\n<body>\n"
    banner(into: &page)
    page += "<main>\n"
    tables(into: &page)
    failingTables(into: &page)
    checks(into: &page)
    policyBehaviour(into: &page)
    notMoved(into: &page)
    facts(into: &page)
    approvalSection(into: &page)
    page += "</main>\n"
    page += "<footer>Written by cutover \(e(report.cutoverVersion)) from report.json"
    if let reportSHA256 { page += " (SHA-256 <code>\(e(reportSHA256))</code>)" }
    page += ".</footer>\n"
    page += "<script>\n\(Self.script)</script>\n</body>\n</html>\n"
    return page
  }

  private func e(_ text: String) -> String { ReportText.html(text) }

  private func banner(into page: inout String) {
    let failures = report.failures
    let verdict = report.verdict
    page +=
      "<header id=\"verdict\" class=\"banner \(verdict.rawValue)\" data-verdict=\"\(verdict.rawValue)\" "
    page += "data-failures=\"\(failures.count)\" role=\"status\">\n"
    page += "<div class=\"verdict-word\">\(verdict.rawValue.uppercased())</div>\n<div class=\"verdict-text\">"
    switch verdict {
    case .green:
      page +=
        "<p class=\"lead\">Parity holds: every table matches or is skipped with a reason, no check failed.</p>"
    case .red:
      let tables = report.tables.filter { !$0.status.isGreen }.count
      let checks = report.checks.filter { !$0.status.isGreen }.count
      let policies = report.policyBehaviour.filter { !$0.status.isGreen }.count
      page += "<p class=\"lead\"><strong>Do not switch.</strong> \(failures.count) finding"
      page += failures.count == 1 ? "" : "s"
      page += " failed: \(tables) table\(tables == 1 ? "" : "s"), \(checks) check\(checks == 1 ? "" : "s"), "
      page += "\(policies) policy behaviour\(policies == 1 ? "" : "s").</p>\n<ol class=\"failures\">"
      for failure in failures.prefix(Self.bannerFailures) { page += "<li>\(e(failure))</li>" }
      if failures.count > Self.bannerFailures {
        page += "<li class=\"more\">and \(failures.count - Self.bannerFailures) more below</li>"
      }
      page += "</ol>"
    }
    page +=
      "\n<p class=\"subject\">Target <strong>\(e(report.target.database))</strong> against the export of "
    page +=
      "<strong>\(e(report.export.source.database))</strong>, checked \(ReportText.date(report.finishedAt)).</p>"
    page += "</div>\n</header>\n"
  }

  private func facts(into page: inout String) {
    page += "<section id=\"facts\">\n<h2>Run facts</h2>\n<dl class=\"facts\">\n"
    for fact in ReportFacts(report: report, reportSHA256: reportSHA256).rows {
      page += "<dt>\(e(fact.name))</dt><dd>\(e(fact.value))</dd>\n"
    }
    page += "</dl>\n</section>\n"
  }

  private func approvalSection(into page: inout String) {
    page +=
      "<section id=\"approval\" data-approved=\"\(approval == nil ? "false" : "true")\">\n<h2>Approval</h2>\n"
    if let approval {
      page += "<dl class=\"facts\"><dt>Approved by</dt><dd>\(e(approval.approvedBy))</dd>"
      page += "<dt>Approved at</dt><dd>\(ReportText.date(approval.approvedAt))</dd>"
      page += "<dt>Report SHA-256</dt><dd><code>\(e(approval.reportSHA256))</code></dd></dl>\n"
      if let reportSHA256, reportSHA256 != approval.reportSHA256 {
        page += "<p class=\"warning\">The approval names another report: this report.json is SHA-256 "
        page += "<code>\(e(reportSHA256))</code>.</p>\n"
      }
    } else {
      page +=
        "<p class=\"pending\">Not approved. Approved by: ________________ &nbsp; at: ________________</p>\n"
    }
    page += "</section>\n"
  }

  /// The sort keys of the per-table table's columns, nil for columns that do not sort.
  private static let columns: [(title: String, key: String?, numeric: Bool)] = [
    ("Table", "table", false), ("Source", nil, false), ("Status", "status", false),
    ("Source rows", nil, true), ("Target rows", "rows", true), ("Bytes", "bytes", true),
    ("Time", "time", true), ("Digest", nil, false),
  ]

  private func tables(into page: inout String) {
    let shown = ReportText.failuresFirst(report.tables) { $0.status.isGreen }
    let failed = shown.filter { !$0.status.isGreen }.count
    page += "<section id=\"tables-section\">\n<h2>Tables <span class=\"count\" id=\"table-count\">"
    page += "\(shown.count) tables, \(failed) failed</span></h2>\n"
    guard !shown.isEmpty else {
      page += "<p>No tables were checked.</p>\n</section>\n"
      return
    }
    page += "<div class=\"controls\" role=\"group\" aria-label=\"Filter the tables\">"
    page += "<label>Show <select id=\"filter\"><option value=\"all\">all tables</option>"
    page += "<option value=\"failed\">failed</option><option value=\"match\">match</option>"
    page += "<option value=\"skipped\">skipped</option><option value=\"not checked\">not checked</option>"
    page +=
      "</select></label> <label>Find <input id=\"search\" type=\"search\" placeholder=\"schema.table\"></label>"
    page += " <span class=\"hint\">Click a column heading to sort.</span></div>\n"
    page +=
      "<div class=\"scroll\">\n<table id=\"tables\" class=\"data\" data-sort=\"\" data-filter=\"all\">\n<thead><tr>"
    for column in Self.columns {
      let numeric = column.numeric ? " class=\"num\"" : ""
      if let key = column.key {
        page +=
          "<th\(numeric) data-key=\"\(key)\" aria-sort=\"none\" tabindex=\"0\" title=\"Sort\">\(column.title)</th>"
      } else {
        page += "<th\(numeric)>\(column.title)</th>"
      }
    }
    page += "</tr></thead>\n<tbody>\n"
    var failureIndex = 0
    for (order, table) in shown.enumerated() {
      let status = table.status.rawValue
      let rows = table.targetRows ?? table.sourceRows ?? -1
      page += "<tr data-table=\"\(e(table.target.description))\" data-status=\"\(status)\" "
      page += "data-failed=\"\(table.status.isGreen ? "false" : "true")\" data-order=\"\(order)\" "
      page +=
        "data-rows=\"\(rows)\" data-bytes=\"\(table.bytes ?? -1)\" data-time=\"\(table.seconds ?? -1)\">"
      if table.status.isGreen {
        page += "<td class=\"name\">\(e(table.target.description))</td>"
      } else {
        page +=
          "<td class=\"name\"><a href=\"#failure-\(failureIndex)\">\(e(table.target.description))</a></td>"
        failureIndex += 1
      }
      page += "<td class=\"name\">\(e(table.source?.description ?? "–"))</td>"
      page +=
        "<td><span class=\"pill \(status.replacingOccurrences(of: " ", with: "-"))\">\(status)</span></td>"
      page += "<td class=\"num\">\(ReportText.count(table.sourceRows))</td>"
      page += "<td class=\"num\">\(ReportText.count(table.targetRows))</td>"
      page += "<td class=\"num\">\(ReportText.bytes(table.bytes))</td>"
      page += "<td class=\"num\">\(ReportText.seconds(table.seconds))</td>"
      page += "<td class=\"digest\">\(e(ReportText.digest(table)))"
      if let reason = table.reason { page += "<span class=\"reason\">\(e(reason))</span>" }
      page += "</td></tr>\n"
    }
    page += "</tbody>\n</table>\n</div>\n</section>\n"
  }

  private func failingTables(into page: inout String) {
    let failing = report.tables.filter { !$0.status.isGreen }
    guard !failing.isEmpty else { return }
    page += "<section id=\"failing-tables\">\n<h2>Failing tables</h2>\n"
    for (index, table) in failing.enumerated() {
      page +=
        "<section class=\"failure\" id=\"failure-\(index)\" data-table=\"\(e(table.target.description))\">\n"
      page +=
        "<h3>\(e(table.target.description)) <span class=\"pill \(table.status.rawValue.replacingOccurrences(of: " ", with: "-"))\">"
      page += "\(table.status.rawValue)</span></h3>\n<dl class=\"facts\">"
      page += "<dt>Source table</dt><dd>\(e(table.source?.description ?? "none"))</dd>"
      page +=
        "<dt>Rows</dt><dd>source \(ReportText.count(table.sourceRows)), target \(ReportText.count(table.targetRows))</dd>"
      page += "<dt>Source digest</dt><dd><code>\(e(table.sourceDigest ?? "–"))</code></dd>"
      page += "<dt>Target digest</dt><dd><code>\(e(table.targetDigest ?? "–"))</code></dd>"
      if let reason = table.reason { page += "<dt>Reason</dt><dd>\(e(reason))</dd>" }
      page += "</dl>\n"
      if table.differences.isEmpty {
        page += "<p>No rows were narrowed down for this table.</p>\n"
      } else {
        differences(table, into: &page)
      }
      page += "</section>\n"
    }
    page += "</section>\n"
  }

  private func differences(_ table: TableParity, into page: inout String) {
    page +=
      "<div class=\"scroll\">\n<table class=\"data differences\">\n<thead><tr><th>Kind</th><th>Key</th><th>Columns</th>"
    if report.showsValues { page += "<th>Source values</th><th>Target values</th>" }
    page += "</tr></thead>\n<tbody>\n"
    for difference in table.differences {
      page += "<tr data-kind=\"\(difference.kind.rawValue)\"><td>\(difference.kind.rawValue)</td>"
      page += "<td class=\"name\">\(e(ReportText.key(difference.key)))</td>"
      page += "<td class=\"name\">\(e(ReportText.columns(difference)))</td>"
      if report.showsValues {
        page +=
          "<td class=\"value\">\(e(ReportText.values(difference.sourceValues, columns: difference.columns)))</td>"
        page +=
          "<td class=\"value\">\(e(ReportText.values(difference.targetValues, columns: difference.columns)))</td>"
      }
      page += "</tr>\n"
    }
    page += "</tbody>\n</table>\n</div>\n"
    if table.differencesTruncated {
      page += "<p class=\"note\">More rows differ than the \(table.differences.count) listed.</p>\n"
    }
    if !report.showsValues {
      page += "<p class=\"note\">Values are not shown (verify ran without <code>--show-values</code>); "
      page += "keys name the rows.</p>\n"
    }
  }

  private func checks(into page: inout String) {
    page += "<section id=\"checks\">\n<h2>Structure and security checks</h2>\n"
    guard !report.checks.isEmpty else {
      page += "<p>No checks were recorded.</p>\n</section>\n"
      return
    }
    for category in [ParityCheck.Category.structure, .security, .coverage] {
      let checks = ReportText.failuresFirst(report.checks.filter { $0.category == category }) {
        $0.status.isGreen
      }
      guard !checks.isEmpty else { continue }
      let failed = checks.filter { !$0.status.isGreen }.count
      page +=
        "<h3>\(category.rawValue.capitalized) <span class=\"count\">\(checks.count) check\(checks.count == 1 ? "" : "s"), \(failed) failed</span></h3>\n"
      page += "<div class=\"scroll\">\n<table class=\"data checks\" data-category=\"\(category.rawValue)\">\n"
      page += "<thead><tr><th>Status</th><th>Check</th><th>Subject</th><th>Message</th>"
      page += "<th>Next step or accepted because</th></tr></thead>\n<tbody>\n"
      for check in checks {
        page +=
          "<tr data-status=\"\(check.status.rawValue)\"><td><span class=\"pill \(check.status.rawValue)\">"
        page +=
          "\(check.status.rawValue)</span></td><td>\(e(check.name))</td><td class=\"name\">\(e(check.subject))</td>"
        page +=
          "<td>\(e(check.message))</td><td>\(e(check.acceptedBecause ?? check.nextStep ?? ""))</td></tr>\n"
      }
      page += "</tbody>\n</table>\n</div>\n"
    }
    page += "</section>\n"
  }

  private func policyBehaviour(into page: inout String) {
    page += "<section id=\"policy-behaviour\">\n<h2>Policy behaviour</h2>\n"
    guard !report.policyBehaviour.isEmpty else {
      page += "<p>No subjects were sampled.</p>\n</section>\n"
      return
    }
    page +=
      "<p>Rows each sampled subject can see, on the source (in the export's snapshot) and on the target.</p>\n"
    var subjects: [String] = []
    for finding in ReportText.failuresFirst(report.policyBehaviour, isGreen: { $0.status.isGreen })
    where !subjects.contains(finding.subject) {
      subjects.append(finding.subject)
    }
    for subject in subjects {
      let findings = ReportText.failuresFirst(report.policyBehaviour.filter { $0.subject == subject }) {
        $0.status.isGreen
      }
      page += "<h3 class=\"name\">\(e(subject))</h3>\n<div class=\"scroll\">\n<table class=\"data policy\">\n"
      page += "<thead><tr><th>Table</th><th class=\"num\">Source rows</th><th class=\"num\">Target rows</th>"
      page += "<th>Status</th><th>Accepted because</th><th>Note</th></tr></thead>\n<tbody>\n"
      for finding in findings {
        page +=
          "<tr data-status=\"\(finding.status.rawValue)\"><td class=\"name\">\(e(finding.table.description))</td>"
        page += "<td class=\"num\">\(ReportText.count(finding.sourceRows))</td>"
        page += "<td class=\"num\">\(ReportText.count(finding.targetRows))</td>"
        page += "<td><span class=\"pill \(finding.status.rawValue)\">\(finding.status.rawValue)</span></td>"
        page +=
          "<td>\(e(finding.acceptedBecause ?? ""))</td><td class=\"note\">\(e(finding.note ?? ""))</td></tr>\n"
      }
      page += "</tbody>\n</table>\n</div>\n"
    }
    page += "</section>\n"
  }

  private func notMoved(into page: inout String) {
    page += "<section id=\"not-moved\">\n<h2>Not moved by cutover</h2>\n"
    if report.notMoved.isEmpty {
      page += "<p>Nothing listed.</p>\n"
    } else {
      page += "<ul>"
      for item in report.notMoved { page += "<li>\(e(item))</li>" }
      page += "</ul>\n"
    }
    page += "</section>\n"
  }
}
