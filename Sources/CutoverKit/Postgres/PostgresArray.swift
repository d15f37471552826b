/// Text-format PostgreSQL arrays, for passing lists as one `$n` parameter and reading them back.
public enum PostgresArray {
  /// `{"a","b"}` with each element quoted and escaped, to be cast as `$1::text[]`.
  public static func literal(_ values: [String]) -> String {
    let elements = values.map { value in
      "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        + "\""
    }
    return "{" + elements.joined(separator: ",") + "}"
  }

  /// Parses a one-dimensional array in the server's output format (`{a,"b c",NULL}`).
  ///
  /// Quoted elements may hold backslash escapes; an unquoted `NULL` is `nil`. Returns `nil`
  /// for anything else: several dimensions, explicit bounds (`[0:1]={…}`), unbalanced quotes.
  public static func parse(_ text: String) -> [String?]? {
    var scalars = Array(text.unicodeScalars)[...]
    guard scalars.first == "{", scalars.last == "}" else { return nil }
    scalars = scalars.dropFirst().dropLast()
    guard !scalars.isEmpty else { return [] }
    var elements: [String?] = []
    var index = scalars.startIndex
    while true {
      var element = String.UnicodeScalarView()
      var quoted = false
      if index < scalars.endIndex, scalars[index] == "\"" {
        quoted = true
        index += 1
        var closed = false
        while index < scalars.endIndex {
          let scalar = scalars[index]
          index += 1
          if scalar == "\\" {
            guard index < scalars.endIndex else { return nil }
            element.append(scalars[index])
            index += 1
          } else if scalar == "\"" {
            closed = true
            break
          } else {
            element.append(scalar)
          }
        }
        guard closed else { return nil }
      } else {
        while index < scalars.endIndex, scalars[index] != "," {
          let scalar = scalars[index]
          if scalar == "{" || scalar == "}" || scalar == "\"" { return nil }
          if scalar == "\\" {
            index += 1
            guard index < scalars.endIndex else { return nil }
          }
          element.append(scalars[index])
          index += 1
        }
        guard !element.isEmpty else { return nil }
      }
      let value = String(element)
      elements.append(!quoted && value.uppercased() == "NULL" ? nil : value)
      if index == scalars.endIndex { return elements }
      guard scalars[index] == "," else { return nil }
      index += 1
    }
  }
}
