import Foundation

extension StructureChecks {
  /// Every table of the export is loaded into a target table or skipped by its mapping with
  /// a reason; one check per source table.
  static func coverage(
    manifest: ExportManifest, mappings: [MappingFile], actual: Catalog, loaded: Set<QualifiedName>?
  ) -> [ParityCheck] {
    let bySource = Dictionary(mappings.map { ($0.source.value, $0) }, uniquingKeysWith: { first, _ in first })
    return manifest.tables.map { table in
      let subject = "\(table.name)"
      guard let file = bySource[table.name] else {
        return ParityCheck(
          category: .coverage, name: "source table covered", subject: subject, status: .fail,
          message:
            "exported (\(table.rows) rows) but no mapping file names it: its rows are not on the target",
          nextStep: "add mappings/\(table.name).yaml (or `skip:` it with a reason), then import again")
      }
      if let skip = file.skip {
        return ParityCheck(
          category: .coverage, name: "source table covered", subject: subject, status: .pass,
          message: "skipped (\(file.path)): \(skip.value)")
      }
      let target = file.target.value
      guard actual.table(target) != nil else {
        return ParityCheck(
          category: .coverage, name: "source table covered", subject: subject, status: .fail,
          message: "mapped to \(target) (\(file.path)), which the target lacks",
          nextStep: "migrate the target with the v2 chain, or fix the mapping's target")
      }
      if let loaded, !loaded.contains(target) {
        return ParityCheck(
          category: .coverage, name: "source table covered", subject: subject, status: .fail,
          message: "mapped to \(target), which the import has not recorded as loaded",
          nextStep: "run `cutover import` (with --resume to finish an interrupted one)")
      }
      return ParityCheck(
        category: .coverage, name: "source table covered", subject: subject, status: .pass,
        message: "loaded into \(target) (\(table.rows) rows exported)")
    }
  }

  /// The target tables the import into the database `connection` is on recorded as loaded in
  /// the export directory's journal (since its last fresh start).
  ///
  /// - Throws: `JournalError` when the journal cannot be read; `PostgresError`.
  public static func loadedTables(directory: URL, target: ConnectionTarget, on connection: PGConnection)
    throws
    -> Set<QualifiedName>
  {
    let database = try connection.execute(
      "SELECT current_database() AS database", doing: "reading the target's identity"
    ).one().string("database")
    let identity = ImportTarget(
      systemIdentifier: try connection.systemIdentifier(doing: "reading the target's system identifier"),
      address: "\(target.host ?? "local"):\(target.port ?? "5432")", database: database)
    let state = try ImportJournalState(entries: try Journal.read(directory: directory), target: identity)
    return Set(state.loaded.keys)
  }
}
