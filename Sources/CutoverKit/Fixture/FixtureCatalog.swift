/// What the fixture generator needs to know of a database: its tables, columns, keys,
/// checks and foreign keys, read from the catalogs by `CatalogReader`.
///
/// Nothing here names an application table: the generator works from these facts and from
/// `ValueDomains` for what the catalogs cannot tell.
public struct FixtureCatalog: Sendable {
  /// One column of a table, in `attnum` order.
  public struct Column: Sendable, Hashable {
    public var name: String
    /// The type as `format_type` prints it (`character varying(255)`, `numeric(3,2)`).
    public var typeName: String
    /// The base type's name (`pg_type.typname`, for arrays the element's): `int4`, `text`.
    public var baseType: String
    /// True for array columns (`text[]`).
    public var isArray: Bool
    /// The labels when the (element) type is an enum, in sort order.
    public var enumLabels: [String]
    /// `atttypmod` decoded: the length of `varchar(n)`/`char(n)`.
    public var maxLength: Int?
    /// `numeric(p,s)`'s precision and scale.
    public var numericPrecision: Int?
    public var numericScale: Int?
    public var notNull: Bool
    public var hasDefault: Bool
    /// `GENERATED ALWAYS AS (…) STORED`: the server computes it, COPY must not name it.
    public var isGenerated: Bool
    /// `a` or `d` for identity columns, empty otherwise.
    public var identity: String
    /// The sequence owned by this column (serial, identity), quoted, to advance after a fill.
    public var ownedSequence: String?
  }

  /// A foreign key: `columns` of this table reference `referencedColumns` of `referenced`.
  public struct ForeignKey: Sendable, Hashable {
    public var name: String
    public var columns: [String]
    public var referenced: QualifiedName
    public var referencedColumns: [String]
  }

  /// One table (ordinary or partitioned) of the schemas read.
  public struct Table: Sendable {
    public var name: QualifiedName
    public var columns: [Column]
    public var primaryKey: [String]
    /// Column sets that must be unique: primary key, UNIQUE constraints, unique indexes
    /// (partial and expression ones included, by the columns they reference).
    public var uniqueKeys: [[String]]
    /// Columns that any index uses (values there must stay below btree's ~2.7 KB limit).
    public var indexedColumns: Set<String>
    /// `pg_get_constraintdef` of each CHECK constraint, by constraint name.
    public var checks: [(name: String, definition: String)]
    public var foreignKeys: [ForeignKey]

    /// The column named `name`.
    public func column(_ name: String) -> Column? { columns.first { $0.name == name } }
  }

  public var tables: [Table]

  public init(tables: [Table]) { self.tables = tables }

  /// The table named `name`.
  public func table(_ name: QualifiedName) -> Table? { tables.first { $0.name == name } }
}
