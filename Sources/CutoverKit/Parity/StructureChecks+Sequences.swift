extension StructureChecks {
  /// Every sequence a column of the target's application tables owns (serial or identity) is past the
  /// column's maximum on the target, so the next insert cannot collide with a loaded row.
  ///
  /// - Throws: `PostgresError` when a maximum cannot be read.
  static func sequences(actual: Catalog, on connection: PGConnection) throws
    -> [ParityCheck]
  {
    var checks: [ParityCheck] = []
    var counted = 0
    for table in applicationTables(actual) {
      for column in table.columns {
        guard let name = column.ownedSequence, let sequence = actual.sequence(name) else { continue }
        let subject = "sequence \(name) of \(table.name).\(column.name)"
        let only = table.kind == .partitioned ? "" : "ONLY "
        let extreme = sequence.increment < 0 ? "min" : "max"
        let row = try connection.execute(
          "SELECT \(extreme)(\(QualifiedName.quote(column.name)))::bigint AS m FROM \(only)\(table.name.quoted)",
          doing: "reading the \(extreme)imum of \(table.name).\(column.name)"
        ).one()
        counted += 1
        guard let bound = try row.optionalInt64("m") else { continue }
        let behind: Bool
        if let last = sequence.lastValue {
          behind = sequence.increment < 0 ? last > bound : last < bound
        } else {
          // Never advanced: the next value is the start.
          behind = sequence.increment < 0 ? sequence.start >= bound : sequence.start <= bound
        }
        guard behind else { continue }
        checks.append(
          ParityCheck(
            category: .structure, name: "sequence past maximum", subject: subject, status: .fail,
            message:
              "\(name) is at \(sequence.lastValue.map { "\($0)" } ?? "its start, never used"), behind the \(extreme)imum \(bound) of \(table.name).\(column.name): the next insert collides with a loaded row",
            nextStep:
              "SELECT setval('\(name.quoted)', (SELECT \(extreme)(\(QualifiedName.quote(column.name))) FROM \(table.name.quoted)))"
          ))
      }
    }
    if checks.isEmpty {
      checks.append(
        ParityCheck(
          category: .structure, name: "sequence past maximum", subject: "the target's sequences",
          status: .pass,
          message: "\(counted) column sequences (serial and identity): each past its column's values"))
    }
    return checks
  }
}
