/// Splits a migration file into statements at top-level `;`, as the Supabase CLI does.
///
/// A `;` ends a statement only outside single-quoted strings (`'…'`, with `''` inside),
/// escape strings (`E'…'`, where a backslash escapes the next character), quoted
/// identifiers (`"…"`, with `""` inside), dollar-quoted strings (`$$…$$`, `$tag$…$tag$`),
/// `--` comments, nested `/* /* */ */` comments and SQL-standard function bodies
/// (`BEGIN ATOMIC … END`). Each statement keeps the line on which it starts so a server
/// error can be reported at its line in the file.
///
/// An unterminated string, identifier, dollar quote or comment runs to the end of the file;
/// the server then reports the error.
public enum MigrationStatementSplitter {
  /// The statements of `sql` in order; empty pieces (only whitespace, `;;`) are dropped.
  public static func split(_ sql: String) -> [MigrationStatement] {
    var scanner = Scanner(Array(sql.unicodeScalars))
    return scanner.run()
  }

  /// The state of the one pass over the text.
  private struct Scanner {
    enum State {
      case normal
      case singleQuoted(escapes: Bool)
      case doubleQuoted
      case dollarQuoted(tag: [Unicode.Scalar])
      case lineComment
      case blockComment(depth: Int)
    }

    let scalars: [Unicode.Scalar]
    var index = 0
    var line = 1
    var state = State.normal
    var statements: [MigrationStatement] = []

    // The statement being read.
    var firstIndex: Int?
    var firstLine = 1
    var firstCodeLine: Int?
    var lastIndex = 0
    var skeleton = String.UnicodeScalarView()

    // Words outside quotes and comments, for `BEGIN ATOMIC … END`.
    var word = String.UnicodeScalarView()
    var previousWord = ""
    var atomicDepth = 0

    init(_ scalars: [Unicode.Scalar]) { self.scalars = scalars }

    func scalar(at offset: Int) -> Unicode.Scalar? {
      index + offset < scalars.count ? scalars[index + offset] : nil
    }

    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
      scalar.properties.isWhitespace
    }

    /// Letters, digits, `_`, `$` and anything non-ASCII: what an unquoted identifier is made of.
    static func isIdentifierPart(_ scalar: Unicode.Scalar) -> Bool {
      scalar.value >= 0x80 || scalar == "_" || scalar == "$"
        || ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
        || ("0"..."9").contains(scalar)
    }

    /// What a dollar-quote tag is made of (an identifier without `$`).
    static func isTagPart(_ scalar: Unicode.Scalar) -> Bool {
      scalar != "$" && isIdentifierPart(scalar)
    }

    /// Moves past `count` scalars, counting lines and marking where the statement has text.
    mutating func consume(_ count: Int, isCode: Bool = true) {
      for _ in 0..<count where index < scalars.count {
        let scalar = scalars[index]
        if !Self.isWhitespace(scalar) {
          if firstIndex == nil {
            firstIndex = index
            firstLine = line
          }
          if isCode && firstCodeLine == nil { firstCodeLine = line }
          lastIndex = index
        }
        if scalar == "\n" { line += 1 }
        index += 1
      }
    }

    /// Ends the word being read and follows `BEGIN ATOMIC … END` nesting.
    mutating func endWord() {
      guard !word.isEmpty else { return }
      let upper = String(word).uppercased()
      word.removeAll()
      if atomicDepth > 0 {
        if upper == "CASE" { atomicDepth += 1 } else if upper == "END" { atomicDepth -= 1 }
      } else if previousWord == "BEGIN" && upper == "ATOMIC" {
        atomicDepth = 1
      }
      previousWord = upper
    }

