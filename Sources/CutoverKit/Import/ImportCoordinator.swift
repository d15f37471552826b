import Foundation
import Logging

/// The synchronous body of an import, on its own thread: reads the export, the mappings and
/// the target, decides what to load and what to drop, runs the workers, proves the indexes
/// and keys are back, and writes the journal records.
///
/// Its own connection holds the target's import lock (a session advisory lock) for the whole
/// run, so two imports never load one database at once.
struct ImportCoordinator {
  var options: ImportOptions
  var progress: ImportProgress
  var scheduler: ImportScheduler
  var cancellation: QueryCancellation
  var logger: Logger

  /// The schemas of the target read: the application's and the platform's that are loaded.
  static let scope = CatalogReader.Scope.allSchemas(except: Planner.readSchemas)

  func run() throws -> ImportSummary {
    let began = Date()
    // A shared lock keeps an export from starting over in the directory while it is read. An
    // export running in it holds the lock exclusively: it is followed at once (no retry), the
    // chunks taken from its journal as it seals them (`ExportFeed`); one that has written its
    // manifest is finishing (ending its snapshot holder): wait for it to let go.
    var directoryLock: ExportDirectory?
    do {
      directoryLock = try ExportDirectory.lock(options.directory, shared: true, waiting: 0)
    } catch let error as ExportError where error.code == .busy {
      if try ExportManifest.read(directory: options.directory) != nil {
        directoryLock = try ExportDirectory.lock(options.directory, shared: true, waiting: 30)
      }
    }
    let feed = try ExportFeed(directory: options.directory, live: directoryLock == nil, scheduler: scheduler)
    if feed.live {
      progress.notice(
        "the export is still running: each table loads once the export has sealed all its chunks")
    }
    let files = try MappingLoader(directory: options.mappings).load()
    let connection = try PGConnection(options.target, applicationName: "cutover import")
    return try cancellation.watching(connection) {
      try connection.prepareLongRunningSession()
      let target = try identify(connection)
      try lock(connection)
      let catalog = try CatalogReader(scope: Self.scope).read(from: connection)
      let owned = try ownedTables(catalog, on: connection)
      let referenceable = try referenceableTables(catalog, on: connection)
      let plan = try ImportPlan(
        exported: feed.exported, files: files, target: catalog, owned: owned, referenceable: referenceable)
      let journal = try Journal(directory: options.directory)
      let state = try ImportJournalState(
        entries: try Journal.read(directory: options.directory), target: target)
      return try withExtendedLifetime(directoryLock) {
        try load(
          plan, catalog: catalog, feed: feed, state: state, target: target, journal: journal,
          connection: connection, began: began)
      }
    }
  }

  private func identify(_ connection: PGConnection) throws -> ImportTarget {
    let row = try connection.execute(
      "SELECT current_database() AS database", doing: "reading the target's identity"
    ).one()
    let systemIdentifier = try connection.systemIdentifier(doing: "reading the target's system identifier")
    let address = "\(options.target.host ?? "local"):\(options.target.port ?? "5432")"
    return ImportTarget(
      systemIdentifier: systemIdentifier, address: address, database: try row.string("database"))
  }

  /// Takes the target's import lock for this session, waiting up to `lockWaitSeconds` for
  /// another session to let go of it, or says who holds it.
  private func lock(_ connection: PGConnection) throws {
    let key = "hashtextextended('cutover import', 0)"
    let target = options.target
    let seconds = options.lockWaitSeconds
    try LockWait(seconds: seconds, stopped: { scheduler.isStopped }).run(
      take: {
        try connection.execute(
          "SELECT pg_try_advisory_lock(\(key)) AS taken", doing: "taking the target's import lock"
        ).one().bool("taken")
      },
      sessions: {
        try LockWait.sessions(
          where: """
            l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
              AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
              AND (l.classid::bigint << 32 | l.objid::bigint) = \(key)
            """, fallback: "a session that just ended", on: connection,
          doing: "finding the session that holds the target's import lock")
      },
      waiting: { holder in
        progress.notice(
          "waiting for the target's import lock, held by \(holder) (a killed import's session lets go once its statement ends)"
        )
      },
      refused: { holder in
        ImportError(
          .busy,
          "another cutover import is loading \(target): \(holder) holds the target's import lock (waited \(Int(seconds)) s)",
          nextStep:
            "wait for it to finish (or stop it), then run the command again; a session left by a killed import ends with its statement (or `SELECT pg_terminate_backend(<pid>)`)"
        )
      })
  }

