import Crypto
import Foundation
import Logging

/// What the v2 chain defines (`StructureChecks.Expected`), kept on disk between runs.
///
/// `plan`, the export and `verify` each need the chain's catalog, which only a scratch
/// database with the chain applied can show: seconds of DDL on the server, repeated by every
/// stage of every rehearsal. The same chain files applied as the same role on the same server
/// build give the same catalog, so it is kept under a key over all of those: the chain's and
/// the stand-in's `.sql` files (names and bytes), the server's `version()`, encoding and
/// available extension versions, the role, and cutover's version. Any change is a new key;
/// an unreadable entry is built again. Entries hold schema definitions only (no rows, no
/// connection strings), mode 0600.
public struct ChainCatalogCache: Sendable {
  /// Where entries live; nil: no cache.
  public var directory: URL?

  public init(directory: URL?) { self.directory = directory }

  /// `$CUTOVER_CACHE_DIR` (empty or `off`: no cache), else `$XDG_CACHE_HOME/cutover`, else
  /// `~/.cache/cutover`.
  public static var standard: ChainCatalogCache {
    let environment = ProcessInfo.processInfo.environment
    if let explicit = environment["CUTOVER_CACHE_DIR"] {
      guard !explicit.isEmpty, explicit != "off" else { return ChainCatalogCache(directory: nil) }
      return ChainCatalogCache(directory: URL(fileURLWithPath: explicit))
    }
    if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") {
      return ChainCatalogCache(directory: URL(fileURLWithPath: xdg).appendingPathComponent("cutover"))
    }
    let home = FileManager.default.homeDirectoryForCurrentUser
    return ChainCatalogCache(directory: home.appendingPathComponent(".cache/cutover"))
  }

  /// What the chain defines: from the cache when an entry has the key (`fromCache`), else
  /// applied to a scratch database on `server` (dropped after) and kept.
  public func load(
    chain: URL, localStandIn: URL?, server: ConnectionTarget, logger: Logger
  ) async throws -> (expected: StructureChecks.Expected, fromCache: Bool) {
    let key = try await onDedicatedThread(named: "cutover-chain-cache") { [self] in
      try self.key(chain: chain, localStandIn: localStandIn, server: server)
    }
    if let key, let found = read(key) {
      logger.debug("the chain's catalog comes from the cache", metadata: ["key": "\(key.prefix(12))"])
      return (found, true)
    }
    let expected = try await ScratchDatabase(server: server).withDatabase(logger: logger) { database in
      _ = try await MigrationRunner(chain: chain, localStandIn: localStandIn).apply(
        to: database, logger: logger)
      return try await onDedicatedThread(named: "cutover-chain-scratch") {
        try StructureChecks.Expected.read(from: try PGConnection(database, applicationName: "cutover"))
      }
    }
    if let key { write(expected, key: key, logger: logger) }
    return (expected, false)
  }

  /// The entry's key, nil without a cache directory.
  func key(chain: URL, localStandIn: URL?, server: ConnectionTarget) throws -> String? {
    guard directory != nil else { return nil }
    var hasher = SHA256()
    func add(_ text: String) {
      hasher.update(data: Data(text.utf8))
      hasher.update(data: Data([0]))
    }
    add("cutover chain catalog 1")
    add(CutoverVersion.current)
    for folder in [chain, localStandIn].compactMap({ $0 }) {
      add(folder.lastPathComponent)
      let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        .filter { $0.hasSuffix(".sql") }.sorted()
      for name in names {
        add(name)
        hasher.update(data: try Data(contentsOf: folder.appendingPathComponent(name)))
      }
    }
    let identity = try PGConnection(server, applicationName: "cutover").execute(
      """
      SELECT version() AS version, current_setting('server_encoding') AS encoding, current_user AS role,
             coalesce((SELECT string_agg(name || ' ' || coalesce(default_version, ''), ',' ORDER BY name)
                         FROM pg_available_extensions), '') AS extensions
      """, doing: "identifying the server the v2 chain is applied on"
    ).one()
    for column in ["version", "encoding", "role", "extensions"] { add(try identity.string(column)) }
    return HexDigest.string(hasher.finalize())
  }

  private func entry(_ key: String) -> URL? {
    directory?.appendingPathComponent("chain-catalog-\(key).json")
  }

  /// The entry under `key`, nil when there is none or it does not decode.
  func read(_ key: String) -> StructureChecks.Expected? {
    guard let url = entry(key), let data = FileManager.default.contents(atPath: url.path) else { return nil }
    return try? JSONDecoder().decode(StructureChecks.Expected.self, from: data)
  }

  /// Keeps `expected` under `key` (`.partial`, then rename); a cache that cannot be written
  /// only costs the next run a scratch database.
  func write(_ expected: StructureChecks.Expected, key: String, logger: Logger) {
    guard let directory, let url = entry(key) else { return }
    do {
      try FileManager.default.createDirectory(
        at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
      let partial = url.path + ".\(getpid()).partial"
      guard
        FileManager.default.createFile(
          atPath: partial, contents: try JSONEncoder().encode(expected),
          attributes: [.posixPermissions: 0o600])
      else { throw CocoaError(.fileWriteUnknown) }
      guard rename(partial, url.path) == 0 else {
        unlink(partial)
        throw CocoaError(.fileWriteUnknown)
      }
    } catch {
      logger.debug(
        "the chain's catalog was not cached",
        metadata: ["directory": "\(directory.path)", "error": "\(error)"])
    }
  }
}
