import ArgumentParser
import CutoverCommandLine
import CutoverFixture
import CutoverKit
import Foundation
import Logging

/// `cutover-fixture create`: the stand-in, then the legacy chain, into an existing database.
struct CreateCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "create",
    abstract: "Builds the legacy fixture schema (stand-in, then legacy chain) in an existing empty database.")

  @OptionGroup var connection: TargetOption

  @Option(help: "The Supabase stand-in directory, applied first ('' to skip).")
  var standIn = "supabase/local"

  @Option(help: "The legacy migration chain directory.")
  var chain = "supabase/migrations"

  func validate() throws {
    try connection.requireGiven()
  }

  func run() async throws {
    let builder = FixtureSchemaBuilder(
      standIn: standIn.isEmpty ? nil : URL(fileURLWithPath: standIn), chain: URL(fileURLWithPath: chain))
    let target = try connection.connectionTarget()
    let files = try await builder.apply(to: target, logger: Logger(label: "cutover.fixture"))
    print("built the legacy fixture in \(target): \(files) files applied")
  }
}
