/// Reads a `Catalog` from a database: one query per kind of object (schemas, relations,
/// columns, constraints, indexes, sequences, policies, grants), over a list of schemas.
///
/// The one place in cutover that queries `pg_class`, `pg_attribute`, `pg_constraint` and
/// `pg_index`: every part that needs catalog facts reads them here. The schema list goes in
/// as one `$1::text[]` parameter. Blocking: runs on the connection's own thread.
public struct CatalogReader: Sendable {
  /// Which schemas a reader covers.
  public enum Scope: Sendable, Hashable {
    /// These schemas (those that exist).
    case schemas([String])
    /// Every schema but these, PostgreSQL's own (`pg_*`, `information_schema`) and temporary ones.
    case allSchemas(except: [String])
  }

  public var scope: Scope

  public init(scope: Scope) { self.scope = scope }

  /// A reader of `schemas`.
  public init(schemas: [String]) { self.init(scope: .schemas(schemas)) }

  /// Reads every relation of the scope's schemas, and their sequences.
  ///
  /// - Throws: `PostgresError` when a catalog query fails or returns what cutover does not expect.
  public func read(from connection: PGConnection) throws -> Catalog {
    let schemas = try schemaNames(on: connection)
    guard !schemas.isEmpty else { return Catalog(schemas: [], relations: [], sequences: []) }
    let list = PostgresArray.literal(schemas)
    let about = schemas.count > 3 ? "\(schemas.count) schemas" : schemas.joined(separator: ", ")

    let sequences = try connection.execute(
      Self.sequencesQuery, [list], doing: "reading the sequences of \(about)"
    )
    .map(Self.sequence)
    var ownedSequences: [String: QualifiedName] = [:]
    for sequence in sequences {
      if let table = sequence.ownedByTable, let column = sequence.ownedByColumn {
        ownedSequences["\(table.quoted).\(QualifiedName.quote(column))"] = sequence.name
      }
    }
    var columns: [String: [CatalogColumn]] = [:]
    for row in try connection.execute(Self.columnsQuery, [list], doing: "reading the columns of \(about)") {
      columns[try row.string("oid"), default: []].append(try Self.column(row))
    }
    var primaryKeys: [String: CatalogKey] = [:]
    var uniques: [String: [CatalogKey]] = [:]
    var checks: [String: [CatalogCheck]] = [:]
    var foreignKeys: [String: [CatalogForeignKey]] = [:]
    for row in try connection.execute(
      Self.constraintsQuery, [list], doing: "reading the constraints of \(about)")
    {
      let oid = try row.string("oid")
      let name = try row.string("name")
      let keyColumns = try row.stringArray("columns")
      let deferrable = try row.bool("deferrable")
      let definition = try row.string("definition")
      switch try row.string("type") {
      case "p":
        primaryKeys[oid] = CatalogKey(
          name: name, columns: keyColumns, definition: definition, deferrable: deferrable)
      case "u":
        uniques[oid, default: []].append(
          CatalogKey(name: name, columns: keyColumns, definition: definition, deferrable: deferrable))
      case "c":
        checks[oid, default: []].append(
          CatalogCheck(name: name, definition: definition, validated: try row.bool("validated")))
      default:
        foreignKeys[oid, default: []].append(
          CatalogForeignKey(
            name: name, columns: keyColumns,
            referenced: QualifiedName(
              schema: try row.string("referenced_schema"), name: try row.string("referenced_name")),
            referencedColumns: try row.stringArray("referenced_columns"),
            definition: definition, deferrable: deferrable,
            initiallyDeferred: try row.bool("deferred"), validated: try row.bool("validated")))
      }
    }
    var indexes: [String: [CatalogIndex]] = [:]
    for row in try connection.execute(Self.indexesQuery, [list], doing: "reading the indexes of \(about)") {
      var indexColumns = try row.stringArray("key_columns")
      for column in try row.stringArray("other_columns") where !indexColumns.contains(column) {
        indexColumns.append(column)
      }
      indexes[try row.string("oid"), default: []].append(
        CatalogIndex(
          name: try row.string("name"), definition: try row.string("definition"),
          isUnique: try row.bool("is_unique"), isPrimary: try row.bool("is_primary"),
          constraint: try row.optionalString("constraint_name"), columns: indexColumns,
          isPartial: try row.bool("is_partial"), isValid: try row.bool("is_valid")))
    }
    var policies: [String: [CatalogPolicy]] = [:]
    for row in try connection.execute(Self.policiesQuery, [list], doing: "reading the policies of \(about)") {
      policies[try row.string("oid"), default: []].append(
        CatalogPolicy(
          name: try row.string("name"), command: try row.string("command"),
          permissive: try row.bool("permissive"), roles: try row.stringArray("roles"),
          using: try row.optionalString("using_expression"),
          withCheck: try row.optionalString("with_check_expression")))
    }
    var grants: [String: [CatalogGrant]] = [:]
    for row in try connection.execute(Self.grantsQuery, [list], doing: "reading the grants of \(about)") {
      grants[try row.string("oid"), default: []].append(
        CatalogGrant(
          grantee: try row.string("grantee"), privilege: try row.string("privilege"),
          column: try row.optionalString("column_name"), grantor: try row.string("grantor"),
          grantable: try row.bool("grantable")))
    }

    var relations: [CatalogTable] = []
    for row in try connection.execute(Self.relationsQuery, [list], doing: "reading the tables of \(about)") {
      let oid = try row.string("oid")
      guard let kind = TableKind(relkind: try row.string("kind")) else { continue }
      let name = QualifiedName(schema: try row.string("schema"), name: try row.string("name"))
      let parents = try Self.names(row, "parent_schemas", "parent_names")
      let isPartition = try row.bool("is_partition")
      let reltuples = try row.int64("reltuples")
      var tableColumns = columns[oid] ?? []
      for index in tableColumns.indices {
        tableColumns[index].ownedSequence =
          ownedSequences["\(name.quoted).\(QualifiedName.quote(tableColumns[index].name))"]
      }
      relations.append(
        CatalogTable(
          name: name, kind: kind, owner: try row.string("owner"),
          fromExtension: try row.optionalString("extension"),
          partitionOf: isPartition ? parents.first : nil,
          partitionBound: try row.optionalString("partition_bound"),
          inherits: isPartition ? [] : parents,
          children: try Self.names(row, "child_schemas", "child_names").sorted(),
          estimatedRows: reltuples < 0 ? nil : reltuples, pages: try row.int64("relpages"),
          bytes: try row.int64("bytes"), columns: tableColumns, primaryKey: primaryKeys[oid],
          uniqueConstraints: uniques[oid] ?? [], checks: checks[oid] ?? [],
          foreignKeys: foreignKeys[oid] ?? [], indexes: indexes[oid] ?? [],
          rowSecurityEnabled: try row.bool("row_security"),
          rowSecurityForced: try row.bool("force_row_security"),
          policies: policies[oid] ?? [], grants: (grants[oid] ?? []).sorted()))
    }
    return Catalog(schemas: schemas, relations: relations, sequences: sequences)
  }

