import Foundation
import Logging

/// Loading into a bare table, the way pg_restore does, inside the load's own transaction.
///
/// A table the import fills from empty is emptied with `TRUNCATE` in the load's transaction
/// (so its rows can be copied `FREEZE`) and its primary key and unique constraints are
/// dropped, then added back before the commit: the `COPY` maintains no index, and one sort
/// builds each key afterwards. Other sessions never see the table without its keys, a
/// duplicate key rolls the whole load back as a rejected row does, and an interrupted load
/// leaves nothing to put back.
extension ImportWorker {
  /// A primary key or unique constraint dropped for a load and added back before its commit.
  struct HeldKey: Sendable {
    var name: String
    /// `pg_get_constraintdef` (`PRIMARY KEY (id)`).
    var definition: String
  }

  /// Empties `table` with `TRUNCATE ONLY` in the load's transaction so its rows can be
  /// copied `FREEZE`, and says whether it did.
  ///
  /// Frozen rows are written visible to all, with their hint bits and the visibility map
  /// set: the index builds, `ANALYZE` and verify's reads that follow do not write every page
  /// again. Only a plain table (not partitioned, not an inheritance parent with children)
  /// that is not merged qualifies, and only when it holds no rows that the import may not
  /// remove (without `--resume`/`--truncate` it must be empty, as the start found it).
  /// `TRUNCATE` fails when a foreign key the import kept references the table (`0A000`) or
  /// the role lacks the privilege (`42501`): a savepoint takes it back and the table loads
  /// with a plain `COPY`. The savepoint's release hands the new relfilenode to the
  /// transaction, so `FREEZE` still applies.
  func emptiedForFreeze(_ table: QualifiedName, on connection: PGConnection) throws -> Bool {
    guard run.merging[table] == nil, let entry = run.catalog.table(table), entry.kind == .ordinary,
      entry.children.isEmpty, !isReferencedByKeptKey(table)
    else { return false }
    try connection.execute("SAVEPOINT cutover_freeze", doing: "setting a savepoint before emptying \(table)")
    do {
      try connection.execute(
        "LOCK TABLE ONLY \(table.quoted) IN ACCESS EXCLUSIVE MODE", doing: "locking \(table) for its load")
      if !run.mayHoldRows {
        let holds = try connection.execute(
          "SELECT EXISTS (SELECT 1 FROM ONLY \(table.quoted)) AS holds",
          doing: "checking that \(table) is still empty"
        ).one().bool("holds")
        // Rows written since the import began are not the import's to remove.
        if holds {
          try rollBack(to: "cutover_freeze", doing: "leaving \(table) as it is", on: connection)
          return false
        }
      }
      try connection.execute("TRUNCATE ONLY \(table.quoted)", doing: "emptying \(table) before its load")
      try connection.execute("RELEASE SAVEPOINT cutover_freeze", doing: "keeping \(table) emptied")
      return true
    } catch let error as PostgresError
      where error.sqlState == SQLState.featureNotSupported || error.sqlState == SQLState.insufficientPrivilege
    {
      logger.debug("loading without FREEZE", metadata: ["table": "\(table)", "reason": "\(error.message)"])
      try rollBack(to: "cutover_freeze", doing: "taking back the TRUNCATE of \(table)", on: connection)
      return false
    }
  }

  /// Whether a foreign key of another table that stays in place during the load (one the
  /// import does not drop) references `table`: `TRUNCATE` would fail, so it is not tried.
  func isReferencedByKeptKey(_ table: QualifiedName) -> Bool {
    run.catalog.tables.contains { child in
      child.name != table
        && child.foreignKeys.contains { key in
          key.referenced == table
            && run.presentForeignKeys[
              DeferredObject(kind: .foreignKey, table: child.name, name: key.name, definition: "").key] != nil
        }
    }
  }

