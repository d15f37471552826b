/// Words for a `DecodingError`: which field, what was wrong — not Swift's debug text.
enum DecodingProblem {
  /// "field tables[2].rows: expected a number" and the like.
  static func describe(_ error: any Error) -> String {
    guard let error = error as? DecodingError else { return "\(error)" }
    func path(_ codingPath: [any CodingKey]) -> String {
      let text = codingPath.map { key in key.intValue.map { "[\($0)]" } ?? ".\(key.stringValue)" }
        .joined()
      return text.hasPrefix(".") ? String(text.dropFirst()) : (text.isEmpty ? "(top level)" : text)
    }
    switch error {
    case .dataCorrupted(let context):
      return context.codingPath.isEmpty
        ? "not valid JSON" : "field \(path(context.codingPath)): \(context.debugDescription)"
    case .keyNotFound(let key, let context):
      return "field \(path(context.codingPath + [key])) is missing"
    case .typeMismatch(let type, let context):
      return "field \(path(context.codingPath)) is not a \(type)"
    case .valueNotFound(let type, let context):
      return "field \(path(context.codingPath)) is null, expected a \(type)"
    @unknown default:
      return "\(error)"
    }
  }
}
