import Foundation

/// The import's own journal records, appended to the export directory's journal.
///
/// Every record names the target it is about (`ImportTarget`), so imports of one export into
/// several databases (a rehearsal, staging) never mix. Kinds: `import_started`,
/// `import_objects_recorded` (the definitions of the indexes and foreign keys it drops,
/// before it drops them), `import_table_started`, `import_table_loaded`,
/// `import_objects_restored` (every recorded object proven back) and `import_finished`.
public enum ImportJournalRecord {
  /// An import began (`resume`: continuing the last one into the same target).
  public struct ImportStarted: JournalPayload, Equatable {
    public static var kind: String { "import_started" }
    public var target: ImportTarget
    /// The target tables it loads, in load order.
    public var tables: [QualifiedName]
    public var resume: Bool
    public var truncate: Bool
  }

  /// The indexes and foreign keys about to be dropped, as the target defines them.
  public struct ObjectsRecorded: JournalPayload, Equatable {
    public static var kind: String { "import_objects_recorded" }
    public var target: ImportTarget
    public var objects: [DeferredObject]
  }

  /// A table's load transaction began.
  public struct TableStarted: JournalPayload, Equatable {
    public static var kind: String { "import_table_started" }
    public var target: ImportTarget
    public var table: QualifiedName
    /// The export's tables feeding it.
    public var sources: [QualifiedName]
  }

  /// A table's load committed.
  public struct TableLoaded: JournalPayload, Equatable {
    public static var kind: String { "import_table_loaded" }
    public var target: ImportTarget
    public var table: QualifiedName
    /// Source rows read and target rows written (a filter writes fewer).
    public var rowsRead: Int64
    public var rowsWritten: Int64
    public var chunks: Int
    public var seconds: Double
    /// The export's snapshot the rows came from: a resume keeps the table only while the
    /// export it reads is of the same snapshot (nil: recorded before cutover wrote it).
    public var snapshot: String?
  }

  /// Every recorded index and foreign key exists again with its recorded definition.
  public struct ObjectsRestored: JournalPayload, Equatable {
    public static var kind: String { "import_objects_restored" }
    public var target: ImportTarget
    public var count: Int
  }

  /// Every table loaded, objects restored, sequences set, keys validated, tables analyzed.
  public struct ImportFinished: JournalPayload, Equatable {
    public static var kind: String { "import_finished" }
    public var target: ImportTarget
    public var rows: Int64
    public var seconds: Double
  }
}

/// Which database an import loads: its cluster (when the role may read it) and name.
public struct ImportTarget: Codable, Sendable, Hashable, CustomStringConvertible {
  /// `pg_control_system().system_identifier`; nil when the role may not call it.
  public var systemIdentifier: String?
  /// `host:port` as connected, when the system identifier is unknown.
  public var address: String?
  /// `current_database()`.
  public var database: String

  public var description: String {
    "database \(database) (\(systemIdentifier.map { "system identifier \($0)" } ?? address ?? "unknown server"))"
  }
}

/// An index or foreign key the import drops before loading and re-creates after.
public struct DeferredObject: Codable, Sendable, Hashable, CustomStringConvertible {
  /// What kind of object.
  public enum Kind: String, Codable, Sendable, Hashable {
    case index
    case foreignKey
  }

  public var kind: Kind
  public var table: QualifiedName
  /// The index's or constraint's name.
  public var name: String
  /// `pg_get_indexdef` (an index) or `pg_get_constraintdef` (a foreign key), as the chain
  /// made it.
  public var definition: String
  /// For a foreign key: the table it references (re-created once both are loaded).
  public var referenced: QualifiedName?

  /// The statement that re-creates it: an index's definition, except that a partitioned
  /// table's (`CREATE INDEX … ON ONLY …`) is created on the whole tree again, since dropping
  /// it dropped its partitions' indexes too.
  var createIndexSQL: String {
    guard let range = definition.range(of: " ON ONLY ") else { return definition }
    return definition.replacingCharacters(in: range, with: " ON ")
  }

  /// Kind, table and name: what identifies it across runs.
  public var key: String { "\(kind.rawValue) \(table.quoted) \(QualifiedName.quote(name))" }

  public var description: String {
    kind == .index ? "index \(table.schema).\(name)" : "foreign key \(name) on \(table)"
  }
}
