import Foundation
import Logging

/// One import connection: runs the scheduler's tasks until none is left or a stop is asked.
///
/// Runs entirely on one dedicated thread, where its connection is opened, used and
/// finished. The session runs with `session_replication_role = replica` (no trigger
/// rewrites a loaded row; no per-row foreign-key check), `row_security = off` (a role that
/// policies would restrict fails instead of loading part of a table) and without statement,
/// lock or idle timeouts.
struct ImportWorker: Sendable {
  var number: Int
  var run: ImportRun
  var logger: Logger

  /// Runs tasks until the scheduler has none left.
  func work() throws {
    let connection = try PGConnection(run.options.target, applicationName: "cutover import \(number)")
    try run.cancellation.watching(connection) {
      try connection.prepareLongRunningSession()
      try connection.execute(
        "SET session_replication_role = replica", doing: "setting session_replication_role (import)")
      // A policy that would filter the rows loaded fails the load instead.
      try connection.execute("SET row_security = off", doing: "turning row security off (import)")
      // The chunks' text forms (the export writes them in the canonical session), whatever the
      // target's defaults: a DateStyle of 'SQL, DMY' must not read 2024-02-01 as 2 January.
      for setting in CanonicalRow.loadSettings {
        try connection.execute(setting, doing: "setting the import session (\(setting))")
      }
      while let (index, task) = run.scheduler.next() {
        logger.debug("import task", metadata: ["task": "\(task)", "worker": "\(number)"])
        try perform(task, on: connection)
        run.scheduler.complete(index)
      }
    }
    if run.scheduler.isStopped {
      throw ImportError(.cancelled, "the import stopped before all its steps ran")
    }
  }

  private func perform(_ task: ImportTask, on connection: PGConnection) throws {
    switch task {
    case .load(let unit): try load(unit, on: connection)
    case .index(let object): try createIndex(object, on: connection)
    case .foreignKey(let object): try createForeignKey(object, on: connection)
    case .finish(let table): try finish(table, on: connection)
    }
  }

  // MARK: Loading

  /// Where a COPY's lines came from: the chunk whose rows start at `firstLine`.
  private struct Boundary {
    var chunk: ChunkRecord
    var firstLine: Int64
  }

  /// Holds a `MappingStream` (non-copyable) so nested closures can feed it.
  private final class StreamBox {
    var stream: MappingStream
    init(_ stream: consuming MappingStream) { self.stream = stream }
  }

  /// A source ready to load: the table as exported and its resolved mapping.
  private struct Ready {
    var name: QualifiedName
    var table: ExportManifest.Table
    var mapping: TableMapping
  }

  /// The unit's sources as exported, waiting for a running export to finish them.
  private func ready(_ unit: ImportPlan.Unit) throws -> [Ready] {
    try unit.sources.map { source in
      if let table = source.table, let mapping = source.mapping {
        return Ready(name: source.name, table: table, mapping: mapping)
      }
      let table = try run.feed.waitFor(source.name)
      guard let targetTable = run.catalog.table(unit.target) else {
        throw ImportPlan.mappingError(["\(source.name): the target has no table \(unit.target)"])
      }
      switch ImportPlan.resolve(source.file, table: table, into: targetTable, catalog: run.catalog) {
      case .success(let mapping): return Ready(name: source.name, table: table, mapping: mapping)
      case .failure(let problems): throw ImportPlan.mappingError(problems.lines)
      }
    }
  }

