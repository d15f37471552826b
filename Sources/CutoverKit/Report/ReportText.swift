import Foundation

/// Escaping and formatting shared by the Markdown and HTML reports.
///
/// Everything a report shows about a database (table names, messages, key values) is
/// untrusted text: it goes through `html(_:)` or `markdownCell(_:)` before it is written.
enum ReportText {
  /// Escapes `text` for HTML element content and double-quoted attribute values.
  static func html(_ text: String) -> String {
    var escaped = ""
    escaped.reserveCapacity(text.utf8.count)
    for character in text.unicodeScalars {
      switch character {
      case "&": escaped += "&amp;"
      case "<": escaped += "&lt;"
      case ">": escaped += "&gt;"
      case "\"": escaped += "&quot;"
      case "'": escaped += "&#39;"
      case "\u{0}"..."\u{8}", "\u{B}", "\u{C}", "\u{E}"..."\u{1F}", "\u{7F}": escaped += "\u{FFFD}"
      default: escaped.unicodeScalars.append(character)
      }
    }
    return escaped
  }

  /// Escapes `text` for one cell of a Markdown (GitHub) table: one line, no cell breaks, no
  /// emphasis, links or inline HTML.
  static func markdownCell(_ text: String) -> String {
    var escaped = ""
    escaped.reserveCapacity(text.utf8.count)
    for character in text.unicodeScalars {
      switch character {
      case "&": escaped += "&amp;"
      case "<": escaped += "&lt;"
      case ">": escaped += "&gt;"
      case "\\", "|", "*", "_", "`", "[", "]", "~", "#", "!", "$": escaped += "\\" + String(character)
      case "\n", "\r", "\t": escaped += " "
      case "\u{0}"..."\u{8}", "\u{B}", "\u{C}", "\u{E}"..."\u{1F}", "\u{7F}": escaped += "\u{FFFD}"
      default: escaped.unicodeScalars.append(character)
      }
    }
    return escaped
  }

  /// A date as ISO 8601 in UTC, to the second ("2026-05-01T12:00:00Z").
  static func date(_ date: Date) -> String {
    date.formatted(.iso8601)
  }

  /// A byte count for people: "1.4 MB" (powers of 1000, as `du --si`).
  static func bytes(_ bytes: Int64?) -> String {
    guard let bytes else { return "–" }
    let units = ["B", "kB", "MB", "GB", "TB"]
    var value = Double(bytes)
    var unit = 0
    while value >= 1000, unit < units.count - 1 {
      value /= 1000
      unit += 1
    }
    return unit == 0 ? "\(bytes) B" : String(format: "%.1f", value) + " " + units[unit]
  }

  /// A row count with thousands separators ("1,234,567"), or "–" when unknown.
  static func count(_ count: Int64?) -> String {
    guard let count else { return "–" }
    let digits = String(count.magnitude)
    var grouped = ""
    for (index, digit) in digits.enumerated() {
      if index > 0, (digits.count - index) % 3 == 0 { grouped += "," }
      grouped.append(digit)
    }
    return count < 0 ? "-" + grouped : grouped
  }

  /// Seconds for people: "0.42 s", "12.3 s", "4 min 05 s".
  static func seconds(_ seconds: Double?) -> String {
    guard let seconds else { return "–" }
    if seconds < 10 { return String(format: "%.2f s", seconds) }
    if seconds < 60 { return String(format: "%.1f s", seconds) }
    let whole = Int(seconds.rounded())
    return String(format: "%d min %02d s", whole / 60, whole % 60)
  }

  /// The digest column: whether the digests agree, with their first characters.
  static func digest(_ table: TableParity) -> String {
    let algorithm = table.algorithm.map { "\($0) " } ?? ""
    switch (table.sourceDigest, table.targetDigest) {
    case (let source?, let target?) where source == target:
      return "equal (\(algorithm)\(source.prefix(12)))"
    case (let source?, let target?):
      return "differs (\(algorithm)\(source.prefix(12)) ≠ \(target.prefix(12)))"
    case (nil, let target?):
      return "no source digest (target \(algorithm)\(target.prefix(12)))"
    case (let source?, nil):
      return "no target digest (source \(algorithm)\(source.prefix(12)))"
    case (nil, nil):
      return "not computed"
    }
  }

  /// A primary key as `id=42, tenant=7`, columns in name order.
  static func key(_ key: [String: String]) -> String {
    key.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
  }

  /// A difference's columns, or why they could not be named.
  static func columns(_ difference: RowDifference) -> String {
    guard difference.columns.isEmpty, let reason = difference.reason else {
      return difference.columns.joined(separator: ", ")
    }
    return "not named: \(reason)"
  }

  /// The differing columns' values on one side, `name=value` (NULL for SQL null).
  static func values(_ values: [String: String?]?, columns: [String]) -> String {
    guard let values else { return "" }
    let names = columns.isEmpty ? values.keys.sorted() : columns
    return names.map { name in
      let value: String? = values[name] ?? nil
      return "\(name)=\(value ?? "NULL")"
    }.joined(separator: ", ")
  }

  /// Failures first (in their original order), then the rest: the order reports list things.
  static func failuresFirst<T>(_ items: [T], isGreen: (T) -> Bool) -> [T] {
    items.filter { !isGreen($0) } + items.filter(isGreen)
  }
}
