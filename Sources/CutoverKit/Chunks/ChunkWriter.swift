import Crypto
import Foundation

/// Writes one chunk: whole COPY text rows, compressed into one zstd frame.
///
/// The data goes to `<name>.partial` (mode 0600); `seal` ends the frame, fsyncs, lets the
/// caller journal the chunk, renames the file to its real name and syncs the directory —
/// so only a complete chunk ever has its real name. Counts rows (newlines) and bytes and
/// hashes the compressed file (SHA-256) as it goes; memory is the encoder's buffers only.
/// Used by one thread.
public final class ChunkWriter {
  /// The table the rows belong to.
  public let table: QualifiedName
  /// 1-based position of the chunk within the table (or its part).
  public let index: Int
  /// The part of a split table; `nil` for a table read whole.
  public let part: Int?
  private let fault: ChunkWriteFault?
  /// The final path.
  public let url: URL
  private let partialPath: String
  private let encoder: ZstdEncoder
  private var fd: Int32
  private var hasher = SHA256()
  private var state = State.open
  /// Rows gathered before they go to the encoder: one `ZSTD_compressStream2` call per
  /// `stagingSize` bytes instead of one per row (a row is often a few hundred bytes).
  private var staging: UnsafeMutableRawBufferPointer
  private var staged = 0
  private static let stagingSize = 128 << 10

  /// Rows written so far (newline-terminated COPY text rows).
  public private(set) var rows: Int64 = 0
  /// Uncompressed bytes written so far.
  public private(set) var bytes: Int64 = 0
  /// Compressed bytes in the file so far.
  public private(set) var compressedBytes: Int64 = 0

  private enum State { case open, sealed, discarded }

  /// Creates `<directory>/<chunk name>.partial`, replacing a leftover of an earlier run.
  /// - Parameters:
  ///   - encoder: a reusable encoder; the writer starts a fresh frame on it.
  ///   - fault: a test hook that fails a chosen write.
  /// - Throws: `ChunkError` `.io` naming the file.
  public init(
    directory: URL, table: QualifiedName, part: Int? = nil, index: Int, encoder: ZstdEncoder,
    fault: ChunkWriteFault? = nil
  ) throws {
    self.table = table
    self.index = index
    self.part = part
    self.fault = fault
    self.url = directory.appendingPathComponent(ChunkFileName.make(table: table, part: part, index: index))
    self.partialPath = url.path + ChunkFileName.partialSuffix
    self.encoder = encoder
    encoder.abandonFrame()
    encoder.file = partialPath
    let fd = open(partialPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    guard fd >= 0 else { throw ChunkError.io("creating the chunk", file: partialPath, errno: errno) }
    _ = fchmod(fd, 0o600)
    self.fd = fd
    self.staging = .allocate(byteCount: Self.stagingSize, alignment: 16)
  }

  deinit {
    if state == .open { discard() }
    staging.deallocate()
  }

  /// Appends COPY text (whole rows, or parts of rows that later calls complete).
  public func append(_ data: UnsafeRawBufferPointer) throws {
    precondition(state == .open, "append after seal or discard")
    guard data.count > 0 else { return }
    rows += ChunkReader.countNewlines(data)
    bytes += Int64(data.count)
    if staged + data.count > staging.count {
      try flushStaging()
      if data.count >= staging.count {
        try encoder.compress(data) { try writeCompressed($0) }
        return
      }
    }
    UnsafeMutableRawBufferPointer(rebasing: staging[staged..<(staged + data.count)]).copyMemory(from: data)
    staged += data.count
  }

  private func flushStaging() throws {
    guard staged > 0 else { return }
    let pending = UnsafeRawBufferPointer(rebasing: staging[0..<staged])
    staged = 0
    try encoder.compress(pending) { try writeCompressed($0) }
  }

  private func writeCompressed(_ data: UnsafeRawBufferPointer) throws {
    try fault?.check(file: partialPath)
    hasher.update(bufferPointer: data)
    try DurableFile.writeAll(fd, data, file: partialPath)
    compressedBytes += Int64(data.count)
  }

  /// Ends the frame, syncs, calls `beforeRename` with the chunk's record, then renames.
  ///
  /// `beforeRename` is where the export journals the chunk: a journaled chunk whose rename
  /// did not happen is found as `.partial` with the journaled digest.
  /// - Throws: `ChunkError` `.io`; whatever `beforeRename` throws (the file is discarded).
  @discardableResult
  public func seal(beforeRename: (ChunkRecord) throws -> Void = { _ in }) throws -> ChunkRecord {
    precondition(state == .open, "seal twice")
    do {
      try flushStaging()
      try encoder.finishFrame { try writeCompressed($0) }
      guard fsync(fd) == 0 else { throw ChunkError.io("syncing the chunk", file: partialPath, errno: errno) }
      let digest = HexDigest.string(hasher.finalize())
      let record = ChunkRecord(
        index: index, part: part, file: url.lastPathComponent, rows: rows, bytes: bytes,
        compressedBytes: compressedBytes, sha256: digest)
      close(fd)
      fd = -1
      try beforeRename(record)
      guard rename(partialPath, url.path) == 0 else {
        throw ChunkError.io("renaming the sealed chunk into place", file: url.path, errno: errno)
      }
      state = .sealed
      try DurableFile.syncDirectory(url.deletingLastPathComponent())
      return record
    } catch {
      if state == .open { discard() }
      throw error
    }
  }

  /// Closes and removes the partial file (after a failure or a cancellation).
  public func discard() {
    if fd >= 0 { close(fd) }
    fd = -1
    unlink(partialPath)
    encoder.abandonFrame()
    state = .discarded
  }
}

@available(*, unavailable) extension ChunkWriter: Sendable {}