  /// The schemas of the scope that exist, sorted.
  public func schemaNames(on connection: PGConnection) throws -> [String] {
    let (names, included) =
      switch scope {
      case .schemas(let names): (names, true)
      case .allSchemas(let except): (except, false)
      }
    return try connection.execute(
      """
      SELECT n.nspname::text AS name FROM pg_catalog.pg_namespace n
      WHERE CASE WHEN $2::bool THEN n.nspname = ANY ($1::text[])
                 ELSE n.nspname <> ALL ($1::text[]) AND n.nspname NOT LIKE 'pg\\_%'
                      AND n.nspname <> 'information_schema' END
      ORDER BY 1
      """, [PostgresArray.literal(names), included ? "true" : "false"], doing: "reading the schema names"
    ).map { try $0.string("name") }
  }

  /// Pairs two parallel arrays of schemas and names.
  private static func names(_ row: PGRow, _ schemas: String, _ names: String) throws -> [QualifiedName] {
    let schemaList = try row.stringArray(schemas)
    let nameList = try row.stringArray(names)
    guard schemaList.count == nameList.count else {
      throw PostgresError(
        code: .unexpectedResult, message: "\(schemas) and \(names) differ in length", doing: row.doing)
    }
    return zip(schemaList, nameList).map { QualifiedName(schema: $0, name: $1) }
  }

