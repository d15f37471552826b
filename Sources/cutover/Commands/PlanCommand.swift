import ArgumentParser
import CutoverCommandLine
import CutoverKit
import Foundation
import Logging

/// `cutover plan`: every source table accounted for, every mapping checked, before a byte moves.
struct PlanCommand: AsyncParsableCommand, ShowsValues {
  static let configuration = CommandConfiguration(
    commandName: "plan",
    abstract:
      "Checks the mappings against the source and the v2 schema; prints the load order and what is not moved.",
    discussion: """
      Reads the source catalog, the target schema (from a migrated --target, or by applying \
      --chain to a scratch database made on the source's server, or --scratch-server's, and \
      dropped after) and the mapping files. Prints the load order (foreign-key levels, cycles \
      and self-references), one line per table, what cutover does not move (storage files, \
      pg_cron jobs, webhooks, Vault secrets, publications, auth hooks) and every problem at \
      once, each with its mapping file and line.

      Exit 1 on any problem; 2 when a mapping file does not parse or has an unknown key; 3 \
      when a database cannot be read.
      """)

  @OptionGroup var values: ShowValuesOption

  @OptionGroup var source: SourceOption
  @OptionGroup var target: TargetOption

  @Option(help: "The mapping files' directory.")
  var mappings = "mappings"

  @Option(help: "The v2 chain, applied to a scratch database when no --target is given.")
  var chain = "supabase/migrations_v2"

  @Option(help: "The stand-in applied before the chain in the scratch database (empty: none).")
  var standInDir = "supabase/local"

  @Option(help: "Server for the scratch database (default: the source's); needs CREATEDB.")
  var scratchServer: String?

  @Flag(help: "Print the plan as JSON.")
  var json = false

  mutating func validate() throws {
    try source.requireGiven()
  }

  func run() async throws {
    let planner = Planner(
      source: try source.connectionTarget(), target: try target.connectionTargetIfGiven(),
      scratchServer: try scratchServer.map { try ConnectionTarget($0) },
      mappings: URL(fileURLWithPath: mappings), chain: URL(fileURLWithPath: chain),
      localStandIn: standInDir.isEmpty ? nil : URL(fileURLWithPath: standInDir))
    let report = try await planner.run(logger: Logger(label: "cutover.plan"))
    print(json ? try JSONOutput.encode(report) : report.text)
    if report.exitStatus != .success { throw ExitCode(report.exitStatus.rawValue) }
  }
}
