/// Which tables an export reads, from the source catalog (`CatalogReader`, never a
/// hard-coded table list).
///
/// The default leaves nothing of the application's behind: every table of every schema that
/// is not the platform's (Supabase's and PostgreSQL's own schemas, listed in
/// `platformSchemas`), plus the `auth` tables that hold users and `storage.buckets` /
/// `storage.objects` — leaving out only tables that belong to an extension. Partitions are
/// read through their parent, so they are not listed themselves; inheritance children are
/// tables of their own (their parent is read `ONLY`).
public struct ExportTableSelection: Sendable {
  /// `auth` tables that hold users' state (the rest is Supabase's own bookkeeping).
  public static let authTables = ["users", "identities", "sessions", "refresh_tokens", "mfa_factors"]
  /// `storage` tables that describe buckets and objects (the files themselves stay put).
  public static let storageTables = ["buckets", "objects"]
  /// Schemas that belong to PostgreSQL or the Supabase platform, not to the application: their
  /// tables are recreated by the platform on the target (auth and storage are read only for the
  /// tables above).
  ///
  /// `pg_toast*` and `pg_temp*` are left out by pattern.
  public static let platformSchemas = [
    "pg_catalog", "information_schema", "auth", "storage", "extensions", "graphql",
    "graphql_public", "realtime", "_realtime", "supabase_functions", "supabase_migrations",
    "vault", "pgsodium", "pgsodium_masks", "net", "cron", "pgbouncer", "_analytics", "pgtle",
    "pgmq", "topology", "tiger", "tiger_data", "cutover",
  ]

  /// `schema.table` names to export instead of the default set; empty for the default.
  public var only: [String]
  /// `schema.table` names to leave out.
  public var exclude: [String]

  public init(only: [String] = [], exclude: [String] = []) {
    self.only = only
    self.exclude = exclude
  }

  /// Checks that every name is written `schema.table`, before any connection is made.
  /// - Throws: `ExportError` (`.usage`) naming the bare names.
  public func validate() throws {
    let bare = (only + exclude).filter { !$0.contains(".") || $0.hasPrefix(".") || $0.hasSuffix(".") }
    guard bare.isEmpty else {
      throw ExportError(
        .usage, "table names must be schema-qualified: \(bare.joined(separator: ", "))",
        nextStep: "write them as schema.table, e.g. app.profiles")
    }
  }

  /// Reads the plan from the catalog on `connection` (inside the export's snapshot).
  /// - Throws: `ExportError` (`.unknownTables`, exit 2) naming every listed name that is
  ///   not a table of the source, (`.emptySelection`, exit 2) when nothing is left to
  ///   export; `PostgresError` from the server.
  public func plan(on connection: PGConnection) throws -> [TablePlan] {
    var plans = try chosen(on: connection).map { Self.plan($0.table, in: $0.catalog) }
    plans.sort {
      ($0.estimatedBytes, $0.estimatedRows, $1.name) > ($1.estimatedBytes, $1.estimatedRows, $0.name)
    }
    return plans
  }

  /// The tables an export would read, as a catalog (what `cutover doctor` checks access to).
  ///
  /// - Throws: as `plan(on:)`.
  public func catalog(on connection: PGConnection) throws -> Catalog {
    let tables = try chosen(on: connection).map(\.table)
    var schemas: [String] = []
    for table in tables where !schemas.contains(table.name.schema) { schemas.append(table.name.schema) }
    return Catalog(schemas: schemas, relations: tables, sequences: [])
  }

  /// The chosen tables, each with the catalog it was read from.
  private func chosen(on connection: PGConnection) throws -> [(table: CatalogTable, catalog: Catalog)] {
    try validate()
    var chosen: [(table: CatalogTable, catalog: Catalog)]
    if only.isEmpty {
      let application = try CatalogReader(scope: .allSchemas(except: Self.platformSchemas))
        .read(from: connection)
      let platform = try CatalogReader(schemas: ["auth", "storage"]).read(from: connection)
      chosen =
        application.loadableTables.filter { $0.fromExtension == nil }.map { ($0, application) }
        + platform.loadableTables.filter { table in
          table.fromExtension == nil
            && (table.name.schema == "auth" ? Self.authTables : Self.storageTables).contains(table.name.name)
        }.map { ($0, platform) }
    } else {
      chosen = try lookUp(only, on: connection, listName: "--tables")
    }
    var excludedPartitions: [(CatalogTable, Catalog)] = []
    if !exclude.isEmpty {
      let excluded = try lookUp(exclude, on: connection, listName: "--exclude")
      let names = Set(excluded.map(\.table.name))
      chosen.removeAll { names.contains($0.table.name) }
      excludedPartitions = excluded.filter { $0.table.partitionOf != nil }.map { ($0.table, $0.catalog) }
    }
    var seen = Set<QualifiedName>()
    chosen = chosen.filter { seen.insert($0.table.name).inserted }
    try refuseOverlaps(chosen: chosen, excludedPartitions: excludedPartitions)
    guard !chosen.isEmpty else { throw emptySelection(on: connection) }
    return chosen
  }

