import CutoverKit
import CutoverTestSupport
import Foundation
import Testing

/// Ctrl-C during verify reaches the server: a statement verify is waiting on is cancelled, not
/// left running after the process is gone (or keeping the process from going).
@Suite(.postgres, .timeLimit(.minutes(5)))
struct VerifyInterruptTests {
  @Test func `SIGINT while verify waits on a locked table cancels its statement and exits 130`() async throws
  {
    let db = try #require(TestDatabase.current)
    try await db.runScript("CREATE SCHEMA app; CREATE TABLE app.a (id int); INSERT INTO app.a VALUES (1);")
    let directory = ImportTests.scratchDirectory("verify-interrupt")
    let mappings = ImportTests.scratchDirectory("verify-interrupt-mappings")
    let target = try await TestDatabase.create(label: "verify interrupt")
    defer {
      try? FileManager.default.removeItem(at: directory)
      try? FileManager.default.removeItem(at: mappings)
    }
    try MappingFixtures.writeIdentityMappings(["app.a"], into: mappings)
    _ = try await Exporter(
      options: ExportOptions(source: try ConnectionTarget(db.url, side: .source), directory: directory)
    ).run(logger: ExportFaultTests.logger)
    // app.t is filled by no mapping, so verify counts it: behind this lock, for as long as it is held.
    try await target.runScript("CREATE SCHEMA app; CREATE TABLE app.a (id int); CREATE TABLE app.t (id int);")
    let locker = SnapshotSession()
    defer { locker.close() }
    try await locker.hold(target.url, "LOCK TABLE app.t IN ACCESS EXCLUSIVE MODE")
    let (process, errors) = try CutoverBinary.start([
      "verify", "--target", target.url, "--export-dir", directory.path, "--mappings", mappings.path,
      "--chain", MappingFixtures.chain.path, "--data-only", "--jobs", "1",
    ])
    let waiting = """
      SELECT left(query, 60) AS what FROM pg_stat_activity
      WHERE application_name = 'cutover verify' AND state = 'active' AND wait_event_type = 'Lock'
        AND datname = current_database()
      """
    var blocked: [String] = []
    for _ in 0..<600 where blocked.isEmpty && process.isRunning {
      try await Task.sleep(for: .milliseconds(100))
      blocked = try await target.execute(waiting).map { try $0.string("what") }
    }
    #expect(blocked.contains { $0.contains("app") }, "\(blocked)")
    try await process.interrupt(waitingAtMost: 60)
    let output = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    #expect(process.terminationStatus == 130, "\(output)")
    #expect(output.contains("interrupted"), "\(output)")
    // Other tests' verify processes run on the same cluster: only this database counts. A
    // backend may show its cancelled statement for a moment after the process is gone; one
    // left running would stay behind the lock, which is still held.
    var left: Int64 = -1
    for _ in 0..<100 where left != 0 {
      left = try await target.execute(
        """
        SELECT count(*) AS n FROM pg_stat_activity
        WHERE application_name = 'cutover verify' AND state = 'active' AND datname = current_database()
        """
      ).one().int64("n")
      if left != 0 { try await Task.sleep(for: .milliseconds(100)) }
    }
    #expect(left == 0)
    try await target.drop()
  }
}
