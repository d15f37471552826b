import Foundation
import Logging

/// Builds the legacy fixture schema in a database: the Supabase stand-in, then the legacy
/// chain, each directory's `*.sql` files in lexicographic order.
///
/// Each file runs as one implicit transaction (`PQexec` of the whole file), as
/// `Tests/…/LegacyFixture.swift` does. This is the one place to swap in `MigrationRunner`
/// (which also records each file) once the legacy chain goes through it.
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

  /// Applies every file to `target`.
  ///
  /// - Throws: `FixtureError` for unreadable files, `PostgresError` naming the failing file.
  public func apply(to target: ConnectionTarget, logger: Logger) async throws {
    let scripts = try files().map { url -> (String, String) in
      do {
        return (url.path, try String(contentsOf: url, encoding: .utf8))
      } catch {
        throw FixtureError(code: .io, message: "cannot read \(url.path): \(error.localizedDescription)")
      }
    }
    try await onDedicatedThread(named: "fixture-create") {
      let connection = try PGConnection(target, applicationName: "cutover-fixture")
      try connection.prepareLongRunningSession()
      for (path, sql) in scripts {
        logger.debug("applying", metadata: ["file": "\(path)"])
        try connection.runScript(sql, doing: "applying \(path) to the \(target.role) \(target)")
      }
    }
  }
}
