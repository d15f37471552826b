import Foundation

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

  /// Takes the `ACCESS SHARE` locks on `tables` (each `[ONLY] table` as `relation`, all in one
  /// statement) in another connection of the export's snapshot, without queueing for them.
  ///
  /// The export's first connection has held those locks since the start, so only a session
  /// *waiting* for a conflicting lock (an `ALTER TABLE`, `TRUNCATE` or `VACUUM FULL` queued
  /// behind the export) can stand in the way — and it waits for the export to end, so a
  /// connection queueing behind it would wait forever, a deadlock the server cannot see. As
  /// pg_dump's workers do, the locks are asked `NOWAIT`; while such a session waits, the export
  /// says who it is and retries, up to `timeout` seconds, then stops (sealed chunks are kept).
  /// - Throws: `ExportError` `.locked` naming the waiting sessions; `PostgresError` otherwise.
  static func lockToRead(
    _ tables: [(relation: String, name: QualifiedName)], on connection: PGConnection, timeout: Int,
    stopped: @escaping () -> Bool, notice: (String) -> Void
  ) throws {
    guard !tables.isEmpty else { return }
    let names = tables.map(\.name)
    let what = names.count == 1 ? "\(names[0])" : "\(names.count) tables"
    let why = { (waiting: String) in
      "\(waiting) waits for an exclusive lock on \(what) (ALTER TABLE, TRUNCATE, VACUUM FULL or similar) queued behind the export's, and the export cannot read the table while it waits"
    }
    try LockWait(seconds: Double(timeout), stopped: stopped).run(
      take: {
        try connection.execute("SAVEPOINT cutover_lock", doing: "setting a savepoint before locking \(what)")
        do {
          try connection.execute(
            "LOCK TABLE \(tables.map(\.relation).joined(separator: ", ")) IN ACCESS SHARE MODE NOWAIT",
            doing: "locking \(what) to read it")
          try connection.execute("RELEASE SAVEPOINT cutover_lock", doing: "keeping the lock on \(what)")
          return true
        } catch let error as PostgresError where error.sqlState == SQLState.lockNotAvailable {
          try connection.execute("ROLLBACK TO SAVEPOINT cutover_lock", doing: "after the lock of \(what)")
          return false
        }
      },
      sessions: {
        try LockWait.sessions(
          where:
            "l.locktype = 'relation' AND NOT l.granted AND l.relation IN (SELECT to_regclass(n) FROM unnest($1::text[]) n)",
          [PostgresArray.literal(names.map(\.quoted))], fallback: "a session", on: connection,
          doing: "finding the sessions queued for a lock on \(what)")
      },
      waiting: {
        notice(
          "\(why($0)): waiting up to \(timeout) s for it to go (`SELECT pg_cancel_backend(<pid>)` ends it)")
      },
      refused: {
        ExportError(
          .locked, "\(why($0)) (waited \(timeout) s)",
          nextStep:
            "cancel that statement (`SELECT pg_cancel_backend(<pid>)`) or hold it until the export ends, then run the same export again: it resumes from the sealed chunks"
        )
      })
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
