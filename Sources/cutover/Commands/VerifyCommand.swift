import ArgumentParser
import CutoverCommandLine
import CutoverKit
import Foundation
import Logging

/// `cutover verify`: the loaded target against the export's source digests, narrowed to rows.
struct VerifyCommand: AsyncParsableCommand, ShowsValues {
  static let configuration = CommandConfiguration(
    commandName: "verify",
    abstract: "Checks every loaded row against the source digests the export took in its snapshot.",
    discussion: """
      Per target table: row count, then an order-independent digest of every mapped column \
      (canonical text, hashtextextended, summed; see docs/parity.md), compared with the \
      digests the export computed on the source from the mappings' SQL expressions. A \
      mismatch is narrowed to the rows missing, extra or changed, by primary key, with the \
      names of the differing columns (their values only with --show-values). Skipped tables \
      and target tables nobody fills are listed. Writes report.json into the export \
      directory. Exit 0 when everything matches, 1 when anything differs, 2 for an unfinished \
      or damaged export or bad options, 3 when the target or a file cannot be read.
      """)

  @OptionGroup var values: ShowValuesOption

  @OptionGroup var target: TargetOption
  @OptionGroup var directory: ExportDirectoryOptions

  @Option(help: "The mapping files' directory.")
  var mappings = "mappings"

  @Option(help: "The v2 chain (its checksum goes into the report).")
  var chain = "supabase/migrations_v2"

  @Option(name: .shortAndLong, help: "Target connections used at once.")
  var jobs = 2

  @Flag(
    help:
      "The target is a plain PostgreSQL with the Supabase stand-in (config local_stand_in): rebuild the chain's definitions on it too."
  )
  var localStandIn = false

  @Option(help: "The stand-in's directory (config stand_in_dir).")
  var standInDir: String?

  @Flag(help: "Check the rows only: no structure, security or policy-behaviour checks.")
  var dataOnly = false

  @OptionGroup var configFile: ConfigOption

  @Flag(help: "Print the report as JSON.")
  var json = false

  mutating func validate() throws {
    try target.requireGiven()
    guard (1...64).contains(jobs) else {
      throw ValidationError("--jobs \(jobs) is out of range: use 1 to 64")
    }
  }

  func run() async throws {
    let config = try configFile.load()
    var options = VerifyOptions(
      exportDirectory: directory.url, target: try target.connectionTarget(),
      mappings: URL(fileURLWithPath: mappings), chain: URL(fileURLWithPath: chain), jobs: jobs,
      showValues: values.showValues, policySample: config.policyBehaviour ?? PolicySampleSettings())
    if localStandIn || config.localStandIn == true {
      options.localStandIn = URL(fileURLWithPath: standInDir ?? config.standInDirectory ?? "supabase/local")
    }
    options.checksBeyondRows = !dataOnly
    let report = try await Verifier(options: options).run(logger: Logger(label: "cutover.verify")) { line in
      FileHandle.standardError.write(Data((line + "\n").utf8))
    }
    if json {
      print(try JSONOutput.encode(report))
    } else {
      for table in report.tables where !table.status.isGreen || table.status == .skipped {
        var line = "\(table.target): \(table.status.rawValue)"
        if let reason = table.reason { line += " (\(reason))" }
        if let s = table.sourceRows, let t = table.targetRows { line += ", rows \(s) source / \(t) target" }
        print(line)
        for difference in table.differences {
          let key = difference.key.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(
            separator: ", ")
          var text = "  \(difference.kind.rawValue) \(key)"
          if !difference.columns.isEmpty { text += ": \(difference.columns.joined(separator: ", "))" }
          if let values = difference.targetValues {
            text +=
              " target "
              + values.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value ?? "NULL")" }
              .joined(separator: ", ")
          }
          print(text)
        }
        if table.differencesTruncated { print("  … more rows differ") }
      }
      let matched = report.tables.filter { $0.status == .match }.count
      print(
        "verdict: \(report.verdict.rawValue) (\(matched) table(s) match, \(report.failures.count) problem(s)); report.json in \(directory.url.path)"
      )
    }
    if report.verdict != .green { throw ExitCode(1) }
  }
}
