import ArgumentParser
import CutoverCommandLine
import CutoverKit
import Foundation
import Logging

/// `cutover unfreeze`: undoes `freeze` exactly.
struct UnfreezeCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "unfreeze",
    abstract: "Lets the application write on the source again: undoes freeze exactly.",
    discussion: """
      Drops every guard trigger and the guard function freeze created, then compares each \
      table's triggers and privileges with what freeze.json recorded before the freeze. \
      Without a freeze it says so and changes nothing. Exit 1 when something differs from \
      before the freeze (changed by someone else meanwhile; the guard is gone either way).
      """)

  @OptionGroup var source: SourceOption
  @OptionGroup var directory: ExportDirectoryOptions

  @Option(help: "How long to wait for each table's lock.")
  var lockTimeout = "10s"

  mutating func validate() throws {
    try source.requireGiven()
  }

  func run() async throws {
    let outcome = try await Unfreeze(
      source: try source.connectionTarget(), exportDirectory: directory.url, lockTimeout: lockTimeout
    ).run(logger: Logger(label: "cutover.unfreeze"))
    print(outcome.text)
    if !outcome.differences.isEmpty { throw ExitCode(ExitStatus.checkFailed.rawValue) }
  }
}
