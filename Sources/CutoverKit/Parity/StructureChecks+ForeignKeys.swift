extension StructureChecks {
  /// Counts the orphans of every foreign key the chain defines on the target.
  ///
  /// An orphan is a row referencing a key its parent table lacks, found by an anti-join, so
  /// it shows even when the constraint was dropped or left `NOT VALID`. Rows with a NULL in
  /// the key are not orphans (`MATCH SIMPLE`).
  ///
  /// - Throws: `PostgresError` when a count fails.
  static func foreignKeyIntegrity(expected: Catalog, actual: Catalog, on connection: PGConnection) throws
    -> [ParityCheck]
  {
    var checks: [ParityCheck] = []
    var counted = 0
    for table in applicationTables(expected) {
      guard let child = actual.table(table.name) else { continue }
      for key in table.foreignKeys {
        let subject = "foreign key \(key.name) on \(table.name)"
        guard let parent = actual.table(key.referenced),
          key.columns.allSatisfy({ child.column($0) != nil }),
          key.referencedColumns.allSatisfy({ parent.column($0) != nil })
        else {
          checks.append(
            ParityCheck(
              category: .structure, name: "foreign-key integrity", subject: subject, status: .fail,
              message: "cannot count its orphans: the target lacks \(key.referenced) or a column of the key",
              nextStep: "migrate the target with the v2 chain (`cutover migrate`)"))
          continue
        }
        let orphans = try orphanCount(table: table.name, key: key, on: connection)
        counted += 1
        if orphans > 0 {
          checks.append(
            ParityCheck(
              category: .structure, name: "foreign-key integrity", subject: subject, status: .fail,
              message:
                "\(orphans) \(orphans == 1 ? "row" : "rows") of \(table.name) (\(key.columns.joined(separator: ", "))) reference keys missing from \(key.referenced)",
              nextStep:
                "fix or remove the orphan rows (or the mapping that made them), then validate the key: ALTER TABLE \(table.name.quoted) VALIDATE CONSTRAINT \(QualifiedName.quote(key.name))"
            ))
        }
      }
    }
    if !checks.contains(where: { $0.status == .fail }) {
      checks.append(
        ParityCheck(
          category: .structure, name: "foreign-key integrity", subject: "the v2 chain's foreign keys",
          status: .pass, message: "\(counted) foreign keys: no row references a key its parent lacks"))
    }
    return checks
  }

  /// The rows of `table` whose non-NULL `key` columns match no row of the referenced table.
  static func orphanCount(table: QualifiedName, key: CatalogForeignKey, on connection: PGConnection) throws
    -> Int64
  {
    let child = key.columns.map { "c." + QualifiedName.quote($0) }
    let parent = key.referencedColumns.map { "p." + QualifiedName.quote($0) }
    let join = zip(child, parent).map { "\($1) = \($0)" }.joined(separator: " AND ")
    let notNull = child.map { "\($0) IS NOT NULL" }.joined(separator: " AND ")
    return try connection.execute(
      """
      SELECT count(*) AS orphans FROM \(table.quoted) c
      WHERE \(notNull) AND NOT EXISTS (SELECT 1 FROM \(key.referenced.quoted) p WHERE \(join))
      """, doing: "counting the orphans of foreign key \(key.name) on \(table)"
    ).one().int64("orphans")
  }
}
