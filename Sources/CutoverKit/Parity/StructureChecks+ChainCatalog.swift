import Foundation
import Logging

extension StructureChecks {
  /// What the v2 chain defines, read from a database it was applied to.
  public struct Expected: Sendable, Codable {
    /// The chain's catalog (read with `StructureChecks.scope`, as the target is read).
    public var catalog: Catalog
    /// Its default privileges for the API roles (`SecurityChecks.defaultPrivileges`).
    public var defaultPrivileges: [SecurityDefaultPrivilege]

    public init(catalog: Catalog, defaultPrivileges: [SecurityDefaultPrivilege]) {
      self.catalog = catalog
      self.defaultPrivileges = defaultPrivileges
    }

    /// Reads both from a database the chain was applied to.
    public static func read(from connection: PGConnection) throws -> Expected {
      Expected(
        catalog: try CatalogReader(scope: StructureChecks.scope).read(from: connection),
        defaultPrivileges: try SecurityChecks.defaultPrivileges(on: connection))
    }
  }

  /// What the chain defines: `chain` (after the `localStandIn`, when given) applied to a
  /// scratch database on `server`, read as the target is read, and the database dropped —
  /// as `cutover plan` builds it; kept in `cache` for the next stage or run.
  ///
  /// - Throws: `MigrationError` when the chain fails; `PostgresError` (the scratch database
  ///   needs CREATEDB).
  public static func expected(
    chain: URL, localStandIn: URL?, server: ConnectionTarget, cache: ChainCatalogCache = .standard,
    logger: Logger
  ) async throws -> Expected {
    try await cache.load(chain: chain, localStandIn: localStandIn, server: server, logger: logger).expected
  }
}
