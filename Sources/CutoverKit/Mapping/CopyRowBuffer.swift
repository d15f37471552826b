/// One COPY-text row being mapped: its bytes (still escaped) and where each field is.
///
/// Reused for every row of a stream (`removeAll(keepingCapacity:)`), so mapping allocates
/// nothing per row for fields copied as they are. Not thread-safe; one stream owns it.
public final class CopyRowBuffer {
  /// The row's bytes without the final newline, escapes kept.
  public private(set) var bytes: [UInt8] = []
  /// The byte range of each field in `bytes`.
  public private(set) var fields: [Range<Int>] = []

  public init() {
    bytes.reserveCapacity(4096)
    fields.reserveCapacity(64)
  }

  /// Empties the buffer for the next row.
  func reset() {
    bytes.removeAll(keepingCapacity: true)
    fields.removeAll(keepingCapacity: true)
  }

  /// Appends row bytes (escapes kept).
  func append(_ part: UnsafeRawBufferPointer) { bytes.append(contentsOf: part) }

  /// Splits `bytes` at the tabs that are not escaped.
  func split() {
    fields.removeAll(keepingCapacity: true)
    var start = 0
    var escaped = false
    for (offset, byte) in bytes.enumerated() {
      if escaped {
        escaped = false
      } else if byte == 0x5C {
        escaped = true
      } else if byte == 0x09 {
        fields.append(start..<offset)
        start = offset + 1
      }
    }
    fields.append(start..<bytes.count)
  }

  /// Whether field `index` is the NULL marker `\N`.
  public func isNull(_ index: Int) -> Bool {
    let range = fields[index]
    return range.count == 2 && bytes[range.lowerBound] == 0x5C && bytes[range.lowerBound + 1] == 0x4E
  }

  /// Field `index` decoded from COPY text (nil for NULL).
  public func text(_ index: Int) -> String? {
    if isNull(index) { return nil }
    return Self.decode(bytes[fields[index]])
  }

  /// Calls `body` with the escaped bytes of field `index`.
  func withField<T>(_ index: Int, _ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
    let range = fields[index]
    return try bytes.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[range])) }
  }

  /// Decodes COPY text escapes (`\\`, `\t`, `\n`, `\r`, `\b`, `\f`, `\v`, octal and `\x` hex).
  public static func decode(_ escaped: ArraySlice<UInt8>) -> String {
    guard escaped.contains(0x5C) else { return String(decoding: escaped, as: UTF8.self) }
    var out: [UInt8] = []
    out.reserveCapacity(escaped.count)
    unescape(escaped, into: &out)
    return String(decoding: out, as: UTF8.self)
  }

  /// Appends the bytes the COPY text `escaped` stands for to `out` (the escapes `decode`
  /// lists); a field's own bytes, so `\N` is not special here.
  static func unescape<Bytes: RandomAccessCollection<UInt8>>(_ escaped: Bytes, into out: inout [UInt8])
  where Bytes.Index == Int {
    var index = escaped.startIndex
    func digit(_ byte: UInt8, radix: UInt8) -> UInt8? {
      switch byte {
      case 0x30...0x37: byte - 0x30
      case 0x38...0x39 where radix == 16: byte - 0x30
      case 0x61...0x66 where radix == 16: byte - 0x61 + 10
      case 0x41...0x46 where radix == 16: byte - 0x41 + 10
      default: nil
      }
    }
    while index < escaped.endIndex {
      let byte = escaped[index]
      index += 1
      guard byte == 0x5C, index < escaped.endIndex else {
        out.append(byte)
        continue
      }
      let next = escaped[index]
      index += 1
      switch next {
      case 0x6E: out.append(0x0A)
      case 0x74: out.append(0x09)
      case 0x72: out.append(0x0D)
      case 0x62: out.append(0x08)
      case 0x66: out.append(0x0C)
      case 0x76: out.append(0x0B)
      case 0x78:
        var value: UInt8 = 0
        var count = 0
        while count < 2, index < escaped.endIndex, let d = digit(escaped[index], radix: 16) {
          value = value &* 16 &+ d
          index += 1
          count += 1
        }
        if count == 0 { out.append(next) } else { out.append(value) }
      case 0x30...0x37:
        var value = next - 0x30
        var count = 1
        while count < 3, index < escaped.endIndex, let d = digit(escaped[index], radix: 8) {
          value = value &* 8 &+ d
          index += 1
          count += 1
        }
        out.append(value)
      default: out.append(next)
      }
    }
  }
}

@available(*, unavailable) extension CopyRowBuffer: Sendable {}
