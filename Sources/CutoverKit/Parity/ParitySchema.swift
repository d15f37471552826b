import Foundation
import Logging

/// Where the export finds what its source digests need: the mapping files and the v2 schema
/// they are resolved against (a migrated target, or the chain applied to a scratch database,
/// as `plan` does).
public struct ParitySchema: Sendable {
  public var mappings: URL
  public var chain: URL
  /// The stand-in applied before the chain in a scratch database (`supabase/local`).
  public var localStandIn: URL?
  /// A migrated target to read the v2 schema from; nil: a scratch database.
  public var target: ConnectionTarget?
  /// The server the scratch database is made on (default: the source's).
  public var scratchServer: ConnectionTarget?

  public init(
    mappings: URL, chain: URL, localStandIn: URL?, target: ConnectionTarget? = nil,
    scratchServer: ConnectionTarget? = nil
  ) {
    self.mappings = mappings
    self.chain = chain
    self.localStandIn = localStandIn
    self.target = target
    self.scratchServer = scratchServer
  }

  /// The mapping files and the v2 catalog.
  struct Loaded: Sendable {
    var files: [MappingFile]
    var catalog: Catalog

    /// The mapping files by their source table's name (the first, for a duplicate).
    var filesBySource: [QualifiedName: MappingFile] {
      Dictionary(files.map { ($0.source.value, $0) }, uniquingKeysWith: { first, _ in first })
    }
  }

  /// Reads the mapping files (quick: the export does it before it starts).
  func loadMappings() throws -> [MappingFile] {
    try MappingLoader(directory: mappings).load()
  }

  /// Reads the v2 catalog `files` are resolved against (the export does it while copying).
  func load(files: [MappingFile], source: ConnectionTarget, logger: Logger) async throws -> Loaded {
    let scope = CatalogReader.Scope.allSchemas(except: Planner.readSchemas)
    if let target {
      let catalog = try await onDedicatedThread(named: "cutover-parity-target") {
        try CatalogReader(scope: scope).read(
          from: try PGConnection(target, applicationName: "cutover export"))
      }
      // A target that has none of the tables the mappings fill is not a migrated v2 database
      // (an empty or wrong one): every digest would be skipped and verify would check nothing.
      let filled = Set(files.filter { $0.skip == nil }.map(\.target.value))
      if !filled.isEmpty && !filled.contains(where: { catalog.table($0) != nil }) {
        throw ExportError(
          .usage,
          "--target \(target.description) has none of the \(filled.count) tables the mappings fill (for example \(filled.sorted()[0])): it is not a migrated v2 database, so no source digest could be computed",
          nextStep:
            "migrate it first (`cutover migrate --target …`), or leave --target out: the export then applies the v2 chain to a scratch database; nothing was copied yet"
        )
      }
      return Loaded(files: files, catalog: catalog)
    }
    let expected = try await StructureChecks.expected(
      chain: chain, localStandIn: localStandIn, server: scratchServer ?? source, logger: logger)
    let catalog = expected.catalog
    return Loaded(files: files, catalog: catalog)
  }
}
