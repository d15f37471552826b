import CutoverKit
import Foundation
import Logging

/// Builds the legacy fixture schema in a database: the Supabase stand-in, then the legacy
/// chain, each directory's `*.sql` files in lexicographic order.
///
/// The one place that decides how the fixture schema is built: through `MigrationRunner`,
/// as an operator's `cutover migrate` would apply a chain.
public struct FixtureSchemaBuilder: Sendable {
  /// The stand-in directory (`supabase/local`), or nil to skip it.
  public var standIn: URL?
  /// The chain directory (`supabase/migrations`).
  public var chain: URL

  public init(standIn: URL?, chain: URL) {
    self.standIn = standIn
    self.chain = chain
  }

  /// The `.sql` files to apply, in order.
  ///
  /// - Throws: `FixtureError` (exit 2) when a directory is missing or holds no `.sql` file.
  public func files() throws -> [URL] {
    var files: [URL] = []
    for directory in [standIn, chain].compactMap({ $0 }) {
      let names: [String]
      do {
        names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
      } catch {
        throw FixtureError(
          code: .configuration, message: "cannot list \(directory.path): \(error.localizedDescription)",
          hint: "run from the repository root or pass --stand-in/--chain")
      }
      let sql = names.filter { $0.hasSuffix(".sql") }.sorted()
      guard !sql.isEmpty else {
        throw FixtureError(
          code: .configuration, message: "\(directory.path) holds no .sql file",
          hint: "pass the directory of the stand-in (--stand-in) or of the chain (--chain)")
      }
      files += sql.map { directory.appendingPathComponent($0) }
    }
    return files
  }

  /// Applies the stand-in and the chain to `target` through `MigrationRunner`, which runs
  /// each file in its own transaction and records it in `supabase_migrations.schema_migrations`
  /// as the Supabase CLI did on the legacy project.
  ///
  /// - Returns: how many files were applied.
  /// - Throws: `FixtureError` when a directory holds no `.sql` file, `MigrationError` or
  ///   `PostgresError` naming the failing file.
  @discardableResult
  public func apply(to target: ConnectionTarget, logger: Logger) async throws -> Int {
    let count = try files().count
    let runner = MigrationRunner(chain: chain, localStandIn: standIn)
    _ = try await runner.apply(to: target, dryRun: false, logger: logger)
    return count
  }
}
