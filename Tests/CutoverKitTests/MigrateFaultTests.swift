import CutoverKit
import CutoverTestSupport
import Foundation
import Logging
import Testing

/// `cutover migrate` under faults (issue 12): renamed files, reruns of a failed
/// no-transaction file, a concurrent run, Ctrl-C in the middle of a statement.
@Suite(.postgres, .timeLimit(.minutes(8)))
struct MigrateFaultTests {
  static let logger = Logger(label: "test.migrate-faults", factory: { _ in SwiftLogNoOpLogHandler() })

  static func chain(_ files: [String: String]) throws -> URL {
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("cutover-chain-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    for (name, text) in files { try Data(text.utf8).write(to: directory.appendingPathComponent(name)) }
    return directory
  }

  @Test func `a renamed file is the same migration; renamed and edited says both`() async throws {
    let db = try #require(TestDatabase.current)
    let directory = try Self.chain([
      "0001_schema.sql": "CREATE SCHEMA app;", "0002_table.sql": "CREATE TABLE app.t (id int);",
    ])
    defer { try? FileManager.default.removeItem(at: directory) }
    let runner = MigrationRunner(chain: directory)
    let target = try ConnectionTarget(db.url, side: .target)
    _ = try await runner.apply(to: target, logger: Self.logger)
    try FileManager.default.moveItem(
      at: directory.appendingPathComponent("0002_table.sql"),
      to: directory.appendingPathComponent("0002_create_t.sql"))
    let again = try await runner.apply(to: target, logger: Self.logger)
    #expect(again.files.allSatisfy { $0.status == .skipped })
    try Data("CREATE TABLE app.t (id bigint);".utf8).write(
      to: directory.appendingPathComponent("0002_create_t.sql"))
    let failure = try await #require(throws: MigrationError.self) {
      try await runner.apply(to: target, logger: Self.logger)
    }
    #expect(failure.code == .checksumChanged)
    #expect(failure.description.contains("applied as 0002_table.sql, renamed and edited"), "\(failure)")
  }

  @Test func `a rerun of a failed no-transaction file never says it was rolled back`() async throws {
    let db = try #require(TestDatabase.current)
    let directory = try Self.chain([
      "0001_schema.sql": "CREATE SCHEMA app;\nCREATE TYPE app.mood AS ENUM ('ok');",
      "0002_mood.sql":
        "ALTER TYPE app.mood ADD VALUE 'sad';\nSELECT 'sad'::app.mood;\nINSERT INTO app.nope VALUES (1);",
    ])
    defer { try? FileManager.default.removeItem(at: directory) }
    let runner = MigrationRunner(chain: directory)
    let target = try ConnectionTarget(db.url, side: .target)
    for _ in 0..<2 {
      let failure = try await #require(throws: MigrationError.self) {
        try await runner.apply(to: target, logger: Self.logger)
      }
      #expect(failure.code == .statementFailed)
      #expect(!(failure.nextStep ?? "").contains("0002_mood.sql was rolled back"), "\(failure)")
      #expect(failure.nextStep?.contains("nothing was rolled back") == true, "\(failure)")
    }
  }

  @Test func `a concurrent migrate is refused with exit 2, as a busy export directory is`() async throws {
    let db = try #require(TestDatabase.current)
    let directory = try Self.chain(["0001_schema.sql": "CREATE SCHEMA app;"])
    defer { try? FileManager.default.removeItem(at: directory) }
    let holder = SnapshotSession()
    try await holder.hold(db.url, "SELECT pg_advisory_lock(hashtext('cutover migrate'))")
    let result = try CutoverBinary.run(["migrate", "--target", db.url, "--chain", directory.path])
    holder.close()
    #expect(result.status == 2, "\(result.output)")
    #expect(result.output.contains("another cutover migrate"), "\(result.output)")
  }

  @Test func `SIGINT during a long statement cancels it on the server and releases the lock`() async throws {
    let db = try #require(TestDatabase.current)
    let directory = try Self.chain([
      "0001_schema.sql": "CREATE SCHEMA app;",
      "0002_slow.sql": "CREATE TABLE app.slow (id int);\nSELECT pg_sleep(600);",
    ])
    defer { try? FileManager.default.removeItem(at: directory) }
    let (process, errors) = try CutoverBinary.start([
      "migrate", "--target", db.url, "--chain", directory.path,
    ])
    // Wait until the server runs the sleep, then press Ctrl-C.
    var sleeping = false
    for _ in 0..<200 where !sleeping {
      sleeping =
        try await db.execute(
          "SELECT count(*) AS n FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(600)%' AND state = 'active'"
        ).one().int("n") > 0
      if !sleeping { try await Task.sleep(for: .milliseconds(50)) }
    }
    #expect(sleeping)
    try await process.interrupt()
    let output = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    #expect(process.terminationStatus == 130, "\(output)")
    #expect(output.contains("interrupted"), "\(output)")
    #expect(output.contains("resumes at 0002_slow.sql"), "\(output)")
    let still = try await db.execute(
      "SELECT count(*) AS n FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(600)%' AND state = 'active'"
    )
    #expect(try still.one().int("n") == 0)
    // The lock went with the session: a rerun is not refused as "another migrate is running".
    try Data("CREATE TABLE app.slow (id int);".utf8).write(
      to: directory.appendingPathComponent("0002_slow.sql"))
    let rerun = try CutoverBinary.run(["migrate", "--target", db.url, "--chain", directory.path])
    #expect(rerun.status == 0, "\(rerun.output)")
  }
}
