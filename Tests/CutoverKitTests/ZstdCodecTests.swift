import CutoverKit
import Foundation
import Testing

struct ZstdCodecTests {
  /// Deterministic, partly compressible bytes: COPY-like text with a pseudo-random part.
  static func sample(_ size: Int) -> [UInt8] {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    var bytes: [UInt8] = []
    bytes.reserveCapacity(size)
    while bytes.count < size {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      let line = "\(state % 100_000)\tuser-\(state >> 40)\t2026-11-25\n"
      bytes.append(contentsOf: line.utf8.prefix(size - bytes.count))
    }
    return bytes
  }

  static func compress(_ input: [UInt8], level: Int32 = 3, workers: Int32 = 0) throws -> [UInt8] {
    let encoder = try ZstdEncoder(level: level, workers: workers, file: "memory")
    var output: [UInt8] = []
    // Feed in uneven pieces so that frames span calls.
    var offset = 0
    var step = 1
    try input.withUnsafeBytes { all in
      while offset < all.count {
        let end = min(offset + step, all.count)
        try encoder.compress(UnsafeRawBufferPointer(rebasing: all[offset..<end])) {
          output.append(contentsOf: $0)
        }
        offset = end
        step = step * 7 + 13
      }
    }
    try encoder.finishFrame { output.append(contentsOf: $0) }
    return output
  }

  static func decompress(_ input: [UInt8], file: String = "memory") throws -> [UInt8] {
    let decoder = try ZstdDecoder(file: file)
    var output: [UInt8] = []
    try input.withUnsafeBytes { all in
      var offset = 0
      while offset < all.count {
        let end = min(offset + 65_536, all.count)
        try decoder.decompress(UnsafeRawBufferPointer(rebasing: all[offset..<end])) {
          output.append(contentsOf: $0)
        }
        offset = end
      }
    }
    try decoder.finish()
    return output
  }

  @Test(arguments: [0, 1, 131_071, 131_072, 131_073, 3 << 20])
  func `zstd round-trips around buffer edges`(size: Int) throws {
    let input = Self.sample(size)
    let compressed = try Self.compress(input)
    #expect(try Self.decompress(compressed) == input)
  }

  @Test func `zstd with worker threads and a high level round-trips`() throws {
    let input = Self.sample(3 << 20)
    let encoder = try ZstdEncoder(level: 9, workers: 2)
    #expect(encoder.workers <= 2)
    #expect(try Self.decompress(try Self.compress(input, level: 9, workers: 2)) == input)
  }

  @Test func `an encoder makes one frame after another`() throws {
    let encoder = try ZstdEncoder()
    for size in [10, 200_000, 0, 5] {
      let input = Self.sample(size)
      var frame: [UInt8] = []
      try input.withUnsafeBytes { try encoder.compress($0) { frame.append(contentsOf: $0) } }
      try encoder.finishFrame { frame.append(contentsOf: $0) }
      #expect(try Self.decompress(frame) == input)
    }
  }

  @Test(arguments: [1, 7, 100, 1000])
  func `truncated input fails as truncated and names the file`(cut: Int) throws {
    let compressed = try Self.compress(Self.sample(300_000))
    let truncated = Array(compressed.dropLast(cut))
    let error = try #require(throws: ChunkError.self) {
      try Self.decompress(truncated, file: "/x/app.t.000001.copy.zst")
    }
    #expect(error.code == .truncated)
    #expect(error.description.contains("/x/app.t.000001.copy.zst"))
    #expect(error.exitStatus == .checkFailed)
  }

  @Test func `empty input is truncated, not an empty chunk`() throws {
    let error = try #require(throws: ChunkError.self) { try Self.decompress([]) }
    #expect(error.code == .truncated)
  }

  @Test func `a flipped byte fails as corrupt`() throws {
    let compressed = try Self.compress(Self.sample(300_000))
    for position in [compressed.count / 2, compressed.count - 2] {
      var damaged = compressed
      damaged[position] ^= 0x40
      let error = try #require(throws: ChunkError.self) { try Self.decompress(damaged) }
      #expect(error.code == .corrupt)
    }
  }

  @Test func `data after the frame is corrupt`() throws {
    let frame = try Self.compress(Self.sample(1000))
    let error = try #require(throws: ChunkError.self) { try Self.decompress(frame + frame) }
    #expect(error.code == .corrupt)
  }

  @Test func `a chunk file is 0600, counts rows and reads back with its digest`() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("zstd-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let input = Self.sample(500_000)
    let encoder = try ZstdEncoder()
    let writer = try ChunkWriter(
      directory: directory, table: QualifiedName(schema: "app", name: "we.ird/name"), index: 3,
      encoder: encoder)
    try input.withUnsafeBytes { try writer.append($0) }
    var journaled: ChunkRecord?
    let sealed = try writer.seal { record in
      #expect(!FileManager.default.fileExists(atPath: writer.url.path))
      journaled = record
    }
    #expect(journaled == sealed)
    #expect(sealed.file == "app.we%2Eird%2Fname.000003.copy.zst")
    #expect(sealed.rows == Int64(input.filter { $0 == 0x0A }.count))
    #expect(sealed.bytes == Int64(input.count))
    let attributes = try FileManager.default.attributesOfItem(atPath: writer.url.path)
    #expect((attributes[.posixPermissions] as? Int) == 0o600)
    #expect((attributes[.size] as? Int).map(Int64.init) == sealed.compressedBytes)
    var read: [UInt8] = []
    let summary = try ChunkReader(url: writer.url, expectedSHA256: sealed.sha256).forEachBuffer {
      read.append(contentsOf: $0)
    }
    #expect(read == input)
    #expect(summary.rows == sealed.rows)
    #expect(summary.sha256 == sealed.sha256)
    var touched = false
    let mismatch = try #require(throws: ChunkError.self) {
      try ChunkReader(url: writer.url, expectedSHA256: String(repeating: "0", count: 64)).forEachBuffer { _ in
        touched = true
      }
    }
    #expect(mismatch.code == .digestMismatch)
    #expect(!touched, "a chunk with the wrong digest must not reach the caller")
  }

  @Test func `COPY text scanner counts fields with escaped tabs`() {
    func scan(_ text: String, columns: Int) -> (Int64, String?) {
      var scanner = CopyTextScanner(columns: columns)
      Array(text.utf8).withUnsafeBytes { scanner.scan($0) }
      scanner.finish()
      return (scanner.rows, scanner.problem)
    }
    #expect(scan("1\ta\\tb\t\\N\n2\t\\\\\t\n", columns: 3) == (2, nil))
    #expect(scan("1\ta\tb\tc\n", columns: 3).1?.contains("4 fields") == true)
    #expect(scan("1\ta\n2\tb", columns: 2).1?.contains("no final newline") == true)
    #expect(scan("\n\n", columns: 0) == (2, nil))
  }
}
