import ArgumentParser
import CutoverCommandLine
import CutoverKit
import Foundation

/// `cutover approve`: records who approved which report.
struct ApproveCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "approve",
    abstract: "Records who approved the export directory's report (its SHA-256) and when.",
    discussion: """
      Reads report.json, refuses a red one, and appends the approver, the time and the \
      report's SHA-256 to the journal; switch requires an approval of the exact current \
      report. Approving the same report again by the same person changes nothing. Exit 1 for \
      a red or missing report.
      """)

  @OptionGroup var directory: ExportDirectoryOptions

  @Option(help: "Who approves (recorded in the journal and shown in the reports).")
  var by: String

  func run() async throws {
    print(try Approve(exportDirectory: directory.url, by: by).run().text)
  }
}
