/// A row's canonical hash (`CanonicalRow.rowHash`) computed from the COPY text the export
/// receives, instead of by the server beside each row.
///
/// On the server the hash cost as much again as the COPY itself: every value printed a
/// second time, the record's text, its hash. Here the record's text is rebuilt from the
/// row's fields — COPY's escapes undone, `record_out`'s quoting applied — and hashed with
/// `KeyHash.hashTextExtended`: the same bytes as the server's, so the same hash
/// (`ParityExportTests` checks it against the server on hostile values). Used by one thread.
final class CopyRowHash {
  /// For each target column, in order, the COPY field holding its text.
  let fields: [Int]
  private var text: [UInt8] = []
  private var raw: [UInt8] = []

  init(fields: [Int]) {
    self.fields = fields
    text.reserveCapacity(64 << 10)
    raw.reserveCapacity(4 << 10)
  }

  /// The hash of `ROW(f1, …, fn)::text` over `fields` of `row`, whose field `i` ends at
  /// `ends[i]` (a tab, or the newline) and starts after the previous one's end.
  func hash(_ row: UnsafeRawBufferPointer, ends: [Int]) -> Int64 {
    // The buffers are worked on as locals: appends to a class's stored array would each be
    // checked for exclusive access.
    var text: [UInt8] = []
    var raw: [UInt8] = []
    swap(&text, &self.text)
    swap(&raw, &self.raw)
    defer {
      swap(&text, &self.text)
      swap(&raw, &self.raw)
    }
    text.removeAll(keepingCapacity: true)
    text.append(UInt8(ascii: "("))
    for (position, field) in fields.enumerated() {
      if position > 0 { text.append(UInt8(ascii: ",")) }
      Self.appendCanonical(Self.field(field, of: row, ends: ends), to: &text, scratch: &raw)
    }
    text.append(UInt8(ascii: ")"))
    return text.withUnsafeBytes { KeyHash.hashTextExtended($0) }
  }

  /// Field `index` of `row` (escapes kept), its end at `ends[index]` and its start after the
  /// previous field's end.
  static func field(_ index: Int, of row: UnsafeRawBufferPointer, ends: [Int]) -> UnsafeRawBufferPointer {
    UnsafeRawBufferPointer(rebasing: row[(index == 0 ? 0 : ends[index - 1] + 1)..<ends[index]])
  }

  /// Whether `byte` makes `record_out` quote a value (`"`, `\`, `(`, `)`, `,`, ASCII white
  /// space) — or, in COPY text, may start an escape (`\`).
  @inline(__always)
  static func isSpecial(_ byte: UInt8) -> Bool {
    // Bits 0x09–0x0D, 0x20, 0x22, 0x28, 0x29, 0x2C.
    let low: UInt64 = 0x0000_1305_0000_3E00
    return byte < 64 ? (low >> UInt64(byte)) & 1 == 1 : byte == 0x5C
  }

  /// Appends one field's value as `record_out` writes it: nothing for NULL (`\N`), the text
  /// as is when nothing in it needs quoting, else unescaped and quoted.
  private static func appendCanonical(
    _ field: UnsafeRawBufferPointer, to text: inout [UInt8], scratch raw: inout [UInt8]
  ) {
    if field.count == 2 && field[0] == 0x5C && field[1] == 0x4E { return }
    var plain = !field.isEmpty
    for byte in field where isSpecial(byte) {
      plain = false
      break
    }
    if plain {
      text.append(contentsOf: field.assumingMemoryBound(to: UInt8.self))
      return
    }
    raw.removeAll(keepingCapacity: true)
    CopyRowBuffer.unescape(field, into: &raw)
    KeyHash.appendQuoted(bytes: raw, to: &text)
  }
}

@available(*, unavailable) extension CopyRowHash: Sendable {}
