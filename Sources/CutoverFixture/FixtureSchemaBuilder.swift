import CutoverKit
import Foundation
import Logging

/// Builds the legacy fixture schema in a database: the Supabase stand-in, then the legacy
/// chain, each directory's `*.sql` files in lexicographic order — and, for the production
/// shape, production's drift (`supabase/production`) after the chain.
///
/// The one place that decides how the fixture schema is built: through `MigrationRunner`,
/// as an operator's `cutover migrate` would apply a chain.
public struct FixtureSchemaBuilder: Sendable {
  /// The stand-in directory (`supabase/local`), or nil to skip it.
  public var standIn: URL?
  /// The chain directory (`supabase/migrations`).
  public var chain: URL
  /// Directories whose files continue `chain` (`supabase/production` for the production
  /// shape): applied after it as one chain, so each of their versions must sort after the
  /// chain's last one.
  public var continuations: [URL]

  public init(standIn: URL?, chain: URL, continuations: [URL] = []) {
    self.standIn = standIn
    self.chain = chain
    self.continuations = continuations
  }

  /// The `.sql` files to apply, in order.
  ///
  /// - Throws: `FixtureError` (exit 2) when a directory is missing or holds no `.sql` file,
  ///   or a continuation's file does not sort after every file before it.
  public func files() throws -> [URL] {
    var files: [URL] = []
    for directory in [standIn, chain].compactMap({ $0 }) + continuations {
      let names: [String]
      do {
        names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
      } catch {
        throw FixtureError(
          code: .configuration, message: "cannot list \(directory.path): \(error.localizedDescription)",
          nextStep: "run from the repository root or pass --stand-in/--chain")
      }
      let sql = names.filter { $0.hasSuffix(".sql") }.sorted()
      guard !sql.isEmpty else {
        throw FixtureError(
          code: .configuration, message: "\(directory.path) holds no .sql file",
          nextStep: "pass the directory of the stand-in (--stand-in) or of the chain (--chain)")
      }
      if continuations.contains(directory), let last = files.last, let first = sql.first,
        first <= last.lastPathComponent
      {
        throw FixtureError(
          code: .configuration,
          message: "\(directory.path)/\(first) does not sort after \(last.lastPathComponent), "
            + "the chain's last file, so it cannot continue the chain",
          nextStep: "give the continuation's files versions after the chain's last one")
      }
      files += sql.map { directory.appendingPathComponent($0) }
    }
    return files
  }

  /// Applies the stand-in and the chain (with its continuations) to `target` through
  /// `MigrationRunner`, which runs each file in its own transaction and records it in
  /// `supabase_migrations.schema_migrations` as the Supabase CLI did on the legacy project.
  ///
  /// With continuations, the chain's and their files are copied into one temporary
  /// directory named like the chain, applied as one chain and the copy removed: the runner
  /// refuses a second chain on a target whose ledger records the first.
  ///
  /// - Returns: how many files were applied.
  /// - Throws: `FixtureError` when a directory holds no `.sql` file or the copy fails,
  ///   `MigrationError` or `PostgresError` naming the failing file.
  @discardableResult
  public func apply(to target: ConnectionTarget, logger: Logger) async throws -> Int {
    let files = try files()
    guard !continuations.isEmpty else {
      _ = try await MigrationRunner(chain: chain, localStandIn: standIn).apply(
        to: target, dryRun: false, logger: logger)
      return files.count
    }
    let scratch = FileManager.default.temporaryDirectory
      .appendingPathComponent("cutover-fixture-\(UUID().uuidString)")
    defer {
      do {
        try FileManager.default.removeItem(at: scratch)
      } catch {
        logger.debug("temporary chain copy left behind", metadata: ["path": "\(scratch.path)"])
      }
    }
    let combined = scratch.appendingPathComponent(chain.standardizedFileURL.lastPathComponent)
    let standInPath = standIn?.standardizedFileURL.path
    do {
      try FileManager.default.createDirectory(at: combined, withIntermediateDirectories: true)
      for file in files where file.deletingLastPathComponent().standardizedFileURL.path != standInPath {
        try FileManager.default.copyItem(
          at: file, to: combined.appendingPathComponent(file.lastPathComponent))
      }
    } catch {
      throw FixtureError(
        code: .io, message: "cannot copy the chain into \(combined.path): \(error.localizedDescription)",
        nextStep: "check that the temporary directory is writable (TMPDIR)")
    }
    logger.debug(
      "chain with continuations",
      metadata: ["chain": "\(chain.path)", "continuations": "\(continuations.map(\.path))"])
    _ = try await MigrationRunner(chain: combined, localStandIn: standIn).apply(
      to: target, dryRun: false, logger: logger)
    return files.count
  }
}
