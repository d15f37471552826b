import CutoverKit
import CutoverTestSupport
import Foundation
import Logging
import Synchronization
import Testing

/// Exports against a real server: consistency under concurrent writes, file modes, the
/// default table set, directory rules, and the command line's exit codes.
@Suite(.postgres, .timeLimit(.minutes(8)))
struct ExporterTests {
  static let logger = Logger(label: "test.export", factory: { _ in SwiftLogNoOpLogHandler() })

  /// A fresh directory path (not created) under the temporary directory.
  static func scratchDirectory(_ label: String) -> URL {
    FileManager.default.temporaryDirectory
      .appendingPathComponent("cutover-export-\(label)-\(UUID().uuidString.prefix(8))")
  }

  /// `app.accounts` (with a generated column and awkward text) and `app.events`.
  static let schema = """
    CREATE SCHEMA app;
    CREATE TABLE app.accounts (
      id bigint PRIMARY KEY, email text NOT NULL, note text, balance numeric(12,2),
      tags text[], created_at timestamptz NOT NULL DEFAULT now(),
      email_upper text GENERATED ALWAYS AS (upper(email)) STORED);
    CREATE TABLE app.events (id bigserial PRIMARY KEY, account bigint, payload jsonb, at timestamptz DEFAULT now());
    CREATE TABLE app.empty_table (id int);
    CREATE TABLE public.also_exported (id int);
    CREATE SCHEMA supabase_migrations;
    CREATE TABLE supabase_migrations.platform_owned (id int);
    CREATE EXTENSION IF NOT EXISTS pgcrypto;
    CREATE TABLE app.extension_owned (id int);
    ALTER EXTENSION pgcrypto ADD TABLE app.extension_owned;
    INSERT INTO app.accounts (id, email, note, balance, tags)
      SELECT g, 'user' || g || '@example.com',
             CASE g % 4 WHEN 0 THEN E'tab\\there' WHEN 1 THEN E'new\\nline \\\\ back' WHEN 2 THEN NULL ELSE 'ünïcödé 🚀' END,
             g * 1.25, ARRAY['a', 'b' || g]
      FROM generate_series(1, 4000) g;
    INSERT INTO app.events (account, payload)
      SELECT g % 4000 + 1, jsonb_build_object('n', g, 'text', repeat('x', g % 50)) FROM generate_series(1, 3000) g;
    ANALYZE;
    """

  /// `count(*)` and an order-independent digest of `table`'s `columns`, as text.
  static func digest(_ connection: PGConnection, table: String, columns: [String]) throws -> [String?] {
    let list = columns.map { QualifiedName.quote($0) }.joined(separator: ", ")
    let rows = try connection.execute(
      "SELECT count(*)::text, coalesce(sum(hashtextextended(t::text, 0)), 0)::text FROM (SELECT \(list) FROM \(table)) t"
    )
    return rows.rows.first ?? []
  }

  /// Loads a table's chunks into `into` (created from the manifest's columns) and digests it.
  static func loadAndDigest(
    _ connection: PGConnection, manifestTable: ExportManifest.Table, directory: URL, into: String
  ) throws -> [String?] {
    let definition = manifestTable.columns.map { "\(QualifiedName.quote($0.name)) \($0.type)" }
      .joined(separator: ", ")
    try connection.execute("CREATE TABLE \(into) (\(definition))")
    try connection.copyIn("COPY \(into) FROM STDIN") { writer in
      for chunk in manifestTable.chunks {
        try ChunkReader(url: directory.appendingPathComponent(chunk.file), expectedSHA256: chunk.sha256)
          .forEachBuffer { try writer.write($0) }
      }
    }
    return try digest(connection, table: into, columns: manifestTable.columns.map(\.name))
  }

