import Foundation
import Logging

/// `cutover plan`: checks, before anything moves, that every source table is accounted for
/// and that every mapping fits the source and target catalogs; lists the load order and what
/// cutover does not move.
///
/// The target schema comes from a migrated `target`, or from applying the chain to a scratch
/// database created (and dropped) on `scratchServer`'s server.
public struct Planner: Sendable {
  /// The schemas a source or target catalog is read from: all but the platform's, plus the
  /// platform schemas whose tables cutover moves or skips by default.
  public static let readSchemas = ExportTableSelection.platformSchemas.filter {
    !["auth", "storage", "supabase_migrations"].contains($0)
  }

  public var source: ConnectionTarget
  /// A migrated target, or nil to build the chain in a scratch database.
  public var target: ConnectionTarget?
  /// The server the scratch database is made on (default: the source's).
  public var scratchServer: ConnectionTarget?
  public var mappings: URL
  public var chain: URL
  /// The stand-in applied before the chain in a scratch database (`supabase/local`).
  public var localStandIn: URL?

  public init(
    source: ConnectionTarget, target: ConnectionTarget?, scratchServer: ConnectionTarget? = nil,
    mappings: URL, chain: URL, localStandIn: URL?
  ) {
    self.source = source
    self.target = target
    self.scratchServer = scratchServer
    self.mappings = mappings
    self.chain = chain
    self.localStandIn = localStandIn
  }

  /// Makes the plan.
  ///
  /// - Throws: `MappingLoadFailure` (exit 2) when a mapping file does not parse;
  ///   `PostgresError`/`MigrationError` when a database cannot be read or the chain fails.
  public func run(logger: Logger) async throws -> PlanReport {
    let files = try MappingLoader(directory: mappings).load()
    let scope = CatalogReader.Scope.allSchemas(except: Self.readSchemas)
    let targetCatalog: Catalog
    let targetSchema: String
    var privilegeGaps: [QualifiedName: [String]] = [:]
    // A target the chain has not been applied to yet (plan before migrate) is not the v2
    // schema: the chain is applied to a scratch database on its server instead.
    var migratedTarget: ConnectionTarget?
    if let target, try await Self.isMigrated(target) { migratedTarget = target }
    if let target = migratedTarget {
      targetCatalog = try await onDedicatedThread(named: "cutover-plan-target") {
        try CatalogReader(scope: scope).read(from: try PGConnection(target, applicationName: "cutover plan"))
      }
      targetSchema = "the migrated target \(target)"
      privilegeGaps = try await onDedicatedThread(named: "cutover-plan-privileges") {
        try Self.privilegeGaps(
          on: try PGConnection(target, applicationName: "cutover plan"),
          tables: files.filter { $0.skip == nil }.map(\.target.value))
      }
    } else {
      targetSchema =
        "\(chain.lastPathComponent) applied to a scratch database (dropped after)"
        + (target == nil ? "" : ": the target is not migrated yet")
      // Read as verify reads the chain (`StructureChecks.scope`, the same schemas), and kept
      // for the export and verify.
      targetCatalog = try await StructureChecks.expected(
        chain: chain, localStandIn: localStandIn, server: scratchServer ?? target ?? source, logger: logger
      ).catalog
    }
    let source = self.source
    let gaps = privilegeGaps
    return try await onDedicatedThread(named: "cutover-plan-source") {
      let connection = try PGConnection(source, applicationName: "cutover plan")
      let sourceCatalog = try CatalogReader(scope: scope).read(from: connection)
      var builder = PlanBuilder(
        files: files, source: sourceCatalog, target: targetCatalog, connection: connection, logger: logger)
      builder.privilegeGaps = gaps
      return try builder.build(targetSchema: targetSchema)
    }
  }

  /// Whether `target` holds a migration ledger with at least one applied file.
  static func isMigrated(_ target: ConnectionTarget) async throws -> Bool {
    try await onDedicatedThread(named: "cutover-plan-ledger") {
      let connection = try PGConnection(target, applicationName: "cutover plan")
      // Read from the catalogs: a role without USAGE on the ledger's schema may still plan.
      let ledger = try connection.execute(
        """
        SELECT c.oid IS NOT NULL AS present,
               coalesce(has_schema_privilege(n.oid, 'USAGE') AND has_table_privilege(c.oid, 'SELECT'), false)
                 AS readable
        FROM (SELECT 1) one
        LEFT JOIN pg_catalog.pg_namespace n ON n.nspname = 'supabase_migrations'
        LEFT JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = 'schema_migrations'
        """, doing: "looking for the target's migration ledger"
      ).one()
      guard try ledger.bool("present") else { return false }
      // A ledger it may not read: the target was migrated by someone; take it as it is.
      guard try ledger.bool("readable") else { return true }
      return try connection.execute(
        "SELECT EXISTS (SELECT 1 FROM supabase_migrations.schema_migrations) AS applied",
        doing: "reading the target's migration ledger"
      ).one().bool("applied")
    }
  }

  /// The target tables the connection's role cannot INSERT into or TRUNCATE.
  static func privilegeGaps(on connection: PGConnection, tables: [QualifiedName]) throws -> [QualifiedName:
    [String]]
  {
    var gaps: [QualifiedName: [String]] = [:]
    for table in Set(tables) {
      let rows = try connection.execute(
        """
        SELECT to_regclass($1) IS NOT NULL AS present,
               coalesce(has_table_privilege(to_regclass($1), 'INSERT'), false) AS can_insert,
               coalesce(has_table_privilege(to_regclass($1), 'TRUNCATE'), false) AS can_truncate
        """, [table.quoted], doing: "checking the target role's privileges on \(table)")
      let row = try rows.one()
      guard try row.bool("present") else { continue }
      var missing: [String] = []
      if !(try row.bool("can_insert")) { missing.append("INSERT") }
      if !(try row.bool("can_truncate")) { missing.append("TRUNCATE") }
      if !missing.isEmpty { gaps[table] = missing }
    }
    return gaps
  }
}
