import ArgumentParser
import CutoverCommandLine
import CutoverKit
import Foundation
import Logging

struct DoctorCommand: AsyncParsableCommand, ShowsValues {
  static let configuration = CommandConfiguration(
    commandName: "doctor",
    abstract: "Checks both connections and what the cutover needs of them.",
    discussion: "Exit 1 when a check fails, 3 when a server cannot be reached.")

  @OptionGroup var values: ShowValuesOption

  @OptionGroup var source: SourceOption
  @OptionGroup var target: TargetOption

  @Option(help: "Comma-separated schemas the export must read (default: the export's own default selection).")
  var schemas: String?

  @Option(help: "Export directory, to check its free disk.")
  var exportDir: String?

  @Flag(help: "Print the report as JSON.")
  var json = false

  mutating func validate() throws {
    if source.source == nil && target.target == nil {
      throw ValidationError(
        "nothing to check: pass --source and/or --target (or set SOURCE_DATABASE_URL / TARGET_DATABASE_URL)")
    }
  }

  func run() async throws {
    let doctor = Doctor(
      source: try source.connectionTargetIfGiven(),
      target: try target.connectionTargetIfGiven(),
      schemas: schemas.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } },
      exportDirectory: exportDir)
    let report = await doctor.run(logger: Logger(label: "cutover.doctor"))
    if json {
      print(try JSONOutput.encode(report))
    } else {
      print(report.text)
    }
    if report.exitStatus != .success { throw ExitCode(report.exitStatus.rawValue) }
  }
}
