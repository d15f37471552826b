/// The Swift mappers, registered by target table name: the one place in `Sources/` that
/// names application tables.
///
/// A table gets one when its rows need more than a declaration (a value that depends on
/// another column, …). The mapping file still says everything declarative (renames, drops);
/// the Swift mapper computes only its `computedColumns`, over the resolved mapping, so it
/// works on either source shape.
public enum SwiftMappers {
  /// Makes a table's Swift mapper from its resolved mapping; nil when it cannot apply.
  public typealias Factory = @Sendable (TableMapping) -> (any SwiftRowMapper)?

  /// Target table name (`schema.table`) → the factory and the mapper's name.
  public static let registry: [String: (name: String, make: Factory)] = [
    "app.livekit_webhook_jobs": ("LivekitWebhookJobsMapper", { LivekitWebhookJobsMapper(mapping: $0) })
  ]

  /// The mapper of `mapping`: its table's Swift mapper when one is registered (the mapping's
  /// computed columns marked `.swift` with the Swift mapper's SQL), else the declarative one.
  ///
  /// - Returns: the mapper and, when a registered Swift mapper could not apply (the columns it
  ///   needs are not fed from the source), a finding saying so.
  public static func mapper(for mapping: TableMapping) -> (mapper: any TableMapper, finding: MappingFinding?)
  {
    guard let entry = registry["\(mapping.target)"] else {
      return (DeclarativeTableMapper(mapping: mapping), nil)
    }
    guard let swift = entry.make(mapping) else {
      let finding = MappingFinding(
        .problem, .swiftMapper, table: "\(mapping.source)", place: mapping.file,
        "\(entry.name) needs columns the mapping does not feed from the source")
      return (DeclarativeTableMapper(mapping: mapping), finding)
    }
    var resolved = mapping
    resolved.swiftMapper = entry.name
    for (name, sql) in zip(swift.computedColumns, swift.sourceExpressions) {
      guard let position = resolved.columns.firstIndex(where: { $0.name == name }) else { continue }
      resolved.columns[position].output = .swift
      resolved.columns[position].sourceExpression = "(\(sql))::\(resolved.columns[position].type)"
    }
    return (DeclarativeTableMapper(mapping: resolved, swift: swift), nil)
  }
}
