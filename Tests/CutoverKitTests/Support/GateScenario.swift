import Crypto
import CutoverKit
import Foundation
import Logging
import Testing

/// A cutover up to the gates, on real databases: the legacy fixture as the source, exported
/// with its source digests, imported into the v2 chain as the target, and a report about that
/// export.
struct GateScenario: Sendable {
  static let logger = Logger(label: "test.gates", factory: { _ in SwiftLogNoOpLogHandler() })

  var source: TestDatabase
  var target: TestDatabase
  var directory: URL
  var manifest: ExportManifest

  var sourceTarget: ConnectionTarget { get throws { try ConnectionTarget(source.url, side: .source) } }
  var targetTarget: ConnectionTarget { get throws { try ConnectionTarget(target.url, side: .target) } }

  /// A fresh export directory path (not created).
  static func scratchDirectory(_ label: String) -> URL {
    FileManager.default.temporaryDirectory
      .appendingPathComponent("cutover-gates-\(label)-\(UUID().uuidString.prefix(8))")
  }

  /// Builds the source (the running test's database) and a new target, exports, imports.
  ///
  /// The caller drops the target (`finish`).
  static func make(_ label: String) async throws -> GateScenario {
    let source = try #require(TestDatabase.current)
    try await source.buildLegacyFixture()
    try await source.execute("INSERT INTO app.app_config (id) VALUES (1) ON CONFLICT DO NOTHING")
    let directory = scratchDirectory(label)
    let target = try await TestDatabase.create(label: "gates target \(label)")
    try await MappingFixtures.buildV2(target)
    // A real export (source digests and rows files in its snapshot) imported into the target,
    // as `cutover run` does: `switch` digests the target again before it switches.
    var options = ExportOptions(source: try ConnectionTarget(source.url, side: .source), directory: directory)
    options.parity = ParitySchema(
      mappings: MappingFixtures.mappings, chain: MappingFixtures.chain, localStandIn: MappingFixtures.standIn,
      target: try ConnectionTarget(target.url, side: .target))
    _ = try await Exporter(options: options).run(logger: logger)
    _ = try await Importer(options: try ImportTests.importOptions(target, directory: directory)).run(
      logger: logger)
    let scenario = GateScenario(
      source: source, target: target, directory: directory,
      manifest: try #require(try ExportManifest.read(directory: directory)))
    return scenario
  }

  /// Every moved table's mapping, resolved against the target as import does.
  func mappings() async throws -> [QualifiedName: TableMapping] {
    let manifest = self.manifest
    let files = try MappingLoader(directory: MappingFixtures.mappings).load()
    let catalog = try await target.withConnection {
      try CatalogReader(scope: .allSchemas(except: Planner.readSchemas)).read(from: $0)
    }
    var mappings: [QualifiedName: TableMapping] = [:]
    for table in manifest.tables {
      guard let file = files.first(where: { $0.source.value == table.name }), file.skip == nil,
        let targetTable = catalog.table(file.target.value)
      else { continue }
      var findings: [MappingFinding] = []
      let exported = CatalogTable(
        name: table.name, kind: .ordinary, owner: "",
        columns: table.columns.enumerated().map { offset, column in
          CatalogColumn(
            name: column.name, position: offset + 1, type: column.type, baseType: column.type,
            isArray: column.type.hasSuffix("[]"))
        })
      if let mapping = MappingResolver(source: catalog, target: catalog).resolve(
        file, sourceTable: exported, targetTable: targetTable, findings: &findings)
      {
        mappings[table.name] = mapping
      }
    }
    return mappings
  }

  /// SHA-256 of `manifest.json` as it is now.
  func manifestSHA256() throws -> String {
    let data = try Data(contentsOf: directory.appendingPathComponent(ExportManifest.fileName))
    return SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
  }

  /// Writes a report about this export: green, or red with one differing table.
  @discardableResult
  func writeReport(green: Bool = true, manifestSHA256: String? = nil, startedAt: Date = Date()) throws
    -> String
  {
    let reference = DatabaseReference(
      database: manifest.source.database, systemIdentifier: manifest.source.systemIdentifier,
      serverVersion: manifest.source.serverVersion)
    let tables = manifest.tables.map { table in
      TableParity(
        source: table.name, target: table.name, status: .match, sourceRows: table.parity?.rows,
        targetRows: table.parity?.rows)
    }
    var report = ParityReport(
      export: ExportReference(
        manifestSHA256: try manifestSHA256 ?? self.manifestSHA256(), snapshot: manifest.source.snapshot,
        source: reference, exportStartedAt: manifest.source.startedAt,
        exportFinishedAt: manifest.source.finishedAt),
      target: DatabaseReference(database: target.name, systemIdentifier: nil, serverVersion: "15"),
      startedAt: startedAt, finishedAt: startedAt.addingTimeInterval(1), tables: tables)
    if !green, let first = report.tables.indices.first {
      report.tables[first].status = .differs
    }
    return try report.write(to: directory)
  }

  func freeze() async throws -> Freeze.Outcome {
    try await Freeze(source: try sourceTarget, exportDirectory: directory).run(logger: Self.logger)
  }

  func approve(by name: String = "Ann Reviewer") throws -> Approve.Outcome {
    try Approve(exportDirectory: directory, by: name).run()
  }

  /// A switch of `envFile`'s DATABASE_URL to the target.
  func connectionSwitch(envFile: URL, withoutApproval: Bool = false) throws -> ConnectionSwitch {
    ConnectionSwitch(
      exportDirectory: directory, source: try sourceTarget, target: try targetTarget, targetURL: target.url,
      mappings: MappingFixtures.mappings, method: .envFile(envFile, variable: "DATABASE_URL"),
      withoutApproval: withoutApproval)
  }

  func rollback(discardTargetWrites: Bool = false) throws -> Rollback {
    Rollback(
      exportDirectory: directory, source: try sourceTarget, target: try targetTarget, sourceURL: source.url,
      discardTargetWrites: discardTargetWrites)
  }

  /// Unfreezes the source if a test left it frozen, drops the target, removes the directory.
  func finish() async throws {
    _ = try? await Unfreeze(source: try sourceTarget, exportDirectory: directory).run(logger: Self.logger)
    try await target.drop()
    try? FileManager.default.removeItem(at: directory)
  }
}
