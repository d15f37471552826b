/// Which tables an export reads, from the source catalog (never a hard-coded table list).
///
/// Until mappings exist the default is every table of schema `app`, the `auth` tables that
/// hold user state, and `storage.buckets`/`storage.objects` — whichever of them exist.
/// Partitions are read through their parent, so they are not listed themselves.
public struct ExportTableSelection: Sendable {
  /// `auth` tables that hold users' state (the rest is Supabase's own bookkeeping).
  public static let authTables = ["users", "identities", "sessions", "refresh_tokens", "mfa_factors"]
  /// `storage` tables that describe buckets and objects (the files themselves stay put).
  public static let storageTables = ["buckets", "objects"]
  /// The schema whose every table is application data.
  public static let applicationSchema = "app"

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
  ///   not a table of the source; `PostgresError` from the server.
  public func plan(on connection: PGConnection) throws -> [TablePlan] {
    try validate()
    var candidates: [(oid: String, plan: TablePlan)]
    if only.isEmpty {
      let rows = try connection.execute(
        """
        SELECT c.oid::text, n.nspname, c.relname, GREATEST(c.reltuples, 0)::bigint::text,
               pg_relation_size(c.oid)::text
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
          AND (n.nspname = $1
               OR (n.nspname = 'auth' AND c.relname = ANY($2::text[]))
               OR (n.nspname = 'storage' AND c.relname = ANY($3::text[])))
        """,
        [
          Self.applicationSchema, PostgresArray.literal(Self.authTables),
          PostgresArray.literal(Self.storageTables),
        ],
        doing: "listing the tables to export")
      candidates = rows.rows.map(Self.candidate)
    } else {
      candidates = try lookUp(only, on: connection, listName: "--tables")
    }
    if !exclude.isEmpty {
      let excluded = Set(try lookUp(exclude, on: connection, listName: "--exclude").map(\.plan.name))
      candidates.removeAll { excluded.contains($0.plan.name) }
    }
    var seen = Set<QualifiedName>()
    candidates = candidates.filter { seen.insert($0.plan.name).inserted }
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

  private static func candidate(_ row: [String?]) -> (oid: String, plan: TablePlan) {
    let plan = TablePlan(
      name: QualifiedName(schema: row[1] ?? "", name: row[2] ?? ""), columns: [],
      estimatedRows: Int64(row[3] ?? "") ?? 0, estimatedBytes: Int64(row[4] ?? "") ?? 0)
    return (row[0] ?? "", plan)
  }

  /// Finds listed tables; unknown names or non-tables are one usage error naming them all.
  private func lookUp(_ names: [String], on connection: PGConnection, listName: String) throws
    -> [(oid: String, plan: TablePlan)]
  {
    let parsed = names.map { QualifiedName(parsing: $0) }
    let rows = try connection.execute(
      """
      SELECT c.oid::text, w.s, w.t, GREATEST(c.reltuples, 0)::bigint::text,
             pg_relation_size(c.oid)::text, c.relkind::text, w.ord::text
      FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS w(s, t, ord)
      LEFT JOIN pg_namespace n ON n.nspname = w.s
      LEFT JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = w.t
      ORDER BY w.ord
      """,
      [PostgresArray.literal(parsed.map(\.schema)), PostgresArray.literal(parsed.map(\.name))],
      doing: "looking up the \(listName) tables")
    var unknown: [String] = []
    var found: [(oid: String, plan: TablePlan)] = []
    for row in rows.rows {
      let name = QualifiedName(schema: row[1] ?? "", name: row[2] ?? "")
      guard row[0] != nil, let kind = row[5] else {
        unknown.append("\(name) (no such table)")
        continue
      }
      guard kind == "r" || kind == "p" else {
        unknown.append("\(name) (not a table: relkind \(kind))")
        continue
      }
      found.append(Self.candidate(row))
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
      SELECT a.attrelid::text, a.attname, format_type(a.atttypid, a.atttypmod)
      FROM pg_attribute a
      WHERE a.attrelid = ANY($1::oid[]) AND a.attnum > 0 AND NOT a.attisdropped
        AND a.attgenerated = ''
      ORDER BY a.attrelid, a.attnum
      """,
      [PostgresArray.literal(oids)], doing: "reading the columns of the tables to export")
    var columns: [String: [ExportManifest.Column]] = [:]
    for row in rows.rows {
      columns[row[0] ?? "", default: []].append(
        ExportManifest.Column(name: row[1] ?? "", type: row[2] ?? ""))
    }
    return columns
  }
}
