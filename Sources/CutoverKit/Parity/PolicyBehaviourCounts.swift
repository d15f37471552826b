/// The rows each sampled subject could see in each table on one side, under Supabase's roles
/// and JWT claims: what the export stores in `manifest.json` (`policyBehaviour`, taken in the
/// export's snapshot) and what verify counts on the target after the import.
public struct PolicyBehaviourCounts: Codable, Sendable, Equatable {
  /// A sampled user: an id from `auth.users` (an account, not its data) and its stratum.
  public struct User: Codable, Sendable, Equatable, Hashable {
    public var id: String
    /// The value of the stratify column for the user (nil without stratify, or no row).
    public var stratum: String?

    public init(id: String, stratum: String? = nil) {
      self.id = id
      self.stratum = stratum
    }
  }

  /// What one subject saw in one table.
  public struct Count: Codable, Sendable, Equatable {
    /// Rows visible; nil when the server refused the count (`sqlState` says why, for
    /// example 42501 when the role has no SELECT privilege).
    public var rows: Int64?
    public var sqlState: String?

    public init(rows: Int64?, sqlState: String? = nil) {
      self.rows = rows
      self.sqlState = sqlState
    }

    /// "12 rows", or "refused [42501]".
    public var text: String {
      rows.map { "\($0) rows" } ?? "refused [\(sqlState ?? "?")]"
    }
  }

  /// The last row counted in a table counted by key: its primary key's columns and values.
  ///
  /// Only rows whose key is at most `values` were counted (on the target: the same values in
  /// the columns the mapping fills from the source's key).
  public struct KeyBound: Codable, Sendable, Equatable, Hashable {
    /// The key's columns, in key order.
    public var columns: [String]
    /// The bounding row's key as text, one per column.
    public var values: [String]

    public init(columns: [String], values: [String]) {
      self.columns = columns
      self.values = values
    }
  }

  /// One table's counts: `anon`'s (nil when anon was not sampled) and each user's, by id.
  public struct Table: Codable, Sendable, Equatable {
    public var table: QualifiedName
    public var anon: Count?
    public var users: [String: Count]
    /// Set when only the rows up to this key were counted; nil: the whole table.
    public var bound: KeyBound?

    public init(table: QualifiedName, anon: Count?, users: [String: Count], bound: KeyBound? = nil) {
      self.table = table
      self.anon = anon
      self.users = users
      self.bound = bound
    }
  }

  /// The users sampled, in sample order; the target is counted for the same ids.
  public var users: [User]
  /// `schema.table.column` the sample was spread across, as configured.
  public var stratify: String?
  public var includesAnon: Bool
  public var tables: [Table]
  /// Seconds the counting took.
  public var seconds: Double
  /// The rows per table counted (the first by primary key); nil: whole tables (also what an
  /// export made before the setting existed recorded).
  public var rowsPerTable: Int?

  public init(
    users: [User], stratify: String?, includesAnon: Bool, tables: [Table], seconds: Double,
    rowsPerTable: Int? = nil
  ) {
    self.users = users
    self.stratify = stratify
    self.includesAnon = includesAnon
    self.tables = tables
    self.seconds = seconds
    self.rowsPerTable = rowsPerTable
  }

  /// The counts of `table`.
  public func table(_ name: QualifiedName) -> Table? { tables.first { $0.table == name } }
}
