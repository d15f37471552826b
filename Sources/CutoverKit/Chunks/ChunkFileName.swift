/// Names of chunk files: `<schema>.<table>.<NNNNNN>.copy.zst`, safe on any file system.
///
/// Schema and table are kept readable: letters, digits, `_` and `-` as they are, every
/// other byte of their UTF-8 as `%XX` (so a `.` or `/` in a name cannot confuse the parts).
public enum ChunkFileName {
  /// The final suffix of a sealed chunk.
  public static let suffix = ".copy.zst"
  /// The suffix of a chunk still being written.
  public static let partialSuffix = ".partial"

  /// The file name of chunk `index` (1-based) of `table`, or of its part `part`:
  /// `<schema>.<table>.p<PPPP>.<NNNNNN>.copy.zst` (encoded names hold no `.`, so the part
  /// cannot be confused with a name).
  public static func make(table: QualifiedName, part: Int? = nil, index: Int) -> String {
    let partText = part.map { "p\(pad($0, 4))." } ?? ""
    return "\(encode(table.schema)).\(encode(table.name)).\(partText)\(pad(index, 6))\(suffix)"
  }

  private static func pad(_ value: Int, _ width: Int) -> String {
    let number = String(value)
    return String(repeating: "0", count: max(0, width - number.count)) + number
  }

  /// Whether `name` looks like a chunk file or a chunk being written.
  public static func isChunkFile(_ name: String) -> Bool {
    name.hasSuffix(suffix) || name.hasSuffix(suffix + partialSuffix)
  }

  /// A chunk file, or any unfinished `.partial` file an export writes (a chunk's, or
  /// `manifest.json.partial`): what starting over removes and what is never foreign.
  public static func isChunkOrPartial(_ name: String) -> Bool {
    isChunkFile(name) || name.hasSuffix(partialSuffix)
  }

  private static func encode(_ part: String) -> String {
    var text = ""
    for byte in part.utf8 {
      switch byte {
      case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
        UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
        text.append(Character(Unicode.Scalar(byte)))
      default:
        let hex = String(byte, radix: 16, uppercase: true)
        text += "%" + (hex.count == 1 ? "0" + hex : hex)
      }
    }
    return text
  }
}
