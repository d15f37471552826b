import CutoverKit
import CutoverTestSupport
import Foundation
import Logging
import Synchronization
import Testing

/// The export under faults and hostile input (issue 12): concurrent DDL, inheritance, empty
/// selections, damaged directories, interruption, and what check-export trusts.
///
/// Each test failed before its fix.
@Suite(.postgres, .timeLimit(.minutes(8)))
struct ExportFaultTests {
  static let logger = Logger(label: "test.export-faults", factory: { _ in SwiftLogNoOpLogHandler() })

  static func options(_ db: TestDatabase, _ directory: URL) throws -> ExportOptions {
    ExportOptions(source: try ConnectionTarget(db.url, side: .source), directory: directory)
  }

  /// Exports and returns the manifest written.
  static func export(_ options: ExportOptions) async throws -> ExportManifest {
    _ = try await Exporter(options: options).run(logger: logger)
    return try #require(try ExportManifest.read(directory: options.directory))
  }

  /// Runs `body` on its own connection to `db`, on a thread of its own.
  static func session<T: Sendable>(
    _ db: TestDatabase, _ body: @escaping @Sendable (PGConnection) throws -> T
  ) async throws -> T {
    let url = db.url
    return try await onDedicatedThread(named: "test-session") {
      try body(try PGConnection(try ConnectionTarget(url)))
    }
  }

  // MARK: 1. Locks

  @Test func `the export locks its tables: a rewrite waits instead of emptying the export`() async throws {
    let db = try #require(TestDatabase.current)
    try await db.runScript(
      "CREATE SCHEMA app; CREATE TABLE app.bin (id int PRIMARY KEY); INSERT INTO app.bin VALUES (1), (2), (3);"
    )
    let directory = ExporterTests.scratchDirectory("locks")
    defer { try? FileManager.default.removeItem(at: directory) }
    var options = try Self.options(db, directory)
    options.afterSnapshot = { _ in
      // While the export runs, a table rewrite cannot get its lock.
      let outcome = try await Self.session(db) { connection -> String? in
        try connection.execute("SET lock_timeout = '500ms'")
        do {
          try connection.execute("ALTER TABLE app.bin ALTER COLUMN id TYPE bigint")
          return nil
        } catch let error as PostgresError {
          return error.sqlState
        }
      }
      #expect(outcome == SQLState.lockNotAvailable)
    }
    let manifest = try await Self.export(options)
    #expect(manifest.tables.first { $0.name.name == "bin" }?.rows == 3)
  }

