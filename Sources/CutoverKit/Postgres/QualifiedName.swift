/// A schema-qualified relation name, for example `app.orders`.
///
/// `quoted` is the one way a relation name enters SQL text.
public struct QualifiedName: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
  public var schema: String
  public var name: String

  public init(schema: String, name: String) {
    self.schema = schema
    self.name = name
  }

  /// Parses `schema.name`; a bare `name` gets `defaultSchema`.
  public init(parsing text: String, defaultSchema: String = "public") {
    if let dot = text.firstIndex(of: ".") {
      self.init(schema: String(text[..<dot]), name: String(text[text.index(after: dot)...]))
    } else {
      self.init(schema: defaultSchema, name: text)
    }
  }

  /// `"schema"."name"`, each part quoted as PostgreSQL does (doubling `"`).
  public var quoted: String { "\(Self.quote(schema)).\(Self.quote(name))" }

  /// Quotes one identifier: always double-quoted, embedded quotes doubled.
  public static func quote(_ identifier: String) -> String {
    "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }

  public var description: String { "\(schema).\(name)" }

  public static func < (lhs: Self, rhs: Self) -> Bool {
    (lhs.schema, lhs.name) < (rhs.schema, rhs.name)
  }
}
