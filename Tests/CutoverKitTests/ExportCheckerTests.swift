import CutoverKit
import CutoverTestSupport
import Foundation
import Logging
import Testing

/// `check-export` against real exports, each damaged one way.
@Suite(.postgres, .timeLimit(.minutes(8)))
struct ExportCheckerTests {
  static let logger = Logger(label: "test.check-export", factory: { _ in SwiftLogNoOpLogHandler() })

  /// The ways an export gets damaged, and what the checker must call it.
  enum Damage: String, CaseIterable, Sendable {
    case deleted, flippedByte, truncated, extraFile, foreignChunk, swapped, emptied
  }

  /// Copies `source` into a new directory (files keep their modes).
  static func copy(_ source: URL, label: String) throws -> URL {
    let target = FileManager.default.temporaryDirectory
      .appendingPathComponent("cutover-check-\(label)-\(UUID().uuidString.prefix(8))")
    try FileManager.default.copyItem(at: source, to: target)
    return target
  }

  static func export(_ url: String, into directory: URL) async throws -> ExportManifest {
    var options = ExportOptions(source: try ConnectionTarget(url, side: .source), directory: directory)
    options.chunkSize = 64 << 10
    _ = try await Exporter(options: options).run(logger: logger)
    return try #require(try ExportManifest.read(directory: directory))
  }

  @Test func `check-export passes a good export and names the chunk for each kind of damage`() async throws {
    let db = try #require(TestDatabase.current)
    try await db.runScript(
      """
      CREATE SCHEMA app;
      CREATE TABLE app.items (id int PRIMARY KEY, name text, note text);
      INSERT INTO app.items SELECT g, 'item ' || g, repeat(md5(g::text), 3) FROM generate_series(1, 5000) g;
      CREATE TABLE app.small (id int);
      INSERT INTO app.small VALUES (1), (2);
      """)
    let good = FileManager.default.temporaryDirectory.appendingPathComponent(
      "cutover-check-good-\(UUID().uuidString.prefix(8))")
    let other = FileManager.default.temporaryDirectory.appendingPathComponent(
      "cutover-check-other-\(UUID().uuidString.prefix(8))")
    defer {
      try? FileManager.default.removeItem(at: good)
      try? FileManager.default.removeItem(at: other)
    }
    let manifest = try await Self.export(db.url, into: good)
    // Another export of the same table with different content: its chunks have the same names.
    try await db.execute("UPDATE app.items SET note = 'changed' WHERE id % 10 = 0")
    _ = try await Self.export(db.url, into: other)

    let clean = try await ExportChecker(directory: good).run(logger: Self.logger)
    #expect(clean.problems.isEmpty, "\(clean.text)")
    #expect(clean.exitStatus == .success)
    #expect(clean.rows == 5002)

    let items = try #require(manifest.tables.first { $0.name.name == "items" })
    try #require(items.chunks.count >= 3)
    let victim = items.chunks[1]
    for damage in Damage.allCases {
      let directory = try Self.copy(good, label: damage.rawValue)
      defer { try? FileManager.default.removeItem(at: directory) }
      let file = directory.appendingPathComponent(victim.file)
      var expectedFile = victim.file
      let expected: ExportCheckReport.Problem.Kind
      switch damage {
      case .deleted:
        try FileManager.default.removeItem(at: file)
        expected = .missing
      case .flippedByte:
        var bytes = try Data(contentsOf: file)
        bytes[bytes.count / 2] ^= 0x01
        try bytes.write(to: file)
        expected = .corrupt
      case .truncated:
        let bytes = try Data(contentsOf: file)
        try bytes.prefix(bytes.count - 100).write(to: file)
        expected = .truncated
      case .extraFile:
        expectedFile = "app.items.000099.copy.zst"
        try FileManager.default.copyItem(at: file, to: directory.appendingPathComponent(expectedFile))
        expected = .extra
      case .foreignChunk:
        try FileManager.default.removeItem(at: file)
        try FileManager.default.copyItem(at: other.appendingPathComponent(victim.file), to: file)
        expected = .foreign
      case .swapped:
        try FileManager.default.removeItem(at: file)
        try FileManager.default.copyItem(at: directory.appendingPathComponent(items.chunks[2].file), to: file)
        expected = .misplaced
      case .emptied:
        try Data().write(to: file)
        expected = .truncated
      }
      let report = try await ExportChecker(directory: directory).run(logger: Self.logger)
      let first = try #require(report.firstProblem, "\(damage) was not found")
      #expect(first.kind == expected, "\(damage): \(report.text)")
      #expect(first.file == expectedFile, "\(damage): \(report.text)")
      #expect(report.exitStatus == .checkFailed)
      #expect(report.text.contains(expectedFile))
      if expected != .extra {
        #expect(first.table == "app.items")
        #expect(first.chunk == victim.index)
      }
    }
  }

