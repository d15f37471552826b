import CutoverKit
import CutoverTestSupport
import Foundation
import Logging
import Testing

/// The snapshot holder process and resume after a crash (issue 14): the built `cutover`
/// killed at seeded points (`CUTOVER_TEST_CRASH_AT`), the holder outliving it.
@Suite(.postgres, .timeLimit(.minutes(8)))
struct ExportHolderTests {
  static let schema = """
    CREATE SCHEMA app;
    CREATE TABLE app.t (id int PRIMARY KEY, note text);
    INSERT INTO app.t SELECT g, repeat(md5(g::text), 4) FROM generate_series(1, 3000) g;
    CREATE TABLE app.small (id int PRIMARY KEY);
    INSERT INTO app.small SELECT generate_series(1, 10);
    ANALYZE;
    """

  struct Outcome {
    var status: Int32
    var killed: Bool
    var errors: String
  }

  /// Runs `cutover export` on `db` into `directory` with `extra` arguments and environment.
  static func export(
    _ db: TestDatabase, _ directory: URL, _ extra: [String] = [],
    environment extraEnvironment: [String: String] = [:]
  ) throws -> Outcome {
    let process = Process()
    process.executableURL = try CutoverBinary.url()
    process.arguments =
      [
        "export", "--source", db.url, "--export-dir", directory.path, "--jobs", "1", "--level", "1",
        "--chunk-size", "16KiB",
      ] + extra
    var environment = ProcessInfo.processInfo.environment
    environment["SOURCE_DATABASE_URL"] = nil
    environment["CUTOVER_TEST_CRASH_AT"] = nil
    environment.merge(extraEnvironment) { $1 }
    process.environment = environment
    let errors = Pipe()
    process.standardError = errors
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    let output = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Outcome(
      status: process.terminationStatus, killed: process.terminationReason == .uncaughtSignal,
      errors: String(decoding: output, as: UTF8.self))
  }

  /// Inode and SHA-256 of every sealed chunk file.
  static func sealedFiles(_ directory: URL) throws -> [String: [String]] {
    var result: [String: [String]] = [:]
    for name in try FileManager.default.contentsOfDirectory(atPath: directory.path)
    where name.hasSuffix(".copy.zst") {
      let url = directory.appendingPathComponent(name)
      var info = stat()
      stat(url.path, &info)
      result[name] = [String(info.st_ino), try ChunkReader.sha256(of: url).sha256]
    }
    return result
  }

  static func holderBackends(_ db: TestDatabase) async throws -> Int {
    try await db.withConnection { connection in
      Int(
        try connection.execute(
          "SELECT count(*)::int8 AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'cutover snapshot holder'"
        ).one().int64("n"))
    }
  }

  static func digests(_ db: TestDatabase) async throws -> [[String?]] {
    try await db.withConnection { connection in
      [
        try ExporterTests.digest(connection, table: "app.t", columns: ["id", "note"]),
        try ExporterTests.digest(connection, table: "app.small", columns: ["id"]),
      ]
    }
  }

  static func loadedDigests(_ db: TestDatabase, _ directory: URL) async throws -> [[String?]] {
    let manifest = try #require(try ExportManifest.read(directory: directory))
    return try await db.withConnection { connection in
      try ["app.t", "app.small"].enumerated().map { offset, name in
        let table = try #require(manifest.tables.first { $0.name.description == name })
        return try ExporterTests.loadAndDigest(
          connection, manifestTable: table, directory: directory, into: "public.loaded\(offset)")
      }
    }
  }