  /// Drops the primary key and unique constraints of `table` (emptied in this transaction)
  /// for its load, and returns them to add back before the commit.
  ///
  /// Left in place: a partition's or an inheritance child's (inherited), a key that is the
  /// table's replica identity, or that has a comment, storage parameters or a tablespace of
  /// its own (`pg_get_constraintdef` would not say them); and every key when dropping fails
  /// because something depends on it (a foreign key the import keeps, `2BP01`) or the role
  /// may not (`42501`) — a savepoint takes the drops back.
  func dropKeysForLoad(_ table: QualifiedName, on connection: PGConnection) throws -> [HeldKey] {
    guard let entry = run.catalog.table(table), entry.partitionOf == nil, entry.inherits.isEmpty,
      entry.primaryKey != nil || !entry.uniqueConstraints.isEmpty
    else { return [] }
    let keys = try connection.execute(
      """
      SELECT c.conname::text AS name, pg_catalog.pg_get_constraintdef(c.oid) AS definition
      FROM pg_catalog.pg_constraint c
      JOIN pg_catalog.pg_index i ON i.indexrelid = c.conindid
      JOIN pg_catalog.pg_class x ON x.oid = c.conindid
      WHERE c.conrelid = $1::regclass AND c.contype IN ('p', 'u') AND NOT i.indisreplident
        AND x.reloptions IS NULL AND x.reltablespace = 0
        AND pg_catalog.obj_description(c.oid, 'pg_constraint') IS NULL
        AND pg_catalog.obj_description(c.conindid, 'pg_class') IS NULL
      ORDER BY c.contype, c.conname
      """, [table.quoted], doing: "reading the keys of \(table)"
    ).map { HeldKey(name: try $0.string("name"), definition: try $0.string("definition")) }
    guard !keys.isEmpty else { return [] }
    try connection.execute(
      "SAVEPOINT cutover_keys", doing: "setting a savepoint before dropping the keys of \(table)")
    do {
      for key in keys {
        try connection.execute(
          "ALTER TABLE ONLY \(table.quoted) DROP CONSTRAINT \(QualifiedName.quote(key.name))",
          doing: "dropping \(key.name) of \(table) for its load")
      }
      try connection.execute("RELEASE SAVEPOINT cutover_keys", doing: "keeping the keys of \(table) dropped")
      return keys
    } catch let error as PostgresError
      where error.sqlState == SQLState.dependentObjectsStillExist
      || error.sqlState == SQLState.insufficientPrivilege
    {
      logger.debug(
        "loading with the keys in place", metadata: ["table": "\(table)", "reason": "\(error.message)"])
      try rollBack(to: "cutover_keys", doing: "keeping the keys of \(table)", on: connection)
      return []
    }
  }

  /// Adds back the keys `dropKeysForLoad` dropped, in the load's transaction.
  ///
  /// - Throws: `ImportError` (`.rejectedRow`) when the rows repeat a key; the load is then
  ///   rolled back whole.
  func addBack(
    _ keys: [HeldKey], to table: QualifiedName, sources: [QualifiedName], on connection: PGConnection
  ) throws {
    for key in keys {
      do {
        try connection.execute(
          "ALTER TABLE ONLY \(table.quoted) ADD CONSTRAINT \(QualifiedName.quote(key.name)) \(key.definition)",
          doing: "adding back \(key.name) of \(table) after its load")
      } catch let error as PostgresError where error.sqlState == SQLState.uniqueViolation {
        let names = sources.map(\.description).joined(separator: ", ")
        throw ImportError(
          .rejectedRow,
          "the rows of \(names) repeat a key of \(table) (\(key.name)); nothing of \(table) was committed",
          nextStep:
            "remove the duplicates in the source (the key shows with --show-values) or fix the mapping, then run the import again with --resume (tables already loaded are kept)",
          serverError: error)
      }
    }
  }

  private func rollBack(to savepoint: String, doing: String, on connection: PGConnection) throws {
    try connection.execute("ROLLBACK TO SAVEPOINT \(savepoint)", doing: doing)
    try connection.execute("RELEASE SAVEPOINT \(savepoint)", doing: doing)
  }
}
