import ArgumentParser
import CutoverCommandLine
import CutoverKit
import Foundation

/// `cutover status`: where the cutover stands and what to run next.
struct StatusCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "status",
    abstract: "Shows the run in an export directory: steps done with times, the verdict, what to run next.",
    discussion: "Reads run.jsonl and report.json; changes nothing. Exit 0, or 1 when the journal is damaged.")

  @OptionGroup var configFile: ConfigOption

  @Option(
    name: .customLong("export-dir"),
    help: ArgumentHelp("Export directory (config export_dir).", valueName: "dir"))
  var exportDir: String?

  @Flag(help: "Print the status as JSON.")
  var json = false

  func run() async throws {
    let config = try configFile.load()
    guard let exportDir = exportDir ?? config.exportDirectory else {
      throw ValidationError("no export directory: pass --export-dir or set export_dir in cutover.toml")
    }
    let url = URL(
      fileURLWithPath: exportDir, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    ).standardizedFileURL
    let report = try StatusReport.read(directory: url)
    print(json ? try JSONOutput.encode(report) : report.text)
  }
}