  @Test func `rows of the wrong shape are malformed`() async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "cutover-check-shape-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let table = QualifiedName(schema: "app", name: "t")
    let writer = try ChunkWriter(directory: directory, table: table, index: 1, encoder: try ZstdEncoder())
    try Array("1\ta\n2\tb\tc\n".utf8).withUnsafeBytes { try writer.append($0) }
    let sealed = try writer.seal()
    let manifest = ExportManifest(
      source: .init(
        serverVersion: "15", serverVersionNumber: 150_000, systemIdentifier: "1", database: "d",
        snapshot: "s", walLSN: "0/0", startedAt: Date(), finishedAt: Date()),
      tables: [
        .init(
          name: table, columns: [.init(name: "id", type: "integer"), .init(name: "v", type: "text")],
          rows: 2, bytes: sealed.bytes, compressedBytes: sealed.compressedBytes,
          chunks: [sealed], copyQuery: "COPY …", seconds: 0, parity: nil)
      ])
    try manifest.write(directory: directory)
    let journal = try Journal(directory: directory)
    try journal.append(ExportJournalRecord.ExportStarted(source: manifest.source, tables: [table]))
    try journal.append(ChunkSealed(table: table, chunk: sealed))
    try journal.append(ExportJournalRecord.ExportFinished(finishedAt: Date()))
    let report = try await ExportChecker(directory: directory).run(logger: Self.logger)
    #expect(report.firstProblem?.kind == .malformed, "\(report.text)")
    #expect(report.firstProblem?.detail.contains("row 2 has 3 fields") == true, "\(report.text)")
  }

  /// A record kind of some later stage, unknown to the export.
  struct ImportTableLoaded: JournalPayload, Equatable {
    static var kind: String { "import_table_loaded" }
    var table: QualifiedName
    var rows: Int64
  }

  @Test func `the journal repairs a torn line and keeps other stages' record kinds`() async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "cutover-journal-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let table = QualifiedName(schema: "app", name: "t")
    let journal = try Journal(directory: directory)
    try journal.append(ImportTableLoaded(table: table, rows: 3))
    // A crash in the middle of an append leaves a line without its newline.
    let handle = try FileHandle(forWritingTo: journal.url)
    try handle.seekToEnd()
    try handle.write(contentsOf: Data("{\"at\":\"2026-11-25T00:00:00Z\",\"kind\":\"chunk_se".utf8))
    try handle.close()
    let reopened = try Journal(directory: directory)
    try reopened.append(ImportTableLoaded(table: table, rows: 4))
    let entries = try Journal.read(directory: directory)
    #expect(entries.map(\.kind) == ["import_table_loaded", "import_table_loaded"])
    #expect(try entries.compactMap { try $0.decode(ImportTableLoaded.self) }.map(\.rows) == [3, 4])
    #expect(try entries.compactMap { try $0.decode(ChunkSealed.self) }.isEmpty)
    let state = try ExportJournalState(entries: entries)
    #expect(state.started == nil)
    let mode = try FileManager.default.attributesOfItem(atPath: journal.url.path)[.posixPermissions] as? Int
    #expect(mode == 0o600)
  }

  @Test func `the command line exits 1 naming the bad chunk, 2 for a directory without an export`()
    async throws
  {
    let db = try #require(TestDatabase.current)
    try await db.runScript(
      "CREATE SCHEMA app; CREATE TABLE app.t (id int, v text); INSERT INTO app.t SELECT g, repeat('v', 30) FROM generate_series(1, 3000) g;"
    )
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "cutover-check-cli-\(UUID().uuidString.prefix(8))")
    defer { try? FileManager.default.removeItem(at: directory) }
    let manifest = try await Self.export(db.url, into: directory)
    let chunk = try #require(manifest.tables.first?.chunks.last)
    try FileManager.default.removeItem(at: directory.appendingPathComponent(chunk.file))
    let result = try CutoverBinary.run(["check-export", "--export-dir", directory.path])
    #expect(result.status == 1, "\(result.output)")
    #expect(
      result.output.contains("\(chunk.file) (app.t, chunk \(chunk.index)): missing"), "\(result.output)")
    let json = try CutoverBinary.run(["check-export", "--export-dir", directory.path, "--json"])
    #expect(json.status == 1)
    #expect(json.output.contains("\"kind\" : \"missing\""), "\(json.output)")

    let empty = directory.appendingPathComponent("empty-sub")
    try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
    let notAnExport = try CutoverBinary.run(["check-export", "--export-dir", empty.path])
    #expect(notAnExport.status == 2, "\(notAnExport.output)")
  }
}
