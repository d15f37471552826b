/// SQL text for the source-side expressions of mappings (parity runs them as they are).
///
/// Identifiers go through `QualifiedName.quote`. The mapping files' constants and labels
/// become standard string literals here because an expression handed to parity is text, not a
/// statement with parameters: `'` is doubled, and `standard_conforming_strings` (on since
/// PostgreSQL 9.1, required by cutover) keeps backslashes literal.
enum SQLText {
  /// `'text'`, or `NULL` for nil.
  static func literal(_ text: String?) -> String {
    guard let text else { return "NULL" }
    return "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
  }
}