  private static func column(_ row: PGRow) throws -> CatalogColumn {
    let identity: CatalogColumn.Identity? =
      switch try row.string("identity") {
      case "a": .always
      case "d": .byDefault
      default: nil
      }
    return CatalogColumn(
      name: try row.string("name"), position: try row.int("position"), type: try row.string("type"),
      baseType: try row.string("base_type"), isArray: try row.bool("is_array"),
      enumLabels: try row.stringArray("enum_labels"), typmod: try row.int("typmod"),
      notNull: try row.bool("not_null"), defaultExpression: try row.optionalString("default_expression"),
      generatedExpression: try row.optionalString("generated_expression"), identity: identity)
  }

  private static func sequence(_ row: PGRow) throws -> CatalogSequence {
    let ownerTable = try row.optionalString("owner_table").map { table in
      QualifiedName(schema: try row.string("owner_schema"), name: table)
    }
    return CatalogSequence(
      name: QualifiedName(schema: try row.string("schema"), name: try row.string("name")),
      dataType: try row.string("data_type"), ownedByTable: ownerTable,
      ownedByColumn: try row.optionalString("owner_column"), isIdentity: try row.bool("is_identity"),
      start: try row.int64("start"), increment: try row.int64("increment"), minimum: try row.int64("minimum"),
      maximum: try row.int64("maximum"), cycles: try row.bool("cycles"),
      lastValue: try row.optionalInt64("last_value"))
  }

  static let relationsQuery = """
    SELECT c.oid::text AS oid, n.nspname::text AS schema, c.relname::text AS name, c.relkind::text AS kind,
           pg_catalog.pg_get_userbyid(c.relowner)::text AS owner,
           (SELECT e.extname::text FROM pg_catalog.pg_depend d
            JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid
            WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid
              AND d.refclassid = 'pg_catalog.pg_extension'::regclass AND d.deptype = 'e'
            LIMIT 1) AS extension,
           c.relispartition AS is_partition,
           pg_catalog.pg_get_expr(c.relpartbound, c.oid) AS partition_bound,
           ARRAY(SELECT pn.nspname::text FROM pg_catalog.pg_inherits i
                 JOIN pg_catalog.pg_class p ON p.oid = i.inhparent
                 JOIN pg_catalog.pg_namespace pn ON pn.oid = p.relnamespace
                 WHERE i.inhrelid = c.oid ORDER BY i.inhseqno) AS parent_schemas,
           ARRAY(SELECT p.relname::text FROM pg_catalog.pg_inherits i
                 JOIN pg_catalog.pg_class p ON p.oid = i.inhparent
                 WHERE i.inhrelid = c.oid ORDER BY i.inhseqno) AS parent_names,
           ARRAY(SELECT chn.nspname::text FROM pg_catalog.pg_inherits i
                 JOIN pg_catalog.pg_class ch ON ch.oid = i.inhrelid
                 JOIN pg_catalog.pg_namespace chn ON chn.oid = ch.relnamespace
                 WHERE i.inhparent = c.oid ORDER BY chn.nspname, ch.relname) AS child_schemas,
           ARRAY(SELECT ch.relname::text FROM pg_catalog.pg_inherits i
                 JOIN pg_catalog.pg_class ch ON ch.oid = i.inhrelid
                 JOIN pg_catalog.pg_namespace chn ON chn.oid = ch.relnamespace
                 WHERE i.inhparent = c.oid ORDER BY chn.nspname, ch.relname) AS child_names,
           c.reltuples::bigint AS reltuples, c.relpages::bigint AS relpages,
           -- From the page count, not pg_relation_size: that takes a lock on the table, and a
           -- catalog read must never wait behind a session holding one.
           CASE WHEN c.relkind IN ('r', 'm')
                THEN c.relpages::bigint * current_setting('block_size')::bigint ELSE 0 END AS bytes,
           c.relrowsecurity AS row_security, c.relforcerowsecurity AS force_row_security
    FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = ANY ($1::text[]) AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
    ORDER BY n.nspname, c.relname
    """

