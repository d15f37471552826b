/// Reads a `FixtureCatalog` from a database's catalogs (`pg_class`, `pg_attribute`,
/// `pg_constraint`, `pg_index`, `pg_depend`, `pg_enum`).
///
/// Blocking: runs on the connection's own thread.
public struct CatalogReader: Sendable {
  /// The schemas whose tables are read.
  public var schemas: [String]

  public init(schemas: [String]) { self.schemas = schemas }

  /// Reads every ordinary and partitioned table of `schemas`, sorted by name.
  ///
  /// - Throws: `PostgresError` when a catalog query fails.
  public func read(from connection: PGConnection) throws -> FixtureCatalog {
    let schemaList = PostgresArray.literal(schemas)
    let tableRows = try connection.execute(
      """
      SELECT c.oid::text, n.nspname, c.relname
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = ANY ($1::text[]) AND c.relkind IN ('r', 'p') AND NOT c.relispartition
      ORDER BY n.nspname, c.relname
      """, [schemaList], doing: "reading the tables of \(schemas.joined(separator: ", "))")
    let columnRows = try connection.execute(
      """
      SELECT a.attrelid::text, a.attname, format_type(a.atttypid, a.atttypmod),
             coalesce(et.typname, t.typname), (t.typcategory = 'A')::text,
             coalesce((SELECT string_agg(e.enumlabel, E'\\x1f' ORDER BY e.enumsortorder)
                       FROM pg_enum e WHERE e.enumtypid = coalesce(et.oid, t.oid)), ''),
             a.atttypmod::text, a.attnotnull::text, a.atthasdef::text, (a.attgenerated <> '')::text,
             a.attidentity::text, pg_get_serial_sequence(quote_ident(n.nspname) || '.' || quote_ident(c.relname), a.attname)
      FROM pg_attribute a
      JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_type t ON t.oid = a.atttypid
      LEFT JOIN pg_type et ON et.oid = t.typelem AND t.typcategory = 'A'
      WHERE n.nspname = ANY ($1::text[]) AND c.relkind IN ('r', 'p') AND a.attnum > 0
        AND NOT a.attisdropped
      ORDER BY a.attrelid, a.attnum
      """, [schemaList], doing: "reading the columns of \(schemas.joined(separator: ", "))")
    let constraintRows = try connection.execute(
      """
      SELECT k.conrelid::text, k.conname, k.contype::text, pg_get_constraintdef(k.oid),
             (SELECT string_agg(a.attname, E'\\x1f' ORDER BY u.ord) FROM unnest(k.conkey) WITH ORDINALITY u(num, ord)
              JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.num),
             coalesce(fn.nspname, ''), coalesce(fc.relname, ''),
             coalesce((SELECT string_agg(a.attname, E'\\x1f' ORDER BY u.ord) FROM unnest(k.confkey) WITH ORDINALITY u(num, ord)
              JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.num), '')
      FROM pg_constraint k
      JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_class fc ON fc.oid = k.confrelid LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
      WHERE n.nspname = ANY ($1::text[]) AND k.contype IN ('p', 'u', 'c', 'f')
      ORDER BY k.conrelid, k.conname
      """, [schemaList], doing: "reading the constraints of \(schemas.joined(separator: ", "))")
    let indexRows = try connection.execute(
      """
      SELECT i.indrelid::text, i.indisunique::text,
             (SELECT string_agg(DISTINCT a.attname, E'\\x1f')
              FROM pg_attribute a
              WHERE a.attrelid = i.indrelid AND a.attnum > 0
                AND (a.attnum = ANY (i.indkey::int2[])
                     OR EXISTS (SELECT 1 FROM pg_depend d
                                WHERE d.classid = 'pg_class'::regclass AND d.objid = i.indexrelid
                                  AND d.refclassid = 'pg_class'::regclass AND d.refobjid = i.indrelid
                                  AND d.refobjsubid = a.attnum)))
      FROM pg_index i
      JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = ANY ($1::text[])
      ORDER BY i.indrelid, i.indexrelid
      """, [schemaList], doing: "reading the indexes of \(schemas.joined(separator: ", "))")

    func split(_ text: String?) -> [String] {
      guard let text, !text.isEmpty else { return [] }
      return text.split(separator: "\u{1f}", omittingEmptySubsequences: false).map(String.init)
    }
    var columns: [String: [FixtureCatalog.Column]] = [:]
    for row in columnRows.rows {
      let oid = row[0] ?? ""
      let typeName = row[2] ?? ""
      let typmod = Int(row[6] ?? "") ?? -1
      let baseType = row[3] ?? ""
      var maxLength: Int?
      var precision: Int?
      var scale: Int?
      if typmod >= 4, ["varchar", "bpchar"].contains(baseType) { maxLength = typmod - 4 }
      if typmod >= 4, baseType == "numeric" {
        precision = ((typmod - 4) >> 16) & 0xFFFF
        scale = (typmod - 4) & 0xFFFF
      }
      columns[oid, default: []].append(
        FixtureCatalog.Column(
          name: row[1] ?? "", typeName: typeName, baseType: baseType, isArray: row[4] == "true",
          enumLabels: split(row[5]), maxLength: maxLength, numericPrecision: precision,
          numericScale: scale, notNull: row[7] == "true", hasDefault: row[8] == "true",
          isGenerated: row[9] == "true", identity: row[10] ?? "", ownedSequence: row[11]))
    }
    var primaryKeys: [String: [String]] = [:]
    var uniqueKeys: [String: [[String]]] = [:]
    var checks: [String: [(name: String, definition: String)]] = [:]
    var foreignKeys: [String: [FixtureCatalog.ForeignKey]] = [:]
    for row in constraintRows.rows {
      let oid = row[0] ?? ""
      let name = row[1] ?? ""
      let keyColumns = split(row[4])
      switch row[2] {
      case "p":
        primaryKeys[oid] = keyColumns
        uniqueKeys[oid, default: []].append(keyColumns)
      case "u": uniqueKeys[oid, default: []].append(keyColumns)
      case "c": checks[oid, default: []].append((name: name, definition: row[3] ?? ""))
      case "f":
        foreignKeys[oid, default: []].append(
          FixtureCatalog.ForeignKey(
            name: name, columns: keyColumns,
            referenced: QualifiedName(schema: row[5] ?? "", name: row[6] ?? ""),
            referencedColumns: split(row[7])))
      default: break
      }
    }
    var indexed: [String: Set<String>] = [:]
    for row in indexRows.rows {
      let oid = row[0] ?? ""
      let keyColumns = split(row[2])
      indexed[oid, default: []].formUnion(keyColumns)
      if row[1] == "true", !keyColumns.isEmpty,
        !(uniqueKeys[oid] ?? []).contains(where: { Set($0) == Set(keyColumns) })
      {
        uniqueKeys[oid, default: []].append(keyColumns)
      }
    }
    let tables = tableRows.rows.map { row -> FixtureCatalog.Table in
      let oid = row[0] ?? ""
      return FixtureCatalog.Table(
        name: QualifiedName(schema: row[1] ?? "", name: row[2] ?? ""),
        columns: columns[oid] ?? [], primaryKey: primaryKeys[oid] ?? [],
        uniqueKeys: uniqueKeys[oid] ?? [], indexedColumns: indexed[oid] ?? [],
        checks: checks[oid] ?? [], foreignKeys: foreignKeys[oid] ?? [])
    }
    return FixtureCatalog(tables: tables)
  }
}
