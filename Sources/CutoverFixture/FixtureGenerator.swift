import CutoverKit
import Foundation
import Logging

/// Fills a legacy fixture database with deterministic, awkward rows at any scale.
///
/// Reads the target's catalog (so it follows the schema as it changes), plans every table
/// with `FixturePlanner`, then streams each table's rows with `COPY … FROM STDIN` over
/// `jobs` connections, large tables split into row ranges. Loads run with
/// `session_replication_role = replica`, as `pg_restore --disable-triggers` does: no
/// foreign-key or user triggers fire, so ranges and tables load in any order and the
/// `updated_at` triggers cannot rewrite a value; every foreign key value is made to exist,
/// which the tests check. The bytes depend only on the seed, the scale, the catalog and the
/// domains file, never on scheduling.
public struct FixtureGenerator: Sendable {
  public var target: ConnectionTarget
  /// The schemas whose tables are filled.
  public var schemas: [String]
  public var domains: ValueDomains
  /// Rows per COPY statement of one large table (a unit of parallel work).
  public var rowsPerUnit: Int

  /// The schemas a fill covers by default: the app's (`app`, and `public`, where production
  /// keeps the backend's plan and subscription tables) and the auth tables they reference.
  public static let defaultSchemas = ["app", "public", "auth"]

  public init(
    target: ConnectionTarget, schemas: [String] = defaultSchemas, domains: ValueDomains,
    rowsPerUnit: Int = 500_000
  ) {
    self.target = target
    self.schemas = schemas
    self.domains = domains
    self.rowsPerUnit = max(rowsPerUnit, 1)
  }

  /// Reads the catalog and plans a fill (no rows are written).
  public func plan(scale: Double, seed: UInt64) async throws -> FixturePlan {
    let target = self.target
    let reader = CatalogReader(schemas: schemas)
    let catalog = try await onDedicatedThread(named: "fixture-catalog") {
      try reader.read(from: try PGConnection(target, applicationName: "cutover-fixture"))
    }
    guard !catalog.loadableTables.isEmpty else {
      throw FixtureError(
        code: .configuration, message: "no tables in schemas \(schemas.joined(separator: ", ")) of \(target)",
        nextStep: "build the fixture first: cutover-fixture create --target URL")
    }
    return try FixturePlanner(catalog: catalog, domains: domains, scale: scale, seed: seed).plan()
  }

  /// Fills every table of `schemas`.
  ///
  /// - Parameters:
  ///   - truncate: empty the tables first; without it, a table holding rows is refused.
  /// - Throws: `FixtureError` when a table is not empty (exit 2), the role may not set
  ///   `session_replication_role` (exit 2), or the schema has what the generator cannot
  ///   fill; `PostgresError` for database failures (exit 3).
  ///   - progress: called after a loaded range at most every 3 seconds, and after the last
  ///     (from the task driving the workers).
  public func fill(
    scale: Double, seed: UInt64, jobs: Int, truncate: Bool, logger: Logger,
    progress: (@Sendable (FixtureProgress) -> Void)? = nil
  ) async throws -> FixtureFillReport {
    let started = Date()
    let plan = try await self.plan(scale: scale, seed: seed)
    logger.debug(
      "fixture planned",
      metadata: [
        "tables": "\(plan.tables.count)", "rows": "\(plan.totalRows)", "cycle_edges": "\(plan.cycleEdges)",
      ])
    try await prepare(plan: plan, truncate: truncate)

    var units: [(table: Int, range: Range<Int>)] = []
    for (index, table) in plan.tables.enumerated() {
      var start = 0
      repeat {
        let end = min(start + rowsPerUnit, table.rows)
        units.append((index, start..<end))
        start = end
      } while start < table.rows
    }
    // Longest units first keeps the workers busy to the end; ties keep the load order.
    let ordered = units.enumerated().sorted {
      ($1.element.range.count, $0.offset) < ($0.element.range.count, $1.offset)
    }
    .map(\.element)
    var bytes = [Int64](repeating: 0, count: plan.tables.count)
    var rows = [Int](repeating: 0, count: plan.tables.count)
    try await withThrowingTaskGroup(of: (Int, Int, Int64).self) { group in
      var queue = ordered.makeIterator()
      for _ in 0..<max(jobs, 1) {
        if let unit = queue.next() {
          group.addTask { try await load(unit.table, unit.range, plan: plan, logger: logger) }
        }
      }
      var lastReport = Date.distantPast
      var unitsDone = 0
      while let (table, count, size) = try await group.next() {
        rows[table] += count
        bytes[table] += size
        unitsDone += 1
        // A plain line every few seconds, and the last one.
        if let progress, unitsDone == ordered.count || Date().timeIntervalSince(lastReport) >= 3 {
          lastReport = Date()
          progress(
            FixtureProgress(
              table: plan.tables[table].name, rowsDone: rows.reduce(0, +), rowsTotal: plan.totalRows,
              bytesDone: bytes.reduce(0, +), seconds: Date().timeIntervalSince(started)))
        }
        if let unit = queue.next() {
          group.addTask { try await load(unit.table, unit.range, plan: plan, logger: logger) }
        }
      }
    }
    try await finish(plan: plan)
    return FixtureFillReport(
      seed: seed, scale: scale, jobs: jobs,
      tables: plan.tables.enumerated().map { index, table in
        FixtureFillReport.TableFill(table: table.name.description, rows: rows[index], bytes: bytes[index])
      },
      seconds: Date().timeIntervalSince(started))
  }

