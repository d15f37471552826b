import Foundation

/// The export directory's journal: an append-only JSON-lines file, fsynced per record.
///
/// Every stage appends its own record kinds (see `JournalPayload`); the export writes
/// `export_started`, `table_started`, `chunk_sealed` (before the chunk's rename),
/// `table_finished` and `export_finished`, and builds `manifest.json` from them. Each line
/// is `{"at": ISO-8601, "kind": …, "payload": {…}}`. A torn last line (a crash mid-append)
/// is cut off when the journal is opened again; readers ignore it.
public actor ExportJournal {
  /// The journal's file name in the export directory.
  public static let fileName = "journal.jsonl"

  /// The journal file.
  public nonisolated let url: URL
  private let fd: Int32
  private let encoder: JSONEncoder = {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    return encoder
  }()

  /// Opens (or creates, mode 0600) the journal of `directory` for appending.
  /// - Throws: `ChunkError` `.io` naming the file.
  public init(directory: URL) throws {
    let url = directory.appendingPathComponent(Self.fileName)
    self.url = url
    let fd = open(url.path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
    guard fd >= 0 else { throw ChunkError.io("opening the journal", file: url.path, errno: errno) }
    self.fd = fd
    do {
      try Self.cutTornTail(fd, path: url.path)
    } catch {
      close(fd)
      throw error
    }
  }

  deinit { close(fd) }

  /// Appends one record and fsyncs it before returning.
  public func append<Payload: JournalPayload>(_ payload: Payload, at date: Date = Date()) throws {
    var data = try encoder.encode(JournalLine(at: date, kind: Payload.kind, payload: payload))
    data.append(0x0A)
    try data.withUnsafeBytes { try DurableFile.writeAll(fd, $0, file: url.path) }
    guard fsync(fd) == 0 else { throw ChunkError.io("syncing the journal", file: url.path, errno: errno) }
  }

  /// Reads every complete record of `directory`'s journal, in order; `[]` when there is none.
  public static func read(directory: URL) throws -> [JournalEntry] {
    let url = directory.appendingPathComponent(fileName)
    guard FileManager.default.fileExists(atPath: url.path) else { return [] }
    let data: Data
    do {
      data = try Data(contentsOf: url)
    } catch {
      throw ChunkError(code: .io, file: url.path, message: "reading the journal: \(error.localizedDescription)")
    }
    var entries: [JournalEntry] = []
    var lineNumber = 0
    for line in data.split(separator: 0x0A, omittingEmptySubsequences: false) {
      lineNumber += 1
      if let entry = JournalEntry(line: Data(line), lineNumber: lineNumber) { entries.append(entry) }
    }
    return entries
  }

  /// Cuts the file back to its last newline, dropping a record torn by a crash.
  private static func cutTornTail(_ fd: Int32, path: String) throws {
    let size = lseek(fd, 0, SEEK_END)
    guard size > 0 else { return }
    var keep = size
    var byte: UInt8 = 0
    while keep > 0 {
      guard pread(fd, &byte, 1, keep - 1) == 1 else {
        throw ChunkError.io("reading the journal", file: path, errno: errno)
      }
      if byte == 0x0A { break }
      keep -= 1
    }
    if keep < size {
      guard ftruncate(fd, keep) == 0 else { throw ChunkError.io("repairing the journal", file: path, errno: errno) }
    }
  }
}

/// The shape of one journal line.
private struct JournalLine<Payload: Encodable>: Encodable {
  var at: Date
  var kind: String
  var payload: Payload
}
