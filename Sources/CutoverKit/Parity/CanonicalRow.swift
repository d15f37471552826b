/// The canonical form parity hashes, the same on the source (the mapping's SQL path) and the
/// target (the loaded rows): the one place its SQL is built.
///
/// Each target column is rendered as text under fixed session settings (`sessionSettings`),
/// in the target's COPY column order; the row is `ROW(t1, …, tn)::text`, which keeps NULL
/// (`(,x)`) apart from the empty string (`("",x)`). A row's hash is
/// `hashtextextended(row, 0)`; a table's digest is the exact `numeric` sum of its rows'
/// hashes (order-independent, and duplicate rows add up instead of cancelling as XOR would).
/// On the source each column's expression is cast to the target's type first, so both sides
/// print the same type; a target type the source cannot cast to (an enum or a type only the
/// target has) is compared as its text (`comparedAs`). See `docs/parity.md`.
public struct CanonicalRow: Sendable {
  /// The algorithm name recorded in the manifest and the report.
  public static let algorithm = "sum-hashtextextended-v1"

  /// The session settings both sides render values under.
  public static let sessionSettings = [
    "SET TimeZone = 'UTC'", "SET DateStyle = 'ISO, YMD'", "SET IntervalStyle = 'postgres'",
    "SET extra_float_digits = 1", "SET bytea_output = 'hex'", "SET lc_monetary = 'C'",
  ]

  /// The target columns, in order, each with the type its value is compared as.
  public var columns: [ExportManifest.ParityColumn]
  /// The positions in `columns` of the target's primary key; empty: rows are keyed by their
  /// whole-row hash.
  public var key: [Int]

  public init(columns: [ExportManifest.ParityColumn], key: [Int]) {
    self.columns = columns
    self.key = key
  }

  /// Applies `sessionSettings` on `connection`.
  public static func prepare(_ connection: PGConnection) throws {
    for setting in sessionSettings {
      try connection.execute(setting, doing: "setting the parity session (\(setting))")
    }
  }

  /// The source side: each column's text from `mapping`'s SQL expression.
  ///
  /// `sourceExpression` ends in `::<target type>`; where the column is compared as another
  /// type, that cast is replaced by one to `comparedAs`.
  public func sourceTexts(_ mapping: TableMapping) -> [String] {
    zip(columns, mapping.columns).map { recipe, column in
      let expression = column.sourceExpression
      let cast = "::" + column.type
      guard recipe.comparedAs != column.type, expression.hasSuffix(cast) else {
        return "(\(expression))::text"
      }
      let inner = String(expression.dropLast(cast.count))
      return "((\(inner))::\(recipe.comparedAs))::text"
    }
  }

  /// The target side: each column's own text (an enum's text is its label, as on the source).
  public func targetTexts() -> [String] {
    columns.map { "\(QualifiedName.quote($0.name))::text" }
  }

  /// The inner select: one text column `c1…cn` per target column.
  public static func texts(_ expressions: [String], from: String, where condition: String?) -> String {
    let list = expressions.enumerated().map { "\($1) AS c\($0 + 1)" }.joined(separator: ", ")
    return "SELECT \(list) FROM \(from)" + (condition.map { " WHERE \($0)" } ?? "")
  }

  /// The row's canonical text over the inner select's columns.
  public var rowText: String {
    "ROW(\(columns.indices.map { "s.c\($0 + 1)" }.joined(separator: ", ")))::text"
  }

  /// The row's hash.
  public var rowHash: String { "hashtextextended(\(rowText), 0)" }

  /// The hash rows are bucketed and matched by: the primary key's, else the whole row's.
  public var keyHash: String {
    guard !key.isEmpty else { return rowHash }
    return "hashtextextended(ROW(\(key.map { "s.c\($0 + 1)" }.joined(separator: ", ")))::text, 0)"
  }

  /// `count` and `digest` (text) of the rows of `inner`.
  public func aggregate(_ inner: String) -> String {
    "SELECT count(*) AS count, coalesce(sum(\(rowHash)), 0)::text AS digest FROM (\(inner)) s"
  }

  /// Per row: key hash `k`, row hash `h`, then the key columns' texts (`extra` follow).
  ///
  /// Without `keyHash`, the line of a rows file (`ParityRowsFile.format` 3: `k` is computed
  /// again when read); with it, what narrowing reads from the target.
  public func rowLines(
    _ inner: String, keyHash withKeyHash: Bool = true, extra: [String] = [], where condition: String? = nil
  ) -> String {
    let keys = key.map { "s.c\($0 + 1)" }
    let list = ((withKeyHash ? ["\(keyHash) AS k"] : []) + ["\(rowHash) AS h"] + keys + extra)
      .joined(separator: ", ")
    return "SELECT \(list) FROM (\(inner)) s" + (condition.map { " WHERE \($0)" } ?? "")
  }

  /// The rows file's fields of a row (`ParityRowsFile.format` 3: the row hash, then the key's
  /// texts), as expressions over the source table itself — `texts` are `sourceTexts` — so
  /// that the export's own COPY computes them beside the row; all NULL for a row `filter`
  /// leaves out.
  public func rowsFileFields(_ texts: [String], filter: String?) -> [String] {
    let hash = "hashtextextended(ROW(\(texts.joined(separator: ", ")))::text, 0)"
    return ([hash] + key.map { texts[$0] }).map { expression in
      filter.map { "CASE WHEN \($0) THEN \(expression) END" } ?? expression
    }
  }

  /// The session settings the import loads chunks under: the input formats the export's
  /// canonical session wrote them in, whatever the target's defaults.
  public static let loadSettings = [
    "SET DateStyle = 'ISO, YMD'", "SET IntervalStyle = 'postgres'", "SET lc_monetary = 'C'",
  ]

  /// The bucket of key hash `k` among `buckets` (0…buckets-1), as SQL.
  public static func bucketSQL(_ hash: String, buckets: Int) -> String {
    "(((\(hash)) % \(buckets)) + \(buckets)) % \(buckets)"
  }

  /// The bucket of key hash `hash`, as Swift computes it (the same as `bucketSQL`).
  public static func bucket(_ hash: Int64, buckets: Int) -> Int {
    let b = Int64(buckets)
    return Int(((hash % b) + b) % b)
  }
}
