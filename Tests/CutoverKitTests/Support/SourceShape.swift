import CutoverFixture
import CutoverKit
import Foundation
import Logging

/// The two shapes a cutover's source database can have, as rehearsal fixtures.
///
/// `legacy`: the stand-in and the legacy chain (`supabase/migrations`), as the chain
/// replays (`legacy.json`). `production`: the same, continued by production's drift
/// (`supabase/production`), as `supabase db pull` recorded production (`production.json`).
enum SourceShape: String, CaseIterable, Sendable, CustomStringConvertible {
  case legacy, production

  var description: String { rawValue }

  /// The committed facts this shape must match.
  func facts() throws -> SchemaFacts {
    switch self {
    case .legacy: try SchemaFacts.legacy()
    case .production: try SchemaFacts.production()
    }
  }
}

extension TestDatabase {
  /// Builds `shape` in this database.
  func build(_ shape: SourceShape) async throws {
    switch shape {
    case .legacy: try await buildLegacyFixture()
    case .production: try await buildProductionFixture()
    }
  }

  /// Builds the production-shaped fixture in this database: the stand-in, the legacy chain,
  /// then `supabase/production`, through `FixtureSchemaBuilder` and so `MigrationRunner` (each
  /// file in its own transaction, recorded in the ledger), as `cutover-fixture create --shape
  /// production` does, as the cluster superuser `supabase_admin`.
  ///
  /// - Throws: `FixtureError`, `MigrationError` or `PostgresError` naming the failing file.
  func buildProductionFixture() async throws {
    let root = URL(fileURLWithPath: #filePath)
      .deletingLastPathComponent()  // Support
      .deletingLastPathComponent()  // CutoverKitTests
      .deletingLastPathComponent()  // Tests
      .deletingLastPathComponent()
    let builder = FixtureSchemaBuilder(
      standIn: root.appendingPathComponent("supabase/local"),
      chain: root.appendingPathComponent("supabase/migrations"),
      continuations: [root.appendingPathComponent("supabase/production")])
    try await builder.apply(to: try target, logger: Logger(label: "test.production-fixture"))
  }
}
