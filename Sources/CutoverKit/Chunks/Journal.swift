import Foundation
import Synchronization

/// The export directory's journal: an append-only JSON-lines file, fsynced per record.
///
/// Every stage appends its own record kinds (see `JournalPayload`); the export writes
/// `export_started`, `table_started`, `chunk_sealed` (before the chunk's rename),
/// `table_finished` and `export_finished`, and builds `manifest.json` from them. Each line
/// is `{"at": ISO-8601, "kind": …, "payload": {…}}`.
///
/// Synchronous and safe to share between the worker threads that write it (appends are
/// serialized by a mutex around the file descriptor). A torn last line — a crash in the
/// middle of an append — is cut off when the journal is opened for appending and ignored by
/// `read`; any other line that is not a journal record is an error naming its line number,
/// never silently left out of what a resume or a check believes.
public final class Journal: Sendable {
  /// The journal's file name in the export directory.
  public static let fileName = "journal.jsonl"

  /// The journal file.
  public let url: URL
  /// The open file, locked for each append so records from several threads never interleave.
  private let descriptor: Mutex<Int32>

  /// Opens (or creates, mode 0600) the journal of `directory` for appending, cutting off a
  /// torn last line.
  ///
  /// `fileName` names another journal of the same format in the directory (`run`'s step
  /// journal, which an export starting over must not remove).
  /// - Throws: `ChunkError` `.io` naming the file.
  public init(directory: URL, fileName: String = Journal.fileName) throws {
    let url = directory.appendingPathComponent(fileName)
    self.url = url
    let fd = open(url.path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
    guard fd >= 0 else { throw ChunkError.io("opening the journal", file: url.path, errno: errno) }
    do {
      try Self.cutTornTail(fd, path: url.path)
    } catch {
      close(fd)
      throw error
    }
    descriptor = Mutex(fd)
  }

  deinit { descriptor.withLock { _ = close($0) } }

  /// Appends one record and fsyncs it before returning.
  ///
  /// Blocks (`write`, `fsync`).
  public func append<Payload: JournalPayload>(_ payload: Payload, at date: Date = Date()) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    var data = try encoder.encode(JournalLine(at: date, kind: Payload.kind, payload: payload))
    data.append(0x0A)
    let path = url.path
    try descriptor.withLock { fd in
      try data.withUnsafeBytes { try DurableFile.writeAll(fd, $0, file: path) }
      guard fsync(fd) == 0 else { throw ChunkError.io("syncing the journal", file: path, errno: errno) }
    }
  }

  /// Reads every complete record of `directory`'s journal, in order; `[]` when there is none.
  ///
  /// A last line without its newline (torn by a crash) is ignored.
  /// - Throws: `ChunkError` `.io` when the file cannot be read; `JournalError` naming the
  ///   first complete line that is not a journal record.
  public static func read(directory: URL, fileName: String = Journal.fileName) throws -> [JournalEntry] {
    let url = directory.appendingPathComponent(fileName)
    guard FileManager.default.fileExists(atPath: url.path) else { return [] }
    let data: Data
    do {
      data = try Data(contentsOf: url)
    } catch {
      throw ChunkError(
        code: .io, file: url.path, message: "reading the journal: \(error.localizedDescription)",
        nextStep: "check the export directory's permissions and disk")
    }
    var lines = data.split(separator: 0x0A, omittingEmptySubsequences: false)
    lines.removeLast()  // after the last newline: empty, or a torn record
    var entries: [JournalEntry] = []
    for (offset, line) in lines.enumerated() {
      guard let entry = JournalEntry(line: Data(line), lineNumber: offset + 1) else {
        throw JournalError(file: url.path, line: offset + 1, reason: "is not a journal record")
      }
      entries.append(entry)
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
      guard ftruncate(fd, keep) == 0 else {
        throw ChunkError.io("repairing the journal", file: path, errno: errno)
      }
    }
  }
}

/// The shape of one journal line.
private struct JournalLine<Payload: Encodable>: Encodable {
  var at: Date
  var kind: String
  var payload: Payload
}
