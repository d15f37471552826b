/// Leaves users' values out of server messages unless the operator asks for them.
///
/// A server's DETAIL names the row that failed — `Key (email)=(ann@example.com) already
/// exists.`, `Failing row contains (…)` — and data exceptions quote the bad value. Those are
/// users' personal data and end up in terminals, logs and tickets; by default cutover keeps the
/// table, constraint and column names and replaces the values with `(…)`; `--show-values`
/// shows them.
public enum ValueDisplay {
  /// The placeholder for a hidden value.
  public static let hidden = "…"

  /// `detail` with every `Key (cols)=(values)` value list and every failing row hidden.
  public static func hidingValues(inDetail detail: String) -> String {
    var text = detail
    if let range = text.range(of: "Failing row contains (") {
      text = String(text[..<range.upperBound]) + hidden + ")."
    }
    var searchFrom = text.startIndex
    while let open = text.range(of: ")=(", range: searchFrom..<text.endIndex) {
      guard let close = closingParenthesis(in: text, from: open.upperBound) else {
        text = String(text[..<open.upperBound]) + hidden + ")"
        break
      }
      text.replaceSubrange(open.upperBound..<close, with: hidden)
      searchFrom = text.index(open.upperBound, offsetBy: hidden.count)
    }
    return text
  }

  /// A data exception's message (SQLSTATE class 22) with the quoted value hidden:
  /// `invalid input syntax for type uuid: "…"`.
  public static func hidingValues(inMessage message: String, sqlState: String?) -> String {
    guard sqlState?.hasPrefix("22") == true, let colon = message.range(of: ": \"", options: .backwards)
    else { return message }
    return String(message[..<colon.upperBound]) + hidden + "\""
  }

  /// The `)` that ends a value list starting at `start`: the first `)` followed by the end,
  /// a space or a period, with parentheses inside the values balanced.
  private static func closingParenthesis(in text: String, from start: String.Index) -> String.Index? {
    var depth = 0
    var index = start
    while index < text.endIndex {
      let character = text[index]
      if character == "(" {
        depth += 1
      } else if character == ")" {
        let next = text.index(after: index)
        if depth == 0 && (next == text.endIndex || text[next] == " " || text[next] == ".") { return index }
        depth = max(depth - 1, 0)
      }
      index = text.index(after: index)
    }
    return nil
  }
}