  static let columnsQuery = """
    SELECT a.attrelid::text AS oid, a.attname::text AS name, a.attnum AS position,
           pg_catalog.format_type(a.atttypid, a.atttypmod) AS type,
           coalesce(et.typname, t.typname)::text AS base_type, (et.oid IS NOT NULL) AS is_array,
           ARRAY(SELECT e.enumlabel::text FROM pg_catalog.pg_enum e
                 WHERE e.enumtypid = coalesce(et.oid, t.oid) ORDER BY e.enumsortorder) AS enum_labels,
           a.atttypmod AS typmod, a.attnotnull AS not_null,
           CASE WHEN a.attgenerated = '' THEN pg_catalog.pg_get_expr(ad.adbin, ad.adrelid) END AS default_expression,
           CASE WHEN a.attgenerated <> '' THEN pg_catalog.pg_get_expr(ad.adbin, ad.adrelid) END AS generated_expression,
           a.attidentity::text AS identity
    FROM pg_catalog.pg_attribute a
    JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
    LEFT JOIN pg_catalog.pg_type et ON et.oid = t.typelem AND t.typcategory = 'A'
    LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
    WHERE n.nspname = ANY ($1::text[]) AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
      AND a.attnum > 0 AND NOT a.attisdropped
    ORDER BY a.attrelid, a.attnum
    """

  /// Primary, unique, check and foreign keys; the copies PostgreSQL makes of a foreign key
  /// on partitions (and for referenced partitions) are left out (`conparentid`).
  static let constraintsQuery = """
    SELECT k.conrelid::text AS oid, k.conname::text AS name, k.contype::text AS type,
           pg_catalog.pg_get_constraintdef(k.oid) AS definition,
           ARRAY(SELECT a.attname::text FROM unnest(k.conkey) WITH ORDINALITY u(num, ord)
                 JOIN pg_catalog.pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.num
                 ORDER BY u.ord) AS columns,
           fn.nspname::text AS referenced_schema, fc.relname::text AS referenced_name,
           ARRAY(SELECT a.attname::text FROM unnest(k.confkey) WITH ORDINALITY u(num, ord)
                 JOIN pg_catalog.pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.num
                 ORDER BY u.ord) AS referenced_columns,
           k.condeferrable AS deferrable, k.condeferred AS deferred, k.convalidated AS validated
    FROM pg_catalog.pg_constraint k
    JOIN pg_catalog.pg_class c ON c.oid = k.conrelid
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_catalog.pg_class fc ON fc.oid = k.confrelid
    LEFT JOIN pg_catalog.pg_namespace fn ON fn.oid = fc.relnamespace
    WHERE n.nspname = ANY ($1::text[]) AND k.contype IN ('p', 'u', 'c', 'f')
      AND (k.contype <> 'f' OR k.conparentid = 0)
    ORDER BY k.conrelid, k.conname
    """

  static let indexesQuery = """
    SELECT i.indrelid::text AS oid, ic.relname::text AS name,
           pg_catalog.pg_get_indexdef(i.indexrelid) AS definition,
           i.indisunique AS is_unique, i.indisprimary AS is_primary,
           (SELECT k.conname::text FROM pg_catalog.pg_constraint k
            WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid AND k.contype IN ('p', 'u', 'x')
            LIMIT 1) AS constraint_name,
           ARRAY(SELECT a.attname::text FROM unnest(i.indkey::int2[]) WITH ORDINALITY u(num, ord)
                 JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = u.num
                 ORDER BY u.ord) AS key_columns,
           ARRAY(SELECT a.attname::text FROM pg_catalog.pg_depend d
                 JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = d.refobjsubid
                 WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = i.indexrelid
                   AND d.refclassid = 'pg_catalog.pg_class'::regclass AND d.refobjid = i.indrelid
                   AND d.refobjsubid > 0
                 ORDER BY a.attnum) AS other_columns,
           (i.indpred IS NOT NULL) AS is_partial, i.indisvalid AS is_valid
    FROM pg_catalog.pg_index i
    JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
    JOIN pg_catalog.pg_class c ON c.oid = i.indrelid
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = ANY ($1::text[])
    ORDER BY i.indrelid, ic.relname
    """

