import CutoverKit
import CutoverTestSupport
import Foundation
import Testing

/// Ctrl-C during an import: the server's statement is cancelled, the command exits 130 saying
/// what a rerun does, and `--resume` then finishes with the same rows an uninterrupted import
/// loads.
@Suite(.postgres, .timeLimit(.minutes(8)))
struct ImportInterruptTests {
  @Test func `SIGINT while a table waits on a lock stops cleanly, and --resume finishes it`() async throws {
    let db = try #require(TestDatabase.current)
    try await MappingFixtures.buildFilled(db, .legacy)
    let (directory, manifest) = try await ImportTests.export(db, label: "sigint")
    defer { try? FileManager.default.removeItem(at: directory) }
    let reference = try await TestDatabase.create(label: "import sigint ref")
    let target = try await TestDatabase.create(label: "import sigint")
    let blocker = SnapshotSession()
    do {
      try await MappingFixtures.buildV2(reference)
      try await MappingFixtures.buildV2(target)
      let summary = try await Importer(
        options: try ImportTests.importOptions(reference, directory: directory)
      )
      .run(logger: ImportTests.logger)
      let tables = summary.tables.map(\.table)
      let expected = try await ImportTests.contents(reference, tables: tables)

      // The smallest loaded table waits on another session's lock: the import cannot finish
      // until it is interrupted.
      let blocked = try #require(
        summary.tables.filter { $0.rowsWritten > 0 }.min { $0.rowsWritten < $1.rowsWritten }?.table)
      try await blocker.hold(target.url, "LOCK TABLE \(blocked.quoted) IN ACCESS EXCLUSIVE MODE")
      let (process, errors) = try CutoverBinary.start([
        "import", "--export-dir", directory.path, "--target", target.url, "--mappings",
        MappingFixtures.mappings.path, "--jobs", "2",
      ])
      // Wait until the import's session is waiting on the lock, then press Ctrl-C.
      var waiting = false
      for _ in 0..<1200 where !waiting {
        waiting = try await target.execute(
          """
          SELECT count(*) > 0 AS waiting FROM pg_stat_activity
          WHERE application_name LIKE 'cutover import%' AND wait_event_type = 'Lock'
            AND datname = current_database()
          """
        ).one().bool("waiting")
        if !waiting { try await Task.sleep(for: .milliseconds(100)) }
      }
      #expect(waiting, "the import never waited on the lock on \(blocked)")
      try await process.interrupt()
      let output = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      #expect(process.terminationStatus == 130, "\(output)")
      #expect(output.contains("interrupted"), "\(output)")
      #expect(output.contains("next:"), "\(output)")
      // Nothing of the import is left running or waiting on the server.
      var left: [String] = []
      for _ in 0..<50 {
        left = try await target.execute(
          """
          SELECT state FROM pg_stat_activity
          WHERE application_name LIKE 'cutover import%' AND state <> 'idle' AND datname = current_database()
          """
        ).map { try $0.string("state") }
        if left.isEmpty { break }
        try await Task.sleep(for: .milliseconds(100))
      }
      #expect(left.isEmpty, "\(left)")
      blocker.close()

      let resumed = try CutoverBinary.run((process.arguments ?? []) + ["--resume"])
      #expect(resumed.status == 0, "\(resumed.output)")
      #expect(try await ImportTests.contents(target, tables: tables) == expected)
      #expect(manifest.tables.count >= tables.count)
    } catch {
      blocker.close()
      try await reference.drop()
      try await target.drop()
      throw error
    }
    try await reference.drop()
    try await target.drop()
  }
  @Test func `a server failure during a table's COPY is the server's, not a rejected row`() async throws {
    let db = try #require(TestDatabase.current)
    try await IdentityCopy.with(
      source: db, schema: "CREATE SCHEMA app; CREATE TABLE app.items (id int PRIMARY KEY, label text);",
      data: "INSERT INTO app.items SELECT g, 'i' || g FROM generate_series(1, 1000) g;",
      tables: ["app.items"],
      label: "import server failure"
    ) { copy in
      // Each row's default fails as a full disk does, in the middle of the COPY.
      try await copy.target.runScript(
        """
        CREATE FUNCTION app.full_disk() RETURNS int LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'could not extend file: No space left on device' USING ERRCODE = 'disk_full'; END $$;
        ALTER TABLE app.items ADD COLUMN extra int DEFAULT app.full_disk();
        """)
      _ = try await Exporter(options: try copy.exportOptions()).run(logger: ImportTests.logger)
      let failed = try CutoverBinary.run(copy.importArguments)
      #expect(failed.status == 3, "\(failed.output)")
      #expect(failed.output.contains("No space left on device"), "\(failed.output)")
      #expect(
        !failed.output.contains("rejected row") && !failed.output.contains("refused the rows"),
        "\(failed.output)")
      #expect(!failed.output.contains("fix the row's mapping"), "\(failed.output)")
      try await copy.target.execute("ALTER TABLE app.items ALTER extra DROP DEFAULT")
      let resumed = try CutoverBinary.run(copy.importArguments + ["--resume"])
      #expect(resumed.status == 0, "\(resumed.output)")
      #expect(
        try await copy.target.execute("SELECT count(*)::int AS n FROM app.items").one().int("n") == 1000)
    }
  }
}
