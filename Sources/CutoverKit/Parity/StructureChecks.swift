import Foundation

/// Structure and coverage checks of a migrated, imported target against what the v2 chain
/// defines: every index and constraint there, valid, with the chain's definition; no row
/// referencing a key its parent lacks (counted per foreign key, whether the constraint is
/// there or not); every sequence past its column's maximum; the migration ledger listing the
/// whole chain with matching checksums; every exported source table loaded or skipped with a
/// reason.
///
/// "What the chain defines" is `expected`: the chain applied to a scratch database
/// (`chainCatalog`), read with the same `CatalogReader` as the target, so definitions are
/// compared as the server prints them (`pg_get_indexdef`, `pg_get_constraintdef`). Only the
/// application's schemas are compared: the platform's (`auth`, `storage`, …) belong to
/// Supabase. Blocking: `run` uses the connection on its own thread.
public struct StructureChecks: Sendable {
  /// The catalog the chain defines (the chain applied to a scratch database).
  public var expected: Catalog
  /// The chain whose files the ledger must list.
  public var chain: MigrationChain
  /// The export whose tables must each be loaded or skipped (nil: coverage not checked).
  public var manifest: ExportManifest?
  /// The mapping files (source → target, or skip with a reason).
  public var mappings: [MappingFile]
  /// Target tables the import recorded as loaded (`loadedTables`); nil when unknown, then a
  /// mapped table counts as loaded when the target has it.
  public var loaded: Set<QualifiedName>?

  /// The schemas the target's catalog is read from (as the import reads it).
  public static let scope = CatalogReader.Scope.allSchemas(except: Planner.readSchemas)

  public init(
    expected: Catalog, chain: MigrationChain, manifest: ExportManifest?, mappings: [MappingFile],
    loaded: Set<QualifiedName>? = nil
  ) {
    self.expected = expected
    self.chain = chain
    self.manifest = manifest
    self.mappings = mappings
    self.loaded = loaded
  }

  /// Runs every structure and coverage check on the target.
  ///
  /// - Throws: `PostgresError` when the target cannot be read.
  public func run(on connection: PGConnection) throws -> [ParityCheck] {
    let actual = try CatalogReader(scope: Self.scope).read(from: connection)
    var checks = Self.objects(expected: expected, actual: actual)
    checks += try Self.foreignKeyIntegrity(expected: expected, actual: actual, on: connection)
    checks += try Self.sequences(actual: actual, on: connection)
    checks += Self.ledger(chain: chain, state: try MigrationLedger(connection: connection).read())
    if let manifest {
      checks += Self.coverage(manifest: manifest, mappings: mappings, actual: actual, loaded: loaded)
    }
    return checks
  }

  /// The application's tables of `catalog`: those outside the platform's schemas and not an
  /// extension's.
  public static func applicationTables(_ catalog: Catalog) -> [CatalogTable] {
    catalog.tables.filter {
      !ExportTableSelection.platformSchemas.contains($0.name.schema) && $0.fromExtension == nil
    }
  }

  // MARK: Indexes and constraints