  private func load(_ unit: ImportPlan.Unit, on connection: PGConnection) throws {
    let sources = try ready(unit)
    let began = Date()
    let table = unit.target
    try run.journal.append(
      ImportJournalRecord.TableStarted(target: run.target, table: table, sources: sources.map(\.name)))
    run.progress.started(table)
    var rowsRead: Int64 = 0
    var rowsWritten: Int64 = 0
    var chunks = 0
    try connection.execute("BEGIN", doing: "starting the load of \(table)")
    do {
      let freeze = try emptiedForFreeze(table, on: connection)
      if !freeze && run.mayHoldRows && run.merging[table] == nil {
        let only = run.partitioned.contains(table) ? "" : "ONLY "
        let holds = try connection.execute(
          "SELECT EXISTS (SELECT 1 FROM \(only)\(table.quoted)) AS holds",
          doing: "checking whether \(table) holds rows"
        ).one().bool("holds")
        if holds {
          try connection.execute(
            "TRUNCATE \(only)\(table.quoted)", doing: "emptying \(table) before its load")
        }
      }
      let keys = freeze ? try dropKeysForLoad(table, on: connection) : []
      for (number, source) in sources.enumerated() {
        let counts = try copy(
          source, into: table, number: number, freeze: freeze, on: connection, chunksBefore: chunks)
        rowsRead += counts.read
        rowsWritten += counts.written
        chunks += source.table.chunks.count
      }
      try addBack(keys, to: table, sources: sources.map(\.name), on: connection)
      try connection.execute("COMMIT", doing: "committing the load of \(table)")
    } catch {
      _ = try? connection.execute("ROLLBACK", doing: "rolling back the load of \(table)")
      run.progress.abandoned(table)
      throw error
    }
    try run.journal.append(
      ImportJournalRecord.TableLoaded(
        target: run.target, table: table, rowsRead: rowsRead, rowsWritten: rowsWritten, chunks: chunks,
        seconds: Date().timeIntervalSince(began), snapshot: run.feed.snapshot))
    run.results.loaded(
      ImportSummary.Table(
        table: table, sources: sources.map(\.name), rowsRead: rowsRead, rowsWritten: rowsWritten,
        resumed: false))
    run.progress.loaded(table)
    logger.debug("table loaded", metadata: ["table": "\(table)", "rows": "\(rowsWritten)"])
  }

  /// Streams one export table's chunks through its mapper into `COPY target FROM STDIN`.
  ///
  /// A platform table that already holds rows (the chain seeds some, such as storage
  /// buckets) is merged: the rows go into a temporary table first, then into the table with
  /// `ON CONFLICT` on its primary key updating the seeded row to the source's values. With
  /// `freeze` (the table was emptied in this transaction) the rows are copied `FREEZE`.
  private func copy(
    _ source: Ready, into table: QualifiedName, number: Int, freeze: Bool, on connection: PGConnection,
    chunksBefore: Int
  ) throws -> (read: Int64, written: Int64) {
    let mapper = SwiftMappers.mapper(for: source.mapping).mapper
    let box = StreamBox(MappingStream(mapper: mapper))
    // A mapping that changes nothing (every target column is the source column at the same
    // place, as is) passes the COPY text through untouched; the server checks its shape.
    let passThrough = Self.isPassThrough(mapper.mapping)
    var passed: Int64 = 0
    let columns = mapper.mapping.columns.map { QualifiedName.quote($0.name) }
    let list = columns.joined(separator: ", ")
    var sql = mapper.mapping.copyInSQL + (freeze ? " WITH (FREEZE)" : "")
    let key = run.merging[table]
    let staging = QualifiedName(schema: "pg_temp", name: "cutover_merge_\(number)")
    if key != nil {
      try connection.execute(
        "CREATE TEMP TABLE \(QualifiedName.quote(staging.name)) (LIKE \(table.quoted)) ON COMMIT DROP",
        doing: "making the staging table to merge \(table)")
      sql = "COPY \(staging.quoted) (\(list)) FROM STDIN"
    }
    var boundaries: [Boundary] = []
    let directory = run.options.directory
    do {
      try connection.copyIn(sql, doing: "COPY \(table) FROM STDIN (import)") { writer in
        for (offset, chunk) in source.table.chunks.enumerated() {
          if run.scheduler.isStopped {
            throw ImportError(.cancelled, "the import stopped while loading \(table)")
          }
          let writtenBefore = passThrough ? passed : box.stream.rowsWritten
          boundaries.append(Boundary(chunk: chunk, firstLine: writtenBefore + 1))
          let read: ChunkRecord
          do {
            read = try ChunkReader(directory: directory, chunk: chunk).forEachBuffer { buffer in
              if passThrough {
                try writer.write(buffer)
              } else {
                try box.stream.feed(buffer) { try writer.write($0) }
              }
            }
          } catch let error as ChunkError {
            throw ImportError(
              .badChunk,
              "\(source.name): chunk \(chunk.index) (\(chunk.file)) cannot be loaded: \(error.description)",
              nextStep:
                "run `cutover check-export --export-dir \(directory.path)` to see every damaged chunk; restore them or export again, then import again (the table's load was rolled back)"
            )
          }
          guard read.rows == chunk.rows, read.bytes == chunk.bytes else {
            throw ImportError(
              .badChunk,
              "\(source.name): chunk \(chunk.index) (\(chunk.file)) holds \(read.rows) rows and \(read.bytes) bytes, the manifest says \(chunk.rows) and \(chunk.bytes)",
              nextStep: "run `cutover check-export`; export again if it confirms the damage")
          }
          if passThrough { passed += read.rows }
          let written = passThrough ? passed : box.stream.rowsWritten
          run.progress.advanced(table, rows: written - writtenBefore, bytes: read.bytes)
          if chunksBefore + offset == 0 || offset == source.table.chunks.count / 2 {
            run.options.faultHook?(.midTable(table))
          }
        }
        if !passThrough { try box.stream.finish { try writer.write($0) } }
      }
    } catch let error as PostgresError
      where error.code == .server && !run.scheduler.isStopped && Self.isAboutTheRow(error)
    {
      throw rejected(error, table: table, source: source, boundaries: boundaries)
    } catch let error as MappingStreamError {
      throw ImportError(
        .badChunk, "\(source.name): \(error)",
        nextStep: "run `cutover check-export`; export again if it confirms the damage")
    }
    if let key {
      let keyColumns = Set(key.columns.map { QualifiedName.quote($0) })
      let updates = columns.filter { !keyColumns.contains($0) }.map { "\($0) = EXCLUDED.\($0)" }
      try connection.execute(
        """
        INSERT INTO \(table.quoted) (\(list)) SELECT \(list) FROM \(staging.quoted)
        ON CONFLICT ON CONSTRAINT \(QualifiedName.quote(key.name)) DO \(updates.isEmpty ? "NOTHING" : "UPDATE SET " + updates.joined(separator: ", "))
        """, doing: "merging the rows of \(source.name) into \(table), which already held rows")
    }
    return passThrough ? (passed, passed) : (box.stream.rowsRead, box.stream.rowsWritten)
  }

