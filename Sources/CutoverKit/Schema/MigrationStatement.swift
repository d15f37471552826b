import Foundation

/// One statement of a migration file, as the splitter cut it out.
///
/// `text` is what is sent to the server and recorded in
/// `supabase_migrations.schema_migrations.statements`: the file's text between two top-level
/// `;`, whitespace trimmed at both ends, the terminating `;` left out — the shape the
/// Supabase CLI records. Leading comments stay part of the statement, as they do for the CLI.
public struct MigrationStatement: Sendable, Hashable, Codable {
  /// The statement as sent to the server.
  public var text: String
  /// The 1-based line of the file on which `text` begins (possibly a comment).
  public var line: Int
  /// The 1-based line of the first character that is not in a comment: the line an
  /// operator looks for when the statement fails without a position.
  public var codeLine: Int
  /// The statement with comments removed, the contents of strings, quoted identifiers and
  /// dollar-quoted bodies blanked (`''`, `""`, `$$`), upper-cased and with whitespace runs
  /// collapsed: what keyword detection (`ALTER TYPE … ADD VALUE`) looks at.
  public var skeleton: String

  public init(text: String, line: Int, codeLine: Int, skeleton: String) {
    self.text = text
    self.line = line
    self.codeLine = codeLine
    self.skeleton = skeleton
  }

  /// Whether the statement is only comments (the server answers it with an empty query).
  public var isCommentOnly: Bool { skeleton.isEmpty }

  /// The file line of a server error position in this statement.
  ///
  /// PostgreSQL's `position` (`PG_DIAG_STATEMENT_POSITION`) is a 1-based index counted in
  /// characters (code points) of the statement text; positions outside the text map to
  /// `codeLine`.
  public func fileLine(atPosition position: Int?) -> Int {
    guard let position, position >= 1 else { return codeLine }
    var line = self.line
    var index = 1
    for scalar in text.unicodeScalars {
      if index >= position { return line }
      if scalar == "\n" { line += 1 }
      index += 1
    }
    return codeLine
  }

  /// The first line of code of the statement, shortened, for messages.
  public var summary: String {
    let lines = text.split(whereSeparator: \.isNewline).map {
      $0.trimmingCharacters(in: .whitespaces)
    }
    let first = lines.first { !$0.isEmpty && !$0.hasPrefix("--") && !$0.hasPrefix("/*") } ?? lines.first ?? ""
    return first.count > 120 ? String(first.prefix(117)) + "…" : first
  }
}
