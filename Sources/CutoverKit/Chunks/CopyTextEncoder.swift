/// Builds `COPY … FROM STDIN` text (the default text format) in one reused buffer.
///
/// Values are escaped as PostgreSQL's text format wants (`\\`, `\t`, `\n`, `\r`); a NULL
/// is `\N`. When the buffer passes its flush size, `flush` receives the bytes and the
/// buffer is reused, so memory stays bounded whatever the table size.
public struct CopyTextEncoder: ~Copyable {
  private let buffer: UnsafeMutableRawBufferPointer
  private var count = 0
  private let flushSize: Int
  /// Bytes handed to `flush` so far (the COPY text size).
  public private(set) var bytesFlushed: Int64 = 0

  /// An encoder flushing at about `flushSize` bytes.
  public init(flushSize: Int = 256 << 10) {
    self.flushSize = flushSize
    buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: flushSize * 2 + 1024, alignment: 16)
  }

  deinit { buffer.deallocate() }

  /// Makes room for `extra` bytes, flushing first if the buffer is past its flush size.
  @inline(__always)
  private mutating func reserve(_ extra: Int, flush: (UnsafeRawBufferPointer) throws -> Void) rethrows {
    if count + extra > buffer.count {
      try self.flush(flush)
    }
  }

  /// Hands the buffered bytes to `flush` and empties the buffer.
  public mutating func flush(_ flush: (UnsafeRawBufferPointer) throws -> Void) rethrows {
    guard count > 0 else { return }
    try flush(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
    bytesFlushed += Int64(count)
    count = 0
  }

  /// Flushes when the buffer has passed its flush size; call after each row.
  public mutating func endRow(_ flush: (UnsafeRawBufferPointer) throws -> Void) rethrows {
    append(byte: 0x0A)
    if count >= flushSize { try self.flush(flush) }
  }

  /// Appends one byte as is (a delimiter or already escaped text).
  @inline(__always)
  public mutating func append(byte: UInt8) {
    buffer[count] = byte
    count += 1
  }

  /// Appends bytes that are already COPY text (pre-escaped values), flushing if needed.
  public mutating func append(raw bytes: [UInt8], flush: (UnsafeRawBufferPointer) throws -> Void) rethrows {
    if bytes.count > buffer.count - count {
      try self.flush(flush)
      if bytes.count > buffer.count {
        try bytes.withUnsafeBytes { try flush($0) }
        bytesFlushed += Int64(bytes.count)
        return
      }
    }
    bytes.withUnsafeBytes { source in
      UnsafeMutableRawBufferPointer(rebasing: buffer[count..<(count + source.count)])
        .copyMemory(from: source)
    }
    count += bytes.count
  }

  /// Appends short ASCII that needs no escaping (numbers, uuids, timestamps).
  @inline(__always)
  public mutating func append(ascii bytes: UnsafeRawBufferPointer) {
    UnsafeMutableRawBufferPointer(rebasing: buffer[count..<(count + bytes.count)])
      .copyMemory(from: bytes)
    count += bytes.count
  }

  /// Appends the decimal digits of `value`.
  public mutating func append(integer value: Int64) {
    var magnitude = value.magnitude
    if value < 0 { append(byte: 0x2D) }
    var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes of scratch
    let length = withUnsafeMutableBytes(of: &digits) { scratch -> Int in
      var index = scratch.count
      repeat {
        index -= 1
        scratch[index] = UInt8(truncatingIfNeeded: magnitude % 10) &+ 0x30
        magnitude /= 10
      } while magnitude > 0
      let length = scratch.count - index
      UnsafeMutableRawBufferPointer(rebasing: buffer[count..<(count + length)])
        .copyMemory(from: UnsafeRawBufferPointer(rebasing: scratch[index...]))
      return length
    }
    count += length
  }

  /// Appends `value` left-padded with zeros to `width` digits (non-negative values).
  public mutating func append(zeroPadded value: Int, width: Int) {
    var divisor = 1
    for _ in 1..<max(width, 1) { divisor *= 10 }
    var rest = value
    while divisor > 0 {
      append(byte: UInt8(truncatingIfNeeded: (rest / divisor) % 10) &+ 0x30)
      rest %= divisor
      divisor /= 10
    }
  }

  /// Appends 64 bits as 16 lowercase hex digits.
  @inline(__always)
  public mutating func append(hex value: UInt64, digits: Int) {
    var shift = (digits - 1) * 4
    while shift >= 0 {
      let nibble = UInt8(truncatingIfNeeded: (value >> UInt64(shift)) & 0xF)
      append(byte: nibble < 10 ? nibble &+ 0x30 : nibble &+ 0x57)
      shift -= 4
    }
  }

  /// The COPY NULL marker, `\N`.
  @inline(__always)
  public mutating func appendNull() {
    append(byte: 0x5C)
    append(byte: 0x4E)
  }

  /// Makes sure `extra` more bytes fit before a row is written (rows of small values).
  public mutating func ensureRoom(_ extra: Int, flush: (UnsafeRawBufferPointer) throws -> Void) rethrows {
    try reserve(extra, flush: flush)
  }

  /// The free bytes left in the buffer.
  public var room: Int { buffer.count - count }

  /// `text` escaped for the COPY text format, as bytes (done once per pooled value).
  public static func escaped(_ text: String) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(text.utf8.count + 8)
    for byte in text.utf8 {
      switch byte {
      case 0x5C: out += [0x5C, 0x5C]
      case 0x09: out += [0x5C, 0x74]
      case 0x0A: out += [0x5C, 0x6E]
      case 0x0D: out += [0x5C, 0x72]
      default: out.append(byte)
      }
    }
    return out
  }
}
