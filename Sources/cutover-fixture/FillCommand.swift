import ArgumentParser
import CutoverCommandLine
import CutoverFixture
import CutoverKit
import Foundation
import Logging

/// `cutover-fixture fill`: deterministic, awkward rows in every table of the fixture.
struct FillCommand: AsyncParsableCommand, ShowsValues {
  static let configuration = CommandConfiguration(
    commandName: "fill",
    abstract: "Fills every app and auth table with deterministic, awkward rows.",
    discussion: """
      --scale 1 gives a few rows per table; rows grow linearly with the scale and the tables the \
      domains file marks heavy hold most of them. The same --seed, --scale, schema and domains \
      file give the same bytes.
      """)

  @OptionGroup var values: ShowValuesOption

  @OptionGroup var connection: TargetOption

  @Option(help: "Rows multiplier (1: a few rows per table; 100000: tens of millions).")
  var scale: Double = 1

  @Option(help: "Seed of the generated values.")
  var seed: UInt64 = 1

  @Option(name: .shortAndLong, help: "Parallel COPY connections.")
  var jobs = 2

  @Option(help: "Comma-separated schemas to fill.")
  var schemas = FixtureGenerator.defaultSchemas.joined(separator: ",")

  @Option(help: "The value domains file.")
  var domains = "supabase/fixture/domains.json"

  @Option(help: "Rows per COPY of a large table (a unit of parallel work).")
  var rowsPerUnit = 500_000

  @Flag(help: "Empty the tables first instead of refusing when they hold rows.")
  var truncate = false

  @Flag(help: "No progress lines on stderr.")
  var quiet = false

  @Flag(help: "Print the report as JSON.")
  var json = false

  func validate() throws {
    try connection.requireGiven()
    guard scale > 0, scale.isFinite else { throw ValidationError("--scale must be a positive number") }
    guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
    guard rowsPerUnit >= 1 else { throw ValidationError("--rows-per-unit must be at least 1") }
  }

  func run() async throws {
    let generator = FixtureGenerator(
      target: try connection.connectionTarget(),
      schemas: schemas.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) },
      domains: try ValueDomains.load(from: URL(fileURLWithPath: domains)),
      rowsPerUnit: rowsPerUnit)
    let reporter: (@Sendable (FixtureProgress) -> Void)? = quiet ? nil : Self.show
    let report = try await generator.fill(
      scale: scale, seed: seed, jobs: jobs, truncate: truncate, logger: Logger(label: "cutover.fixture"),
      progress: reporter)
    print(json ? try JSONOutput.encode(report) : report.text)
  }

  /// Prints one progress line on stderr (stdout carries the report only).
  @Sendable private static func show(_ progress: FixtureProgress) {
    FileHandle.standardError.write(Data("cutover-fixture: \(progress.line)\n".utf8))
  }
}
