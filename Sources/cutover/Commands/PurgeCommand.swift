import ArgumentParser
import CutoverCommandLine
import CutoverKit
import Foundation

/// `cutover purge`: removes an export directory once the cutover no longer needs it.
struct PurgeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "purge",
    abstract: "Removes an export directory (it holds users' data) once the cutover is finished.",
    discussion: """
      Finished: the application was switched and not rolled back, or a dry run ended with a \
      parity report. Exit 2 when it is not finished (without --force), the directory is not an \
      export cutover wrote, or another cutover process uses it; 3 when a file cannot be removed \
      (a rerun continues).
      """
  )

  @OptionGroup var directory: ExportDirectoryOptions

  @Flag(help: "Remove it even though the cutover is not finished.")
  var force = false

  func run() throws {
    let outcome = try ExportPurge(directory: directory.url, force: force).run()
    let why = outcome.forced ? "forced (\(outcome.readiness.reason))" : outcome.readiness.reason
    print(
      "purged \(directory.url.path): \(outcome.files) files, \(ByteCount(outcome.bytes)) — \(why)")
  }
}
