/// Whether a source column's values fit a target column's type without loss.
///
/// Conservative: the same type, or a change known to keep every value (a wider integer,
/// varchar to text or a longer varchar, a numeric with room for every digit, json to jsonb,
/// an enum to text); everything else (text→int, timestamptz→date, a shorter varchar…) can
/// lose data and is a problem.
enum TypeCompatibility {
  static let widening: [String: Set<String>] = [
    "int2": ["int4", "int8", "numeric"], "int4": ["int8", "numeric"], "int8": ["numeric"],
    "varchar": ["text"], "bpchar": ["text", "varchar"], "json": ["jsonb"], "float4": ["float8"],
    "timestamp": [], "date": ["timestamp", "timestamptz"],
  ]

  /// Nil when `source` fits `target`, else why not.
  static func loss(from source: CatalogColumn, to target: CatalogColumn) -> String? {
    if source.type == target.type && source.isArray == target.isArray { return nil }
    guard source.isArray == target.isArray else { return "array and non-array" }
    if !source.enumLabels.isEmpty && ["text", "varchar"].contains(target.baseType) && target.maxLength == nil
    {
      return nil
    }
    if source.baseType == target.baseType {
      switch source.baseType {
      case "varchar", "bpchar":
        guard let limit = target.maxLength else { return nil }
        if let length = source.maxLength, length <= limit { return nil }
        return "\(source.type) is longer than \(target.type)"
      case "numeric":
        guard let precision = target.numericPrecision, let scale = target.numericScale else { return nil }
        if let sourcePrecision = source.numericPrecision, let sourceScale = source.numericScale,
          sourceScale <= scale, sourcePrecision - sourceScale <= precision - scale
        {
          return nil
        }
        return "\(source.type) has digits \(target.type) cannot hold"
      default:
        return source.enumLabels.isEmpty ? "\(source.type) is not \(target.type)" : nil
      }
    }
    if widening[source.baseType, default: []].contains(target.baseType) {
      if let limit = target.maxLength, source.maxLength.map({ $0 > limit }) ?? true {
        return "\(source.type) is longer than \(target.type)"
      }
      return nil
    }
    return "\(source.type) to \(target.type) can lose data"
  }
}