  /// The tables whose owner the connecting role is a member of, in schemas it may create in.
  ///
  /// It may drop and re-create their indexes and keys; other tables load with theirs in place.
  private func ownedTables(_ catalog: Catalog, on connection: PGConnection) throws -> Set<QualifiedName> {
    var owners: [String: Bool] = [:]
    for owner in Set(catalog.tables.map(\.owner)) {
      owners[owner] = try connection.execute(
        "SELECT pg_has_role(current_user, $1, 'USAGE') AS member", [owner],
        doing: "checking whether the target role owns \(owner)'s tables"
      ).one().bool("member")
    }
    // Re-creating an index also needs CREATE on its schema.
    var creatable: [String: Bool] = [:]
    for schema in Set(catalog.tables.map(\.name.schema)) {
      creatable[schema] = try connection.execute(
        "SELECT has_schema_privilege($1, 'CREATE') AS may", [schema],
        doing: "checking whether the target role may create indexes in \(schema)"
      ).one().bool("may")
    }
    return Set(
      catalog.tables.filter { owners[$0.owner] == true && creatable[$0.name.schema] == true }.map(\.name))
  }

  /// The tables foreign keys reference that the role may reference again (`REFERENCES`).
  private func referenceableTables(_ catalog: Catalog, on connection: PGConnection) throws -> Set<
    QualifiedName
  > {
    var tables: Set<QualifiedName> = []
    for name in Set(catalog.tables.flatMap { $0.foreignKeys.map(\.referenced) }) {
      if try connection.execute(
        "SELECT coalesce(has_table_privilege(to_regclass($1), 'REFERENCES'), false) AS may", [name.quoted],
        doing: "checking whether the target role may reference \(name)"
      ).one().bool("may") {
        tables.insert(name)
      }
    }
    return tables
  }

  private func load(
    _ plan: ImportPlan, catalog: Catalog, feed: ExportFeed, state: ImportJournalState, target: ImportTarget,
    journal: Journal, connection: PGConnection, began: Date
  ) throws -> ImportSummary {
    // A table loaded from another snapshot (the export started over since) loads again: rows
    // of two snapshots never mix.
    let loadedBefore =
      options.resume ? state.loaded.filter { ($0.value.snapshot ?? feed.snapshot) == feed.snapshot } : [:]
    let stale = options.resume ? state.loaded.count - loadedBefore.count : 0
    if stale > 0 {
      progress.notice(
        "\(stale) table(s) an earlier run loaded from another snapshot of the export load again")
    }
    let toLoad = plan.units.filter { loadedBefore[$0.target] == nil }
    let loading = Set(toLoad.map(\.target))
    let present = Self.presentObjects(catalog)
    // Owed by an earlier run and still missing, or present on a table about to load.
    let owedMissing = state.owed.filter { present[$0.key] == nil }
    let owedPresent = state.owed.filter { present[$0.key] != nil }
    let dropping = plan.deferred.filter { object in
      loading.contains(object.table) || (object.referenced.map(loading.contains) ?? false)
    }

    // Rows in a platform table (storage buckets the chain seeds) are merged on its primary
    // key; rows in an application table need --resume or --truncate.
    var holding = try tablesHoldingRows(toLoad, catalog: catalog, on: connection)
    var merging: [QualifiedName: CatalogKey] = [:]
    for name in holding where ExportTableSelection.platformSchemas.contains(name.schema) {
      if let key = catalog.table(name)?.primaryKey { merging[name] = key }
    }
    holding.removeAll { merging[$0] != nil }
    if !merging.isEmpty {
      progress.notice(
        "merging the source's rows into \(merging.keys.sorted().map(\.description).joined(separator: ", ")), which already hold rows the chain made (on their primary key)"
      )
    }
    // --resume empties only tables an earlier run of this import began to load (a crash
    // between its commit and its journal record); rows it did not write need --truncate.
    if options.resume { holding.removeAll { state.started.contains($0) } }
    if !options.truncate {
      if !holding.isEmpty {
        if !owedMissing.isEmpty {
          progress.notice(
            "putting back \(owedMissing.count) indexes and foreign keys an interrupted import dropped")
          try putBack(owedMissing, target: target, journal: journal, connection: connection)
        }
        let names = holding.prefix(5).map(\.description).joined(separator: ", ")
        throw ImportError(
          .notEmpty,
          "the target \(options.target) already holds rows in \(holding.count) of the tables to load (\(names)\(holding.count > 5 ? ", …" : ""))"
            + (options.resume ? ", rows no import from this export directory wrote" : ""),
          nextStep: options.resume
            ? "check that --target is the database this import began to load; --truncate empties those tables and loads them again"
            : "--resume continues an interrupted import into it (skipping the tables it loaded); --truncate empties those tables and loads them again"
        )
      }
    }

    try journal.append(
      ImportJournalRecord.ImportStarted(
        target: target, tables: plan.units.map(\.target), resume: options.resume, truncate: options.truncate))
    if !dropping.isEmpty {
      try journal.append(ImportJournalRecord.ObjectsRecorded(target: target, objects: dropping))
      try drop(dropping, on: connection)
    }
    // Present but owed: re-created by an interrupted run; a foreign key may still need
    // validating. Everything owed is proven at the end.
    let unvalidated = owedPresent.filter {
      $0.kind == .foreignKey && present[$0.key]?.validated == false && !$0.definition.hasSuffix(" NOT VALID")
    }
    let rebuild = Self.unique(dropping + owedMissing + unvalidated)
    let proven = Self.unique(rebuild + owedPresent)
    let droppedKeys = Set(dropping.map(\.key))
    let expected = Dictionary(
      (plan.deferred + state.owed).map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })

