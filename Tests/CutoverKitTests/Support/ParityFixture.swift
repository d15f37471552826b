import CutoverFixture
import CutoverKit
import Foundation
import Logging

/// A legacy fixture exported with source digests and imported into v2, for the parity tests.
struct ParityFixture {
  static let logger = Logger(label: "test.parity", factory: { _ in SwiftLogNoOpLogHandler() })

  var source: TestDatabase
  var target: TestDatabase
  var directory: URL

  /// Builds and fills the legacy fixture at `seed` in `source`, runs `plant` on it, exports
  /// it (with digests, the chain in a scratch database) and imports it into a fresh v2 target.
  static func make(_ source: TestDatabase, seed: UInt64, plant: String? = nil) async throws -> ParityFixture {
    try await source.build(.legacy)
    let domains = try ValueDomains.load(
      from: MappingFixtures.root.appendingPathComponent("supabase/fixture/domains.json"))
    let generator = FixtureGenerator(target: try source.target, domains: domains, rowsPerUnit: 500_000)
    _ = try await generator.fill(scale: 1, seed: seed, jobs: 2, truncate: false, logger: logger)
    if let plant { try await source.runScript(plant) }
    let directory = ImportTests.scratchDirectory("parity")
    var options = ExportOptions(source: try ConnectionTarget(source.url, side: .source), directory: directory)
    options.chunkSize = 64 << 10
    options.parity = ParitySchema(
      mappings: MappingFixtures.mappings, chain: MappingFixtures.chain, localStandIn: MappingFixtures.standIn)
    _ = try await Exporter(options: options).run(logger: logger)
    let target = try await TestDatabase.create(label: "parity v2 \(seed)")
    do {
      try await MappingFixtures.buildV2(target)
      _ = try await Importer(options: try ImportTests.importOptions(target, directory: directory))
        .run(logger: logger)
    } catch {
      try await target.drop()
      throw error
    }
    return ParityFixture(source: source, target: target, directory: directory)
  }

  /// Verifies the target against the export.
  func verify(showValues: Bool = false, mappings: URL? = nil) async throws -> ParityReport {
    try await Verifier(
      options: .dataOnly(
        exportDirectory: directory, target: try ConnectionTarget(target.url, side: .target),
        mappings: mappings ?? MappingFixtures.mappings, chain: MappingFixtures.chain, jobs: 2,
        showValues: showValues)
    ).run(logger: Self.logger)
  }

  func cleanUp() async throws {
    try? FileManager.default.removeItem(at: directory)
    try await target.drop()
  }
}

extension VerifyOptions {
  /// Data parity only: the tests of rows leave structure, security and policy behaviour to
  /// their own suites (which need the stand-in and the allow-list).
  static func dataOnly(
    exportDirectory: URL, target: ConnectionTarget, mappings: URL, chain: URL, jobs: Int,
    showValues: Bool = false
  ) -> VerifyOptions {
    var options = VerifyOptions(
      exportDirectory: exportDirectory, target: target, mappings: mappings, chain: chain, jobs: jobs,
      showValues: showValues)
    options.checksBeyondRows = false
    return options
  }
}
