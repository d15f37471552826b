import ArgumentParser
import CutoverCommandLine
import CutoverKit
import Foundation
import Logging

/// `cutover check-export`: re-reads an export and names the first bad chunk.
struct CheckExportCommand: AsyncParsableCommand, ShowsValues {
  static let configuration = CommandConfiguration(
    commandName: "check-export",
    abstract: "Re-reads every chunk of an export: digests, frame checksums, row counts, COPY text shape.",
    discussion:
      "Exit 1 when a chunk is missing, truncated, corrupt, foreign or extra; 2 when the directory holds no export; 3 when a file cannot be read."
  )

  @OptionGroup var values: ShowValuesOption

  @OptionGroup var directory: ExportDirectoryOptions

  @Option(name: .shortAndLong, help: "Chunks read in parallel.")
  var jobs = 2

  @Flag(help: "Print the report as JSON.")
  var json = false

  func run() async throws {
    let report = try await ExportChecker(directory: directory.url, jobs: jobs)
      .run(logger: Logger(label: "cutover.check-export"))
    print(json ? try JSONOutput.encode(report) : report.text)
    if report.exitStatus != .success { throw ExitCode(report.exitStatus.rawValue) }
  }
}
