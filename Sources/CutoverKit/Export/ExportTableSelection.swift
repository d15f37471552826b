/// Which tables an export reads, from the source catalog (never a hard-coded table list).
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
  /// Schemas that belong to PostgreSQL or the Supabase platform, not to the application:
  /// their tables are recreated by the platform on the target (auth and storage are read
  /// only for the tables above). `pg_toast*` and `pg_temp*` are left out by pattern.
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
    try validate()
    var candidates: [(oid: String, plan: TablePlan)]
    if only.isEmpty {
      let rows = try connection.execute(
        """
        SELECT c.oid::text AS oid, n.nspname AS schema, c.relname AS name,
               GREATEST(c.reltuples, 0)::bigint AS rows, \(Self.sizeExpression) AS bytes,
               c.relkind::text AS kind
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
          AND NOT EXISTS (SELECT 1 FROM pg_depend d
                          WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                            AND d.deptype = 'e')
          AND ((n.nspname <> ALL($1::text[]) AND n.nspname !~ '^pg_(toast|temp)')
               OR (n.nspname = 'auth' AND c.relname = ANY($2::text[]))
               OR (n.nspname = 'storage' AND c.relname = ANY($3::text[])))
        """,
        [
          PostgresArray.literal(Self.platformSchemas), PostgresArray.literal(Self.authTables),
          PostgresArray.literal(Self.storageTables),
        ],
        doing: "listing the tables to export")
      candidates = try rows.map(Self.candidate)
    } else {
      candidates = try lookUp(only, on: connection, listName: "--tables")
    }
    if !exclude.isEmpty {
      let excluded = Set(try lookUp(exclude, on: connection, listName: "--exclude").map(\.plan.name))
      candidates.removeAll { excluded.contains($0.plan.name) }
    }
    var seen = Set<QualifiedName>()
    candidates = candidates.filter { seen.insert($0.plan.name).inserted }
    guard !candidates.isEmpty else { throw emptySelection(on: connection) }
    let columns = try self.columns(of: candidates.map(\.oid), on: connection)
    var plans = candidates.map { candidate in
      var plan = candidate.plan
      plan.columns = columns[candidate.oid] ?? []
      return plan
    }
    plans.sort {
      ($0.estimatedBytes, $0.estimatedRows, $1.name) > ($1.estimatedBytes, $1.estimatedRows, $0.name)
    }
    return plans
  }

  /// Bytes of a table, or of all its partitions, from the catalog's page counts.
  ///
  /// Not `pg_relation_size`: it takes a lock on the table, so planning would hang behind a
  /// session holding one, before the export's own locks can time out and name the table.
  private static let sizeExpression = """
    (CASE WHEN c.relkind = 'p'
          THEN (SELECT COALESCE(sum(pc.relpages), 0) FROM pg_partition_tree(c.oid) t
                JOIN pg_class pc ON pc.oid = t.relid)
          ELSE c.relpages END)::bigint * current_setting('block_size')::bigint
    """

  private static func candidate(_ row: PGRow) throws -> (oid: String, plan: TablePlan) {
    let plan = TablePlan(
      name: QualifiedName(schema: try row.string("schema"), name: try row.string("name")), columns: [],
      estimatedRows: try row.int64("rows"), estimatedBytes: try row.int64("bytes"),
      isPartitioned: try row.string("kind") == "p")
    return (try row.string("oid"), plan)
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
    -> [(oid: String, plan: TablePlan)]
  {
    let parsed = names.map { QualifiedName(parsing: $0) }
    let rows = try connection.execute(
      """
      SELECT c.oid::text AS oid, w.s AS schema, w.t AS name,
             GREATEST(c.reltuples, 0)::bigint AS rows, \(Self.sizeExpression) AS bytes,
             c.relkind::text AS kind
      FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS w(s, t, ord)
      LEFT JOIN pg_namespace n ON n.nspname = w.s
      LEFT JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = w.t
      ORDER BY w.ord
      """,
      [PostgresArray.literal(parsed.map(\.schema)), PostgresArray.literal(parsed.map(\.name))],
      doing: "looking up the \(listName) tables")
    var unknown: [String] = []
    var found: [(oid: String, plan: TablePlan)] = []
    for row in rows {
      let name = QualifiedName(schema: try row.string("schema"), name: try row.string("name"))
      guard let kind = try row.optionalString("kind") else {
        unknown.append("\(name) (no such table)")
        continue
      }
      guard kind == "r" || kind == "p" else {
        unknown.append("\(name) (not a table: relkind \(kind))")
        continue
      }
      found.append(try Self.candidate(row))
    }
    guard unknown.isEmpty else {
      throw ExportError(
        .unknownTables,
        "\(listName) names tables the source does not have: \(unknown.joined(separator: ", "))",
        nextStep: "check the spelling (schema.table, case-sensitive) against the source catalog")
    }
    return found
  }

  /// The exported columns of each table oid, in order, generated columns left out.
  private func columns(of oids: [String], on connection: PGConnection) throws
    -> [String: [ExportManifest.Column]]
  {
    guard !oids.isEmpty else { return [:] }
    let rows = try connection.execute(
      """
      SELECT a.attrelid::text AS oid, a.attname AS name,
             format_type(a.atttypid, a.atttypmod) AS type
      FROM pg_attribute a
      WHERE a.attrelid = ANY($1::oid[]) AND a.attnum > 0 AND NOT a.attisdropped
        AND a.attgenerated = ''
      ORDER BY a.attrelid, a.attnum
      """,
      [PostgresArray.literal(oids)], doing: "reading the columns of the tables to export")
    var columns: [String: [ExportManifest.Column]] = [:]
    for row in rows {
      columns[try row.string("oid"), default: []].append(
        ExportManifest.Column(name: try row.string("name"), type: try row.string("type")))
    }
    return columns
  }
}
