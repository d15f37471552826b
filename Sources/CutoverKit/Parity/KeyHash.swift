/// A primary key's hash as the server computes it in `CanonicalRow.keyHash`
/// (`hashtextextended(ROW(k1, …, kn)::text, 0)`), computed here from the key's texts.
///
/// The export's rows files (line format 3) leave the key hash out — it cost a second hash of
/// every row on production and a fifth of the file — and `verify` computes it again while it
/// narrows, to bucket the source's rows exactly as the target's `GROUP BY` buckets them.
/// `ParityKeyHashTests` checks it against the server.
public enum KeyHash {
  /// The hash of the key whose columns' texts are `key` (nil: NULL).
  public static func of(_ key: [String?]) -> Int64 {
    var text: [UInt8] = [UInt8(ascii: "(")]
    for (index, value) in key.enumerated() {
      if index > 0 { text.append(UInt8(ascii: ",")) }
      if let value { appendQuoted(value, to: &text) }
    }
    text.append(UInt8(ascii: ")"))
    return text.withUnsafeBytes { hashTextExtended($0) }
  }

  /// A column of `record_out`: quoted when empty or holding `"`, `\`, `(`, `)`, `,` or ASCII
  /// white space (`CopyRowHash.isSpecial`), with `"` and `\` doubled inside the quotes.
  static func appendQuoted(_ value: String, to text: inout [UInt8]) {
    appendQuoted(bytes: value.utf8, to: &text)
  }

  /// `appendQuoted` of a value's bytes.
  static func appendQuoted<Bytes: Collection<UInt8>>(bytes: Bytes, to text: inout [UInt8]) {
    var quote = bytes.isEmpty
    for byte in bytes where CopyRowHash.isSpecial(byte) {
      quote = true
      break
    }
    guard quote else {
      text.append(contentsOf: bytes)
      return
    }
    text.append(0x22)
    for byte in bytes {
      if byte == 0x22 || byte == 0x5C { text.append(byte) }
      text.append(byte)
    }
    text.append(0x22)
  }

  /// PostgreSQL's `hash_bytes_extended` with seed 0 (Bob Jenkins' lookup3, as the server runs
  /// it on a little-endian machine) — `hashtextextended` of a text under a deterministic
  /// collation — as a signed bigint.
  public static func hashTextExtended(_ bytes: UnsafeRawBufferPointer) -> Int64 {
    var a = 0x9e37_79b9 &+ UInt32(truncatingIfNeeded: bytes.count) &+ 3_923_095
    var b = a
    var c = a
    var offset = 0
    var remaining = bytes.count
    // Whole words are loaded as such (the export hashes every row's text here).
    func word(_ at: Int) -> UInt32 {
      UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt32.self))
    }
    func word(_ at: Int, _ count: Int) -> UInt32 {
      var value: UInt32 = 0
      for index in 0..<count { value |= UInt32(bytes[at + index]) << (8 * UInt32(index)) }
      return value
    }
    while remaining >= 12 {
      a &+= word(offset)
      b &+= word(offset + 4)
      c &+= word(offset + 8)
      mix(&a, &b, &c)
      offset += 12
      remaining -= 12
    }
    // The last 11 bytes; the lowest byte of c stays for the length.
    if remaining > 8 {
      c &+= word(offset + 8, remaining - 8) << 8
    }
    if remaining > 4 {
      b &+= word(offset + 4, min(remaining, 8) - 4)
    }
    if remaining > 0 {
      a &+= word(offset, min(remaining, 4))
    }
    final(&a, &b, &c)
    return Int64(bitPattern: UInt64(b) << 32 | UInt64(c))
  }

  private static func rotate(_ x: UInt32, _ k: UInt32) -> UInt32 { (x << k) | (x >> (32 - k)) }

  private static func mix(_ a: inout UInt32, _ b: inout UInt32, _ c: inout UInt32) {
    a &-= c
    a ^= rotate(c, 4)
    c &+= b
    b &-= a
    b ^= rotate(a, 6)
    a &+= c
    c &-= b
    c ^= rotate(b, 8)
    b &+= a
    a &-= c
    a ^= rotate(c, 16)
    c &+= b
    b &-= a
    b ^= rotate(a, 19)
    a &+= c
    c &-= b
    c ^= rotate(b, 4)
    b &+= a
  }

  private static func final(_ a: inout UInt32, _ b: inout UInt32, _ c: inout UInt32) {
    c ^= b
    c &-= rotate(b, 14)
    a ^= c
    a &-= rotate(c, 11)
    b ^= a
    b &-= rotate(a, 25)
    c ^= b
    c &-= rotate(b, 16)
    a ^= c
    a &-= rotate(c, 4)
    b ^= a
    b &-= rotate(a, 14)
    c ^= b
    c &-= rotate(b, 24)
  }
}
