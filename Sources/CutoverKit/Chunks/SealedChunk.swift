/// A chunk file that was completely written, synced and (about to be) renamed into place.
///
/// It is the journal's `chunk_sealed` record, appended before the rename, so a later
/// stage can consume the chunk while the export still runs.
public struct SealedChunk: Codable, Sendable, Equatable {
  /// The table the rows belong to.
  public var table: QualifiedName
  /// 1-based position of the chunk within its table.
  public var index: Int
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
    table: QualifiedName, index: Int, file: String, rows: Int64, bytes: Int64,
    compressedBytes: Int64, sha256: String
  ) {
    self.table = table
    self.index = index
    self.file = file
    self.rows = rows
    self.bytes = bytes
    self.compressedBytes = compressedBytes
    self.sha256 = sha256
  }
}
