import ArgumentParser
import CutoverCommandLine
import CutoverKit
import Foundation
import Logging

/// `cutover rollback`: points the application back at the source and unfreezes it.
struct RollbackCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "rollback",
    abstract: "Points the application back at the source and unfreezes it.",
    discussion: """
      Counts the rows written on the target since the switch (its write counters against \
      those the switch recorded) and refuses, listing the tables, when there are any, unless \
      --discard-target-writes. Then restores the env file byte for byte (or runs the switch's \
      hook with the source's URL in CUTOVER_TARGET_URL) and unfreezes the source. Running it \
      again is harmless. Exit 1 when the target took writes; 3 when a database, file or the \
      hook fails.
      """)

  @OptionGroup var source: SourceOption
  @OptionGroup var target: TargetOption
  @OptionGroup var directory: ExportDirectoryOptions

  @Flag(help: "Roll back although the target took writes since the switch (they stay behind on it).")
  var discardTargetWrites = false

  mutating func validate() throws {
    try source.requireGiven()
    try target.requireGiven()
  }

  func run() async throws {
    let outcome = try await Rollback(
      exportDirectory: directory.url, source: try source.connectionTarget(),
      target: try target.connectionTarget(),
      sourceURL: source.source, discardTargetWrites: discardTargetWrites
    ).run(logger: Logger(label: "cutover.rollback"))
    print(outcome.text)
  }
}
