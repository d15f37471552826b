import Foundation

/// Reads the simple CHECK constraint forms into per-column restrictions.
///
/// Understands what `pg_get_constraintdef` prints for `col IN (…)` (`col = ANY (ARRAY[…])`),
/// `col = 'x'`, comparisons with numbers (`BETWEEN` prints as two), `length(col) <= n`,
/// `col IS NULL OR …` and `a IS NOT NULL OR b IS NOT NULL`. Every atom is applied as if
/// joined by AND, which is at least as strict as any OR of them; `IS NULL` atoms are
/// dropped (a nullable column may still be NULL). A definition with anything else is
/// reported as not understood, for the domains file to cover.
public struct CheckConstraintParser: Sendable {
  /// What the checks of one table allow for one column.
  public struct Restriction: Sendable, Equatable {
    /// The only values allowed (text form), when a check lists them.
    public var allowedValues: [String]?
    public var minimum: Int64?
    public var maximum: Int64?
    public var maxLength: Int?
    public var notNull = false

    public init() {}
  }

  /// The restrictions of one table's checks.
  public struct Result: Sendable {
    public var restrictions: [String: Restriction] = [:]
    /// Column sets of which at least one must be non-NULL (`a IS NOT NULL OR b IS NOT NULL`).
    public var notNullGroups: [[String]] = []
    /// Names of checks that were not understood.
    public var unparsed: [String] = []
  }

  private static let identifier = #"("(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)"#
  private static let literal = #"'((?:[^']|'')*)'(?:::[A-Za-z_ ]+(?:\([0-9,]+\))?)?"#
  private static let number = #"\(?'?(-?[0-9]+(?:\.[0-9]+)?)'?\)?(?:::[A-Za-z_ ]+)?"#

  public init() {}

  /// Compiles one of the parser's own constant patterns; a failure is a bug here.
  private static func compile(_ pattern: String) -> Regex<AnyRegexOutput> {
    do {
      return try Regex(pattern)
    } catch {
      preconditionFailure("CheckConstraintParser pattern does not compile: \(pattern): \(error)")
    }
  }

  /// Parses every check of a table.
  public func parse(_ checks: [(name: String, definition: String)]) -> Result {
    var result = Result()
    for check in checks {
      if !parse(check.definition, into: &result) { result.unparsed.append(check.name) }
    }
    return result
  }

  /// Parses one definition into `result`; false when some part was not understood.
  func parse(_ definition: String, into result: inout Result) -> Bool {
    var rest = definition
    var notNullAtoms: [String] = []
    let hasOr = definition.contains(" OR ")
    func consume(_ pattern: String, _ body: (Regex<AnyRegexOutput>.Match) -> Void) {
      let regex = Self.compile(pattern)
      for match in rest.matches(of: regex) { body(match) }
      rest = rest.replacing(regex, with: " ")
    }
    func name(_ raw: Substring?) -> String {
      guard let raw else { return "" }
      if raw.hasPrefix("\"") {
        return String(raw.dropFirst().dropLast()).replacingOccurrences(of: "\"\"", with: "\"")
      }
      return String(raw)
    }
    func unquote(_ raw: Substring?) -> String {
      String(raw ?? "").replacingOccurrences(of: "''", with: "'")
    }
    consume(
      #"\(?"# + Self.identifier
        + #"(?:::text)?\)? = ANY \(\(?ARRAY\[((?:[^\]'"]|'(?:[^']|'')*')*)\](?:::[A-Za-z_ \[\]]+)?\)?\)"#
    ) { match in
      let column = name(match.output[1].substring)
      let list = String(match.output[2].substring ?? "")
      var values: [String] = []
      for item in list.matches(of: Self.compile(Self.literal)) {
        values.append(unquote(item.output[1].substring))
      }
      result.restrictions[column, default: Restriction()].allowedValues = values
    }
    consume(#"\(?"# + Self.identifier + #"(?:::text)? = "# + Self.literal + #"\)?"#) { match in
      result.restrictions[name(match.output[1].substring), default: Restriction()].allowedValues = [
        unquote(match.output[2].substring)
      ]
    }
    consume(#"\((?:char_)?length\("# + Self.identifier + #"(?:::text)?\) (<=|<) ([0-9]+)\)"#) { match in
      guard let bound = Int(match.output[3].substring ?? "") else { return }
      let limit = match.output[2].substring == "<" ? bound - 1 : bound
      var restriction = result.restrictions[name(match.output[1].substring), default: Restriction()]
      restriction.maxLength = min(restriction.maxLength ?? limit, limit)
      result.restrictions[name(match.output[1].substring)] = restriction
    }
    consume(#"\("# + Self.identifier + #" (>=|>|<=|<) "# + Self.number + #"\)"#) { match in
      let column = name(match.output[1].substring)
      guard let value = Double(match.output[3].substring ?? "") else { return }
      var restriction = result.restrictions[column, default: Restriction()]
      switch match.output[2].substring ?? "" {
      case ">=": restriction.minimum = max(restriction.minimum ?? .min, Int64(value.rounded(.up)))
      case ">": restriction.minimum = max(restriction.minimum ?? .min, Int64(value.rounded(.down)) + 1)
      case "<=": restriction.maximum = min(restriction.maximum ?? .max, Int64(value.rounded(.down)))
      default: restriction.maximum = min(restriction.maximum ?? .max, Int64(value.rounded(.up)) - 1)
      }
      result.restrictions[column] = restriction
    }
    consume(#"\("# + Self.identifier + #" IS NOT NULL\)"#) { match in
      notNullAtoms.append(name(match.output[1].substring))
    }
    consume(#"\("# + Self.identifier + #" IS NULL\)"#) { _ in }
    if hasOr && notNullAtoms.count >= 2 {
      result.notNullGroups.append(notNullAtoms)
    } else {
      for column in notNullAtoms { result.restrictions[column, default: Restriction()].notNull = true }
    }
    for word in ["CHECK", "NOT VALID", "AND", "OR", "(", ")"] {
      rest = rest.replacingOccurrences(of: word, with: " ")
    }
    return rest.allSatisfy { $0 == " " || $0 == "\n" }
  }
}
