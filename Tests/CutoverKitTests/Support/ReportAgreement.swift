import CutoverKit
import CutoverTestSupport
import Foundation
import Testing

/// Reads a written report back from each of its three files and checks that they agree.
///
/// The verify tests call `expectAgreement(in:)` on a real export's directory after
/// `Verifier.run`; the report tests call it on hand-built reports.
enum ReportAgreement {
  /// The verdict and every table's status, as one file tells them.
  struct Summary: Equatable, CustomStringConvertible {
    var verdict: String
    /// Target table (`schema.name`) to status (`match`, `differs`, `skipped`, `not checked`).
    var tables: [String: String]

    var description: String {
      "\(verdict): "
        + tables.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
    }
  }

  /// What the three files say, each read its own way.
  struct Readings {
    var json: Summary
    var markdown: Summary
    var html: Summary
  }

  /// Derives the verdict and table statuses from report.json, report.md and report.html in
  /// `directory`, expects them to agree (and to agree with `report` when given), and
  /// returns the JSON's reading.
  @discardableResult
  static func expectAgreement(
    in directory: URL, report: ParityReport? = nil, sourceLocation: SourceLocation = #_sourceLocation
  ) throws -> Summary {
    let readings = try read(directory)
    #expect(
      readings.markdown == readings.json, "report.md disagrees with report.json",
      sourceLocation: sourceLocation)
    #expect(
      readings.html == readings.json, "report.html disagrees with report.json", sourceLocation: sourceLocation
    )
    if let report {
      #expect(
        readings.json == summary(of: report), "report.json is not the report", sourceLocation: sourceLocation)
    }
    return readings.json
  }

  /// The three readings of `directory`'s report.
  static func read(_ directory: URL) throws -> Readings {
    Readings(
      json: try fromJSON(directory), markdown: try fromMarkdown(directory), html: try fromHTML(directory))
  }

  /// What a report model says.
  static func summary(of report: ParityReport) -> Summary {
    Summary(
      verdict: report.verdict.rawValue,
      tables: Dictionary(report.tables.map { ($0.target.description, $0.status.rawValue) }) { first, _ in
        first
      })
  }

  /// report.json, decoded (which also refuses a verdict that disagrees with its findings).
  static func fromJSON(_ directory: URL) throws -> Summary {
    let read = try #require(
      try ParityReport.read(directory: directory), "no report.json in \(directory.path)")
    return summary(of: read.report)
  }

  /// report.md: the `**Verdict: …**` line and the rows of the table under `## Tables`.
  static func fromMarkdown(_ directory: URL) throws -> Summary {
    let text = try String(
      contentsOf: directory.appendingPathComponent(MarkdownReport.fileName), encoding: .utf8)
    let lines = text.components(separatedBy: "\n")
    let verdictLine = try #require(
      lines.first { $0.hasPrefix("**Verdict: ") }, "report.md has no verdict line")
    let verdict = verdictLine.dropFirst("**Verdict: ".count).prefix { $0 != "*" }.lowercased()
    var tables: [String: String] = [:]
    guard let heading = lines.firstIndex(of: "## Tables") else {
      throw TestSupportError("report.md has no ## Tables section")
    }
    var index = heading + 1
    while index < lines.count, !lines[index].hasPrefix("| Table |") {
      if lines[index].hasPrefix("## ") { return Summary(verdict: verdict, tables: tables) }
      index += 1
    }
    let header = cells(lines[index])
    let nameColumn = try #require(header.firstIndex(of: "Table"))
    let statusColumn = try #require(header.firstIndex(of: "Status"))
    index += 2  // the header and the alignment row
    while index < lines.count, lines[index].hasPrefix("|") {
      let row = cells(lines[index])
      try #require(row.count == header.count, "report.md row has \(row.count) cells: \(lines[index])")
      // "❌ differs": the symbol, then the status words.
      let status = row[statusColumn].split(separator: " ", maxSplits: 1).last.map(String.init) ?? ""
      tables[row[nameColumn]] = status
      index += 1
    }
    return Summary(verdict: verdict, tables: tables)
  }

  /// Splits a Markdown table row at its unescaped pipes and undoes the cell escaping.
  static func cells(_ line: String) -> [String] {
    var cells: [String] = []
    var current = ""
    var escaped = false
    for character in line.dropFirst().dropLast() {
      if escaped {
        current.append(character)
        escaped = false
      } else if character == "\\" {
        escaped = true
      } else if character == "|" {
        cells.append(current)
        current = ""
      } else {
        current.append(character)
      }
    }
    cells.append(current)
    return cells.map { decodeEntities($0.trimmingCharacters(in: .whitespaces)) }
  }

  /// report.html: `data-verdict` on the banner, `data-table` and `data-status` on the rows of
  /// the per-table table.
  static func fromHTML(_ directory: URL) throws -> Summary {
    let text = try String(contentsOf: directory.appendingPathComponent(HTMLReport.fileName), encoding: .utf8)
    return try summary(ofHTML: text)
  }

  /// The summary of an HTML page (as written, or as a browser dumped its DOM).
  static func summary(ofHTML text: String) throws -> Summary {
    let banner = try #require(
      text.firstMatch(of: /id="verdict"[^>]*data-verdict="([a-z]+)"/), "no verdict banner")
    var tables: [String: String] = [:]
    for row in tableRows(ofHTML: text) { tables[row.table] = row.status }
    return Summary(verdict: String(banner.output.1), tables: tables)
  }

  /// One row of the per-table table, in document order.
  struct HTMLRow: Equatable {
    var table: String
    var status: String
    var rows: Int64
    var bytes: Int64
    var hidden: Bool
  }

  /// The per-table table's rows in document order, from their attributes.
  static func tableRows(ofHTML text: String) -> [HTMLRow] {
    guard let start = text.range(of: "id=\"tables\""),
      let end = text.range(of: "</table>", range: start.upperBound..<text.endIndex)
    else { return [] }
    return text[start.upperBound..<end.lowerBound].matches(of: /<tr ([^>]*)>/).map { match in
      let attributes = String(match.output.1)
      func attribute(_ name: String) -> String? {
        guard let open = attributes.range(of: " \(name)=\"") ?? attributes.range(of: "\(name)=\""),
          open.lowerBound == attributes.startIndex || attributes[open.lowerBound] == " ",
          let close = attributes[open.upperBound...].firstIndex(of: "\"")
        else { return nil }
        return decodeEntities(String(attributes[open.upperBound..<close]))
      }
      return HTMLRow(
        table: attribute("data-table") ?? "", status: attribute("data-status") ?? "",
        rows: Int64(attribute("data-rows") ?? "") ?? -1, bytes: Int64(attribute("data-bytes") ?? "") ?? -1,
        hidden: attributes.contains(/(^|\s)hidden(=|\s|$)/))
    }
  }

  /// Undoes the entities the renderers write (and the ones a browser's serializer writes).
  static func decodeEntities(_ text: String) -> String {
    text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
      .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
      .replacingOccurrences(of: "&nbsp;", with: "\u{A0}").replacingOccurrences(of: "&amp;", with: "&")
  }
}