  @Test(arguments: ["mid-chunk:3", "between-chunks:3", "before-manifest"])
  func `a crashed export resumes in the holder's snapshot without touching sealed chunks`(point: String)
    async throws
  {
    let db = try #require(TestDatabase.current)
    try await db.runScript(Self.schema)
    let directory = ExporterTests.scratchDirectory("holder")
    defer { try? FileManager.default.removeItem(at: directory) }
    let expected = try await Self.digests(db)
    let crashed = try Self.export(
      db, directory, ["--holder-idle-timeout", "120"], environment: ["CUTOVER_TEST_CRASH_AT": point])
    #expect(crashed.killed && crashed.status == SIGKILL, "\(crashed.errors)")
    let holder = try #require(SnapshotHolderProcess.live(in: directory), "\(crashed.errors)")
    let sealed = try Self.sealedFiles(directory)
    #expect(!sealed.isEmpty)
    // Writes after the crash must not show: the resume reads the holder's snapshot.
    try await db.runScript("INSERT INTO app.t SELECT g, 'late' FROM generate_series(5001, 5100) g;")
    let resumed = try Self.export(db, directory)
    #expect(resumed.status == 0, "\(resumed.errors)")
    #expect(
      resumed.errors.contains("reusing the live snapshot holder process \(holder.pid)"), "\(resumed.errors)")
    let after = try Self.sealedFiles(directory)
    for (name, identity) in sealed { #expect(after[name] == identity, "\(name) was rewritten") }
    #expect(try await Self.loadedDigests(db, directory) == expected)
    #expect(try ExportManifest.read(directory: directory)?.source.snapshot == holder.snapshot)
    // Success ends the holder and its transaction.
    #expect(SnapshotHolderProcess.live(in: directory) == nil)
    #expect(try await Self.holderBackends(db) == 0)
  }

  @Test func `without its holder an unfinished export is refused, and --restart exports the new state`()
    async throws
  {
    let db = try #require(TestDatabase.current)
    try await db.runScript(Self.schema)
    let directory = ExporterTests.scratchDirectory("holder-gone")
    defer { try? FileManager.default.removeItem(at: directory) }
    let crashed = try Self.export(db, directory, environment: ["CUTOVER_TEST_CRASH_AT": "between-chunks:2"])
    #expect(crashed.killed, "\(crashed.errors)")
    let holder = try #require(SnapshotHolderProcess.live(in: directory))
    kill(holder.pid, SIGKILL)
    var waited = 0
    while SnapshotHolderProcess.live(in: directory) != nil && waited < 200 {
      try await Task.sleep(for: .milliseconds(50))
      waited += 1
    }
    try await db.runScript("INSERT INTO app.t SELECT g, 'new' FROM generate_series(5001, 5100) g;")
    let refused = try Self.export(db, directory)
    #expect(refused.status == 2, "\(refused.errors)")
    #expect(refused.errors.contains("--restart"), "\(refused.errors)")
    #expect(refused.errors.contains("snapshot holder process is gone"), "\(refused.errors)")
    let restarted = try Self.export(db, directory, ["--restart"])
    #expect(restarted.status == 0, "\(restarted.errors)")
    let table = try #require(
      try ExportManifest.read(directory: directory)?.tables.first { $0.name.name == "t" })
    #expect(table.rows == 3100)
    #expect(try await Self.holderBackends(db) == 0)
  }

  @Test func `a holder nobody attaches to ends by itself, and --abandon ends one at once`() async throws {
    let db = try #require(TestDatabase.current)
    try await db.runScript(Self.schema)
    let directory = ExporterTests.scratchDirectory("holder-idle")
    defer { try? FileManager.default.removeItem(at: directory) }
    let crashed = try Self.export(
      db, directory, ["--holder-idle-timeout", "10"],
      environment: ["CUTOVER_TEST_CRASH_AT": "between-chunks:1"])
    #expect(crashed.killed, "\(crashed.errors)")
    #expect(SnapshotHolderProcess.live(in: directory) != nil)
    #expect(try await Self.holderBackends(db) == 1)
    // 10 s of idleness, generous for a loaded machine between the crash and the checks above;
    // the wait below only guards against a holder that never ends.
    let deadline = Date().addingTimeInterval(120)
    while SnapshotHolderProcess.live(in: directory) != nil && Date() < deadline {
      try await Task.sleep(for: .milliseconds(100))
    }
    #expect(SnapshotHolderProcess.live(in: directory) == nil, "the idle holder did not end")
    try await Task.sleep(for: .milliseconds(500))
    #expect(try await Self.holderBackends(db) == 0)

    let again = try Self.export(
      db, directory, ["--restart", "--holder-idle-timeout", "600"],
      environment: ["CUTOVER_TEST_CRASH_AT": "between-chunks:1"])
    #expect(again.killed, "\(again.errors)")
    #expect(SnapshotHolderProcess.live(in: directory) != nil)
    let abandoned = try Self.export(db, directory, ["--abandon"])
    #expect(abandoned.status == 0, "\(abandoned.errors)")
    #expect(SnapshotHolderProcess.live(in: directory) == nil)
    try await Task.sleep(for: .milliseconds(500))
    #expect(try await Self.holderBackends(db) == 0)
  }
}