    let results = ImportResults()
    for unit in plan.units {
      if let record = loadedBefore[unit.target] {
        results.loaded(
          ImportSummary.Table(
            table: unit.target, sources: unit.sources.map(\.name), rowsRead: record.rowsRead,
            rowsWritten: record.rowsWritten, resumed: true))
      }
    }
    if !loadedBefore.isEmpty {
      progress.notice("resuming: \(loadedBefore.count) tables an earlier run loaded are skipped")
    }
    progress.planned(
      tables: toLoad.count, bytes: toLoad.reduce(0) { $0 + $1.bytes }, objects: rebuild.count)

    let run = ImportRun(
      options: options, target: target, journal: journal, progress: progress, scheduler: scheduler,
      cancellation: cancellation, results: results, mayHoldRows: options.resume || options.truncate,
      merging: merging, feed: feed, catalog: catalog,
      partitioned: Set(catalog.tables.filter { $0.kind == .partitioned }.map(\.name)),
      sequences: Dictionary(grouping: plan.sequences, by: \.table).mapValues {
        $0.map { (column: $0.column, sequence: $0.sequence) }
      },
      foreignKeys: Self.foreignKeys(catalog),
      presentForeignKeys: present.filter {
        $0.key.hasPrefix(DeferredObject.Kind.foreignKey.rawValue) && !droppedKeys.contains($0.key)
      }.mapValues(\.validated))
    scheduler.schedule(
      Self.tasks(
        toLoad: toLoad, all: plan.units, rebuild: rebuild, parents: plan.parents,
        exportOrder: feed.live ? feed.exported.map(\.name) : nil))
    try runWorkers(run)
    progress.end()