  /// Whether `mapping` writes every source column, as is, in the source's order.
  static func isPassThrough(_ mapping: TableMapping) -> Bool {
    guard mapping.filter == nil, mapping.swiftMapper == nil,
      mapping.columns.count == mapping.sourceColumns.count
    else { return false }
    return mapping.columns.enumerated().allSatisfy { position, column in
      if case .source(let index, let labels) = column.output { return index == position && labels.isEmpty }
      return false
    }
  }

  /// The server's rejection of a row, said as table, chunk and row.
  private func rejected(
    _ error: PostgresError, table: QualifiedName, source: Ready, boundaries: [Boundary]
  ) -> ImportError {
    guard let line = Self.copyLine(error.context),
      let boundary = boundaries.last(where: { $0.firstLine <= line })
    else {
      return ImportError(
        .rejectedRow,
        "the target refused the rows of \(source.name) for \(table); the table's load was rolled back",
        nextStep:
          "fix what the server says (mapping or target schema), then run the import again with --resume",
        serverError: error)
    }
    let row = line - boundary.firstLine + 1
    let filtered = source.mapping.filter != nil ? " of the rows its filter keeps" : ""
    let column = Self.copyColumn(error.context).map { ", column \($0)" } ?? ""
    return ImportError(
      .rejectedRow,
      "the target rejected row \(row)\(filtered) of chunk \(boundary.chunk.index) (\(boundary.chunk.file)) of \(source.name)\(column), loading \(table): \(error.message); nothing of \(table) was committed",
      nextStep:
        "fix the row's mapping (mappings/\(source.name).yaml) or the source row, then run the import again with --resume (tables already loaded are kept)",
      serverError: error)
  }