  /// Sequences of the schemas and those their tables own; `last_value` as `pg_sequences` reads it.
  static let sequencesQuery = """
    SELECT sn.nspname::text AS schema, s.relname::text AS name,
           pg_catalog.format_type(q.seqtypid, NULL) AS data_type,
           tn.nspname::text AS owner_schema, t.relname::text AS owner_table, a.attname::text AS owner_column,
           coalesce(d.deptype = 'i', false) AS is_identity,
           q.seqstart AS start, q.seqincrement AS increment, q.seqmin AS minimum, q.seqmax AS maximum,
           q.seqcycle AS cycles,
           CASE WHEN pg_catalog.has_sequence_privilege(s.oid, 'SELECT,USAGE')
                THEN pg_catalog.pg_sequence_last_value(s.oid::regclass) END AS last_value
    FROM pg_catalog.pg_class s
    JOIN pg_catalog.pg_namespace sn ON sn.oid = s.relnamespace
    JOIN pg_catalog.pg_sequence q ON q.seqrelid = s.oid
    LEFT JOIN pg_catalog.pg_depend d
      ON d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = s.oid
     AND d.refclassid = 'pg_catalog.pg_class'::regclass AND d.refobjsubid > 0 AND d.deptype IN ('a', 'i')
    LEFT JOIN pg_catalog.pg_class t ON t.oid = d.refobjid
    LEFT JOIN pg_catalog.pg_namespace tn ON tn.oid = t.relnamespace
    LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
    WHERE s.relkind = 'S' AND (sn.nspname = ANY ($1::text[]) OR tn.nspname = ANY ($1::text[]))
    ORDER BY sn.nspname, s.relname
    """

  static let policiesQuery = """
    SELECT p.polrelid::text AS oid, p.polname::text AS name,
           CASE p.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE'
                         WHEN 'd' THEN 'DELETE' ELSE 'ALL' END AS command,
           p.polpermissive AS permissive,
           ARRAY(SELECT CASE WHEN r = 0 THEN 'public' ELSE pg_catalog.pg_get_userbyid(r)::text END
                 FROM unnest(p.polroles) r ORDER BY 1) AS roles,
           pg_catalog.pg_get_expr(p.polqual, p.polrelid) AS using_expression,
           pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid) AS with_check_expression
    FROM pg_catalog.pg_policy p
    JOIN pg_catalog.pg_class c ON c.oid = p.polrelid
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = ANY ($1::text[])
    ORDER BY p.polrelid, p.polname
    """

  static let grantsQuery = """
    SELECT c.oid::text AS oid, NULL::text AS column_name,
           CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE pg_catalog.pg_get_userbyid(g.grantee)::text END AS grantee,
           g.privilege_type AS privilege, pg_catalog.pg_get_userbyid(g.grantor)::text AS grantor,
           g.is_grantable AS grantable
    FROM pg_catalog.pg_class c
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    CROSS JOIN LATERAL pg_catalog.aclexplode(c.relacl) g
    WHERE n.nspname = ANY ($1::text[]) AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
    UNION ALL
    SELECT c.oid::text, a.attname::text,
           CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE pg_catalog.pg_get_userbyid(g.grantee)::text END,
           g.privilege_type, pg_catalog.pg_get_userbyid(g.grantor)::text, g.is_grantable
    FROM pg_catalog.pg_attribute a
    JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    CROSS JOIN LATERAL pg_catalog.aclexplode(a.attacl) g
    WHERE n.nspname = ANY ($1::text[]) AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
      AND a.attnum > 0 AND NOT a.attisdropped
    """
}
