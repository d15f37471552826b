import Crypto
import Foundation

/// Reads one chunk: streams its decompressed COPY text to a closure, in buffers.
///
/// The file's SHA-256 is checked against the manifest's, and the zstd frame (with its
/// checksum) must be complete; any failure is a `ChunkError` naming the file. With
/// `.beforeReading` (the default) the digest is verified in a first pass, so `body` never
/// sees a byte of a foreign or damaged chunk; the second pass hashes again and must agree.
///
/// ```swift
/// let reader = ChunkReader(url: dir.appendingPathComponent(chunk.file), expectedSHA256: chunk.sha256)
/// try reader.forEachBuffer { buffer in try writer.write(buffer) }
/// ```
public struct ChunkReader: Sendable {
  /// When the SHA-256 is verified.
  public enum Verification: Sendable {
    /// In a pass of its own before any byte reaches `body` (reads the file twice).
    case beforeReading
    /// While decompressing, one pass; a mismatch is thrown after `body` saw the bytes.
    case whileReading
  }

  /// The chunk file.
  public let url: URL
  /// The SHA-256 the manifest records, lower-case hex; `nil` skips the comparison.
  public let expectedSHA256: String?
  /// When the digest is verified.
  public let verification: Verification

  /// The chunk's position in its table, copied into the record a read returns.
  public let index: Int

  /// A reader of any chunk file; `index` only labels the record it returns.
  public init(
    url: URL, expectedSHA256: String?, index: Int = 0, verification: Verification = .beforeReading
  ) {
    self.url = url
    self.expectedSHA256 = expectedSHA256?.lowercased()
    self.index = index
    self.verification = verification
  }

  /// A reader of `chunk` in `directory`, checked against the chunk's recorded SHA-256.
  public init(directory: URL, chunk: ChunkRecord, verification: Verification = .beforeReading) {
    self.init(
      url: directory.appendingPathComponent(chunk.file), expectedSHA256: chunk.sha256,
      index: chunk.index, verification: verification)
  }

  /// Streams the decompressed bytes to `body`; buffers are reused, valid only in the call.
  ///
  /// Returns the chunk as read (rows, bytes, file size and SHA-256 measured): compare it
  /// with the recorded one.
  ///
  /// Blocks (`read`, `ZSTD_decompressStream`): run it on a dedicated thread.
  /// - Throws: `ChunkError` — `.missing`, `.io`, `.truncated`, `.corrupt`,
  ///   `.digestMismatch` (with `actualSHA256`) — or whatever `body` throws.
  @discardableResult
  public func forEachBuffer(_ body: (UnsafeRawBufferPointer) throws -> Void) throws -> ChunkRecord {
    if verification == .beforeReading, let expectedSHA256 {
      let (digest, _) = try Self.sha256(of: url)
      guard digest == expectedSHA256 else { throw mismatch(digest) }
    }
    let decoder = try ZstdDecoder(file: url.path)
    var hasher = SHA256()
    var rows: Int64 = 0
    var bytes: Int64 = 0
    let compressedBytes = try Self.readFile(url) { input in
      hasher.update(bufferPointer: input)
      try decoder.decompress(input) { output in
        rows += Self.countNewlines(output)
        bytes += Int64(output.count)
        try body(output)
      }
    }
    try decoder.finish()
    let digest = HexDigest.string(hasher.finalize())
    if let expectedSHA256, digest != expectedSHA256 { throw mismatch(digest) }
    return ChunkRecord(
      index: index, file: url.lastPathComponent, rows: rows, bytes: bytes,
      compressedBytes: compressedBytes, sha256: digest)
  }

  private func mismatch(_ actual: String) -> ChunkError {
    ChunkError(
      code: .digestMismatch, file: url.path,
      message: "SHA-256 \(actual) is not the manifest's \(expectedSHA256 ?? "?")",
      nextStep: "the file is not the chunk this export wrote: restore it or re-export",
      actualSHA256: actual)
  }

  /// The SHA-256 (lower-case hex) and size of a file.
  ///
  /// Blocks (`read`).
  public static func sha256(of url: URL) throws -> (sha256: String, bytes: Int64) {
    var hasher = SHA256()
    let size = try readFile(url) { hasher.update(bufferPointer: $0) }
    return (HexDigest.string(hasher.finalize()), size)
  }

  /// Reads `url` in 256 KiB buffers (one allocation) and returns its size.
  static func readFile(_ url: URL, _ body: (UnsafeRawBufferPointer) throws -> Void) throws -> Int64 {
    let fd = open(url.path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else {
      throw ChunkError.io("opening the chunk", file: url.path, errno: errno, absentIs: .missing)
    }
    defer { close(fd) }
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 << 10, alignment: 16)
    defer { buffer.deallocate() }
    var total: Int64 = 0
    while true {
      let count = read(fd, buffer.baseAddress, buffer.count)
      if count < 0 {
        if errno == EINTR { continue }
        throw ChunkError.io("reading the chunk", file: url.path, errno: errno, absentIs: .missing)
      }
      if count == 0 { return total }
      total += Int64(count)
      try body(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
    }
  }

  /// Newline bytes in `data` (`memchr`).
  static func countNewlines(_ data: UnsafeRawBufferPointer) -> Int64 {
    guard let base = data.baseAddress else { return 0 }
    var count: Int64 = 0
    var cursor = base
    var left = data.count
    while left > 0, let hit = memchr(cursor, 0x0A, left) {
      count += 1
      let consumed = UnsafeRawPointer(hit) - cursor + 1
      cursor += consumed
      left -= consumed
    }
    return count
  }
}
