import Crypto
import CutoverKit
import CutoverTestSupport
import Foundation
import Testing

/// `ReportWriter` and `cutover report`: three files that agree, written durably.
struct ReportWriterTests {
  static func directory(_ label: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory
      .appendingPathComponent("cutover-report-\(label)-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  static func sha256(_ url: URL) throws -> String {
    SHA256.hash(data: try Data(contentsOf: url)).map { String(format: "%02x", $0) }.joined()
  }

  @Test(arguments: ["green", "red"])
  func `all three files exist and agree on the verdict and every table's status`(kind: String) throws {
    let report = kind == "green" ? ReportSamples.green() : ReportSamples.red()
    let directory = try Self.directory(kind)
    defer { try? FileManager.default.removeItem(at: directory) }

    let written = try ReportWriter.writeAll(report, to: directory)
    #expect(written.files.map(\.lastPathComponent) == ["report.json", "report.md", "report.html"])
    #expect(written.reportSHA256 == (try Self.sha256(directory.appendingPathComponent("report.json"))))

    let summary = try ReportAgreement.expectAgreement(in: directory, report: report)
    #expect(summary.verdict == kind)
    #expect(summary.tables.count == report.tables.count)
    if kind == "red" {
      #expect(summary.tables[ReportSamples.scriptName.description] == "differs")
      #expect(summary.tables[ReportSamples.quotedName.description] == "match")
      #expect(summary.tables["app.events"] == "not checked")
    }
  }

  @Test func `the files are 0600, whole, and no partial file is left behind`() throws {
    let directory = try Self.directory("durable")
    defer { try? FileManager.default.removeItem(at: directory) }
    // A crashed earlier write leaves only a .partial, which never counts as a report.
    try Data("<!doctype html><p>half".utf8).write(to: directory.appendingPathComponent("report.html.partial"))
    #expect(try ParityReport.read(directory: directory) == nil)

    let approval = ReportApproval(
      approvedBy: "dana", approvedAt: ReportSamples.started, reportSHA256: ReportSamples.digest(5))
    try ReportWriter.writeAll(ReportSamples.red(), to: directory, approval: approval)
    let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
    #expect(names == ["report.html", "report.json", "report.md"])
    for name in names {
      let attributes = try FileManager.default.attributesOfItem(
        atPath: directory.appendingPathComponent(name).path)
      #expect((attributes[.posixPermissions] as? Int) == 0o600, "\(name)")
    }
    let html = try String(contentsOf: directory.appendingPathComponent("report.html"), encoding: .utf8)
    #expect(html.hasSuffix("</html>\n"))
    #expect(html.contains("data-approved=\"true\""))
    let markdown = try String(contentsOf: directory.appendingPathComponent("report.md"), encoding: .utf8)
    #expect(markdown.contains("Approved by dana"))
  }

  @Test
  func `cutover report renders md and html from report.json, leaves its bytes alone and prints the Markdown`()
    throws
  {
    let directory = try Self.directory("command")
    defer { try? FileManager.default.removeItem(at: directory) }
    let sha = try ReportSamples.red().write(to: directory)

    let markdown = try CutoverBinary.run(["report", "--export-dir", directory.path])
    #expect(markdown.status == 0, "\(markdown.output)")
    #expect(markdown.output.hasPrefix("# Parity report: RED\n"))
    #expect(try Self.sha256(directory.appendingPathComponent("report.json")) == sha)
    try ReportAgreement.expectAgreement(in: directory, report: ReportSamples.red())
    let html = try String(contentsOf: directory.appendingPathComponent("report.html"), encoding: .utf8)
    #expect(html.contains(sha))

    let printed = try CutoverBinary.run(["report", "--export-dir", directory.path, "--format", "html"])
    #expect(printed.status == 0)
    #expect(printed.output.hasPrefix("<!doctype html>"))
    let json = try CutoverBinary.run(["report", "--export-dir", directory.path, "--format", "json"])
    #expect(
      json.output == String(
        decoding: try Data(contentsOf: directory.appendingPathComponent("report.json")), as: UTF8.self) + "\n"
    )
  }

  @Test func `cutover report exits 2 without a report and 1 when report.json was edited to turn green`()
    throws
  {
    let directory = try Self.directory("refused")
    defer { try? FileManager.default.removeItem(at: directory) }
    let missing = try CutoverBinary.run(["report", "--export-dir", directory.path])
    #expect(missing.status == 2, "\(missing.output)")
    #expect(missing.output.contains("run `cutover verify`"))

    try ReportSamples.red().write(to: directory)
    let url = directory.appendingPathComponent("report.json")
    let edited = try String(contentsOf: url, encoding: .utf8)
      .replacingOccurrences(of: "\"verdict\" : \"red\"", with: "\"verdict\" : \"green\"")
    try Data(edited.utf8).write(to: url)
    let refused = try CutoverBinary.run(["report", "--export-dir", directory.path])
    #expect(refused.status == 1, "\(refused.output)")
    #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("report.html").path))
  }
}
