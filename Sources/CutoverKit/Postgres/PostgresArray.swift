/// Text-format PostgreSQL arrays, for passing lists as one `$n` parameter.
public enum PostgresArray {
  /// `{"a","b"}` with each element quoted and escaped, to be cast as `$1::text[]`.
  public static func literal(_ values: [String]) -> String {
    let elements = values.map { value in
      "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
    return "{" + elements.joined(separator: ",") + "}"
  }
}
