import CutoverKit
import CutoverTestSupport
import Foundation
import Logging
import Synchronization
import Testing

/// The export and the disk (issue 14): the size estimate, the refusal when it does not fit,
/// and a full disk mid-export (an injected `ENOSPC`).
@Suite(.postgres, .timeLimit(.minutes(8)))
struct ExportDiskTests {
  static let logger = Logger(label: "test.export-disk", factory: { _ in SwiftLogNoOpLogHandler() })

  static let schema = """
    CREATE SCHEMA app;
    CREATE TABLE app.t (id int PRIMARY KEY, note text);
    INSERT INTO app.t SELECT g, repeat(md5(g::text), 4) FROM generate_series(1, 3000) g;
    CREATE TABLE app.small (id int PRIMARY KEY);
    INSERT INTO app.small SELECT generate_series(1, 10);
    ANALYZE;
    """

  @Test func `an export that cannot fit is refused before anything is written, naming what it needs`()
    async throws
  {
    let db = try #require(TestDatabase.current)
    try await db.runScript(Self.schema)
    let directory = ExporterTests.scratchDirectory("disk-refused")
    defer { try? FileManager.default.removeItem(at: directory) }
    var options = ExportOptions(source: try ConnectionTarget(db.url, side: .source), directory: directory)
    // 64 workers × 16GiB chunks: an estimate of over 1TiB, more than the test machine has.
    options.jobs = 64
    options.chunkSize = 1 << 34
    let lines = TestLines()
    let progress = ExportProgress(style: .quiet) { lines.append($0) }
    let error = await #expect(throws: ExportError.self) {
      _ = try await Exporter(options: options).run(logger: Self.logger, progress: progress)
    }
    #expect(error?.code == .diskSpace)
    #expect(error?.message.contains("needs about 1") == true, "\(String(describing: error))")
    #expect(error?.nextStep?.contains("--no-disk-check") == true)
    #expect(lines.text.contains("estimated export size"))
    let left = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
    #expect(!left.contains(Journal.fileName))
    options.diskCheck = false
    options.jobs = 1
    options.chunkSize = 64 << 10
    _ = try await Exporter(options: options).run(logger: Self.logger)
    #expect(try ExportManifest.read(directory: directory)?.tables.count == 2)
  }

  @Test(arguments: [1, 4, 9])
  func `a full disk mid-export stops naming the file, leaves no partial file, and sealed chunks resume`(
    failing: Int
  ) async throws {
    let db = try #require(TestDatabase.current)
    try await db.runScript(Self.schema)
    let url = db.url
    let directory = ExporterTests.scratchDirectory("disk-full")
    let reference = ExporterTests.scratchDirectory("disk-reference")
    defer {
      try? FileManager.default.removeItem(at: directory)
      try? FileManager.default.removeItem(at: reference)
    }
    // A snapshot the test keeps open, so every run reads in it.
    let holder = SnapshotSession()
    let heldSnapshot = try await holder.open(url)
    defer { holder.close() }
    do {
      var options = ExportOptions(source: try ConnectionTarget(url, side: .source), directory: directory)
      options.snapshot = heldSnapshot
      options.chunkSize = 16 << 10
      options.jobs = 1
      options.level = 1
      var faulty = options
      faulty.writeFault = ChunkWriteFault(failing: failing)
      let failingOptions = faulty
      let failure = Mutex<ChunkError?>(nil)
      do {
        _ = try await Exporter(options: failingOptions).run(logger: Self.logger)
      } catch let error as ChunkError {
        failure.withLock { $0 = error }
      }
      let error = try #require(failure.withLock { $0 })
      #expect(error.code == .noSpace)
      #expect(error.file.hasPrefix(directory.path) && error.file.hasSuffix(".copy.zst.partial"))
      #expect(error.description.contains("No space left on device"))
      #expect(error.nextStep?.contains("run the same `cutover export` again") == true)
      let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
      #expect(!names.contains { $0.hasSuffix(ChunkFileName.partialSuffix) })
      // Every sealed chunk left is the journaled one, byte for byte.
      let state = try ExportJournalState(directory: directory)
      let sealed = state.chunks.values.flatMap { $0 }
      #expect(sealed.count == names.filter { ChunkFileName.isChunkFile($0) }.count)
      for chunk in sealed {
        #expect(
          try ChunkReader.sha256(of: directory.appendingPathComponent(chunk.file)).sha256 == chunk.sha256)
      }
      let resumeOptions = options
      _ = try await Exporter(options: resumeOptions).run(logger: Self.logger)
      var fresh = options
      fresh.directory = reference
      let referenceOptions = fresh
      _ = try await Exporter(options: referenceOptions).run(logger: Self.logger)
      let resumed = try #require(try ExportManifest.read(directory: directory))
      let whole = try #require(try ExportManifest.read(directory: reference))
      #expect(resumed.tables.map(\.chunks) == whole.tables.map(\.chunks))
    }
  }
}

/// Lines a test's progress sink received.
final class TestLines: Sendable {
  private let lines = Mutex<[String]>([])
  func append(_ line: String) { lines.withLock { $0.append(line) } }
  var text: String { lines.withLock { $0.joined() } }
}
