/// One table's cumulative write counters (`pg_stat_user_tables`) at a moment.
public struct TableWriteCounters: Codable, Sendable, Equatable {
  public var table: QualifiedName
  public var inserted: Int64
  public var updated: Int64
  public var deleted: Int64
  /// `pg_relation_filenode`: TRUNCATE (which no counter counts) gives a table a new file.
  public var filenode: Int64?

  public init(table: QualifiedName, inserted: Int64, updated: Int64, deleted: Int64, filenode: Int64? = nil) {
    self.table = table
    self.inserted = inserted
    self.updated = updated
    self.deleted = deleted
    self.filenode = filenode
  }

  /// Reads every user table's counters on `connection`.
  ///
  /// The statistics are cumulative since the target's creation; only an explicit
  /// `pg_stat_reset*` or a crash (stats are not crash-safe) sets them back, and on the target
  /// cutover created the database and controls both. They are reported by each backend
  /// asynchronously: at most about 10 seconds (`PGSTAT_IDLE_INTERVAL`) after a write for a
  /// session that went idle, at once for one that ended.
  public static func read(on connection: PGConnection) throws -> [TableWriteCounters] {
    try connection.execute(
      """
      SELECT schemaname, relname, n_tup_ins::bigint AS i, n_tup_upd::bigint AS u, n_tup_del::bigint AS d,
             pg_relation_filenode(relid)::bigint AS f
      FROM pg_stat_user_tables
      WHERE schemaname NOT IN ('cutover', 'supabase_migrations')
      ORDER BY schemaname, relname
      """,
      doing: "reading the target's write counters (pg_stat_user_tables)"
    ).map { row in
      TableWriteCounters(
        table: QualifiedName(schema: try row.string("schemaname"), name: try row.string("relname")),
        inserted: try row.int64("i"), updated: try row.int64("u"), deleted: try row.int64("d"),
        filenode: try row.optionalInt64("f"))
    }
  }

  /// The tables written since `before` (a table new since then counts with all its writes),
  /// one line each: "app.notes: 2 inserted, 0 updated, 1 deleted".
  public static func writes(since before: [TableWriteCounters], now: [TableWriteCounters]) -> [String] {
    let earlier = Dictionary(before.map { ($0.table, $0) }, uniquingKeysWith: { first, _ in first })
    return now.compactMap { current in
      let base =
        earlier[current.table]
        ?? TableWriteCounters(table: current.table, inserted: 0, updated: 0, deleted: 0)
      let inserted = current.inserted - base.inserted
      let updated = current.updated - base.updated
      let deleted = current.deleted - base.deleted
      if let was = base.filenode, let now = current.filenode, was != now {
        return "\(current.table): truncated or rewritten since the switch (rows may have been removed)"
      }
      // Counters that went down were reset: count that as writes of unknown number.
      guard inserted != 0 || updated != 0 || deleted != 0 else { return nil }
      if inserted < 0 || updated < 0 || deleted < 0 {
        return "\(current.table): its counters were reset since the switch (writes unknown)"
      }
      return "\(current.table): \(inserted) inserted, \(updated) updated, \(deleted) deleted"
    }
  }

  /// The tables holding rows inserted or updated after transaction `xid`, one line each.
  ///
  /// `xid` is 32-bit, from `txid_current()` at the switch. Rows are found by `xmin`, so at
  /// once, without waiting for the statistics; deleted rows leave no tuple to find: the
  /// counters cover them.
  ///
  /// Reads every table once (a sequential scan each).
  public static func rowsWritten(sinceXid xid: String, tables: [QualifiedName], on connection: PGConnection)
    throws -> [String]
  {
    var lines: [String] = []
    for table in tables {
      let count = try connection.execute(
        "SELECT count(*)::bigint AS n FROM ONLY \(table.quoted) WHERE age(xmin) < age($1::xid)", [xid],
        doing: "counting the rows of \(table) written since the switch"
      ).one().int64("n")
      if count > 0 { lines.append("\(table): \(count) row(s) inserted or updated since the switch") }
    }
    return lines
  }
}
