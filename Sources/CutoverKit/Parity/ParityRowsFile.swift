import Crypto
import Foundation

/// A table's rows file: per source row (as mapped) its row hash and primary key, as COPY text
/// lines in one zstd frame, next to the chunks.
///
/// Written during the export by `SourceDigest` (`.partial`, fsync, journal, rename — as a
/// chunk), read by `cutover verify` to narrow a mismatch to rows after the snapshot is gone.
/// Memory is the encoder's or decoder's buffers and one line.
public enum ParityRowsFile {
  /// The line format this cutover writes, recorded as `Parity.rowsFileFormat`.
  ///
  /// Format 3 is `h \t key…`: the key's hash is computed again when read (`KeyHash`). Format 2
  /// led with it (`k \t h \t key…`); format 1 (an absent `rowsFileFormat`) also had the
  /// columns' 32-bit hashes (`k \t h \t {c…} \t key…`). Both are still read.
  public static let format = 3

  /// The line formats this cutover reads.
  public static let readableFormats = 1...3

  /// The suffix of a finished rows file.
  public static let suffix = ".parity.zst"

  /// The file name of `table`'s rows file.
  public static func name(of table: QualifiedName) -> String {
    let chunk = ChunkFileName.make(table: table, index: 0)
    return String(chunk.dropLast(ChunkFileName.suffix.count + ".000000".count)) + suffix
  }

  /// Whether `name` is a finished rows file.
  public static func isRowsFile(_ name: String) -> Bool { name.hasSuffix(suffix) }

  /// One line of a rows file.
  public struct Entry: Sendable {
    /// The key's hash (the whole row's for a table without a primary key), as read (formats 1
    /// and 2) or computed (`KeyHash`, format 3).
    public var keyHash: Int64
    public var rowHash: Int64
    /// The primary key's values as text.
    public var key: [String?]
  }

  /// Writes a rows file; used by one thread.
  public final class Writer {
    public let url: URL
    private let partialPath: String
    private let encoder: ZstdEncoder
    private var fd: Int32
    private var hasher = SHA256()
    private var sealed = false
    private var staged: [UInt8] = []

    public init(directory: URL, table: QualifiedName) throws {
      url = directory.appendingPathComponent(ParityRowsFile.name(of: table))
      partialPath = url.path + ChunkFileName.partialSuffix
      // Level 1: hashes hardly compress at any level, and level 3 took four times the CPU.
      encoder = try ZstdEncoder(level: 1, file: partialPath)
      let fd = open(partialPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
      guard fd >= 0 else {
        throw ChunkError.io("creating the parity rows file", file: partialPath, errno: errno)
      }
      _ = fchmod(fd, 0o600)
      self.fd = fd
    }

    deinit { if !sealed { discard() } }

    /// Appends COPY text lines (gathered, and compressed 256 KiB at a time).
    public func append(_ data: UnsafeRawBufferPointer) throws {
      // A batch as large as the staging is compressed as it is (the digests hand over 256 KiB
      // at a time), not copied first.
      if staged.isEmpty && data.count >= 256 << 10 {
        try encoder.compress(data) { try writeCompressed($0) }
        return
      }
      staged.append(contentsOf: data)
      if staged.count >= 256 << 10 { try flush() }
    }

    private func flush() throws {
      try staged.withUnsafeBytes { bytes in try encoder.compress(bytes) { try writeCompressed($0) } }
      staged.removeAll(keepingCapacity: true)
    }

    private func writeCompressed(_ data: UnsafeRawBufferPointer) throws {
      hasher.update(bufferPointer: data)
      try DurableFile.writeAll(fd, data, file: partialPath)
    }

    /// Ends the frame, syncs, calls `beforeRename` with the file's SHA-256, renames.
    public func seal(beforeRename: (String) throws -> Void) throws {
      do {
        try flush()
        try encoder.finishFrame { try writeCompressed($0) }
        guard fsync(fd) == 0 else {
          throw ChunkError.io("syncing the parity rows file", file: partialPath, errno: errno)
        }
        close(fd)
        fd = -1
        try beforeRename(HexDigest.string(hasher.finalize()))
        guard rename(partialPath, url.path) == 0 else {
          throw ChunkError.io("renaming the parity rows file into place", file: url.path, errno: errno)
        }
        sealed = true
        try DurableFile.syncDirectory(url.deletingLastPathComponent())
      } catch {
        discard()
        throw error
      }
    }

    /// Closes and removes the partial file.
    public func discard() {
      if fd >= 0 { close(fd) }
      fd = -1
      unlink(partialPath)
      sealed = true
    }
  }

  /// Streams the entries of the rows file `url` (of line format `format`), checking its
  /// SHA-256 when `sha256` is given.
  /// - Throws: `ChunkError` when the file is missing, corrupt or not the one recorded.
  public static func forEachEntry(
    in url: URL, sha256: String?, format: Int = ParityRowsFile.format, _ body: (Entry) throws -> Void
  ) throws {
    try forEachLine(in: url, sha256: sha256) { try body(try entry($0, format: format, file: url.path)) }
  }

