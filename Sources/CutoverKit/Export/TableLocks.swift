/// The `ACCESS SHARE` locks an export holds on every table it reads, for its whole length.
///
/// A snapshot alone does not protect a table: a rewrite committed after the snapshot
/// (`ALTER TABLE … TYPE`, `TRUNCATE`, `VACUUM FULL`, `CLUSTER`) gives the table a new file
/// whose rows the old snapshot cannot see, so the export would read it empty and succeed.
/// As pg_dump does, the export locks each table in the snapshot's transaction before any
/// row is read, so such DDL waits for the export; and a table rewritten between the
/// snapshot and its lock is refused, not exported empty.
enum TableLocks {
  /// Bounds every lock wait of the snapshot's transaction (the catalog read too: reading an
  /// index definition waits behind a session holding its table).
  static func limitWaits(on connection: PGConnection, timeout: Int) throws {
    try connection.execute(
      "SET LOCAL lock_timeout = \(try connection.quoteLiteral("\(timeout)s"))",
      doing: "setting lock_timeout for the export's catalog read and table locks")
  }

  /// Locks every planned table (`LOCK TABLE [ONLY] … IN ACCESS SHARE MODE`), waiting at most
  /// `timeout` seconds for each, then checks that none was rewritten since the snapshot.
  /// - Throws: `ExportError` `.locked` naming the table that could not be locked in time,
  ///   `.changedDuringStart` naming rewritten tables; `PostgresError` otherwise.
  static func lock(_ plans: [TablePlan], on connection: PGConnection, timeout: Int) throws {
    try limitWaits(on: connection, timeout: timeout)
    for plan in plans {
      do {
        try connection.execute(
          "LOCK TABLE \(plan.relationReference) IN ACCESS SHARE MODE",
          doing: "locking \(plan.name) for the export")
      } catch let error as PostgresError where error.sqlState == SQLState.lockNotAvailable {
        throw ExportError(
          .locked,
          "could not lock \(plan.name) within \(timeout) s: another session holds a conflicting lock (an ALTER TABLE, TRUNCATE, VACUUM FULL or similar running or waiting on it)",
          nextStep:
            "find it with `SELECT pid, query FROM pg_stat_activity WHERE pid = ANY(pg_blocking_pids(<waiting pid>))`, let it finish or end it, then run the export again (or raise --lock-timeout)"
        )
      }
    }
    try connection.execute("SET LOCAL lock_timeout = 0", doing: "resetting lock_timeout")
    try refuseChanged(plans, on: connection)
  }

  /// Refuses tables that changed between the snapshot and their lock: their fingerprint in
  /// the snapshot against the current catalog read on a fresh connection (stable now that the
  /// locks are held).
  private static func refuseChanged(_ plans: [TablePlan], on connection: PGConnection) throws {
    let tables = plans.map(\.name)
    let inSnapshot = try RelationFingerprint.fingerprints(of: tables, on: connection)
    let current = try PGConnection(connection.target, applicationName: "cutover export check")
    let now = try RelationFingerprint.fingerprints(of: tables, on: current)
    let changed = RelationFingerprint.changes(snapshot: inSnapshot, now: now, tables: tables)
    guard changed.isEmpty else {
      throw ExportError(
        .changedDuringStart,
        "changed after the export's snapshot was taken, before it could lock them: \(changed.joined(separator: ", ")) — the snapshot would read the wrong rows",
        nextStep:
          "run the export again (it takes a new snapshot); stop schema changes on the source during the export"
      )
    }
  }
}