  /// Every index and constraint of the chain's application tables, on the target, valid and
  /// with the chain's definition; objects the chain does not define are warnings.
  static func objects(expected: Catalog, actual: Catalog) -> [ParityCheck] {
    let chainObjects = definitions(applicationTables(expected))
    let targetObjects = definitions(applicationTables(actual))
    var checks: [ParityCheck] = []
    var counts: [String: Int] = [:]
    for (key, object) in chainObjects.sorted(by: { $0.key < $1.key }) {
      counts[object.kind, default: 0] += 1
      guard let found = targetObjects[key] else {
        checks.append(
          ParityCheck(
            category: .structure, name: "\(object.kind) exists", subject: object.subject, status: .fail,
            message: "\(object.subject) is missing from the target",
            nextStep: "re-create it as the v2 chain defines it: \(object.statement)"))
        continue
      }
      if found.definition != object.definition {
        checks.append(
          ParityCheck(
            category: .structure, name: "\(object.kind) definition", subject: object.subject, status: .fail,
            message:
              "\(object.subject) is `\(found.definition)` on the target; the v2 chain defines `\(object.definition)`",
            nextStep: "drop it and re-create it as the chain defines it: \(object.statement)"))
      } else if found.valid == false && object.valid != false {
        checks.append(
          ParityCheck(
            category: .structure, name: "\(object.kind) valid", subject: object.subject, status: .fail,
            message:
              "\(object.subject) is not valid on the target (\(object.kind == "index" ? "a failed build" : "NOT VALID, never validated"))",
            nextStep: object.kind == "index"
              ? "REINDEX it (\(object.statement))"
              : "fix the rows that break it, then ALTER TABLE … VALIDATE CONSTRAINT"))
      }
    }
    for (key, object) in targetObjects.sorted(by: { $0.key < $1.key }) where chainObjects[key] == nil {
      checks.append(
        ParityCheck(
          category: .structure, name: "\(object.kind) defined by the chain", subject: object.subject,
          status: .warning, message: "\(object.subject) is on the target but the v2 chain does not define it",
          nextStep: "add it to the chain, or drop it from the target"))
    }
    if !checks.contains(where: { $0.status == .fail }) {
      let summary = counts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)s" }
        .joined(separator: ", ")
      checks.append(
        ParityCheck(
          category: .structure, name: "indexes and constraints", subject: "the v2 chain's objects",
          status: .pass, message: "\(summary): each on the target, valid, as the chain defines it"))
    }
    return checks
  }

  /// One index or constraint, keyed by kind, table and name.
  struct Definition {
    var kind: String
    var subject: String
    var definition: String
    /// nil for a kind that has no validity (primary and unique keys).
    var valid: Bool?
    var statement: String
  }

  /// The indexes and foreign keys (by the import's keys, `DeferredObject.key`, as the import
  /// proves them) and the primary, unique and check constraints of `tables`.
  static func definitions(_ tables: [CatalogTable]) -> [String: Definition] {
    var objects: [String: Definition] = [:]
    let catalog = Catalog(schemas: [], relations: tables, sequences: [])
    let present = ImportCoordinator.presentObjects(catalog)
    for table in tables {
      for index in table.indexes {
        let key = DeferredObject(kind: .index, table: table.name, name: index.name, definition: "").key
        guard let found = present[key] else { continue }
        objects[key] = Definition(
          kind: "index", subject: "index \(index.name) on \(table.name)", definition: found.definition,
          valid: found.validated, statement: found.definition)
      }
      for foreignKey in table.foreignKeys {
        let key = DeferredObject(kind: .foreignKey, table: table.name, name: foreignKey.name, definition: "")
          .key
        guard let found = present[key] else { continue }
        objects[key] = Definition(
          kind: "foreign key", subject: "foreign key \(foreignKey.name) on \(table.name)",
          definition: found.definition, valid: found.validated,
          statement: constraintStatement(table.name, foreignKey.name, found.definition))
      }
      var keys = table.uniqueConstraints.map { ("unique constraint", $0) }
      if let primaryKey = table.primaryKey { keys.append(("primary key", primaryKey)) }
      for (kind, constraint) in keys {
        objects["constraint \(table.name.quoted) \(QualifiedName.quote(constraint.name))"] = Definition(
          kind: kind, subject: "\(kind) \(constraint.name) on \(table.name)",
          definition: constraint.definition, valid: nil,
          statement: constraintStatement(table.name, constraint.name, constraint.definition))
      }
      for check in table.checks {
        objects["constraint \(table.name.quoted) \(QualifiedName.quote(check.name))"] = Definition(
          kind: "check constraint", subject: "check constraint \(check.name) on \(table.name)",
          definition: check.definition, valid: check.validated,
          statement: constraintStatement(table.name, check.name, check.definition))
      }
    }
    return objects
  }

  private static func constraintStatement(_ table: QualifiedName, _ name: String, _ definition: String)
    -> String
  {
    "ALTER TABLE \(table.quoted) ADD CONSTRAINT \(QualifiedName.quote(name)) \(definition)"
  }
}
