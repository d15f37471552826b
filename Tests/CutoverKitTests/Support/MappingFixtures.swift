import CutoverFixture
import CutoverKit
import Foundation
import Logging

/// Paths and databases the mapping and plan tests share.
enum MappingFixtures {
  /// The package root.
  static let root = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()  // Support
    .deletingLastPathComponent()  // CutoverKitTests
    .deletingLastPathComponent()  // Tests
    .deletingLastPathComponent()

  static var mappings: URL { root.appendingPathComponent("mappings") }
  static var chain: URL { root.appendingPathComponent("supabase/migrations_v2") }
  static var standIn: URL { root.appendingPathComponent("supabase/local") }

  static let logger = Logger(label: "test.mapping", factory: { _ in SwiftLogNoOpLogHandler() })

  /// Creates `directory` holding one mapping file per table of `tables`, each moving the
  /// table as it is (`source: <table>`).
  static func writeIdentityMappings(_ tables: [String], into directory: URL) throws {
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    for table in tables {
      try "source: \(table)\n".write(
        to: directory.appendingPathComponent("\(table).yaml"), atomically: true, encoding: .utf8)
    }
  }

  /// A copy of `mappings/` in a fresh temporary directory, for tests that break a file.
  static func mappingsCopy() throws -> URL {
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("cutover-mappings-\(UUID().uuidString.prefix(8))")
      .appendingPathComponent("mappings")
    try FileManager.default.createDirectory(
      at: directory.deletingLastPathComponent(), withIntermediateDirectories: true)
    try FileManager.default.copyItem(at: mappings, to: directory)
    return directory
  }

  /// A planner for `db` as the source, the chain applied to a scratch database (or `target`).
  static func planner(source db: TestDatabase, target: ConnectionTarget? = nil, mappings: URL? = nil) throws
    -> Planner
  {
    Planner(
      source: try ConnectionTarget(db.url, side: .source), target: target,
      mappings: mappings ?? self.mappings, chain: chain, localStandIn: standIn)
  }

  /// Builds `shape` in `db` and fills it with the fixture generator's rows (every value kind).
  static func buildFilled(_ db: TestDatabase, _ shape: SourceShape) async throws {
    try await db.build(shape)
    let domains = try ValueDomains.load(from: root.appendingPathComponent("supabase/fixture/domains.json"))
    let generator = FixtureGenerator(target: try db.target, domains: domains, rowsPerUnit: 500_000)
    _ = try await generator.fill(scale: 1, seed: 7, jobs: 2, truncate: false, logger: logger)
  }

  /// A database holding the v2 chain (stand-in first), as `cutover migrate --local-stand-in`.
  static func buildV2(_ db: TestDatabase) async throws {
    _ = try await MigrationRunner(chain: chain, localStandIn: standIn).apply(
      to: try db.target, logger: logger)
  }
}
