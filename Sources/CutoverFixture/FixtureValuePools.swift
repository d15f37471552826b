import CutoverKit

/// The awkward values the generator draws from, built once per run from the seed and
/// stored COPY-escaped, so writing a row is mostly copying bytes.
///
/// Text holds empty strings, accents, CJK, emoji, right-to-left scripts, tabs, newlines,
/// carriage returns, backslashes and a literal `\N`; jsonb nests, escapes unicode and
/// carries numbers of many scales; arrays hold NULL elements; one huge value is ≥ 100 KB.
struct FixtureValuePools: Sendable {
  /// Fragments every text value is built from; the first ones break naive tools.
  static let fragments: [String] = [
    "", "plain", "Åsa Öberg – café naïve", "東京の瞑想コース", "中文课程 第二课", "🧘‍♀️🎉👍🏽",
    "مرحبا بالعالم", "שלום עולם", "tab\there", "line one\nline two", "carriage\r\nreturn",
    "back\\slash \\\\ double", "\\N", "NULL", "quote ' and \" double", "  padded  ",
    "comma, semi; pipe| {braces} [1,2]", "zero\u{200B}width\u{200D}joiner", "e\u{0301}combining",
    "\u{200F}rtl mark", "%s %d $1 ?", "<b>html</b> & amp;", "-- comment; DROP TABLE x;",
    "\u{FEFF}bom", "ünïcödé ß ø æ", "Ελληνικά", "한국어", "ค่าไทย", "\\t not a tab", "\u{1F600}",
  ]

  /// Text values (escaped); entry 0 is the empty string.
  let text: [[UInt8]]
  /// The same values, unescaped, for building length-limited and unique variants.
  let textSource: [String]
  /// jsonb documents (escaped).
  let json: [[UInt8]]
  /// Text-array literals (escaped), some with NULL elements.
  let textArrays: [[UInt8]]
  /// Integer-array literals (escaped).
  let integerArrays: [[UInt8]]
  /// inet values.
  let inet: [[UInt8]]
  /// One text value of more than 100 KB (escaped).
  let huge: [UInt8]

  init(seed: UInt64) {
    var random = DeterministicRandom(seed: DeterministicRandom.mix(seed ^ 0x706F_6F6C))
    let fragments = Self.fragments
    var source = fragments
    while source.count < 256 {
      let parts = 2 + random.next(below: 3)
      source.append(
        (0..<parts).map { _ in fragments[1 + random.next(below: fragments.count - 1)] }
          .joined(separator: random.chance(percent: 50) ? " " : ""))
    }
    textSource = source
    text = source.map(CopyTextEncoder.escaped)

    var documents = [
      "{}", "[]", "null", "0", "\"just a string\"", "true",
      #"{"a": {"b": {"c": [1, 2.5, -3e-10, 1.0E+308, 123456789012345678901234567890.123456789, -0.0000000000000000000001]}}, "unicode": "\u00e9\u6771\ud83d\ude00\u05e9", "tab": "a\tb", "nl": "line\nbreak", "cr": "x\ry", "bs": "back\\slash", "N": "\\N", "empty": "", "nulls": [null, null], "bool": false}"#,
      #"{"deep": "# + String(repeating: #"{"d": "#, count: 24) + "[1, [2, [3]]]"
        + String(repeating: "}", count: 24) + "}",
      #"[{"k": "ü"}, {"k": "\u0041\u030a"}, 1e-7, 31415926535897932384626433832795028841971, -1, 0.5]"#,
    ]
    while documents.count < 64 {
      documents.append(Self.randomDocument(depth: 0, random: &random, source: source))
    }
    json = documents.map(CopyTextEncoder.escaped)

    var arrays = ["{}", "{NULL}", #"{"a",NULL,"b c"}"#, #"{"",NULL,"NULL"}"#]
    while arrays.count < 32 {
      let count = random.next(below: 5)
      let elements = (0..<count).map { _ -> String in
        if random.chance(percent: 20) { return "NULL" }
        return Self.arrayElement(source[random.next(below: source.count)])
      }
      arrays.append("{" + elements.joined(separator: ",") + "}")
    }
    textArrays = arrays.map(CopyTextEncoder.escaped)
    integerArrays = ["{}", "{NULL}", "{1,NULL,-2147483648,2147483647}", "{0}", "{7,8,9}"]
      .map(CopyTextEncoder.escaped)
    inet = [
      "127.0.0.1", "10.0.0.0/8", "::1", "2001:db8::ff00:42:8329", "192.168.255.255",
      "fe80::1/64", "0.0.0.0",
    ].map(CopyTextEncoder.escaped)

    var big = ""
    var index = 0
    while big.utf8.count < 120_000 {
      big += fragments[index % fragments.count]
      big += index % 7 == 0 ? "\n" : " "
      index += 1
    }
    huge = CopyTextEncoder.escaped(big)
  }

  /// A text value cut to `maxLength` characters (code points, as PostgreSQL counts them).
  static func truncated(_ text: String, to maxLength: Int) -> String {
    guard text.unicodeScalars.count > maxLength else { return text }
    var scalars = String.UnicodeScalarView()
    scalars.append(contentsOf: text.unicodeScalars.prefix(max(maxLength, 0)))
    return String(scalars)
  }

  /// One array element, double-quoted with `"` and `\` escaped (array literal syntax).
  static func arrayElement(_ text: String) -> String {
    "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
      + "\""
  }

  /// A JSON string literal of `text`, some characters as `\u` escapes.
  static func jsonString(_ text: String, escapeNonASCII: Bool) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\t": out += "\\t"
      case "\r": out += "\\r"
      case _ where scalar.value < 0x20 || (escapeNonASCII && scalar.value > 0x7E):
        if scalar.value > 0xFFFF {
          let value = scalar.value - 0x10000
          out += String(format: "\\u%04x\\u%04x", 0xD800 + (value >> 10), 0xDC00 + (value & 0x3FF))
        } else {
          out += String(format: "\\u%04x", scalar.value)
        }
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out + "\""
  }

  /// A random JSON document: objects and arrays nested a few levels, strings, numbers of
  /// many scales, booleans and nulls.
  static func randomDocument(depth: Int, random: inout DeterministicRandom, source: [String]) -> String {
    let kind = depth >= 4 ? 2 + random.next(below: 4) : random.next(below: 6)
    switch kind {
    case 0:
      let count = random.next(below: 5)
      let members = (0..<count).map { index -> String in
        let key = jsonString(
          source[random.next(below: source.count)] + "\(index)", escapeNonASCII: random.chance(percent: 50))
        return key + ": " + randomDocument(depth: depth + 1, random: &random, source: source)
      }
      return "{" + members.joined(separator: ", ") + "}"
    case 1:
      let count = random.next(below: 5)
      return "["
        + (0..<count).map { _ in randomDocument(depth: depth + 1, random: &random, source: source) }
        .joined(separator: ", ") + "]"
    case 2:
      return jsonString(source[random.next(below: source.count)], escapeNonASCII: random.chance(percent: 50))
    case 3:
      let mantissa = Int64(bitPattern: random.next() >> 12) % 10_000_000_000
      let exponent = random.next(below: 60) - 30
      return "\(mantissa)e\(exponent)"
    case 4:
      return [
        "0", "-1", "3.141592653589793", "1e-300", "9007199254740993", "-0.5", "100000000000000000000000",
      ][random.next(below: 7)]
    default:
      return ["true", "false", "null"][random.next(below: 3)]
    }
  }
}
