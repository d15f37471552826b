/// Finds the line of a key in a TOML text, table headers included.
///
/// TOMLKit reports positions only for parse errors, so a key that parses but is unknown or
/// of the wrong type is found by scanning the text: each `[table]` or `[[array.of.tables]]`
/// header opens a path (the n-th `[[x]]` is `x[n]`, 0-based), each `key = …` line adds the
/// key to it. Good enough for the flat files cutover reads; a key it cannot place gets no line.
struct ConfigKeyLocator: Sendable {
  /// `"policy_behaviour.accept[1].reason"` → line.
  private var lines: [String: Int] = [:]

  init(text: String) {
    var current = ""
    var arrayCounts: [String: Int] = [:]
    for (offset, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let line = raw.trimmingCharacters(in: .whitespaces)
      let number = offset + 1
      if line.hasPrefix("[[") {
        let name = Self.headerName(line.dropFirst(2).prefix { $0 != "]" })
        let index = arrayCounts[name, default: 0]
        arrayCounts[name] = index + 1
        current = "\(name)[\(index)]"
        record(name, number)
        record(current, number)
      } else if line.hasPrefix("[") {
        current = Self.headerName(line.dropFirst().prefix { $0 != "]" })
        record(current, number)
      } else if !line.hasPrefix("#"), let equals = line.firstIndex(of: "=") {
        var key = line[..<equals].trimmingCharacters(in: .whitespaces)
        if key.hasPrefix("\"") && key.hasSuffix("\"") && key.count >= 2 {
          key = String(key.dropFirst().dropLast())
        }
        guard !key.isEmpty else { continue }
        record(current.isEmpty ? key : "\(current).\(key)", number)
      }
    }
  }

  private mutating func record(_ path: String, _ line: Int) {
    if lines[path] == nil { lines[path] = line }
  }

  private static func headerName(_ text: Substring) -> String {
    text.split(separator: ".").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ".")
  }

  /// The line of `path` (`"jobs"`, `"switch.method"`, `"policy_behaviour.accept[0].table"`).
  func line(of path: String) -> Int? {
    lines[path]
  }
}
