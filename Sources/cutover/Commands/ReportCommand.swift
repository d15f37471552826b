import ArgumentParser
import CutoverKit
import Foundation

/// `cutover report`: renders report.md and report.html again from an export's report.json.
struct ReportCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "report",
    abstract: "Renders report.md and report.html from the export directory's report.json and prints one.",
    discussion: """
      report.json stays byte for byte as verify wrote it (an approval names its SHA-256); report.md and \
      report.html are written again beside it. Prints the Markdown (or --format html|json) on stdout. \
      Exit 0 whatever the verdict (verify and the gates decide); 1 when report.json was edited so that its \
      verdict disagrees with its findings or is of another version; 2 when there is no report.json; 3 when \
      a file cannot be read or written.
      """)

  /// What the command prints.
  enum Format: String, ExpressibleByArgument, CaseIterable {
    case md, html, json
  }

  @OptionGroup var directory: ExportDirectoryOptions

  @Option(help: "What to print on stdout: md, html or json.")
  var format: Format = .md

  func run() async throws {
    guard let (report, sha256) = try ParityReport.read(directory: directory.url) else {
      throw ReportError(
        "no \(ParityReport.fileName) in \(directory.url.path)",
        nextStep:
          "run `cutover verify` for this export first, or pass the export directory that holds the report",
        exitStatus: .usage)
    }
    let approval = try Approval.latest(in: directory.url)?.reportApproval
    try ReportWriter.writeRenderings(report, to: directory.url, approval: approval, reportSHA256: sha256)
    switch format {
    case .md:
      print(MarkdownReport(report: report, approval: approval, reportSHA256: sha256).text, terminator: "")
    case .html:
      print(HTMLReport(report: report, approval: approval, reportSHA256: sha256).text, terminator: "")
    case .json: print(try JSONOutput.encode(report))
    }
  }
}