  @Test func `an export under concurrent writes equals the database as of its snapshot`() async throws {
    let db = try #require(TestDatabase.current)
    try await db.runScript(Self.schema)
    let url = db.url
    let directory = Self.scratchDirectory("consistent")
    defer { try? FileManager.default.removeItem(at: directory) }

    // A writer that keeps inserting, updating and deleting until the export ends.
    let stopWriter = TestFlag()
    let writes = try await withThrowingTaskGroup(of: Int.self) { group in
      group.addTask {
        try await onDedicatedThread(named: "test-writer") {
          let writer = try PGConnection(try ConnectionTarget(url))
          var round = 0
          while !stopWriter.value.load(ordering: .relaxed) || round < 5 {
            round += 1
            try writer.execute(
              "INSERT INTO app.accounts (id, email) VALUES ($1, $2)",
              [String(100_000 + round), "new\(round)@x"])
            try writer.execute(
              "UPDATE app.accounts SET balance = balance + 1 WHERE id > 1000 AND id % 97 = $1",
              [String(round % 97)])
            try writer.execute("INSERT INTO app.events (account, payload) VALUES (1, '{\"late\": true}')")
            try writer.execute("DELETE FROM app.events WHERE id = $1", [String(round * 7)])
          }
          return round
        }
      }
      let expected = Mutex<[String: [String?]]>([:])
      var options = ExportOptions(source: try ConnectionTarget(url, side: .source), directory: directory)
      options.chunkSize = 64 << 10
      options.jobs = 2
      options.afterSnapshot = { snapshot in
        let digests = try await onDedicatedThread(named: "test-snapshot-digest") {
          let reader = try PGConnection(try ConnectionTarget(url))
          try reader.importSnapshot(snapshot)
          return [
            "app.accounts": try Self.digest(
              reader, table: "app.accounts",
              columns: ["id", "email", "note", "balance", "tags", "created_at"]),
            "app.events": try Self.digest(
              reader, table: "app.events", columns: ["id", "account", "payload", "at"]),
          ]
        }
        expected.withLock { $0 = digests }
        // Changes between the snapshot and the COPYs must not show in the export.
        try await onDedicatedThread(named: "test-late-writes") {
          let late = try PGConnection(try ConnectionTarget(url))
          try late.execute("UPDATE app.accounts SET note = 'changed after the snapshot' WHERE id <= 500")
          try late.execute("DELETE FROM app.events WHERE id > 2500")
          try late.execute(
            "INSERT INTO app.accounts (id, email) SELECT g, 'late' || g FROM generate_series(200000, 200500) g"
          )
        }
      }
      let summary = try await Exporter(options: options).run(logger: Self.logger)
      stopWriter.value.store(true, ordering: .relaxed)
      let rounds = try await group.next() ?? 0
      // app and public; not a platform schema's table, nor one that belongs to an extension.
      #expect(summary.tables.count == 4)
      let manifest = try #require(try ExportManifest.read(directory: directory))
      let snapshotDigests = expected.withLock { $0 }
      let loaded = try await onDedicatedThread(named: "test-load") {
        let connection = try PGConnection(try ConnectionTarget(url))
        var result: [String: [String?]] = [:]
        for table in manifest.tables where table.name.schema == "app" && table.name.name != "empty_table" {
          result[table.name.description] = try Self.loadAndDigest(
            connection, manifestTable: table, directory: directory, into: "loaded_\(table.name.name)")
        }
        result["now.accounts"] = try Self.digest(connection, table: "app.accounts", columns: ["id"])
        return result
      }
      #expect(loaded["app.accounts"] == snapshotDigests["app.accounts"])
      #expect(loaded["app.events"] == snapshotDigests["app.events"])
      #expect(
        snapshotDigests["app.accounts"]?.first == "4000"
          || snapshotDigests["app.accounts"]?.first.flatMap { $0.flatMap { Int($0) } }.map { $0 >= 4000 }
            == true
      )
      // The database moved on after the snapshot.
      #expect(loaded["now.accounts"]?.first != snapshotDigests["app.accounts"]?.first)

      let accounts = try #require(manifest.tables.first { $0.name.name == "accounts" })
      #expect(accounts.columns.map(\.name) == ["id", "email", "note", "balance", "tags", "created_at"])
      #expect(accounts.columns.map(\.type).contains("numeric(12,2)"))
      #expect(accounts.chunks.count > 1)
      #expect(accounts.copyQuery.contains("\"email\""))
      #expect(!accounts.copyQuery.contains("email_upper"))
      #expect(manifest.tables.first { $0.name.name == "empty_table" }?.chunks.isEmpty == true)
      #expect(manifest.tables.contains { $0.name.description == "public.also_exported" })
      #expect(
        !manifest.tables.contains { $0.name.name == "platform_owned" || $0.name.name == "extension_owned" })
      #expect(manifest.version == 1)
      #expect(manifest.source.systemIdentifier != nil)
      #expect(manifest.source.walLSN.contains("/"))
      #expect(manifest.source.finishedAt != nil)
      return rounds
    }
    #expect(writes >= 5)

    // Modes: the directory 0700, every file 0600; no partial file left.
    let directoryMode =
      try FileManager.default.attributesOfItem(atPath: directory.path)[.posixPermissions] as? Int
    #expect(directoryMode == 0o700)
    for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
      #expect(!name.hasSuffix(".partial"))
      let mode =
        try FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent(name).path)[
          .posixPermissions] as? Int
      #expect(mode == 0o600, "\(name) has mode \(String(mode ?? 0, radix: 8))")
    }
    // The journal has every record kind, chunk records before the table's end.
    let entries = try Journal.read(directory: directory)
    let kinds = entries.map(\.kind)
    #expect(kinds.first == "export_started")
    #expect(kinds.last == "export_finished")
    #expect(kinds.filter { $0 == "chunk_sealed" }.count >= 3)
    let state = try ExportJournalState(entries: entries)
    #expect(try state.manifest() == ExportManifest.read(directory: directory))
    let report = try await ExportChecker(directory: directory).run(logger: Self.logger)
    #expect(report.problems.isEmpty, "\(report.text)")
  }

  @Test func `the default set comes from the catalog of the legacy fixture`() async throws {
    let db = try #require(TestDatabase.current)
    try await db.buildLegacyFixture()
    let catalog = try await db.execute(
      """
      SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND (n.nspname = 'app'
        OR n.nspname || '.' || c.relname IN ('auth.users', 'auth.identities', 'auth.sessions',
          'auth.refresh_tokens', 'auth.mfa_factors', 'storage.buckets', 'storage.objects'))
      """
    ).rows.compactMap { $0.first ?? nil }
    let directory = Self.scratchDirectory("fixture")
    defer { try? FileManager.default.removeItem(at: directory) }
    var options = ExportOptions(source: try ConnectionTarget(db.url, side: .source), directory: directory)
    options.jobs = 3
    let summary = try await Exporter(options: options).run(logger: Self.logger)
    #expect(Set(summary.tables.map(\.table)) == Set(catalog))
    #expect(summary.tables.contains { $0.table == "auth.users" })
    #expect(summary.tables.contains { $0.table == "storage.objects" })
    #expect(summary.tables.count > 5)
    #expect(summary.text.contains("Total (\(summary.tables.count) tables)"))
    let report = try await ExportChecker(directory: directory).run(logger: Self.logger)
    #expect(report.problems.isEmpty, "\(report.text)")
    #expect(report.tables == summary.tables.count)
  }

  @Test func `the directory refuses a second export, another database's export and a finished one`()
    async throws
  {
    let db = try #require(TestDatabase.current)
    try await db.runScript(
      "CREATE SCHEMA app; CREATE TABLE app.t (id int); INSERT INTO app.t VALUES (1), (2);")
    let directory = Self.scratchDirectory("rules")
    defer { try? FileManager.default.removeItem(at: directory) }
    let options = ExportOptions(source: try ConnectionTarget(db.url, side: .source), directory: directory)

    // A lock held by another export.
    do {
      let held = try ExportDirectory.lock(directory)
      let busy = await #expect(throws: ExportError.self) {
        _ = try await Exporter(options: options).run(logger: Self.logger)
      }
      #expect(busy?.code == .busy)
      #expect(busy?.exitStatus == .usage)
      withExtendedLifetime(held) {}
    }

    // A finished export of this database: refused without --force, replaced with it.
    _ = try await Exporter(options: options).run(logger: Self.logger)
    let again = await #expect(throws: ExportError.self) {
      _ = try await Exporter(options: options).run(logger: Self.logger)
    }
    #expect(again?.code == .existingExport)
    var forced = options
    forced.force = true
    _ = try await Exporter(options: forced).run(logger: Self.logger)

    // Another database's export.
    let other = try await TestDatabase.create(label: "other-source")
    try await other.runScript("CREATE SCHEMA app; CREATE TABLE app.t (id int);")
    let otherOptions = ExportOptions(
      source: try ConnectionTarget(other.url, side: .source), directory: directory)
    let foreign = await #expect(throws: ExportError.self) {
      _ = try await Exporter(options: otherOptions).run(logger: Self.logger)
    }
    #expect(foreign?.code == .foreignExport)
    #expect(foreign?.exitStatus == .usage)
    #expect(foreign?.description.contains("--force") == true)
    try await other.drop()

    // An unfinished export of the same source in another snapshot: removed, started over.
    try FileManager.default.removeItem(at: directory.appendingPathComponent(ExportManifest.fileName))
    let journal = directory.appendingPathComponent(Journal.fileName)
    let lines = try String(contentsOf: journal, encoding: .utf8).split(separator: "\n")
    try (lines.filter { !$0.contains("export_finished") }.joined(separator: "\n") + "\n")
      .write(to: journal, atomically: false, encoding: .utf8)
    try Data("junk".utf8).write(to: directory.appendingPathComponent("app.t.000009.copy.zst"))
    _ = try await Exporter(options: options).run(logger: Self.logger)
    #expect(
      !FileManager.default.fileExists(atPath: directory.appendingPathComponent("app.t.000009.copy.zst").path))
    let report = try await ExportChecker(directory: directory).run(logger: Self.logger)
    #expect(report.problems.isEmpty, "\(report.text)")
  }

  @Test func `an unfinished export resumes per chunk in the same snapshot`() async throws {
    let db = try #require(TestDatabase.current)
    try await db.runScript(Self.schema)
    let url = db.url
    let directory = Self.scratchDirectory("resume")
    defer { try? FileManager.default.removeItem(at: directory) }
    // A snapshot the test keeps open, so both runs read in it.
    let holder = SnapshotSession()
    let snapshot = try await holder.open(url)
    defer { holder.close() }
    do {
      var options = ExportOptions(source: try ConnectionTarget(url, side: .source), directory: directory)
      options.chunkSize = 64 << 10
      options.snapshot = snapshot
      let exportOptions = options
      _ = try await Exporter(options: exportOptions).run(logger: Self.logger)
      let first = try #require(try ExportManifest.read(directory: directory))
      // Make it look interrupted: no manifest, no end record, the last chunks of a table gone.
      let accounts = try #require(first.tables.first { $0.name.name == "accounts" })
      try FileManager.default.removeItem(at: directory.appendingPathComponent(ExportManifest.fileName))
      let journal = directory.appendingPathComponent(Journal.fileName)
      let lines = try String(contentsOf: journal, encoding: .utf8).split(separator: "\n")
      let dropFrom = accounts.chunks.count - 2
      let kept = lines.filter { line in
        if line.contains("export_finished") { return false }
        if line.contains("\"table_finished\"") && line.contains("\"accounts\"") { return false }
        if line.contains("chunk_sealed") && line.contains("\"accounts\"") {
          return !accounts.chunks[dropFrom...].contains { line.contains($0.sha256) }
        }
        return true
      }
      try (kept.joined(separator: "\n") + "\n").write(to: journal, atomically: false, encoding: .utf8)
      try FileManager.default.removeItem(
        at: directory.appendingPathComponent(accounts.chunks[dropFrom + 1].file))
      _ = try await Exporter(options: exportOptions).run(logger: Self.logger)
      let second = try #require(try ExportManifest.read(directory: directory))
      #expect(second.tables.map(\.chunks) == first.tables.map(\.chunks))
      let resumed = try Journal.read(directory: directory).compactMap {
        try $0.decode(ExportJournalRecord.TableStarted.self)
      }.last { $0.table.name == "accounts" }
      #expect(resumed?.resumedAfterChunk == dropFrom)
    }
    let report = try await ExportChecker(directory: directory).run(logger: Self.logger)
    #expect(report.problems.isEmpty, "\(report.text)")
  }

  @Test func `row security never filters rows silently: a role under a policy fails the export`()
    async throws
  {
    let db = try #require(TestDatabase.current)
    let role = "exporter_\(UUID().uuidString.prefix(8).lowercased())"
    try await db.createRole(role, password: "Pw-exporter-1")
    try await db.runScript(
      """
      CREATE SCHEMA app;
      CREATE TABLE app.notes (id int, owner text);
      INSERT INTO app.notes SELECT g, 'o' || g FROM generate_series(1, 10) g;
      ALTER TABLE app.notes ENABLE ROW LEVEL SECURITY;
      CREATE POLICY only_one ON app.notes FOR SELECT USING (id = 1);
      GRANT USAGE ON SCHEMA app TO \(role);
      GRANT SELECT ON app.notes TO \(role);
      """)
    let directory = Self.scratchDirectory("rls")
    defer { try? FileManager.default.removeItem(at: directory) }
    let options = ExportOptions(
      source: try ConnectionTarget(db.url(user: role, password: "Pw-exporter-1"), side: .source),
      directory: directory)
    let error = await #expect(throws: PostgresError.self) {
      _ = try await Exporter(options: options).run(logger: Self.logger)
    }
    #expect(error?.sqlState == SQLState.insufficientPrivilege)
    #expect(error?.description.contains("app.notes") == true, "\(String(describing: error))")
    #expect(error?.exitStatus == .ioFailure)
    #expect(try ExportManifest.read(directory: directory) == nil)
  }

  // MARK: - The command line

  @Test func `the command line exits 3 for an unreachable source or a wrong password, without the password`()
    async throws
  {
    let db = try #require(TestDatabase.current)
    let directory = Self.scratchDirectory("cli")
    defer { try? FileManager.default.removeItem(at: directory) }
    let secret = "Wrong-Secret-\(UUID().uuidString.prefix(6))"
    let wrongPassword = db.url(user: "supabase_admin", password: secret)
    let denied = try CutoverBinary.run(["export", "--source", wrongPassword, "--export-dir", directory.path])
    #expect(denied.status == 3, "\(denied.output)")
    #expect(denied.output.contains("password authentication failed"), "\(denied.output)")
    #expect(!denied.output.contains(secret))
    #expect(!denied.output.contains(db.password))

    let port = try FreePort.find()
    let unreachable = try CutoverBinary.run(
      ["export", "--export-dir", directory.path],
      environment: [
        "SOURCE_DATABASE_URL": "postgresql://supabase_admin:\(secret)@127.0.0.1:\(port)/x?connect_timeout=3"
      ])
    #expect(unreachable.status == 3, "\(unreachable.output)")
    #expect(unreachable.output.contains("127.0.0.1:\(port)"), "\(unreachable.output)")
    #expect(!unreachable.output.contains(secret))
  }

  @Test func `the command line exits 2 for unknown tables and for a directory below a file`() async throws {
    let db = try #require(TestDatabase.current)
    try await db.runScript(
      "CREATE SCHEMA app; CREATE TABLE app.t (id int); CREATE VIEW app.v AS SELECT 1 AS x;")
    let directory = Self.scratchDirectory("cli2")
    defer { try? FileManager.default.removeItem(at: directory) }
    let unknown = try CutoverBinary.run(
      ["export", "--source", db.url, "--export-dir", directory.path, "--tables", "app.t,app.nope,app.v"])
    #expect(unknown.status == 2, "\(unknown.output)")
    #expect(unknown.output.contains("app.nope"), "\(unknown.output)")
    #expect(unknown.output.contains("app.v (not a table"), "\(unknown.output)")
    #expect(!unknown.output.contains(db.password))

    // Root may write anywhere, so make the path impossible: below a regular file.
    let file = Self.scratchDirectory("file")
    try Data("x".utf8).write(to: file)
    defer { try? FileManager.default.removeItem(at: file) }
    let unwritable = try CutoverBinary.run(
      ["export", "--source", db.url, "--export-dir", file.appendingPathComponent("export").path])
    #expect(unwritable.status == 2, "\(unwritable.output)")
    #expect(unwritable.output.contains("is a file, not a directory"), "\(unwritable.output)")

    let good = try CutoverBinary.run(
      ["export", "--source", db.url, "--export-dir", directory.path, "--chunk-size", "4KiB", "--json"])
    #expect(good.status == 0, "\(good.output)")
    #expect(good.output.contains("\"compressedBytes\""))
    let checked = try CutoverBinary.run(["check-export", "--export-dir", directory.path])
    #expect(checked.status == 0, "\(checked.output)")
    #expect(checked.output.contains("export OK"), "\(checked.output)")
  }
}

/// A flag shared between a test and its helper threads.
final class TestFlag: Sendable {
  let value = Atomic<Bool>(false)
}
