import Foundation

/// A chunk file could not be written or read, or is not what the manifest says.
///
/// Every error names the file (and the table and chunk when known) and says what to do
/// next. Problems with a chunk's content (truncated, corrupt, foreign) are check failures
/// (exit 1); failing to read or write at all is an I/O failure (exit 3).
public struct ChunkError: CutoverFailure, Sendable {
  /// What kind of failure this is; a struct over a private enum so codes can grow.
  public struct Code: Hashable, Sendable, CustomStringConvertible {
    private enum Base: String, Sendable {
      case io, noSpace, missing, truncated, corrupt, digestMismatch, malformed, compression
    }
    private let base: Base
    private init(_ base: Base) { self.base = base }

    /// Opening, reading, writing, syncing or renaming the file failed.
    public static let io = Code(.io)
    /// A write failed because the file system is full (`ENOSPC`).
    public static let noSpace = Code(.noSpace)
    /// The file does not exist.
    public static let missing = Code(.missing)
    /// The file ends inside the zstd frame (an interrupted copy or write).
    public static let truncated = Code(.truncated)
    /// The zstd data does not decode, or its frame checksum does not match.
    public static let corrupt = Code(.corrupt)
    /// The file is whole, but its SHA-256 is not the one the manifest records.
    public static let digestMismatch = Code(.digestMismatch)
    /// The decompressed bytes are not whole COPY text rows of the expected shape.
    public static let malformed = Code(.malformed)
    /// libzstd failed while compressing (out of memory, bad parameter).
    public static let compression = Code(.compression)

    public var description: String { base.rawValue }
  }

  public var code: Code
  /// The chunk file (its path).
  public var file: String
  /// What went wrong, in words.
  public var message: String
  /// What the operator can do about it.
  public var nextStep: String?
  /// The SHA-256 the file actually has, for a digest mismatch (to tell foreign from misplaced).
  public var actualSHA256: String?

  public init(
    code: Code, file: String, message: String, nextStep: String? = nil,
    actualSHA256: String? = nil
  ) {
    self.code = code
    self.file = file
    self.message = message
    self.nextStep = nextStep
    self.actualSHA256 = actualSHA256
  }

  public var exitStatus: ExitStatus {
    switch code {
    case .io, .noSpace, .compression: .ioFailure
    default: .checkFailed
    }
  }

  public var description: String {
    var text = "\(file): \(message)"
    if let nextStep { text += "\n  next: \(nextStep)" }
    return text
  }

  /// An I/O error from `errno`, read at once by the caller.
  ///
  /// A file that is absent (or a directory in its place) is `.missing` only when `absentIs`
  /// says so — for a chunk being read; a writer whose file vanished has an I/O failure.
  static func io(
    _ doing: String, file: String, errno code: Int32, absentIs absent: Code = .io
  ) -> ChunkError {
    let reason = String(cString: strerror(code))
    return ChunkError(
      code: code == ENOENT || code == EISDIR ? absent : code == ENOSPC ? .noSpace : .io, file: file,
      message: "\(doing): \(reason)",
      nextStep: code == ENOSPC
        ? "free disk space on the export's file system and run the command again"
        : "check that the export directory exists, is writable and is on a healthy disk")
  }
}