  /// Whether the server refused a row's values (data exception, integrity constraint, a
  /// limit such as an index row too large) rather than the session: a terminated connection,
  /// a full disk or a deadlock is the server's, and says so as it is.
  static func isAboutTheRow(_ error: PostgresError) -> Bool {
    guard let state = error.sqlState else { return false }
    return state.hasPrefix("22") || state.hasPrefix("23") || state.hasPrefix("54")
  }

  /// `N` of a COPY error's context `COPY t, line N[, column c…]`.
  static func copyLine(_ context: String?) -> Int64? {
    guard let context, let range = context.range(of: ", line ") else { return nil }
    return Int64(context[range.upperBound...].prefix { $0.isNumber })
  }

  /// `c` of a COPY error's context `COPY t, line N, column c: …`.
  static func copyColumn(_ context: String?) -> String? {
    guard let context, let range = context.range(of: ", column ") else { return nil }
    let rest = context[range.upperBound...]
    return String(rest.prefix { $0 != ":" && $0 != "\n" })
  }

  // MARK: Indexes and keys

  private func createIndex(_ object: DeferredObject, on connection: PGConnection) throws {
    try connection.execute(object.createIndexSQL, doing: "re-creating \(object)")
    run.progress.objectDone()
    run.options.faultHook?(.indexRebuilt(object.name))
  }

  private func createForeignKey(_ object: DeferredObject, on connection: PGConnection) throws {
    let validated = !object.definition.hasSuffix(" NOT VALID")
    let name = QualifiedName.quote(object.name)
    switch run.presentForeignKeys[object.key] {
    case .none:
      try connection.execute(
        "ALTER TABLE \(object.table.quoted) ADD CONSTRAINT \(name) \(object.definition)\(validated ? " NOT VALID" : "")",
        doing: "re-creating \(object)")
    case .some(let isValidated) where isValidated || !validated:
      run.progress.objectDone()
      return
    case .some:
      break  // re-created by an interrupted run, not validated yet
    }
    if validated {
      run.options.faultHook?(.validatingForeignKey(object.name))
      do {
        try connection.execute(
          "ALTER TABLE \(object.table.quoted) VALIDATE CONSTRAINT \(name)", doing: "validating \(object)")
      } catch let error as PostgresError where error.sqlState == SQLState.foreignKeyViolation {
        let (count, keys) = try orphans(object, on: connection)
        run.results.orphaned(object, count: count, keys: keys)
      }
    }
    run.progress.objectDone()
  }

  /// How many rows of `object`'s table reference a key its parent lacks, and a few of those keys.
  private func orphans(_ object: DeferredObject, on connection: PGConnection) throws -> (Int64, [String]) {
    guard let key = run.foreignKeys[object.key] else { return (0, []) }
    let child = key.columns.map { "c." + QualifiedName.quote($0) }
    let parent = key.referencedColumns.map { "p." + QualifiedName.quote($0) }
    let join = zip(child, parent).map { "\($1) = \($0)" }.joined(separator: " AND ")
    let notNull = child.map { "\($0) IS NOT NULL" }.joined(separator: " AND ")
    let row = try connection.execute(
      """
      SELECT count(*) AS orphans, (array_agg(DISTINCT ROW(\(child.joined(separator: ", ")))::text))[1:5] AS keys
      FROM \(object.table.quoted) c
      WHERE \(notNull) AND NOT EXISTS (SELECT 1 FROM \(key.referenced.quoted) p WHERE \(join))
      """, doing: "listing the orphans of \(object)"
    ).one()
    return (try row.int64("orphans"), try row.optionalStringArray("keys") ?? [])
  }

  // MARK: After

  private func finish(_ table: QualifiedName, on connection: PGConnection) throws {
    for entry in run.sequences[table] ?? [] {
      try connection.execute(
        """
        SELECT pg_catalog.setval($1::regclass, m) FROM (SELECT max(\(QualifiedName.quote(entry.column)))::bigint AS m
        FROM \(table.quoted)) AS t WHERE m IS NOT NULL
        """, [entry.sequence], doing: "setting \(entry.sequence) past the maximum of \(table).\(entry.column)"
      )
      run.results.sequenceSet()
    }
    try connection.execute("ANALYZE \(table.quoted)", doing: "analyzing \(table)")
  }
}
