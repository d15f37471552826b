import Foundation
import Logging

/// `cutover unfreeze`: removes every guard trigger `freeze` put on the source, and the guard
/// function, then compares each table's triggers and ACL with what `freeze.json` recorded.
///
/// Catalog-driven: it drops every trigger that calls the guard function, also when the record
/// is lost. Idempotent: without a freeze it says so and changes nothing.
public struct Unfreeze: Sendable {
  public var source: ConnectionTarget
  public var exportDirectory: URL
  public var lockTimeout: String

  public init(source: ConnectionTarget, exportDirectory: URL, lockTimeout: String = "10s") {
    self.source = source
    self.exportDirectory = exportDirectory
    self.lockTimeout = lockTimeout
  }

  /// What an unfreeze did.
  public struct Outcome: Sendable {
    /// False when the source was not frozen: nothing changed.
    public var wasFrozen: Bool
    public var tables: [QualifiedName]
    /// Triggers or ACLs that differ from before the freeze; empty when restored exactly.
    public var differences: [String]

    public var text: String {
      guard wasFrozen else { return "the source is not frozen: nothing to unfreeze" }
      var text = "unfroze the source: \(tables.count) guard trigger(s) dropped"
      text +=
        differences.isEmpty
        ? "; triggers and privileges are as they were before the freeze"
        : "\nthese differ from before the freeze (changed by someone else meanwhile):\n"
          + differences.map { "  - \($0)" }.joined(separator: "\n")
      return text
    }
  }

  public func run(logger: Logger) async throws -> Outcome {
    let unfreeze = self
    return try await onDedicatedThread(named: "cutover-unfreeze") {
      let connection = try PGConnection(unfreeze.source, applicationName: "cutover unfreeze")
      return try unfreeze.unfreeze(on: connection, logger: logger)
    }
  }

  /// Unfreezes on an open connection (also used by `rollback`).
  func unfreeze(on connection: PGConnection, logger: Logger) throws -> Outcome {
    var record = try GateFiles.read(FreezeRecord.self, GateFiles.freeze, in: exportDirectory)
    let guarded = try Freeze.guardedNow(on: connection).sorted()
    let functionExists =
      try connection.execute(
        """
        SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = $1 AND p.proname = $2
        """, [FreezeRecord.schema, FreezeRecord.function], doing: "looking for the freeze guard"
      ).count > 0
    guard !guarded.isEmpty || functionExists || record?.active == true else {
      return Outcome(wasFrozen: false, tables: [], differences: [])
    }
    do {
      try connection.execute("BEGIN")
      try connection.execute("SET LOCAL lock_timeout = \(try connection.quoteLiteral(lockTimeout))")
      for table in guarded {
        try connection.execute(
          "DROP TRIGGER \(QualifiedName.quote(FreezeRecord.trigger)) ON \(table.quoted)",
          doing: "removing the guard of \(table) (DROP TRIGGER)")
      }
      if functionExists {
        try connection.execute("DROP FUNCTION \(Freeze.functionName)()", doing: "dropping the freeze guard")
      }
      try connection.execute("COMMIT")
    } catch {
      _ = try? connection.execute("ROLLBACK")
      throw error
    }
    if record?.createdSchema == true {
      // Only when empty: anything else in it is not the freeze's to remove.
      let objects = try connection.execute(
        """
        SELECT (SELECT count(*) FROM pg_class c WHERE c.relnamespace = n.oid)
             + (SELECT count(*) FROM pg_proc p WHERE p.pronamespace = n.oid)
             + (SELECT count(*) FROM pg_type t WHERE t.typnamespace = n.oid) AS n
        FROM pg_namespace n WHERE n.nspname = $1
        """, [FreezeRecord.schema], doing: "looking into schema cutover"
      ).scalar
      if objects == "0" {
        try connection.execute("DROP SCHEMA \(QualifiedName.quote(FreezeRecord.schema))")
      }
    }
    var differences: [String] = []
    for table in record?.tables ?? [] {
      guard try connection.execute("SELECT to_regclass($1) AS r", [table.name.quoted]).scalar != nil else {
        differences.append("\(table.name): dropped while frozen")
        continue
      }
      let triggers = try Freeze.triggers(of: table.name, on: connection)
      if triggers != table.triggersBefore {
        differences.append(
          "\(table.name): triggers were \(table.triggersBefore), are \(triggers)")
      }
      let acl = try Freeze.acl(of: table.name, on: connection)
      if acl != table.aclBefore {
        differences.append(
          "\(table.name): privileges were \(table.aclBefore ?? "default"), are \(acl ?? "default")")
      }
    }
    if var current = record {
      current.active = false
      current.unfrozenAt = Date()
      record = current
      try GateFiles.write(current, GateFiles.freeze, in: exportDirectory)
    }
    try GateFiles.ensureDirectory(exportDirectory)
    try Journal(directory: exportDirectory).append(
      GateJournalRecord.SourceUnfrozen(tables: guarded, differences: differences))
    logger.info("unfroze \(guarded.count) table(s) on \(source)")
    return Outcome(wasFrozen: true, tables: guarded, differences: differences)
  }
}
