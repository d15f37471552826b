/// One chunk file of a table, as sealed, as listed in the manifest and as read back.
///
/// The one record of a chunk: the journal's `chunk_sealed` record carries it (with its
/// table, `ChunkSealed`), `manifest.json` lists it under its table, and `ChunkReader`
/// returns what it measured in the same shape, so a check is a comparison of two records.
public struct ChunkRecord: Codable, Sendable, Equatable {
  /// 1-based position of the chunk within its table, or within its part of a split table.
  public var index: Int
  /// The part of a split table (`TablePart.number`); `nil` (absent in JSON) for a table read
  /// whole.
  public var part: Int?
  /// The file name inside the export directory.
  public var file: String
  /// COPY text rows (newline-terminated) in the chunk.
  public var rows: Int64
  /// Uncompressed COPY text bytes.
  public var bytes: Int64
  /// Bytes of the file (the zstd frame).
  public var compressedBytes: Int64
  /// Lower-case hex SHA-256 of the file.
  public var sha256: String

  public init(
    index: Int, part: Int? = nil, file: String, rows: Int64, bytes: Int64, compressedBytes: Int64,
    sha256: String
  ) {
    self.index = index
    self.part = part
    self.file = file
    self.rows = rows
    self.bytes = bytes
    self.compressedBytes = compressedBytes
    self.sha256 = sha256
  }

  /// The sequence the chunk belongs to within `table`.
  public func sequence(of table: QualifiedName) -> ChunkSequence { ChunkSequence(table: table, part: part) }
}

/// The journal's `chunk_sealed` record: a chunk of `table` was completely written and
/// synced, journaled before its rename, so a later stage can consume it while the export
/// still runs.
public struct ChunkSealed: JournalPayload, Equatable {
  public static var kind: String { "chunk_sealed" }
  /// The table the rows belong to.
  public var table: QualifiedName
  /// The chunk.
  public var chunk: ChunkRecord

  public init(table: QualifiedName, chunk: ChunkRecord) {
    self.table = table
    self.chunk = chunk
  }
}