  /// A partition's partitioned ancestors, nearest first, as far as `catalog` knows them.
  private static func ancestors(of table: CatalogTable, in catalog: Catalog) -> [QualifiedName] {
    var result: [QualifiedName] = []
    var parent = table.partitionOf
    while let name = parent, !result.contains(name) {
      result.append(name)
      parent = catalog.table(name)?.partitionOf
    }
    return result
  }

  /// Refuses a selection that would read a partition's rows twice (the partition and its
  /// partitioned parent both chosen), or an exclusion that cannot work (a partition whose
  /// parent is still read whole).
  private func refuseOverlaps(
    chosen: [(table: CatalogTable, catalog: Catalog)], excludedPartitions: [(CatalogTable, Catalog)]
  ) throws {
    let names = Set(chosen.map(\.table.name))
    var problems: [String] = []
    for (table, catalog) in chosen {
      if let parent = Self.ancestors(of: table, in: catalog).first(where: names.contains) {
        problems.append(
          "\(table.name) is a partition of \(parent), which is read whole: its rows would be exported twice")
      }
    }
    for (table, catalog) in excludedPartitions {
      if let parent = Self.ancestors(of: table, in: catalog).first(where: names.contains) {
        problems.append(
          "--exclude \(table.name) has no effect: a partition's rows are read through \(parent)")
      }
    }
    guard problems.isEmpty else {
      throw ExportError(
        .usage, problems.joined(separator: "; "),
        nextStep:
          "name either a partitioned table or some of its partitions, not both; to leave a partition's rows out, exclude its parent and list the partitions to keep"
      )
    }
  }

  /// A table's plan: its copied columns (generated ones left out) and its size, a
  /// partitioned table's being that of all its partitions.
  private static func plan(_ table: CatalogTable, in catalog: Catalog) -> TablePlan {
    var bytes = table.bytes
    var rows = max(table.estimatedRows ?? 0, 0)
    var parents: Set<QualifiedName> = [table.name]
    while true {
      let partitions = catalog.relations.filter { $0.partitionOf.map(parents.contains) ?? false }
        .filter { !parents.contains($0.name) }
      if partitions.isEmpty { break }
      for partition in partitions {
        bytes += partition.bytes
        rows += max(partition.estimatedRows ?? 0, 0)
        parents.insert(partition.name)
      }
    }
    return TablePlan(
      name: table.name,
      columns: table.copiedColumns.map { ExportManifest.Column(name: $0.name, type: $0.type) },
      estimatedRows: rows, estimatedBytes: bytes, isPartitioned: table.kind == .partitioned)
  }

  /// The error for a selection that leaves nothing: says what was looked for.
  private func emptySelection(on connection: PGConnection) -> ExportError {
    let database = (try? connection.execute("SELECT current_database() AS name").one().string("name")) ?? "?"
    let looked =
      only.isEmpty
      ? "every table outside the platform's schemas, auth's user tables (\(Self.authTables.joined(separator: ", "))) and storage's (\(Self.storageTables.joined(separator: ", ")))"
      : "--tables \(only.joined(separator: ","))"
    let without = exclude.isEmpty ? "" : " without --exclude \(exclude.joined(separator: ","))"
    return ExportError(
      .emptySelection,
      "nothing to export in database \(database): looked for \(looked)\(without) and found no table",
      nextStep:
        "check that --source names the application's database (not `postgres`), and the --tables/--exclude lists"
    )
  }

  /// Finds listed tables; unknown names or non-tables are one usage error naming them all.
  private func lookUp(_ names: [String], on connection: PGConnection, listName: String) throws
    -> [(table: CatalogTable, catalog: Catalog)]
  {
    let parsed = names.map { QualifiedName(parsing: $0) }
    var schemas: [String] = []
    for name in parsed where !schemas.contains(name.schema) { schemas.append(name.schema) }
    let catalog = try CatalogReader(schemas: schemas).read(from: connection)
    var unknown: [String] = []
    var found: [(table: CatalogTable, catalog: Catalog)] = []
    for name in parsed {
      guard let table = catalog.table(name) else {
        unknown.append("\(name) (no such table)")
        continue
      }
      guard table.kind.holdsRows else {
        unknown.append("\(name) (not a table: \(table.kind.rawValue))")
        continue
      }
      found.append((table, catalog))
    }
    guard unknown.isEmpty else {
      throw ExportError(
        .unknownTables,
        "\(listName) names tables the source does not have: \(unknown.joined(separator: ", "))",
        nextStep: "check the spelling (schema.table, case-sensitive) against the source catalog")
    }
    return found
  }
}
