import CutoverKit
import Foundation
import Testing

/// The Markdown and HTML renderings: order, escaping of hostile names, no values unless shown.
struct ReportRendererTests {
  static let hostile = [
    ReportSamples.scriptName.description, ReportSamples.quotedName.description,
    "<img src=x onerror=alert(2)>",
    "<b>vip</b>", "<em>p</em>",
  ]

  @Test func `the HTML escapes every hostile name, message and key`() throws {
    let html = HTMLReport(report: ReportSamples.red(showsValues: true)).text
    for text in Self.hostile {
      #expect(!html.contains(text), "raw \(text) in the page")
    }
    #expect(html.contains("app.&lt;script&gt;alert(1)&lt;/script&gt;"))
    #expect(html.contains("data-table=\"app.it&#39;s &quot;quoted&quot; &amp; | *so* `odd`\""))
    // The page's own script is the only one; no event-handler attribute made it in.
    #expect(html.components(separatedBy: "<script").count == 2)
    #expect(!html.contains("<img") && html.contains("id=&lt;img src=x onerror=alert(2)&gt;"))
    #expect(!html.contains("src=\"http") && !html.contains("href=\"http") && !html.contains("@import"))
  }

  @Test func `the Markdown escapes hostile names so each table row keeps its cells`() throws {
    let markdown = MarkdownReport(report: ReportSamples.red(showsValues: true)).text
    for text in Self.hostile {
      #expect(!markdown.contains(text), "raw \(text) in the Markdown")
    }
    let lines = markdown.components(separatedBy: "\n")
    let header = try #require(lines.first { $0.hasPrefix("| Table |") })
    let width = ReportAgreement.cells(header).count
    let rows = lines.drop { $0 != header }.dropFirst(2).prefix { $0.hasPrefix("|") }
    #expect(rows.count == ReportSamples.red().tables.count)
    for row in rows { #expect(ReportAgreement.cells(row).count == width, "\(row)") }
    let names = rows.map { ReportAgreement.cells($0)[0] }
    #expect(names.contains(ReportSamples.quotedName.description))
    #expect(names.contains(ReportSamples.scriptName.description))
  }

  @Test(arguments: [false, true])
  func `values appear only when the report shows values`(showsValues: Bool) {
    let report = ReportSamples.red(showsValues: showsValues)
    let html = HTMLReport(report: report).text
    let markdown = MarkdownReport(report: report).text
    let value = ReportSamples.personalValue
    #expect(html.contains(value) == showsValues)
    #expect(markdown.contains(value) == showsValues)
    #expect(html.contains("Source values") == showsValues)
    // Keys name rows and are always shown; so are the differing columns' names.
    #expect(html.contains("id=2001, tenant=7") && markdown.contains("id=2001, tenant=7"))
    #expect(html.contains("email, note"))
  }

  @Test func `a policy finding's note (a bounded or refused count) is in both renderings, in its row`() throws
  {
    let report = ReportSamples.red()
    let note = "of the first 1000 rows by primary key"
    let markdown = MarkdownReport(report: report).text
    let row = try #require(markdown.components(separatedBy: "\n").first { $0.contains(note) })
    #expect(row.contains("app.orders") && row.contains("user 3f2c9a11"))
    let html = HTMLReport(report: report).text
    #expect(html.contains("<td class=\"note\">\(note)</td>"))
  }

  @Test
  func `the Markdown puts the verdict first, then failures, tables, checks, policies, not-moved, facts`()
    throws
  {
    let markdown = MarkdownReport(report: ReportSamples.red()).text
    #expect(markdown.hasPrefix("# Parity report: RED\n\n**Verdict: RED**"))
    let order = [
      "## Failures", "## Tables", "## Failing tables", "## Structure and security checks",
      "## Policy behaviour",
      "## Not moved by cutover", "## Run facts", "## Approval",
    ]
    let positions = try order.map { try #require(markdown.range(of: "\n" + $0 + "\n")?.lowerBound, "\($0)") }
    #expect(positions == positions.sorted())
    // Failures first in the per-table table.
    let rows = markdown.components(separatedBy: "\n").drop { !$0.hasPrefix("| Table |") }.dropFirst(2)
      .prefix { $0.hasPrefix("|") }.map { ReportAgreement.cells($0)[2] }
    #expect(Array(rows.prefix(3)) == ["❌ differs", "❌ differs", "⚠️ not checked"])
    #expect(markdown.contains("More rows differ than the 4 listed."))
    #expect(markdown.contains("v2 hides the service account's own profile"))
  }

  @Test func `a green report says so and lists no failures`() {
    let report = ReportSamples.green()
    #expect(report.verdict == .green)
    let markdown = MarkdownReport(report: report).text
    let html = HTMLReport(report: report).text
    #expect(markdown.hasPrefix("# Parity report: GREEN\n\n**Verdict: GREEN**"))
    #expect(!markdown.contains("## Failures") && !markdown.contains("## Failing tables"))
    #expect(html.contains("class=\"banner green\" data-verdict=\"green\""))
    #expect(!html.contains("id=\"failing-tables\""))
  }

  @Test func `the run facts name source, target, snapshot, version and every input checksum`() {
    let report = ReportSamples.red()
    let sha = ReportSamples.digest(999)
    // Markdown escapes underscores (emphasis), so it is compared with them escaped.
    for (text, escape) in [
      (HTMLReport(report: report, reportSHA256: sha).text, false),
      (MarkdownReport(report: report, reportSHA256: sha).text, true),
    ] {
      for expected in [
        "legacy_prod on db.legacy.example.com:5432", "v2_prod on db.v2.example.com:5432",
        "00000003-0000001B-1",
        report.cutoverVersion, report.export.manifestSHA256, ReportSamples.digest(901),
        ReportSamples.digest(902),
        "supabase/migrations_v2", "2026-05-01T01:46:40Z", sha,
      ] {
        let shown = escape ? expected.replacingOccurrences(of: "_", with: "\\_") : expected
        #expect(text.contains(shown), "\(shown)")
      }
    }
  }

  @Test func `the approval slot shows who approved which report, and warns when it names another`() throws {
    let report = ReportSamples.green()
    let sha = ReportSamples.digest(999)
    let approval = ReportApproval(
      approvedBy: "Dana <ops>", approvedAt: ReportSamples.started.addingTimeInterval(7_200), reportSHA256: sha
    )
    let html = HTMLReport(report: report, approval: approval, reportSHA256: sha).text
    #expect(html.contains("data-approved=\"true\""))
    #expect(html.contains("Dana &lt;ops&gt;") && html.contains("2026-05-01T03:46:40Z"))
    #expect(!html.contains("names another report"))
    let stale = HTMLReport(report: report, approval: approval, reportSHA256: ReportSamples.digest(998)).text
    #expect(stale.contains("The approval names another report"))
    let markdown = MarkdownReport(report: report, approval: approval, reportSHA256: sha).text
    #expect(markdown.contains("Approved by Dana &lt;ops&gt; at 2026-05-01T03:46:40Z"))
    #expect(HTMLReport(report: report).text.contains("data-approved=\"false\""))
    #expect(MarkdownReport(report: report).text.contains("## Approval\n\nNot approved."))
  }
}
