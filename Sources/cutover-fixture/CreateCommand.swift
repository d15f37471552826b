import ArgumentParser
import CutoverCommandLine
import CutoverFixture
import CutoverKit
import Foundation
import Logging

/// `cutover-fixture create`: the stand-in, then the legacy chain (and for the production
/// shape production's drift), into an existing database.
struct CreateCommand: AsyncParsableCommand, ShowsValues {
  static let configuration = CommandConfiguration(
    commandName: "create",
    abstract: "Builds the fixture schema (stand-in, then legacy chain) in an existing empty database.",
    discussion: """
      --shape legacy (the default) builds the legacy chain as it replays; --shape production \
      continues it with production's drift (--production-drift), the shape `supabase db pull` \
      recorded in supabase/schema/production.json.
      """)

  /// Which source the fixture rehearses.
  enum Shape: String, ExpressibleByArgument, CaseIterable {
    case legacy, production
  }

  @OptionGroup var values: ShowValuesOption

  @OptionGroup var connection: TargetOption

  @Option(help: "The Supabase stand-in directory, applied first ('' to skip).")
  var standIn = "supabase/local"

  @Option(help: "The legacy migration chain directory.")
  var chain = "supabase/migrations"

  @Option(help: "legacy (the chain as it replays) or production (the chain, then production's drift).")
  var shape = Shape.legacy

  @Option(help: "The directory of production's drift, applied after the chain for --shape production.")
  var productionDrift = "supabase/production"

  func validate() throws {
    try connection.requireGiven()
  }

  func run() async throws {
    let builder = FixtureSchemaBuilder(
      standIn: standIn.isEmpty ? nil : URL(fileURLWithPath: standIn), chain: URL(fileURLWithPath: chain),
      continuations: shape == .production ? [URL(fileURLWithPath: productionDrift)] : [])
    let target = try connection.connectionTarget()
    let files = try await builder.apply(to: target, logger: Logger(label: "cutover.fixture"))
    print("built the \(shape.rawValue) fixture in \(target): \(files) files applied")
  }
}
