import CutoverKit
import CutoverTestSupport
import Foundation
import Logging
import Testing

/// `cutover import` against real servers: the fixtures exported, imported into the v2 chain
/// and compared; rejected rows, a busy or non-empty target, a role that is not a superuser.
@Suite(.postgres, .timeLimit(.minutes(10)))
struct ImportTests {
  static let logger = Logger(label: "test.import", factory: { _ in SwiftLogNoOpLogHandler() })

  /// A fresh directory path (not created) under the temporary directory.
  static func scratchDirectory(_ label: String) -> URL {
    FileManager.default.temporaryDirectory
      .appendingPathComponent("cutover-import-\(label)-\(UUID().uuidString.prefix(8))")
  }

  /// Exports `db` into a new directory in small chunks (several per large table).
  static func export(_ db: TestDatabase, label: String) async throws -> (URL, ExportManifest) {
    let directory = scratchDirectory(label)
    var options = ExportOptions(source: try ConnectionTarget(db.url, side: .source), directory: directory)
    options.chunkSize = 64 << 10
    _ = try await Exporter(options: options).run(logger: logger)
    return (directory, try #require(try ExportManifest.read(directory: directory)))
  }

  static func importOptions(_ target: TestDatabase, directory: URL, mappings: URL? = nil) throws
    -> ImportOptions
  {
    ImportOptions(
      target: try ConnectionTarget(target.url, side: .target), directory: directory,
      mappings: mappings ?? MappingFixtures.mappings)
  }

  /// Count and order-independent digest of every column of `table`, as text.
  static func digest(_ connection: PGConnection, _ table: QualifiedName, columns: [String]) throws -> [String]
  {
    var digests = [
      try connection.execute("SELECT count(*)::text AS n FROM ONLY \(table.quoted)").one().string("n")
    ]
    for column in columns {
      let quoted = QualifiedName.quote(column)
      digests.append(
        try connection.execute(
          "SELECT coalesce(sum(hashtextextended(\(quoted)::text, 0)), 0)::text AS d FROM ONLY \(table.quoted)"
        ).one().string("d"))
    }
    return digests
  }

  /// Every index and foreign key of the app-facing schemas, with definition and validity.
  static func objects(_ db: TestDatabase) async throws -> [String] {
    try await db.withConnection { connection in
      let catalog = try CatalogReader(scope: .allSchemas(except: Planner.readSchemas)).read(from: connection)
      var objects: [String] = []
      for table in catalog.tables {
        objects += table.indexes.map { "\(table.name) index \($0.definition) valid=\($0.isValid)" }
        objects += table.foreignKeys.map {
          "\(table.name) fk \($0.name) \($0.definition) valid=\($0.validated)"
        }
        objects += table.checks.map { "\(table.name) check \($0.name) \($0.definition)" }
      }
      return objects.sorted()
    }
  }

  /// Row count and column digests of every target table a mapping feeds.
  static func contents(_ db: TestDatabase, tables: [QualifiedName]) async throws -> [String: [String]] {
    try await db.withConnection { connection in
      let catalog = try CatalogReader(scope: .allSchemas(except: Planner.readSchemas)).read(from: connection)
      var contents: [String: [String]] = [:]
      for name in tables {
        guard let table = catalog.table(name) else { continue }
        contents["\(name)"] = try digest(connection, name, columns: table.copiedColumns.map(\.name))
      }
      return contents
    }
  }

  /// The journal's import records of `kind` naming a table, after the last `import_started`.
  static func journalTables(_ directory: URL, kind: String, sinceLastStart: Bool) throws -> [String] {
    let text = try String(contentsOf: directory.appendingPathComponent("journal.jsonl"), encoding: .utf8)
    var tables: [String] = []
    for line in text.split(separator: "\n") {
      let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
      let lineKind = object?["kind"] as? String
      if lineKind == "import_started" && sinceLastStart { tables = [] }
      guard lineKind == kind, let payload = object?["payload"] as? [String: Any],
        let table = payload["table"] as? [String: Any]
      else { continue }
      tables.append("\(table["schema"] ?? "").\(table["name"] ?? "")")
    }
    return tables
  }

  @Test(arguments: SourceShape.allCases)
  func `a fixture exported and imported into v2 has every row, the mapped values and the chain's indexes`(
    shape: SourceShape
  ) async throws {
    let db = try #require(TestDatabase.current)
    try await MappingFixtures.buildFilled(db, shape)
    try await db.execute(
      """
      UPDATE app.livekit_webhook_jobs SET status = 'done'
      WHERE ctid IN (SELECT ctid FROM app.livekit_webhook_jobs LIMIT 7)
      """)
    let (directory, manifest) = try await Self.export(db, label: "fixture")
    defer { try? FileManager.default.removeItem(at: directory) }
    let target = try await TestDatabase.create(label: "import v2 \(shape)")
    let reference = try await TestDatabase.create(label: "import ref \(shape)")
    do {
      try await MappingFixtures.buildV2(target)
      try await MappingFixtures.buildV2(reference)
      let summary = try await Importer(options: try Self.importOptions(target, directory: directory))
        .run(logger: Self.logger)
      let files = try MappingLoader(directory: MappingFixtures.mappings).load()
      let moved = files.filter { $0.skip == nil && manifest.tables.map(\.name).contains($0.source.value) }
      #expect(summary.tables.count == Set(moved.map(\.target.value)).count)
      #expect(summary.indexesRebuilt > 0 && summary.foreignKeysRebuilt > 0)

      // Every table's count equals the source's.
      for file in moved {
        let exported = try #require(manifest.tables.first { $0.name == file.source.value })
        let count = try await target.execute(
          "SELECT count(*)::bigint AS n FROM ONLY \(file.target.value.quoted)"
        )
        .one().int64("n")
        #expect(count == exported.rows, "\(file.target.value)")
      }
      // livekit_webhook_jobs column by column through the mapping (its SQL on the source).
      let scope = CatalogReader.Scope.allSchemas(except: Planner.readSchemas)
      let sourceCatalog = try await db.withConnection { try CatalogReader(scope: scope).read(from: $0) }
      let targetCatalog = try await target.withConnection { try CatalogReader(scope: scope).read(from: $0) }
      let jobs = QualifiedName(schema: "app", name: "livekit_webhook_jobs")
      let file = try #require(files.first { $0.source.value == jobs })
      var findings: [MappingFinding] = []
      let sourceTable = try #require(sourceCatalog.table(jobs))
      let targetTable = try #require(targetCatalog.table(jobs))
      let resolved = try #require(
        MappingResolver(source: sourceCatalog, target: targetCatalog).resolve(
          file, sourceTable: sourceTable, targetTable: targetTable, findings: &findings))
      let mapping = SwiftMappers.mapper(for: resolved).mapper.mapping
      let columns = mapping.columns.map(\.name)
      let imported = try await target.withConnection { try Self.digest($0, jobs, columns: columns) }
      let expected = try await db.withConnection { connection in
        try connection.execute("CREATE TEMP VIEW mapped_jobs AS \(mapping.sourceSelectSQL)")
        return try Self.digest(
          connection, QualifiedName(schema: "pg_temp", name: "mapped_jobs"), columns: columns)
      }
      #expect(imported == expected)
      #expect(
        try await target.execute(
          "SELECT count(*)::int AS n FROM app.livekit_webhook_jobs WHERE status = 'failed'"
        )
        .one().int("n") >= 7)

      // The chain's indexes and constraints, as a freshly migrated database has them, all valid.
      let importedObjects = try await Self.objects(target)
      let referenceObjects = try await Self.objects(reference)
      #expect(importedObjects == referenceObjects)
      // Sequences past their column's maximum; the journal names every loaded table.
      let behind = try await target.withConnection { connection in
        let catalog = try CatalogReader(scope: scope).read(from: connection)
        var behind: [String] = []
        for table in catalog.loadableTables {
          for column in table.copiedColumns {
            guard let sequence = column.ownedSequence else { continue }
            let row = try connection.execute(
              """
              SELECT (SELECT max(\(QualifiedName.quote(column.name)))::bigint FROM \(table.name.quoted)) AS m,
                     (SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM \(sequence.quoted)) AS v
              """
            ).one()
            if let maximum = try row.optionalInt64("m"), try row.int64("v") < maximum {
              behind.append("\(sequence)")
            }
          }
        }
        return behind
      }
      #expect(behind.isEmpty, "\(behind)")
      let loaded = try Self.journalTables(directory, kind: "import_table_loaded", sinceLastStart: true)
      #expect(Set(loaded) == Set(summary.tables.map { "\($0.table)" }))
    } catch {
      try await target.drop()
      try await reference.drop()
      throw error
    }
    try await target.drop()
    try await reference.drop()
  }

  @Test func `a rejected row stops its table naming table, chunk and row; nothing of it is committed`()
    async throws
  {
    let db = try #require(TestDatabase.current)
    let schema = """
      CREATE SCHEMA app;
      CREATE TABLE app.parents (id int PRIMARY KEY, name text NOT NULL);
      CREATE TABLE app.items (id int PRIMARY KEY, parent int REFERENCES app.parents, label %@);
      CREATE INDEX items_parent ON app.items (parent);
      """
    try await db.runScript(
      schema.replacingOccurrences(of: "%@", with: "text")
        + """
        INSERT INTO app.parents SELECT g, 'p' || g FROM generate_series(1, 50) g;
        INSERT INTO app.items SELECT g, g % 50 + 1, CASE WHEN g = 3000 THEN 'far too long' ELSE 'ok' END
          FROM generate_series(1, 5000) g;
        """)
    let target = try await TestDatabase.create(label: "import reject")
    let mappings = Self.scratchDirectory("mappings")
    let directory = Self.scratchDirectory("reject")
    defer {
      try? FileManager.default.removeItem(at: mappings)
      try? FileManager.default.removeItem(at: directory)
    }
    do {
      try await target.runScript(schema.replacingOccurrences(of: "%@", with: "varchar(5)"))
      try MappingFixtures.writeIdentityMappings(["app.parents", "app.items"], into: mappings)
      var exportOptions = ExportOptions(
        source: try ConnectionTarget(db.url, side: .source), directory: directory)
      exportOptions.chunkSize = 4096
      _ = try await Exporter(options: exportOptions).run(logger: Self.logger)
      let manifest = try #require(try ExportManifest.read(directory: directory))
      let items = try #require(manifest.tables.first { $0.name.name == "items" })
      // Rows are exported in insertion order: find the chunk holding the 3000th row.
      var before: Int64 = 0
      var expected: (chunk: Int, row: Int64)?
      for chunk in items.chunks {
        if before + chunk.rows >= 3000 {
          expected = (chunk.index, 3000 - before)
          break
        }
        before += chunk.rows
      }
      let (chunk, row) = try #require(expected)
      #expect(chunk > 1)

      var options = try Self.importOptions(target, directory: directory, mappings: mappings)
      options.jobs = 1
      let error = try await #require(throws: ImportError.self) {
        _ = try await Importer(options: options).run(logger: Self.logger)
      }
      #expect(error.code == .rejectedRow)
      #expect(error.message.contains("row \(row) of chunk \(chunk)"), "\(error)")
      #expect(error.message.contains("app.items") && error.message.contains("column label"), "\(error)")
      #expect(error.serverError?.sqlState == "22001")
      #expect(!error.description.contains("far too long"))
      #expect(try await target.execute("SELECT count(*)::int AS n FROM app.items").one().int("n") == 0)
      #expect(try await target.execute("SELECT count(*)::int AS n FROM app.parents").one().int("n") == 50)
      // The index and key it dropped are missing now; a rerun without --resume puts them back
      // and refuses the target that holds rows (exit 2).
      #expect(
        try await target.execute("SELECT to_regclass('app.items_parent') IS NULL AS gone").one().bool("gone"))
      let rerun = try CutoverBinary.run([
        "import", "--export-dir", directory.path, "--target", target.url, "--mappings", mappings.path,
      ])
      #expect(rerun.status == 2, "\(rerun.output)")
      #expect(rerun.output.contains("--resume"), "\(rerun.output)")
      #expect(!rerun.output.contains(db.password))
      let back = try await target.execute(
        """
        SELECT to_regclass('app.items_parent') IS NOT NULL AS index,
               EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'items_parent_fkey' AND convalidated) AS key
        """
      ).one()
      #expect(try back.bool("index") && back.bool("key"))
    } catch {
      try await target.drop()
      throw error
    }
    try await target.drop()
  }

  @Test
  func
    `SIGKILL mid-table, during index rebuild and during key validation, then --resume, equals an uninterrupted import`()
    async throws
  {
    let db = try #require(TestDatabase.current)
    try await MappingFixtures.buildFilled(db, .legacy)
    let (directory, _) = try await Self.export(db, label: "crash")
    defer { try? FileManager.default.removeItem(at: directory) }
    let reference = try await TestDatabase.create(label: "import crash ref")
    var created = [reference]
    do {
      try await MappingFixtures.buildV2(reference)
      let summary = try await Importer(options: try Self.importOptions(reference, directory: directory))
        .run(logger: Self.logger)
      let tables = summary.tables.map(\.table)
      let expectedContents = try await Self.contents(reference, tables: tables)
      let expectedObjects = try await Self.objects(reference)
      for point in ["mid-table:6", "index-rebuild:3", "fk-validation:2"] {
        let target = try await TestDatabase.create(label: "import crash \(point)")
        created.append(target)
        try await MappingFixtures.buildV2(target)
        let arguments = [
          "import", "--export-dir", directory.path, "--target", target.url, "--mappings",
          MappingFixtures.mappings.path, "--jobs", "2",
        ]
        let crashed = try CutoverBinary.run(arguments, environment: ["CUTOVER_TEST_CRASH_AT": point])
        #expect(crashed.status == 128 + SIGKILL, "\(point): \(crashed.output)")
        let loadedBefore = Set(
          try Self.journalTables(directory, kind: "import_table_loaded", sinceLastStart: true))
        #expect(!loadedBefore.isEmpty, "\(point)")
        if point.hasPrefix("mid-table") { #expect(loadedBefore.count < tables.count) }
        let resumed = try CutoverBinary.run(arguments + ["--resume"])
        #expect(resumed.status == 0, "\(point): \(resumed.output)")
        let startedOnResume = Set(
          try Self.journalTables(directory, kind: "import_table_started", sinceLastStart: true))
        #expect(startedOnResume.isDisjoint(with: loadedBefore), "\(point)")
        #expect(startedOnResume.count + loadedBefore.count == tables.count, "\(point)")
        #expect(resumed.output.contains("skipped"), "\(resumed.output)")
        #expect(try await Self.contents(target, tables: tables) == expectedContents, "\(point)")
        #expect(try await Self.objects(target) == expectedObjects, "\(point)")
      }
    } catch {
      for database in created { try await database.drop() }
      throw error
    }
    for database in created { try await database.drop() }
  }

  @Test func `a role that owns the app tables and may set session_replication_role imports`() async throws {
    let db = try #require(TestDatabase.current)
    try await MappingFixtures.buildFilled(db, .legacy)
    let (directory, manifest) = try await Self.export(db, label: "role")
    defer { try? FileManager.default.removeItem(at: directory) }
    let target = try await TestDatabase.create(label: "import role")
    do {
      try await MappingFixtures.buildV2(target)
      let role = "importer_\(UUID().uuidString.prefix(8).lowercased())"
      try await target.createRole(role, password: "import-pass", attributes: "NOSUPERUSER BYPASSRLS")
      // As on a Supabase project: `postgres` owns what the migrations made in app and public,
      // may write the platform's user tables and bypasses RLS, but is no superuser.
      try await target.runScript(
        """
        DO $$ DECLARE t record; BEGIN
          FOR t IN SELECT schemaname, tablename FROM pg_tables WHERE schemaname IN ('app', 'public') LOOP
            EXECUTE format('ALTER TABLE %I.%I OWNER TO \(role)', t.schemaname, t.tablename);
          END LOOP;
        END $$;
        ALTER SCHEMA app OWNER TO \(role);
        GRANT CREATE ON SCHEMA public TO \(role);
        GRANT USAGE ON SCHEMA auth, storage TO \(role);
        GRANT ALL ON ALL TABLES IN SCHEMA auth, storage TO \(role);
        GRANT ALL ON ALL SEQUENCES IN SCHEMA auth, storage TO \(role);
        GRANT SET ON PARAMETER session_replication_role TO \(role);
        """)
      let url = target.url(user: role, password: "import-pass")
      let outcome = try CutoverBinary.run([
        "import", "--export-dir", directory.path, "--target", url, "--mappings",
        MappingFixtures.mappings.path,
      ])
      #expect(outcome.status == 0, "\(outcome.output)")
      #expect(!outcome.output.contains("import-pass"))
      #expect(!outcome.output.contains(" 0 indexes and"), "\(outcome.output)")
      let profiles = try #require(
        manifest.tables.first { $0.name.name == "profiles" && $0.name.schema == "app" })
      #expect(
        try await target.execute("SELECT count(*)::bigint AS n FROM app.profiles").one().int64("n")
          == profiles.rows)
      let users = try #require(manifest.tables.first { $0.name.name == "users" && $0.name.schema == "auth" })
      #expect(
        try await target.execute("SELECT count(*)::bigint AS n FROM auth.users").one().int64("n")
          == users.rows)
      // The role's own tables that no kept foreign key references were emptied in their
      // load's transaction and copied FREEZE (ANALYZE counts the pages the visibility map
      // marks all-visible).
      let frozen = try await target.execute(
        """
        SELECT count(*) FILTER (WHERE relallvisible = relpages)::int AS frozen, count(*)::int AS tables
        FROM pg_class WHERE relnamespace = 'app'::regnamespace AND relkind = 'r' AND relpages > 0
        """
      ).one()
      let tables = try frozen.int("tables")
      #expect(try frozen.int("frozen") > 0, "\(tables) tables with pages")
    } catch {
      try await target.drop()
      throw error
    }
    try await target.drop()
  }

  /// Exports `db` (small chunks) and writes a one-line mapping per table.
  static func exportWithMappings(
    _ db: TestDatabase, tables: [String], label: String, splitLargerThan: Int64? = nil
  ) async throws -> (
    directory: URL, mappings: URL
  ) {
    let directory = scratchDirectory(label)
    let mappings = scratchDirectory("\(label)-mappings")
    try MappingFixtures.writeIdentityMappings(tables, into: mappings)
    var options = ExportOptions(source: try ConnectionTarget(db.url, side: .source), directory: directory)
    options.chunkSize = 4096
    if let splitLargerThan { options.splitTablesLargerThan = splitLargerThan }
    _ = try await Exporter(options: options).run(logger: logger)
    return (directory, mappings)
  }

  @Test
  func `orphans keep their foreign key NOT VALID and are named by table and key; values only when asked`()
    async throws
  {
    let db = try #require(TestDatabase.current)
    try await db.runScript(
      """
      CREATE SCHEMA app;
      CREATE TABLE app.parents (id int PRIMARY KEY);
      CREATE TABLE app.items (id int PRIMARY KEY, parent int);
      INSERT INTO app.parents SELECT generate_series(1, 20);
      INSERT INTO app.items SELECT g, CASE WHEN g % 500 = 0 THEN 900 + g / 500 ELSE g % 20 + 1 END
        FROM generate_series(1, 2000) g;
      """)
    let target = try await TestDatabase.create(label: "import orphans")
    let (directory, mappings) = try await Self.exportWithMappings(
      db, tables: ["app.parents", "app.items"], label: "orphans")
    defer {
      try? FileManager.default.removeItem(at: directory)
      try? FileManager.default.removeItem(at: mappings)
    }
    do {
      try await target.runScript(
        """
        CREATE SCHEMA app;
        CREATE TABLE app.parents (id int PRIMARY KEY);
        CREATE TABLE app.items (id int PRIMARY KEY, parent int REFERENCES app.parents);
        """)
      let error = try await #require(throws: ImportError.self) {
        _ = try await Importer(
          options: try Self.importOptions(target, directory: directory, mappings: mappings)
        ).run(logger: Self.logger)
      }
      #expect(error.code == .orphans)
      #expect(error.exitStatus == .checkFailed)
      #expect(
        error.message.contains("app.items.items_parent_fkey: 4 rows reference keys missing from app.parents"))
      #expect(!error.description.contains("(901)"))
      #expect(error.description(showingValues: true).contains("(901)"))
      #expect(try await target.execute("SELECT count(*)::int AS n FROM app.items").one().int("n") == 2000)
      let key = try await target.execute(
        "SELECT convalidated FROM pg_constraint WHERE conname = 'items_parent_fkey'"
      ).one()
      #expect(try key.bool("convalidated") == false)
    } catch {
      try await target.drop()
      throw error
    }
    try await target.drop()
  }

  @Test func `a mapping that does not fit the export's columns is refused before anything loads`()
    async throws
  {
    let db = try #require(TestDatabase.current)
    try await db.runScript(
      """
      CREATE SCHEMA app;
      CREATE TABLE app.items (id int PRIMARY KEY, label text, legacy_note text);
      INSERT INTO app.items SELECT g, 'x', 'old' FROM generate_series(1, 100) g;
      """)
    let target = try await TestDatabase.create(label: "import misfit")
    let (directory, mappings) = try await Self.exportWithMappings(db, tables: ["app.items"], label: "misfit")
    defer {
      try? FileManager.default.removeItem(at: directory)
      try? FileManager.default.removeItem(at: mappings)
    }
    do {
      try await target.runScript(
        "CREATE SCHEMA app; CREATE TABLE app.items (id int PRIMARY KEY, label text);")
      let outcome = try CutoverBinary.run([
        "import", "--export-dir", directory.path, "--target", target.url, "--mappings", mappings.path,
      ])
      #expect(outcome.status == 2, "\(outcome.output)")
      #expect(outcome.output.contains("legacy_note"), "\(outcome.output)")
      #expect(try await target.execute("SELECT count(*)::int AS n FROM app.items").one().int("n") == 0)
      #expect(try Self.journalTables(directory, kind: "import_table_started", sinceLastStart: false).isEmpty)
    } catch {
      try await target.drop()
      throw error
    }
    try await target.drop()
  }

  @Test func `an import started while the export runs loads each table once the export has sealed it`()
    async throws
  {
    try await Self.withParentsAndItems(label: "import live") { copy, exportOptions in
      var exportOptions = exportOptions
      exportOptions.jobs = 1
      // The export holds its snapshot and directory for a while before it reads a table.
      exportOptions.afterSnapshot = { _ in try await Task.sleep(for: .seconds(3)) }
      let export = Task { try await Exporter(options: exportOptions).run(logger: Self.logger) }
      let lock = copy.directory.appendingPathComponent("export.lock").path
      for _ in 0..<200 where !FileManager.default.fileExists(atPath: lock) {
        try await Task.sleep(for: .milliseconds(50))
      }
      try await Task.sleep(for: .milliseconds(300))
      #expect(try ExportManifest.read(directory: copy.directory) == nil)
      let summary = try await Importer(
        options: try Self.importOptions(copy.target, directory: copy.directory, mappings: copy.mappings)
      ).run(logger: Self.logger)
      _ = try await export.value
      #expect(summary.tables.count == 2)
      #expect(
        try await copy.target.execute("SELECT count(*)::int AS n FROM app.items").one().int("n") == 20000)
      #expect(
        try await copy.target.execute("SELECT to_regclass('app.items_label') IS NOT NULL AS back").one().bool(
          "back"))
      // The import began before the export finished.
      let kinds = try Journal.read(directory: copy.directory).map(\.kind)
      let importStarted = try #require(kinds.firstIndex(of: "import_started"))
      let exportFinished = try #require(kinds.firstIndex(of: "export_finished"))
      #expect(importStarted < exportFinished)
    }
  }

  /// Parents and items with a foreign key and a secondary index (what an import drops and
  /// puts back), 20,300 rows, and export options writing 4 KiB chunks (several per table).
  static func withParentsAndItems(
    label: String, _ body: (IdentityCopy, ExportOptions) async throws -> Void
  ) async throws {
    try await IdentityCopy.with(
      source: try #require(TestDatabase.current),
      schema: """
        CREATE SCHEMA app;
        CREATE TABLE app.parents (id int PRIMARY KEY, name text);
        CREATE TABLE app.items (id int PRIMARY KEY, parent int REFERENCES app.parents, label text);
        CREATE INDEX items_label ON app.items (label);
        """,
      data: """
        INSERT INTO app.parents SELECT g, 'p' || g FROM generate_series(1, 300) g;
        INSERT INTO app.items SELECT g, g % 300 + 1, md5(g::text) FROM generate_series(1, 20000) g;
        """, tables: ["app.parents", "app.items"], label: label
    ) { copy in
      var options = try copy.exportOptions()
      options.chunkSize = 4096
      try await body(copy, options)
    }
  }

  @Test
  func
    `an import resumed after the export started over loads every table again from the new snapshot and puts back what it dropped`()
    async throws
  {
    try await Self.withParentsAndItems(label: "import restarted export") { copy, exportOptions in
      var exportOptions = exportOptions
      _ = try await Exporter(options: exportOptions).run(logger: Self.logger)
      let arguments = copy.importArguments + ["--jobs", "1"]
      // Killed inside its second table (items passes the point twice, at its first chunk and
      // halfway): items is loaded, its index and key dropped.
      let crashed = try CutoverBinary.run(arguments, environment: ["CUTOVER_TEST_CRASH_AT": "mid-table:3"])
      #expect(crashed.status == 128 + SIGKILL, "\(crashed.output)")
      #expect(
        !(try Self.journalTables(copy.directory, kind: "import_table_loaded", sinceLastStart: true)).isEmpty)
      #expect(
        try await copy.target.execute("SELECT to_regclass('app.items_label') IS NULL AS gone").one().bool(
          "gone"))
      // The source moves on; the export starts over in a new snapshot (as `run` does once
      // its snapshot holder is gone).
      try await copy.source.runScript(
        """
        UPDATE app.parents SET name = 'renamed ' || id WHERE id <= 100;
        INSERT INTO app.items SELECT g, g % 300 + 1, 'new ' || g FROM generate_series(20001, 20500) g;
        """)
      exportOptions.force = true
      _ = try await Exporter(options: exportOptions).run(logger: Self.logger)
      let resumed = try CutoverBinary.run(arguments + ["--resume"])
      #expect(resumed.status == 0, "\(resumed.output)")
      #expect(resumed.output.contains("from another snapshot of the export load again"), "\(resumed.output)")
      for table in ["app.parents", "app.items"] {
        let query =
          "SELECT md5(string_agg(t::text, ',' ORDER BY t::text)) AS d, count(*)::int AS n FROM \(table) t"
        let expected = try await copy.source.execute(query).one()
        let actual = try await copy.target.execute(query).one()
        #expect(try actual.int("n") == expected.int("n"), "\(table)")
        #expect(try actual.string("d") == expected.string("d"), "\(table)")
      }
      #expect(
        try await copy.target.execute("SELECT to_regclass('app.items_label') IS NOT NULL AS back").one().bool(
          "back"))
      #expect(
        try await copy.target.execute(
          "SELECT count(*)::int AS n FROM pg_constraint WHERE conrelid = 'app.items'::regclass AND contype = 'f' AND convalidated"
        ).one().int("n") == 1)
    }
  }

  @Test func `an import waits for the target's import lock a moment, then names the session that holds it`()
    async throws
  {
    try await IdentityCopy.with(
      source: try #require(TestDatabase.current),
      schema: "CREATE SCHEMA app; CREATE TABLE app.items (id int PRIMARY KEY, label text);",
      data: "INSERT INTO app.items SELECT g, 'i' || g FROM generate_series(1, 100) g;", tables: ["app.items"],
      label: "import lock"
    ) { copy in
      _ = try await Exporter(options: try copy.exportOptions()).run(logger: Self.logger)
      // Another session holds the lock (as a killed import's session does until its statement ends).
      let holder = try PGConnection(
        try ConnectionTarget(copy.target.url, side: .target), applicationName: "lock holder")
      _ = try holder.execute("SELECT pg_advisory_lock(hashtextextended('cutover import', 0))")
      let pid = try holder.execute("SELECT pg_backend_pid()::text AS pid").one().string("pid")
      var options = try Self.importOptions(copy.target, directory: copy.directory, mappings: copy.mappings)
      options.lockWaitSeconds = 1
      let began = Date()
      let refused = await #expect(throws: ImportError.self) {
        try await Importer(options: options).run(logger: Self.logger)
      }
      #expect(Date().timeIntervalSince(began) >= 1)
      #expect(refused?.code == .busy)
      #expect(refused?.message.contains("pid \(pid) (lock holder") == true, "\(String(describing: refused))")
      // Let go while the import waits: it goes on.
      options.lockWaitSeconds = 30
      let release = Task {
        try await Task.sleep(for: .milliseconds(700))
        _ = try holder.execute("SELECT pg_advisory_unlock_all()")
      }
      let summary = try await Importer(options: options).run(logger: Self.logger)
      try await release.value
      #expect(summary.rows == 100)
    }
  }

  @Test func `dates, intervals and times survive a source and a target with other date and interval styles`()
    async throws
  {
    let db = try #require(TestDatabase.current)
    let schema = """
      CREATE SCHEMA app;
      CREATE TABLE app.times (id int PRIMARY KEY, d date, ts timestamp, tz timestamptz, iv interval, f float8);
      """
    // 1 February and 2 January read alike in the other order; a mixed-sign interval reads
    // otherwise under sql_standard.
    try await db.runScript(
      schema + """
        INSERT INTO app.times VALUES
          (1, '2024-02-01', '2024-02-01 10:11:12.5', '2024-02-01 23:30:00+00', '-1 day +02:03:04', 0.1),
          (2, '1999-12-31', '2000-01-02 00:00:00', '2024-07-01 00:00:00.000001+02', '1 year -2 mons 3 days -04:05:06', -0.0);
        ALTER DATABASE \(db.name) SET DateStyle = 'SQL, DMY';
        ALTER DATABASE \(db.name) SET IntervalStyle = 'sql_standard';
        ALTER DATABASE \(db.name) SET TimeZone = 'Asia/Tokyo';
        """)
    let target = try await TestDatabase.create(label: "import styles")
    let (directory, mappings) = try await Self.exportWithMappings(db, tables: ["app.times"], label: "styles")
    defer {
      try? FileManager.default.removeItem(at: directory)
      try? FileManager.default.removeItem(at: mappings)
    }
    do {
      try await target.runScript(
        schema + """
          ALTER DATABASE \(target.name) SET DateStyle = 'SQL, MDY';
          ALTER DATABASE \(target.name) SET IntervalStyle = 'sql_standard';
          """)
      _ = try await Importer(
        options: try Self.importOptions(target, directory: directory, mappings: mappings)
      ).run(logger: Self.logger)
      let rows = { (database: TestDatabase) in
        try await database.withConnection { connection in
          try CanonicalRow.prepare(connection)
          return try connection.execute(
            "SELECT d::text, ts::text, tz::text, iv::text, f::text FROM app.times ORDER BY id"
          )
          .rows
        }
      }
      let loaded = try await rows(target)
      #expect(loaded == (try await rows(db)))
      #expect(loaded.first?.first == "2024-02-01")
    } catch {
      try await target.drop()
      throw error
    }
    try await target.drop()
  }

  @Test func `a partitioned table loads through its parent and its index comes back on every partition`()
    async throws
  {
    let db = try #require(TestDatabase.current)
    let schema = """
      CREATE SCHEMA app;
      CREATE TABLE app.events (id int NOT NULL, at date NOT NULL, note text) PARTITION BY RANGE (at);
      CREATE TABLE app.events_2025 PARTITION OF app.events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
      CREATE TABLE app.events_2026 PARTITION OF app.events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
      CREATE INDEX events_at_note ON app.events (at, note);
      """
    try await db.runScript(
      schema
        + "INSERT INTO app.events SELECT g, date '2025-06-01' + (g % 400), 'n' || g FROM generate_series(1, 3000) g;"
    )
    let target = try await TestDatabase.create(label: "import partitioned")
    let (directory, mappings) = try await Self.exportWithMappings(
      db, tables: ["app.events"], label: "partitioned")
    defer {
      try? FileManager.default.removeItem(at: directory)
      try? FileManager.default.removeItem(at: mappings)
    }
    do {
      try await target.runScript(schema)
      let before = try await Self.objects(target)
      let summary = try await Importer(
        options: try Self.importOptions(target, directory: directory, mappings: mappings)
      ).run(logger: Self.logger)
      #expect(summary.indexesRebuilt == 1)
      #expect(try await target.execute("SELECT count(*)::int AS n FROM app.events").one().int("n") == 3000)
      #expect(try await Self.objects(target) == before)
    } catch {
      try await target.drop()
      throw error
    }
    try await target.drop()
  }

  @Test func `a table the export split into parts imports whole, every part's rows once`() async throws {
    let db = try #require(TestDatabase.current)
    let schema = "CREATE SCHEMA app; CREATE TABLE app.big (id int PRIMARY KEY, note text);"
    try await db.runScript(
      schema + "INSERT INTO app.big SELECT g, repeat('x', 50) || g FROM generate_series(1, 20000) g; ANALYZE;"
    )
    let target = try await TestDatabase.create(label: "import split")
    let (directory, mappings) = try await Self.exportWithMappings(
      db, tables: ["app.big"], label: "split", splitLargerThan: 8192)
    defer {
      try? FileManager.default.removeItem(at: directory)
      try? FileManager.default.removeItem(at: mappings)
    }
    do {
      let manifest = try #require(try ExportManifest.read(directory: directory))
      let big = try #require(manifest.tables.first)
      #expect(Set(big.chunks.compactMap(\.part)).count > 1, "the export did not split app.big")
      try await target.runScript(schema)
      _ = try await Importer(
        options: try Self.importOptions(target, directory: directory, mappings: mappings)
      ).run(logger: Self.logger)
      let digest = "SELECT count(*)::bigint AS n, sum(hashtext(id::text || note))::bigint AS d FROM app.big"
      let source = try await db.execute(digest).one()
      let loaded = try await target.execute(digest).one()
      #expect(try loaded.int64("n") == 20000)
      #expect(try loaded.int64("d") == source.int64("d"))
    } catch {
      try await target.drop()
      throw error
    }
    try await target.drop()
  }
}
