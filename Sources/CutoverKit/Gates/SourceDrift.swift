import Foundation
import Logging

/// Proves the source has not changed since the export's snapshot: every exported table is
/// digested again on the source (`SourceDigest.compute`, through the table's mapping) and
/// compared with the digest the manifest recorded (`Table.parity`: rows and digest).
///
/// Why a digest and not cheaper evidence: write counters (`pg_stat_user_tables.n_tup_*`) are
/// reported asynchronously by each backend, can be reset by anyone with `pg_stat_reset`, and
/// are lost in a crash — a committed write can be missing from them; an `xmin` scan finds
/// inserted and updated rows but not deleted ones, which leave no tuple once vacuumed (and a
/// frozen tuple's `xmin` no longer says when it was written). A digest of the rows the target
/// receives changes with any committed insert, update or delete of a moved column, whoever
/// wrote it. It reads every table once: run it after `freeze`, when nothing can change it
/// any more.
public struct SourceDrift: Sendable {
  /// One table that differs, or could not be compared.
  public struct Finding: Sendable, Equatable, CustomStringConvertible {
    public var table: QualifiedName
    public var message: String
    public var description: String { "\(table): \(message)" }
  }

  public var source: ConnectionTarget
  public var target: ConnectionTarget
  public var exportDirectory: URL
  /// The mapping files (`mappings/`) the import used.
  public var mappings: URL

  public init(source: ConnectionTarget, target: ConnectionTarget, exportDirectory: URL, mappings: URL) {
    self.source = source
    self.target = target
    self.exportDirectory = exportDirectory
    self.mappings = mappings
  }

  /// Every table whose rows on the source differ from the export's; empty when none drifted.
  ///
  /// A table whose mapping skips it is not compared (its rows are not moved); a table with no
  /// recorded digest is a finding (it cannot be proven unchanged).
  /// - Throws: `GateError` when there is no manifest or a mapping does not fit (as import
  ///   would refuse); `PostgresError` from either database.
  public func check(logger: Logger) async throws -> [Finding] {
    let drift = self
    return try await onDedicatedThread(named: "cutover-drift") { try drift.checkBlocking(logger: logger) }
  }

  func checkBlocking(logger: Logger) throws -> [Finding] {
    guard let manifest = try ExportManifest.read(directory: exportDirectory) else {
      throw GateError(
        .refused, "\(exportDirectory.path) holds no finished export (no \(ExportManifest.fileName))",
        nextStep: "export, import and verify first")
    }
    let targetCatalog = try PGConnection(target, applicationName: "cutover drift").applicationCatalog()
    let resolved = try Self.mappings(
      manifest: manifest, files: MappingLoader(directory: mappings).load(), target: targetCatalog)
    let connection = try PGConnection(source, applicationName: "cutover drift")
    // One snapshot for every table, read-only: the answer is about one moment.
    try connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
    defer { _ = try? connection.execute("ROLLBACK") }
    var findings: [Finding] = []
    // Schema drift, which no digest of the exported columns shows: a column added to an
    // exported table (ADD COLUMN … DEFAULT fills it without an UPDATE), one changed or
    // dropped, and a table created since the freeze (its rows were never exported).
    let now = Dictionary(
      try ExportTableSelection().plan(on: connection).map { ($0.name, $0) },
      uniquingKeysWith: { first, _ in first })
    for table in manifest.tables {
      guard let current = now[table.name] else {
        findings.append(Finding(table: table.name, message: "exported, but gone from the source now"))
        continue
      }
      if current.columns != table.columns {
        let added = current.columns.filter { !table.columns.contains($0) }.map { "\($0.name) \($0.type)" }
        let gone = table.columns.filter { !current.columns.contains($0) }.map { "\($0.name) \($0.type)" }
        findings.append(
          Finding(
            table: table.name,
            message: "its columns changed since the export"
              + (added.isEmpty ? "" : " (now: \(added.joined(separator: ", ")))")
              + (gone.isEmpty ? "" : " (was: \(gone.joined(separator: ", ")))")))
      }
    }
    if let freeze = try GateFiles.read(FreezeRecord.self, GateFiles.freeze, in: exportDirectory) {
      let known = Set(freeze.tables.map(\.name)).union(manifest.tables.map(\.name))
      for name in now.keys.sorted() where !known.contains(name) {
        findings.append(
          Finding(table: name, message: "created since the freeze: its rows were never exported"))
      }
    }
    for table in manifest.tables {
      guard let mapping = resolved[table.name] else { continue }
      guard let recorded = table.parity else {
        findings.append(
          Finding(
            table: table.name, message: "the export recorded no digest of it: it cannot be proven unchanged"))
        continue
      }
      let now = try SourceDigest.recompute(
        mapping, as: recorded, only: table.copyQuery.contains(" FROM ONLY "), on: connection)
      if now.algorithm != recorded.algorithm {
        findings.append(
          Finding(
            table: table.name,
            message: "digested with \(recorded.algorithm) at the export, \(now.algorithm) now: not comparable"
          ))
      } else if now.rows != recorded.rows {
        findings.append(
          Finding(table: table.name, message: "\(recorded.rows) rows at the export, \(now.rows) now"))
      } else if now.digest != recorded.digest {
        findings.append(
          Finding(table: table.name, message: "rows changed since the export (same count, other digest)"))
      }
    }
    logger.info("drift check: \(findings.count) of \(manifest.tables.count) table(s) changed")
    return findings
  }

  /// The resolved mapping of every exported table that is moved (skipped tables left out).
  ///
  /// - Throws: `GateError` (`.usage`) listing tables without a mapping file or whose mapping
  ///   does not fit the export and the target.
  static func mappings(manifest: ExportManifest, files: [MappingFile], target: Catalog) throws
    -> [QualifiedName: TableMapping]
  {
    let byTable = Dictionary(files.map { ($0.source.value, $0) }, uniquingKeysWith: { first, _ in first })
    var mappings: [QualifiedName: TableMapping] = [:]
    var problems: [String] = []
    for table in manifest.tables {
      guard let file = byTable[table.name] else {
        problems.append("\(table.name): no mapping file names it")
        continue
      }
      if file.skip != nil { continue }
      guard let targetTable = target.table(file.target.value), targetTable.kind.holdsRows else {
        problems.append("\(table.name) (\(file.path)): the target has no table \(file.target.value)")
        continue
      }
      switch ImportPlan.resolve(file, table: table, into: targetTable, catalog: target) {
      case .success(let mapping): mappings[table.name] = mapping
      case .failure(let found): problems += found.lines
      }
    }
    guard problems.isEmpty else {
      throw GateError(
        .usage,
        "the mappings do not fit this export and target:\n  - " + problems.joined(separator: "\n  - "),
        nextStep: "pass the --mappings the import used")
    }
    return mappings
  }
}

extension PGConnection {
  /// The catalog of the application's schemas (as import and verify read the target).
  fileprivate func applicationCatalog() throws -> Catalog {
    try CatalogReader(scope: .allSchemas(except: Planner.readSchemas)).read(from: self)
  }
}