    /// Closes the statement read so far (if it has any text).
    mutating func endStatement() {
      endWord()
      if let firstIndex {
        let text = String(String.UnicodeScalarView(scalars[firstIndex...lastIndex]))
        let normalized = String(skeleton).uppercased()
          .split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        statements.append(
          MigrationStatement(
            text: text, line: firstLine, codeLine: firstCodeLine ?? firstLine,
            skeleton: normalized))
      }
      firstIndex = nil
      firstCodeLine = nil
      skeleton.removeAll()
      previousWord = ""
      atomicDepth = 0
    }

    mutating func run() -> [MigrationStatement] {
      while index < scalars.count {
        let current = scalars[index]
        let next = scalar(at: 1)
        switch state {
        case .normal:
          readNormal(current, next: next)
        case .singleQuoted(let escapes):
          if escapes && current == "\\" {
            consume(2)
          } else if current == "'" && next == "'" {
            consume(2)
          } else if current == "'" {
            skeleton.append("'")
            state = .normal
            consume(1)
          } else {
            consume(1)
          }
        case .doubleQuoted:
          if current == "\"" && next == "\"" {
            consume(2)
          } else if current == "\"" {
            skeleton.append("\"")
            state = .normal
            consume(1)
          } else {
            consume(1)
          }
        case .dollarQuoted(let tag):
          if current == "$", closesDollarQuote(tag) {
            skeleton.append("$")
            state = .normal
            consume(tag.count + 2)
          } else {
            consume(1)
          }
        case .lineComment:
          if current == "\n" { state = .normal }
          consume(1, isCode: false)
        case .blockComment(let depth):
          if current == "/" && next == "*" {
            state = .blockComment(depth: depth + 1)
            consume(2, isCode: false)
          } else if current == "*" && next == "/" {
            state = depth == 1 ? .normal : .blockComment(depth: depth - 1)
            consume(2, isCode: false)
          } else {
            consume(1, isCode: false)
          }
        }
      }
      endStatement()
      return statements
    }

    /// One scalar outside quotes and comments.
    mutating func readNormal(_ current: Unicode.Scalar, next: Unicode.Scalar?) {
      if current == "-" && next == "-" {
        endWord()
        skeleton.append(" ")
        state = .lineComment
        consume(2, isCode: false)
      } else if current == "/" && next == "*" {
        endWord()
        skeleton.append(" ")
        state = .blockComment(depth: 1)
        consume(2, isCode: false)
      } else if current == "'" {
        let escapes = String(word) == "E" || String(word) == "e"
        endWord()
        skeleton.append("'")
        state = .singleQuoted(escapes: escapes)
        consume(1)
      } else if current == "\"" {
        endWord()
        skeleton.append("\"")
        state = .doubleQuoted
        consume(1)
      } else if current == "$", word.isEmpty, let tag = dollarTag() {
        skeleton.append("$")
        state = .dollarQuoted(tag: tag)
        consume(tag.count + 2)
      } else if current == ";" {
        endWord()
        if atomicDepth == 0 {
          index += 1
          endStatement()
        } else {
          skeleton.append(current)
          consume(1)
        }
      } else if Self.isIdentifierPart(current) {
        word.append(current)
        skeleton.append(current)
        consume(1)
      } else {
        endWord()
        skeleton.append(Self.isWhitespace(current) ? " " : current)
        consume(1)
      }
    }

    /// The tag of a dollar quote opening at `index` (`$$` → empty), or nil for `$1` and the like.
    func dollarTag() -> [Unicode.Scalar]? {
      var end = index + 1
      while end < scalars.count, Self.isTagPart(scalars[end]) { end += 1 }
      guard end < scalars.count, scalars[end] == "$" else { return nil }
      let tag = Array(scalars[(index + 1)..<end])
      if let first = tag.first, ("0"..."9").contains(first) { return nil }
      return tag
    }

    /// Whether `$tag$` closes the dollar quote at `index`.
    func closesDollarQuote(_ tag: [Unicode.Scalar]) -> Bool {
      let end = index + tag.count + 1
      guard end < scalars.count, scalars[end] == "$" else { return false }
      return Array(scalars[(index + 1)..<end]) == tag
    }
  }
}