    let orphans = results.orphans
    let orphaned = Set(orphans.map(\.object.key))
    try prove(
      proven.filter { !orphaned.contains($0.key) }, expected: expected, tables: Set(plan.units.map(\.target)),
      before: catalog, on: connection)
    try journal.append(ImportJournalRecord.ObjectsRestored(target: target, count: rebuild.count))
    if !orphans.isEmpty {
      throw ImportError(
        .orphans,
        "\(orphans.count) foreign \(orphans.count == 1 ? "key stays" : "keys stay") NOT VALID: rows reference keys their parent table lacks:\n  - "
          + orphans.map {
            "\($0.object.table).\($0.object.name): \($0.count) \($0.count == 1 ? "row references" : "rows reference") keys missing from \($0.object.referenced.map(\.description) ?? "the parent")"
          }.joined(separator: "\n  - "),
        nextStep:
          "every table is loaded; fix or remove the orphan rows (the keys show with --show-values), then run `ALTER TABLE … VALIDATE CONSTRAINT …` for each, or fix the mapping and import again with --truncate",
        values: orphans.map { "\($0.object.table).\($0.object.name): \($0.keys.joined(separator: ", "))" }
          .joined(separator: "\n"))
    }
    let seconds = Date().timeIntervalSince(began)
    let tables = results.tables.sorted { $0.table < $1.table }
    try journal.append(
      ImportJournalRecord.ImportFinished(
        target: target, rows: tables.reduce(0) { $0 + $1.rowsWritten }, seconds: seconds))
    return ImportSummary(
      target: "\(options.target)", tables: tables,
      skipped: Dictionary(
        plan.skipped.map { ("\($0.table)", $0.reason) }, uniquingKeysWith: { first, _ in first }),
      indexesRebuilt: rebuild.filter { $0.kind == .index }.count,
      foreignKeysRebuilt: rebuild.filter { $0.kind == .foreignKey }.count,
      sequencesSet: results.sequences, seconds: seconds)
  }

  /// `objects` without repeats (by key), in order.
  static func unique(_ objects: [DeferredObject]) -> [DeferredObject] {
    var seen: Set<String> = []
    return objects.filter { seen.insert($0.key).inserted }
  }

  /// Every index and foreign key of the catalog, by `DeferredObject.key`.
  static func presentObjects(_ catalog: Catalog) -> [String: (definition: String, validated: Bool)] {
    var objects: [String: (definition: String, validated: Bool)] = [:]
    for table in catalog.tables {
      for index in table.indexes {
        let object = DeferredObject(kind: .index, table: table.name, name: index.name, definition: "")
        objects[object.key] = (index.definition, index.isValid)
      }
      for key in table.foreignKeys {
        let object = DeferredObject(kind: .foreignKey, table: table.name, name: key.name, definition: "")
        objects[object.key] = (key.definition, key.validated)
      }
    }
    return objects
  }

  static func foreignKeys(_ catalog: Catalog) -> [String: CatalogForeignKey] {
    var keys: [String: CatalogForeignKey] = [:]
    for table in catalog.tables {
      for key in table.foreignKeys {
        keys[DeferredObject(kind: .foreignKey, table: table.name, name: key.name, definition: "").key] = key
      }
    }
    return keys
  }

  /// The task graph: loads after their parents' loads; indexes after their table's load;
  /// a foreign key after both tables' loads and the referenced table's indexes; a table's
  /// sequences and ANALYZE after its load and its indexes.
  ///
  /// Ready loads go out largest first: a table loads on one connection, so the biggest one,
  /// started last, would be the whole import's tail (the others load beside it instead). While
  /// the export still runs (`exportOrder`: the tables in the order it reads them), loads go in
  /// the order the export finishes their sources, so a worker does not wait for a table the
  /// export reads last.
  static func tasks(
    toLoad: [ImportPlan.Unit], all: [ImportPlan.Unit], rebuild: [DeferredObject],
    parents: [QualifiedName: Set<QualifiedName>], exportOrder: [QualifiedName]? = nil
  ) -> [(task: ImportTask, after: Set<Int>)] {
    var tasks: [(task: ImportTask, after: Set<Int>)] = []
    var loadTask: [QualifiedName: Int] = [:]
    let position = Dictionary(
      (exportOrder ?? []).enumerated().map { ($0.element, $0.offset) },
      uniquingKeysWith: { first, _ in first })
    // Sorted by (the export's position of its last source, largest first, plan order).
    let ordered = toLoad.enumerated().map { offset, unit in
      (unit: unit, ready: unit.sources.map { position[$0.name] ?? 0 }.max() ?? 0, offset: offset)
    }.sorted { a, b in
      if a.ready != b.ready { return a.ready < b.ready }
      if a.unit.bytes != b.unit.bytes { return a.unit.bytes > b.unit.bytes }
      return a.offset < b.offset
    }.map(\.unit)
    for unit in ordered {
      loadTask[unit.target] = tasks.count
      tasks.append((.load(unit), []))
    }
    for unit in toLoad {
      guard let index = loadTask[unit.target] else { continue }
      tasks[index].after = Set((parents[unit.target] ?? []).compactMap { loadTask[$0] })
    }
    var indexTasks: [QualifiedName: Set<Int>] = [:]
    for object in rebuild where object.kind == .index {
      indexTasks[object.table, default: []].insert(tasks.count)
      tasks.append((.index(object), Set([loadTask[object.table]].compactMap { $0 })))
    }
    for object in rebuild where object.kind == .foreignKey {
      var after = Set([loadTask[object.table]].compactMap { $0 })
      if let referenced = object.referenced {
        if let load = loadTask[referenced] { after.insert(load) }
        after.formUnion(indexTasks[referenced] ?? [])
      }
      tasks.append((.foreignKey(object), after))
    }
    for unit in all {
      var after = indexTasks[unit.target] ?? []
      if let load = loadTask[unit.target] { after.insert(load) }
      tasks.append((.finish(unit.target), after))
    }
    return tasks
  }

  /// The tables to load that hold rows, in plan order.
  private func tablesHoldingRows(
    _ units: [ImportPlan.Unit], catalog: Catalog, on connection: PGConnection
  ) throws -> [QualifiedName] {
    var holding: [QualifiedName] = []
    for unit in units {
      let only = catalog.table(unit.target)?.kind == .partitioned ? "" : "ONLY "
      if try connection.execute(
        "SELECT EXISTS (SELECT 1 FROM \(only)\(unit.target.quoted)) AS holds",
        doing: "checking whether \(unit.target) holds rows"
      ).one().bool("holds") {
        holding.append(unit.target)
      }
    }
    return holding
  }

  /// Drops the recorded objects in one transaction: foreign keys first, then indexes.
  private func drop(_ objects: [DeferredObject], on connection: PGConnection) throws {
    try connection.execute("BEGIN", doing: "starting to drop indexes and foreign keys")
    do {
      for object in objects where object.kind == .foreignKey {
        try connection.execute(
          "ALTER TABLE \(object.table.quoted) DROP CONSTRAINT IF EXISTS \(QualifiedName.quote(object.name))",
          doing: "dropping \(object) before the load")
      }
      for object in objects where object.kind == .index {
        let name = QualifiedName(schema: object.table.schema, name: object.name)
        try connection.execute(
          "DROP INDEX IF EXISTS \(name.quoted)", doing: "dropping \(object) before the load")
      }
      try connection.execute("COMMIT", doing: "committing the dropped indexes and foreign keys")
    } catch {
      _ = try? connection.execute("ROLLBACK", doing: "rolling back the drops")
      throw error
    }
  }

  /// Re-creates objects an interrupted import dropped, on this connection, one by one.
  private func putBack(
    _ objects: [DeferredObject], target: ImportTarget, journal: Journal, connection: PGConnection
  ) throws {
    for object in objects where object.kind == .index {
      try connection.execute(object.createIndexSQL, doing: "putting back \(object)")
    }
    for object in objects where object.kind == .foreignKey {
      try connection.execute(
        "ALTER TABLE \(object.table.quoted) ADD CONSTRAINT \(QualifiedName.quote(object.name)) \(object.definition)",
        doing: "putting back \(object)")
    }
    try journal.append(ImportJournalRecord.ObjectsRestored(target: target, count: objects.count))
  }

  /// Runs the workers on threads of their own and waits for them; the first real failure
  /// stops the others and is thrown.
  private func runWorkers(_ run: ImportRun) throws {
    let group = DispatchGroup()
    let failures = ImportFailures()
    for number in 1...options.jobs {
      let worker = ImportWorker(number: number, run: run, logger: logger)
      group.enter()
      let thread = Thread {
        defer { group.leave() }
        do {
          try worker.work()
        } catch {
          run.scheduler.stop()
          failures.add(error)
        }
      }
      thread.name = "import-\(number)"
      thread.stackSize = 4 << 20
      thread.start()
    }
    group.wait()
    if let cause = failures.cause { throw cause }
  }

  /// Proves every re-created object exists again, valid, with its recorded definition, and
  /// that the loaded tables' other indexes and keys are as they were.
  private func prove(
    _ rebuilt: [DeferredObject], expected: [String: DeferredObject], tables: Set<QualifiedName>,
    before: Catalog, on connection: PGConnection
  ) throws {
    let after = Self.presentObjects(try CatalogReader(scope: Self.scope).read(from: connection))
    var problems: [String] = []
    for object in rebuilt {
      guard let found = after[object.key] else {
        problems.append("\(object) is missing")
        continue
      }
      if found.definition != object.definition {
        problems.append("\(object) is `\(found.definition)`, the chain made it `\(object.definition)`")
      } else if !found.validated && !object.definition.hasSuffix(" NOT VALID") {
        problems.append("\(object) is not valid")
      }
    }
    for (key, old) in Self.presentObjects(before)
    where tables.contains(where: { key.contains($0.quoted + " ") }) {
      guard expected[key] == nil, after[key]?.definition != old.definition else { continue }
      problems.append("\(key) changed during the import")
    }
    guard problems.isEmpty else {
      throw ImportError(
        .objectsDiffer,
        "the indexes and foreign keys are not all back as the v2 chain defined them:\n  - "
          + problems.joined(separator: "\n  - "),
        nextStep:
          "their recorded definitions are in the export directory's journal (import_objects_recorded); run the import again with --resume to re-create what is missing"
      )
    }
  }
}
