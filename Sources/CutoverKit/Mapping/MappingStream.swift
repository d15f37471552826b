/// Feeds source COPY text, in buffers split anywhere, through a `TableMapper` and hands the
/// target COPY text to `output` in bounded pieces.
///
/// Holds one row and the encoder's buffer, never a table. Checks every row's field count
/// against the mapping's source columns.
public struct MappingStream: ~Copyable {
  public let mapper: any TableMapper
  private var encoder: CopyTextEncoder
  private let row = CopyRowBuffer()
  private var escaped = false
  /// Source rows read and target rows written (filtered rows are not written).
  public private(set) var rowsRead: Int64 = 0
  public private(set) var rowsWritten: Int64 = 0

  public init(mapper: any TableMapper, flushSize: Int = 256 << 10) {
    self.mapper = mapper
    encoder = CopyTextEncoder(flushSize: flushSize)
  }

  /// Maps the complete rows of `data`; a partial row waits for the next buffer.
  /// - Throws: `MappingStreamError` for a row whose field count is not the source's.
  public mutating func feed(_ data: UnsafeRawBufferPointer, output: (UnsafeRawBufferPointer) throws -> Void)
    throws
  {
    var start = 0
    for (offset, byte) in data.enumerated() {
      if escaped {
        escaped = false
        continue
      }
      if byte == 0x5C {
        escaped = true
      } else if byte == 0x0A {
        row.append(UnsafeRawBufferPointer(rebasing: data[start..<offset]))
        start = offset + 1
        try emitRow(output)
      }
    }
    if start < data.count { row.append(UnsafeRawBufferPointer(rebasing: data[start...])) }
  }

  /// Flushes what is left.
  /// - Throws: `MappingStreamError` when the input ended inside a row.
  public mutating func finish(output: (UnsafeRawBufferPointer) throws -> Void) throws {
    guard row.bytes.isEmpty && !escaped else {
      throw MappingStreamError(
        table: "\(mapper.mapping.source)", row: rowsRead + 1, message: "the COPY text ends inside a row")
    }
    try encoder.flush(output)
  }

  private mutating func emitRow(_ output: (UnsafeRawBufferPointer) throws -> Void) throws {
    rowsRead += 1
    row.split()
    let expected = mapper.mapping.sourceColumns.count
    guard row.fields.count == expected else {
      throw MappingStreamError(
        table: "\(mapper.mapping.source)", row: rowsRead,
        message: "has \(row.fields.count) fields, the source table has \(expected) columns")
    }
    if try mapper.map(row, into: &encoder, flush: output) {
      try encoder.ensureRoom(1, flush: output)
      try encoder.endRow(output)
      rowsWritten += 1
    }
    row.reset()
  }
}