  /// Streams the lines (without their newline) of the rows file `url`, checking its SHA-256
  /// when `sha256` is given; each line is valid only inside `body`.
  /// - Throws: `ChunkError` when the file is missing, corrupt or not the one recorded.
  public static func forEachLine(
    in url: URL, sha256: String?, _ body: (UnsafeRawBufferPointer) throws -> Void
  ) throws {
    let fd = open(url.path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw ChunkError.io("opening the parity rows file", file: url.path, errno: errno) }
    defer { close(fd) }
    let decoder = try ZstdDecoder(file: url.path)
    var hasher = SHA256()
    var lines = LineSplitter()
    let size = ZstdDecoder.recommendedInputSize
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 16)
    defer { buffer.deallocate() }
    while true {
      let count = read(fd, buffer.baseAddress, size)
      guard count >= 0 else {
        throw ChunkError.io("reading the parity rows file", file: url.path, errno: errno)
      }
      if count == 0 { break }
      let input = UnsafeRawBufferPointer(rebasing: buffer[0..<count])
      hasher.update(bufferPointer: input)
      try decoder.decompress(input) { try lines.feed($0, body) }
    }
    try decoder.finish()
    if let sha256, HexDigest.string(hasher.finalize()) != sha256 {
      throw ChunkError(
        code: .corrupt, file: url.path,
        message: "the parity rows file is not the one the manifest records (SHA-256 differs)",
        nextStep: "restore the export directory from a good copy, or export again")
    }
  }

  /// The row hash at the start of a line of format `format` (its second field before format
  /// 3), nil when it does not parse; a COPY row (as the export streams it) may end in its
  /// newline.
  public static func rowHash(_ line: UnsafeRawBufferPointer, format: Int = ParityRowsFile.format) -> Int64? {
    var index = 0
    if format < 3 {
      guard Self.number(line, &index) != nil, index < line.count, line[index] == 0x09 else { return nil }
      index += 1
    }
    guard let h = Self.number(line, &index), index == line.count || line[index] == 0x09 || line[index] == 0x0A
    else { return nil }
    return h
  }

  /// The key hash and row hash of a line of format `format` (its newline, if any, left out),
  /// nil when they do not parse; in format 3 the key hash is computed from the key's texts
  /// (the row hash when there is no key), as `entry` does.
  public static func hashes(_ line: UnsafeRawBufferPointer, format: Int) -> (keyHash: Int64, rowHash: Int64)?
  {
    guard format >= 3 else {
      var index = 0
      guard let k = Self.number(line, &index), index < line.count, line[index] == 0x09,
        let h = rowHash(line, format: format)
      else { return nil }
      return (k, h)
    }
    var bytes = Array(line)
    if bytes.last == 0x0A { bytes.removeLast() }
    guard let entry = try? parse(bytes, format: format, file: "") else { return nil }
    return (entry.keyHash, entry.rowHash)
  }

  /// A signed decimal bigint at `index` of `line`, `index` moved past it; nil when there is
  /// none or it overflows.
  private static func number(_ line: UnsafeRawBufferPointer, _ index: inout Int) -> Int64? {
    var negative = false
    if index < line.count && line[index] == UInt8(ascii: "-") {
      negative = true
      index += 1
    }
    var value: Int64 = 0
    var digits = 0
    while index < line.count, line[index] >= 0x30, line[index] <= 0x39 {
      // Accumulated negatively so Int64.min parses.
      let (times, overflow) = value.multipliedReportingOverflow(by: 10)
      let (next, overflow2) = times.subtractingReportingOverflow(Int64(line[index] - 0x30))
      if overflow || overflow2 { return nil }
      value = next
      digits += 1
      index += 1
    }
    guard digits > 0 else { return nil }
    if negative { return value }
    return value == Int64.min ? nil : -value
  }

  /// The whole entry of a line of a rows file of line format `format`.
  /// - Throws: `ChunkError` (`.corrupt`) when it does not parse.
  public static func entry(_ line: UnsafeRawBufferPointer, format: Int, file: String) throws -> Entry {
    try parse(Array(line), format: format, file: file)
  }

  /// Parses one COPY text line: `h \t key…` (format 2: `k \t h \t key…`; format 1:
  /// `k \t h \t {c…} \t key…`).
  static func parse(_ line: [UInt8], format: Int, file: String) throws -> Entry {
    let fields = line.split(separator: UInt8(ascii: "\t"), omittingEmptySubsequences: false).map(unescape)
    if format >= 3, let h = fields[0].flatMap({ Int64($0) }) {
      let key = Array(fields.dropFirst())
      return Entry(keyHash: key.isEmpty ? h : KeyHash.of(key), rowHash: h, key: key)
    }
    let keyStart = format == 1 ? 3 : 2
    guard format < 3, fields.count >= keyStart, let k = fields[0].flatMap({ Int64($0) }),
      let h = fields[1].flatMap({ Int64($0) }), format != 1 || fields[2] != nil
    else {
      throw ChunkError(
        code: .corrupt, file: file, message: "a line of the parity rows file does not parse",
        nextStep: "restore the export directory from a good copy, or export again")
    }
    return Entry(keyHash: k, rowHash: h, key: Array(fields.dropFirst(keyStart)))
  }

  /// The line format of `parity`'s rows file.
  /// - Throws: `ParityError` (exit 2) for a format this cutover does not read.
  public static func lineFormat(of parity: ExportManifest.Parity, table: QualifiedName) throws -> Int {
    let format = parity.rowsFileFormat ?? 1
    guard readableFormats.contains(format) else {
      throw ParityError(
        "\(table): the parity rows file has line format \(format); this cutover reads formats \(readableFormats.lowerBound) to \(readableFormats.upperBound)",
        nextStep: "verify with the cutover version that exported it, or export again", exitStatus: .usage)
    }
    return format
  }

  /// A COPY text field: `\N` is NULL; anything else is decoded as `CopyRowBuffer.decode` does.
  static func unescape(_ field: ArraySlice<UInt8>) -> String? {
    field.elementsEqual("\\N".utf8) ? nil : CopyRowBuffer.decode(field)
  }
}
