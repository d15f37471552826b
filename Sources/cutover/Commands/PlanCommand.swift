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

  @Flag(
    help:
      "Instead of the plan: predict each step's time and the production downtime window (freeze → switch) from the latest run in --export-dir, scaled by the source's size now."
  )
  var estimate = false

  @Option(
    name: .customLong("export-dir"),
    help: ArgumentHelp(
      "With --estimate: the directory of the run to estimate from (config export_dir).", valueName: "dir"))
  var exportDir: String?

  @OptionGroup var configFile: ConfigOption

  mutating func validate() throws {
    try source.requireGiven()
  }

  func run() async throws {
    if estimate {
      try await runEstimate()
      return
    }
    let planner = Planner(
      source: try source.connectionTarget(), target: try target.connectionTargetIfGiven(),
      scratchServer: try scratchServer.map { try ConnectionTarget($0) },
      mappings: URL(fileURLWithPath: mappings), chain: URL(fileURLWithPath: chain),
      localStandIn: standInDir.isEmpty ? nil : URL(fileURLWithPath: standInDir))
    let report = try await planner.run(logger: Logger(label: "cutover.plan"))
    print(json ? try JSONOutput.encode(report) : report.text)
    if report.exitStatus != .success { throw ExitCode(report.exitStatus.rawValue) }
  }

  /// `--estimate`: the latest run's rates scaled by the source's size now.
  private func runEstimate() async throws {
    let config = try configFile.load()
    guard let exportDir = exportDir ?? config.exportDirectory else {
      throw ValidationError(
        "--estimate needs the run's directory: pass --export-dir or set export_dir in cutover.toml")
    }
    let url = URL(
      fileURLWithPath: exportDir, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    ).standardizedFileURL
    let source = try self.source.connectionTarget()
    let sizes = try await onDedicatedThread(named: "estimate-sizes") {
      try EstimateSourceSize.read(on: PGConnection(source, applicationName: "cutover plan --estimate"))
    }
    let report = try EstimateReport.make(directory: url, sizesNow: sizes)
    print(json ? try JSONOutput.encode(report) : report.text)
  }
}