  /// Checks the privilege and that the tables are empty (or truncates them).
  private func prepare(plan: FixturePlan, truncate: Bool) async throws {
    let target = self.target
    let names = plan.tables.map(\.name)
    try await onDedicatedThread(named: "fixture-prepare") {
      let connection = try PGConnection(target, applicationName: "cutover-fixture")
      try Self.replicaSession(connection)
      if truncate {
        try connection.execute(
          "TRUNCATE \(names.map(\.quoted).joined(separator: ", "))", doing: "truncating the fixture tables")
        return
      }
      let filled = try names.filter { name in
        try connection.execute(
          "SELECT EXISTS (SELECT 1 FROM \(name.quoted)) AS filled", doing: "checking \(name) is empty"
        )
        .one().bool("filled")
      }
      guard filled.isEmpty else {
        throw FixtureError(
          code: .notEmpty,
          message:
            "\(filled.count) tables of \(target) already hold rows: \(filled.prefix(5).map(\.description).joined(separator: ", "))",
          nextStep:
            "fill an empty fixture (cutover-fixture create on a new database), or pass --truncate to empty them first"
        )
      }
    }
  }

  /// Sets `session_replication_role = replica` (no FK or user triggers) and the timeouts.
  private static func replicaSession(_ connection: PGConnection) throws {
    do {
      try connection.execute(
        "SET session_replication_role = replica", doing: "disabling triggers for the fill")
    } catch let error as PostgresError where error.sqlState == SQLState.insufficientPrivilege {
      throw FixtureError(
        code: .privilege,
        message:
          "\(connection.target.user ?? "this role") may not set session_replication_role on \(connection.target)",
        nextStep: "fill as the cluster superuser (supabase_admin on a rehearsal cluster)")
    }
    try connection.prepareLongRunningSession()
  }

  /// Streams one range of one table through `COPY … FROM STDIN` on a connection of its own.
  private func load(_ table: Int, _ range: Range<Int>, plan: FixturePlan, logger: Logger) async throws -> (
    Int, Int, Int64
  ) {
    let target = self.target
    let tablePlan = plan.tables[table]
    guard !range.isEmpty else { return (table, 0, 0) }
    return try await onDedicatedThread(named: "fixture-\(tablePlan.name)") {
      let connection = try PGConnection(target, applicationName: "cutover-fixture")
      try Self.replicaSession(connection)
      let writer = FixtureRowWriter(plan: plan)
      var encoder = CopyTextEncoder()
      let count = try connection.copyIn(
        tablePlan.copyStatement,
        doing: "COPY \(tablePlan.name) FROM STDIN (rows \(range.lowerBound)..<\(range.upperBound))"
      ) { copy in
        try writer.writeRows(table: table, range: range, encoder: &encoder) { try copy.write($0) }
        try encoder.flush { try copy.write($0) }
      }
      logger.debug(
        "fixture range loaded",
        metadata: ["table": "\(tablePlan.name)", "rows": "\(count)", "bytes": "\(encoder.bytesFlushed)"])
      return (table, count, encoder.bytesFlushed)
    }
  }

  /// Advances owned sequences past the values written, so the database stays usable.
  private func finish(plan: FixturePlan) async throws {
    let target = self.target
    try await onDedicatedThread(named: "fixture-finish") {
      let connection = try PGConnection(target, applicationName: "cutover-fixture")
      for table in plan.tables {
        for (sequence, column) in table.sequences {
          try connection.execute(
            "SELECT setval($1::regclass, coalesce((SELECT max(\(QualifiedName.quote(column))) FROM \(table.name.quoted)), 0) + 1, false)",
            [sequence], doing: "advancing \(sequence)")
        }
      }
    }
  }
}
