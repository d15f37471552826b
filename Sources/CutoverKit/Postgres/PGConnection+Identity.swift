extension PGConnection {
  /// `pg_control_system().system_identifier`: which cluster this is; `nil` when the role may
  /// not read it (it needs EXECUTE on `pg_control_system()`).
  public func systemIdentifier(doing: String) throws -> String? {
    let allowed = try execute(
      "SELECT has_function_privilege('pg_control_system()', 'EXECUTE') AS allowed", doing: doing
    ).one().bool("allowed")
    guard allowed else { return nil }
    return try execute("SELECT system_identifier::text AS id FROM pg_control_system()", doing: doing)
      .one().string("id")
  }
}