  @Test(arguments: [
    ("TRUNCATE app.bin", "rewritten or truncated"),
    (
      "CREATE TABLE app.bin_new (LIKE app.bin); INSERT INTO app.bin_new VALUES (7);"
        + " ALTER TABLE app.bin RENAME TO bin_old; ALTER TABLE app.bin_new RENAME TO bin",
      "replaced by another table"
    ),
    (
      "ALTER TABLE app.bin RENAME COLUMN id TO tmp; ALTER TABLE app.bin RENAME COLUMN note TO id;"
        + " ALTER TABLE app.bin RENAME COLUMN tmp TO note",
      "columns renamed"
    ),
  ])
  func `a table changed between the snapshot and its lock is refused, not exported wrong`(
    change: String, said: String
  ) async throws {
    let db = try #require(TestDatabase.current)
    try await db.runScript(
      """
      CREATE SCHEMA app; CREATE TABLE app.bin (id text PRIMARY KEY, note text);
      INSERT INTO app.bin VALUES ('1', 'a'), ('2', 'b'), ('3', 'c');
      """)
    let directory = ExporterTests.scratchDirectory("changed")
    defer { try? FileManager.default.removeItem(at: directory) }
    // A snapshot held open by the test, then the change committed after it.
    let holder = SnapshotSession()
    let snapshot = try await holder.open(db.url)
    try await db.runScript(change)
    var options = try Self.options(db, directory)
    options.snapshot = snapshot
    let error = await #expect(throws: ExportError.self) {
      _ = try await Exporter(options: options).run(logger: Self.logger)
    }
    holder.close()
    #expect(error?.code == .changedDuringStart)
    #expect(error?.description.contains("app.bin (\(said)") == true, "\(String(describing: error))")
    #expect(try ExportManifest.read(directory: directory) == nil)
  }

  @Test func `a table another session holds locked is named, and no export lock file is left`()
    async throws
  {
    let db = try #require(TestDatabase.current)
    try await db.runScript(
      "CREATE SCHEMA app; CREATE TABLE app.busy (id int); CREATE TABLE app.free (id int);")
    let directory = ExporterTests.scratchDirectory("busy")
    defer { try? FileManager.default.removeItem(at: directory) }
    let locker = SnapshotSession()
    try await locker.hold(db.url, "LOCK TABLE app.busy IN ACCESS EXCLUSIVE MODE")
    var options = try Self.options(db, directory)
    options.lockTimeout = 1
    let error = await #expect(throws: ExportError.self) {
      _ = try await Exporter(options: options).run(logger: Self.logger)
    }
    locker.close()
    #expect(error?.code == .locked)
    #expect(error?.description.contains("app.busy") == true, "\(String(describing: error))")
    #expect(error?.description.contains("next:") == true)
    #expect(
      !FileManager.default.fileExists(atPath: directory.path), "the export left \(directory.path) behind")
  }

  @Test
  func `DDL queued behind the export's locks is named, not waited on forever; without it the export goes on`()
    async throws
  {
    let db = try #require(TestDatabase.current)
    try await db.runScript(
      """
      CREATE SCHEMA app; CREATE TABLE app.a (id int); CREATE TABLE app.b (id int);
      INSERT INTO app.a SELECT generate_series(1, 100); INSERT INTO app.b SELECT generate_series(1, 100);
      """)
    let directory = ExporterTests.scratchDirectory("queued-ddl")
    defer { try? FileManager.default.removeItem(at: directory) }
    // Once the export holds its locks, an ALTER TABLE queues for app.b behind them: it waits for
    // the export, and a worker asking for app.b after it would wait for the ALTER.
    let alter = BlockingStatement()
    var options = try Self.options(db, directory)
    options.jobs = 1
    options.lockTimeout = 2
    options.afterSnapshot = { _ in
      alter.start(db.url, "ALTER TABLE app.b ADD COLUMN extra int")
      for _ in 0..<100 {
        let waiting = try await db.execute(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE 'ALTER TABLE app.b%' AND wait_event_type = 'Lock'"
        ).one().int("n")
        if waiting > 0 { return }
        try await Task.sleep(for: .milliseconds(50))
      }
    }
    let notices = Mutex<[String]>([])
    let began = Date()
    let error = await #expect(throws: ExportError.self) {
      _ = try await Exporter(options: options).run(
        logger: Self.logger,
        progress: ExportProgress(style: .plain(interval: 60)) { line in
          notices.withLock { $0.append(line) }
        })
    }
    #expect(Date().timeIntervalSince(began) < 20)
    let pid = try #require(alter.pid)
    #expect(error?.code == .locked)
    #expect(error?.description.contains("pid \(pid)") == true, "\(String(describing: error))")
    #expect(error?.description.contains("app.b") == true, "\(String(describing: error))")
    #expect(
      notices.withLock { $0 }.contains { $0.contains("pid \(pid)") && $0.contains("waiting up to 2 s") })
    // The ALTER ran once the export let go; the same export then goes on, unhindered.
    alter.wait()
    options.afterSnapshot = nil
    let summary = try await Exporter(options: options).run(logger: Self.logger)
    #expect(summary.rows == 200)
  }

  // MARK: 2. Inheritance and partitions

  @Test func `an inheritance parent is read ONLY; a partitioned table once through its parent`()
    async throws
  {
    let db = try #require(TestDatabase.current)
    try await db.runScript(
      """
      CREATE SCHEMA app;
      CREATE TABLE app.inh_parent (id int, note text);
      CREATE TABLE app.inh_child (extra int) INHERITS (app.inh_parent);
      INSERT INTO app.inh_parent VALUES (1, 'p'), (2, 'p');
      INSERT INTO app.inh_child VALUES (3, 'c', 0), (4, 'c', 0), (5, 'c', 0);
      CREATE TABLE app.measured (at date NOT NULL, v int) PARTITION BY RANGE (at);
      CREATE TABLE app.measured_2025 PARTITION OF app.measured FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
      CREATE TABLE app.measured_2026 PARTITION OF app.measured FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
      INSERT INTO app.measured VALUES ('2025-05-01', 1), ('2026-05-01', 2), ('2026-06-01', 3);
      """)
    let directory = ExporterTests.scratchDirectory("inheritance")
    defer { try? FileManager.default.removeItem(at: directory) }
    let manifest = try await Self.export(try Self.options(db, directory))
    let rows = Dictionary(uniqueKeysWithValues: manifest.tables.map { ($0.name.name, $0.rows) })
    #expect(rows["inh_parent"] == 2)
    #expect(rows["inh_child"] == 3)
    #expect(rows["measured"] == 3)
    #expect(rows["measured_2025"] == nil && rows["measured_2026"] == nil)
    #expect(manifest.tables.first { $0.name.name == "inh_parent" }?.copyQuery.contains("FROM ONLY") == true)
  }

  @Test func `a partition and its parent together, or a partition excluded under its parent, are refused`()
    async throws
  {
    let db = try #require(TestDatabase.current)
    try await db.runScript(
      """
      CREATE SCHEMA app;
      CREATE TABLE app.ev (at date NOT NULL) PARTITION BY RANGE (at);
      CREATE TABLE app.ev_2025 PARTITION OF app.ev FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
      INSERT INTO app.ev VALUES ('2025-02-01');
      """)
    let directory = ExporterTests.scratchDirectory("partition-twice")
    defer { try? FileManager.default.removeItem(at: directory) }
    for (only, exclude) in [(["app.ev", "app.ev_2025"], [String]()), ([], ["app.ev_2025"])] {
      var options = try Self.options(db, directory)
      options.selection = ExportTableSelection(only: only, exclude: exclude)
      let error = await #expect(throws: ExportError.self) {
        _ = try await Exporter(options: options).run(logger: Self.logger)
      }
      #expect(error?.exitStatus == .usage)
      #expect(error?.description.contains("app.ev_2025") == true, "\(String(describing: error))")
    }
  }

  // MARK: 3. Empty selections

  @Test func `an empty selection is a usage error naming what was looked for`() async throws {
    let db = try #require(TestDatabase.current)
    let directory = ExporterTests.scratchDirectory("empty")
    defer { try? FileManager.default.removeItem(at: directory) }
    let nothing = await #expect(throws: ExportError.self) {
      _ = try await Exporter(options: try Self.options(db, directory)).run(logger: Self.logger)
    }
    #expect(nothing?.code == .emptySelection)
    #expect(nothing?.exitStatus == .usage)
    #expect(nothing?.description.contains(db.name) == true, "\(String(describing: nothing))")
    #expect(!FileManager.default.fileExists(atPath: directory.path))

    try await db.runScript("CREATE SCHEMA app; CREATE TABLE app.t (id int);")
    var options = try Self.options(db, directory)
    options.selection = ExportTableSelection(only: ["app.t"], exclude: ["app.t"])
    let excluded = await #expect(throws: ExportError.self) {
      _ = try await Exporter(options: options).run(logger: Self.logger)
    }
    #expect(excluded?.code == .emptySelection)
    #expect(excluded?.description.contains("--exclude app.t") == true)
  }

  // MARK: 4. What a directory holds

  @Test(arguments: ["garbled first line", "empty journal beside chunks", "chunks without a journal"])
  func `a directory cutover cannot recognize is refused, not emptied`(damage: String) async throws {
    let db = try #require(TestDatabase.current)
    try await db.runScript(
      "CREATE SCHEMA app; CREATE TABLE app.t (id int); INSERT INTO app.t SELECT generate_series(1, 100);")
    let directory = ExporterTests.scratchDirectory("unrecognized")
    defer { try? FileManager.default.removeItem(at: directory) }
    var first = try Self.options(db, directory)
    first.chunkSize = 4096
    _ = try await Exporter(options: first).run(logger: Self.logger)
    try FileManager.default.removeItem(at: directory.appendingPathComponent(ExportManifest.fileName))
    let journal = directory.appendingPathComponent(Journal.fileName)
    switch damage {
    case "garbled first line":
      var text = try String(contentsOf: journal, encoding: .utf8)
      text.replaceSubrange(text.startIndex..<text.index(text.startIndex, offsetBy: 10), with: "#garbled##")
      try text.write(to: journal, atomically: false, encoding: .utf8)
    case "empty journal beside chunks":
      try Data().write(to: journal)
    default:
      try FileManager.default.removeItem(at: journal)
    }
    let chunks = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter {
      $0.hasSuffix(".zst")
    }
    #expect(!chunks.isEmpty)
    // Another database, into the same directory.
    let other = try await TestDatabase.create(label: "other")
    try await other.runScript("CREATE SCHEMA app; CREATE TABLE app.u (id int);")
    let refused = await #expect(throws: ExportError.self) {
      _ = try await Exporter(options: try Self.options(other, directory)).run(logger: Self.logger)
    }
    try await other.drop()
    #expect(refused?.code == .unrecognizedDirectory, "\(String(describing: refused))")
    #expect(refused?.exitStatus == .usage)
    let left = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter {
      $0.hasSuffix(".zst")
    }
    #expect(left.sorted() == chunks.sorted(), "chunks were deleted")
  }

  @Test func `files that are not cutover's are refused even with --force, and no lock file is left`()
    async throws
  {
    let db = try #require(TestDatabase.current)
    try await db.runScript("CREATE SCHEMA app; CREATE TABLE app.t (id int);")
    let directory = ExporterTests.scratchDirectory("foreign-files")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    try Data("keep me".utf8).write(to: directory.appendingPathComponent("notes.txt"))
    try FileManager.default.setAttributes([.posixPermissions: 0o1777], ofItemAtPath: directory.path)
    var options = try Self.options(db, directory)
    options.force = true
    let refused = await #expect(throws: ExportError.self) {
      _ = try await Exporter(options: options).run(logger: Self.logger)
    }
    #expect(refused?.code == .notAnExport)
    #expect(refused?.description.contains("notes.txt") == true)
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["notes.txt"])
    // Refused, so untouched: not even its mode (think --export-dir /tmp).
    let mode = try FileManager.default.attributesOfItem(atPath: directory.path)[.posixPermissions] as? Int
    #expect(mode == 0o1777, "mode \(String(mode ?? 0, radix: 8))")
  }

  @Test func `starting over after an interrupted export says so`() async throws {
    let db = try #require(TestDatabase.current)
    try await db.runScript("CREATE SCHEMA app; CREATE TABLE app.t (id int); INSERT INTO app.t VALUES (1);")
    let directory = ExporterTests.scratchDirectory("notice")
    defer { try? FileManager.default.removeItem(at: directory) }
    let options = try Self.options(db, directory)
    _ = try await Self.export(options)
    // An interrupted export: no manifest, no end record.
    try FileManager.default.removeItem(at: directory.appendingPathComponent(ExportManifest.fileName))
    let journal = directory.appendingPathComponent(Journal.fileName)
    let lines = try String(contentsOf: journal, encoding: .utf8).split(separator: "\n")
    try (lines.filter { !$0.contains("export_finished") }.joined(separator: "\n") + "\n")
      .write(to: journal, atomically: false, encoding: .utf8)
    let said = Mutex<[String]>([])
    let progress = ExportProgress(style: .quiet) { text in said.withLock { $0.append(text) } }
    _ = try await Exporter(options: options).run(logger: Self.logger, progress: progress)
    let text = said.withLock { $0.joined() }
    #expect(text.contains("removing an unfinished export of snapshot"), "\(text)")
    #expect(text.contains("starting over"), "\(text)")
  }

  @Test func `a failed connection leaves no directory or lock file behind`() async throws {
    let db = try #require(TestDatabase.current)
    let directory = ExporterTests.scratchDirectory("noconnect")
    defer { try? FileManager.default.removeItem(at: directory) }
    let wrong = db.url(user: "supabase_admin", password: "not-the-password")
    let options = ExportOptions(source: try ConnectionTarget(wrong, side: .source), directory: directory)
    await #expect(throws: PostgresError.self) {
      _ = try await Exporter(options: options).run(logger: Self.logger)
    }
    #expect(!FileManager.default.fileExists(atPath: directory.path))
  }

  // MARK: 6 and 8. What check-export says and trusts

  @Test func `a missing manifest of a finished export is said as such, and export rebuilds it`()
    async throws
  {
    let db = try #require(TestDatabase.current)
    try await db.runScript(
      "CREATE SCHEMA app; CREATE TABLE app.t (id int); INSERT INTO app.t SELECT generate_series(1, 100);")
    let directory = ExporterTests.scratchDirectory("rebuild")
    defer { try? FileManager.default.removeItem(at: directory) }
    let options = try Self.options(db, directory)
    let original = try await Self.export(options)
    try FileManager.default.removeItem(at: directory.appendingPathComponent(ExportManifest.fileName))
    let report = try await ExportChecker(directory: directory).run(logger: Self.logger)
    #expect(report.firstProblem?.kind == .manifestMissing, "\(report.text)")
    #expect(!report.text.contains("no export_finished record"), "\(report.text)")
    #expect(report.text.contains("same --export-dir"), "\(report.text)")
    let rebuilt = try await Self.export(options)
    #expect(rebuilt == original)
    #expect(try await ExportChecker(directory: directory).run(logger: Self.logger).problems.isEmpty)
  }

  @Test func `a damaged manifest is a check failure in words, not a decoder's dump`() async throws {
    let db = try #require(TestDatabase.current)
    try await db.runScript("CREATE SCHEMA app; CREATE TABLE app.t (id int);")
    let directory = ExporterTests.scratchDirectory("damaged-manifest")
    defer { try? FileManager.default.removeItem(at: directory) }
    _ = try await Exporter(options: try Self.options(db, directory)).run(logger: Self.logger)
    let file = directory.appendingPathComponent(ExportManifest.fileName)
    let text = try String(contentsOf: file, encoding: .utf8).replacingOccurrences(
      of: "\"rows\" : 0", with: "\"rows\" : \"zero\"")
    try text.write(to: file, atomically: false, encoding: .utf8)
    let result = try CutoverBinary.run(["check-export", "--export-dir", directory.path])
    #expect(result.status == 1, "\(result.output)")
    #expect(result.output.contains("rows"), "\(result.output)")
    #expect(
      !result.output.contains("DecodingError") && !result.output.contains("codingPath"), "\(result.output)")
  }

  @Test(arguments: ["drop a table", "drop a table's last chunk and its file"])
  func `check-export cross-checks the manifest with the journal`(edit: String) async throws {
    let db = try #require(TestDatabase.current)
    try await db.runScript(
      """
      CREATE SCHEMA app; CREATE TABLE app.a (id int); CREATE TABLE app.b (id int, pad text);
      INSERT INTO app.a SELECT generate_series(1, 10);
      INSERT INTO app.b SELECT g, repeat('x', 200) FROM generate_series(1, 2000) g;
      """)
    let directory = ExporterTests.scratchDirectory("crosscheck")
    defer { try? FileManager.default.removeItem(at: directory) }
    var options = try Self.options(db, directory)
    options.chunkSize = 64 << 10
    var manifest = try await Self.export(options)
    if edit == "drop a table" {
      manifest.tables.removeAll { $0.name.name == "a" }
    } else {
      let index = try #require(manifest.tables.firstIndex { $0.name.name == "b" })
      let last = try #require(manifest.tables[index].chunks.last)
      manifest.tables[index].chunks.removeLast()
      manifest.tables[index].rows -= last.rows
      manifest.tables[index].bytes -= last.bytes
      try FileManager.default.removeItem(at: directory.appendingPathComponent(last.file))
    }
    try manifest.write(directory: directory)
    let report = try await ExportChecker(directory: directory).run(logger: Self.logger)
    #expect(report.problems.contains { $0.kind == .manifestMismatch }, "\(report.text)")
    #expect(report.exitStatus == .checkFailed)
  }

  // MARK: 5. Ctrl-C

  @Test func `SIGINT stops an export promptly, cancels the server's COPY and leaves no partial file`()
    async throws
  {
    let db = try #require(TestDatabase.current)
    try await db.runScript(
      """
      CREATE SCHEMA app;
      CREATE TABLE app.big (id int, pad text);
      INSERT INTO app.big SELECT g, md5(g::text) || repeat(md5((g * 7)::text), 6) FROM generate_series(1, 400000) g;
      """)
    let directory = ExporterTests.scratchDirectory("sigint")
    defer { try? FileManager.default.removeItem(at: directory) }
    let (process, errors) = try CutoverBinary.start([
      "export", "--source", db.url, "--export-dir", directory.path, "--jobs", "1", "--level", "19",
      "--chunk-size", "256KiB",
    ])
    // Wait for the first sealed chunk, then press Ctrl-C.
    let started = Date()
    while Date().timeIntervalSince(started) < 60 {
      let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
      if names.contains(where: { $0.hasSuffix(".copy.zst") }) { break }
      try await Task.sleep(for: .milliseconds(50))
    }
    try await process.interrupt()
    let output = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    #expect(process.terminationStatus == 130, "\(output)")
    #expect(output.contains("interrupted"), "\(output)")
    #expect(output.contains("next:"), "\(output)")
    let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
    #expect(!names.contains { $0.hasSuffix(".partial") }, "\(names)")
    #expect(names.contains { $0.hasSuffix(".copy.zst") })
    // The journal reads, and check-export calls it unfinished.
    let report = try await ExportChecker(directory: directory).run(logger: Self.logger)
    #expect(report.firstProblem?.kind == .unfinished, "\(report.text)")
    // No export backend is left running on the server (the cancel reaches it at once; the
    // backend itself may take a moment to notice the closed connection and go).
    var running: [String] = []
    for _ in 0..<50 {
      running = try await db.execute(
        """
        SELECT application_name || ': ' || state || ': ' || left(query, 60) AS what FROM pg_stat_activity
        WHERE application_name LIKE 'cutover export%' AND state = 'active' AND datname = current_database()
        """
      ).map { try $0.string("what") }
      if running.isEmpty { break }
      try await Task.sleep(for: .milliseconds(100))
    }
    #expect(running.isEmpty, "\(running)")
  }

  @Test func `cancelled in its policy sample, an export cancels the counts on the server and says so`()
    async throws
  {
    let db = try #require(TestDatabase.current)
    try await db.buildLegacyFixture()
    // Each count of app.sleepy takes a minute (a policy that sleeps per row): cancelled, the
    // server must stop it, not finish it, and the export must not carry on counting.
    try await db.runScript(
      """
      INSERT INTO auth.users (id) SELECT gen_random_uuid() FROM generate_series(1, 2);
      CREATE TABLE app.sleepy (id int PRIMARY KEY);
      INSERT INTO app.sleepy SELECT generate_series(1, 600);
      CREATE FUNCTION app.slow(int) RETURNS boolean LANGUAGE sql AS 'SELECT pg_sleep(0.1) IS NOT NULL';
      ALTER TABLE app.sleepy ENABLE ROW LEVEL SECURITY;
      CREATE POLICY slow ON app.sleepy FOR SELECT TO anon, authenticated USING (app.slow(id));
      GRANT SELECT ON app.sleepy TO anon, authenticated;
      """)
    let directory = ExporterTests.scratchDirectory("policy-cancel")
    defer { try? FileManager.default.removeItem(at: directory) }
    var options = try Self.options(db, directory)
    options.policySample = PolicySampleSettings(
      users: 2, includeAnon: true, statementTimeoutMilliseconds: 600_000, rowsPerTable: 0)
    let export = Task { [options] in try await Exporter(options: options).run(logger: Self.logger) }
    let activity = """
      SELECT left(query, 80) AS what FROM pg_stat_activity
      WHERE application_name = 'cutover export policy sample' AND state = 'active'
        AND datname = current_database()
      """
    var counting: [String] = []
    for _ in 0..<1200 where !counting.contains(where: { $0.contains("sleepy") }) {
      try await Task.sleep(for: .milliseconds(100))
      counting = try await db.execute(activity).map { try $0.string("what") }
    }
    #expect(counting.contains { $0.contains("sleepy") }, "\(counting)")
    export.cancel()
    let outcome = await export.result
    guard case .failure(let error) = outcome else {
      Issue.record("the cancelled export finished")
      return
    }
    let stopped = try #require(error as? ExportError, "\(error)")
    #expect(stopped.code == .cancelled, "\(stopped)")
    #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("manifest.json").path))
    var running = try await db.execute(activity).map { try $0.string("what") }
    for _ in 0..<50 where !running.isEmpty {
      try await Task.sleep(for: .milliseconds(100))
      running = try await db.execute(activity).map { try $0.string("what") }
    }
    #expect(running.isEmpty, "\(running)")
  }
}
