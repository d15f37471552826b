import Foundation

/// The target's record of applied migrations: the Supabase CLI's table and cutover's own.
///
/// `supabase_migrations.schema_migrations` is created and written exactly as the Supabase
/// CLI does (`version text NOT NULL PRIMARY KEY, statements text[], name text`; one row per
/// file with its statements as split by `MigrationStatementSplitter`), so that once the
/// files sit in `supabase/migrations/`, `supabase migration list` shows them as applied.
/// The CLI keeps no checksum, so cutover keeps each file's SHA-256 in
/// `cutover.migration_checksums`, and the stand-in files it applied (which the CLI must
/// never see as migrations) in `cutover.stand_in_files`.
///
/// Blocking: used on the connection's own thread.
public struct MigrationLedger {
  /// The Supabase CLI's migration history.
  public static let schemaMigrations = QualifiedName(
    schema: "supabase_migrations", name: "schema_migrations")
  /// cutover's checksum of every file it recorded in `schemaMigrations`.
  public static let checksums = QualifiedName(schema: "cutover", name: "migration_checksums")
  /// The `supabase/local` stand-in files cutover applied (never in `schemaMigrations`).
  public static let standInFiles = QualifiedName(schema: "cutover", name: "stand_in_files")

  /// The statements that create the ledger when missing, as one script.
  ///
  /// The first four are the Supabase CLI's (`ADD COLUMN IF NOT EXISTS` upgrades a table an
  /// older CLI created with `version` only).
  public static let createScript = """
    CREATE SCHEMA IF NOT EXISTS supabase_migrations;
    CREATE TABLE IF NOT EXISTS supabase_migrations.schema_migrations (version text NOT NULL PRIMARY KEY, statements text[], name text);
    ALTER TABLE supabase_migrations.schema_migrations ADD COLUMN IF NOT EXISTS statements text[];
    ALTER TABLE supabase_migrations.schema_migrations ADD COLUMN IF NOT EXISTS name text;
    CREATE SCHEMA IF NOT EXISTS cutover;
    CREATE TABLE IF NOT EXISTS cutover.migration_checksums (
      version text PRIMARY KEY,
      name text NOT NULL,
      sha256 text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now(),
      chain text NOT NULL
    );
    CREATE TABLE IF NOT EXISTS cutover.stand_in_files (
      file text PRIMARY KEY,
      sha256 text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    );
    """

  /// What the target records as applied.
  public struct State: Sendable {
    /// `schema_migrations`: version → name (nil when the CLI row has none).
    public var versions: [String: String?] = [:]
    /// `migration_checksums`: version → (name, SHA-256, chain).
    public var checksums: [String: (name: String, sha256: String, chain: String)] = [:]
    /// `stand_in_files`: file name → SHA-256.
    public var standIn: [String: String] = [:]

    public init() {}
  }

  let connection: PGConnection

  public init(connection: PGConnection) { self.connection = connection }

  /// Reads the three tables; a missing table reads as empty.
  public func read() throws -> State {
    var state = State()
    let catalog = try ledgerCatalog()
    if let migrations = catalog.table(Self.schemaMigrations) {
      let name = migrations.column("name") == nil ? "NULL::text" : "name"
      let rows = try connection.execute(
        "SELECT version, \(name) AS name FROM \(Self.schemaMigrations.quoted)",
        doing: "reading \(Self.schemaMigrations)")
      for row in rows {
        state.versions[try row.string("version")] = try row.optionalString("name")
      }
    }
    if catalog.table(Self.checksums) != nil {
      let rows = try connection.execute(
        "SELECT version, name, sha256, chain FROM \(Self.checksums.quoted)",
        doing: "reading \(Self.checksums)")
      for row in rows {
        state.checksums[try row.string("version")] = (
          try row.string("name"), try row.string("sha256"), try row.string("chain")
        )
      }
    }
    if catalog.table(Self.standInFiles) != nil {
      let rows = try connection.execute(
        "SELECT file, sha256 FROM \(Self.standInFiles.quoted)", doing: "reading \(Self.standInFiles)")
      for row in rows {
        state.standIn[try row.string("file")] = try row.string("sha256")
      }
    }
    return state
  }

  /// The catalog of the ledgers' schemas (the tables that exist, their columns).
  func ledgerCatalog() throws -> Catalog {
    try CatalogReader(
      schemas: Array(Set([Self.schemaMigrations, Self.checksums, Self.standInFiles].map(\.schema))).sorted()
    ).read(from: connection)
  }

  /// Creates whatever of the ledger is missing (in the caller's transaction, if any).
  ///
  /// Does nothing when all of it exists: `ALTER TABLE … ADD COLUMN IF NOT EXISTS` needs
  /// ownership even when the column is there, and a later run may use another role.
  public func create() throws {
    let catalog = try ledgerCatalog()
    let columns = Set(catalog.table(Self.schemaMigrations)?.columns.map(\.name) ?? [])
    let complete =
      columns.isSuperset(of: ["version", "statements", "name"]) && catalog.table(Self.checksums) != nil
      && catalog.table(Self.standInFiles) != nil
    if complete { return }
    try connection.runScript(Self.createScript, doing: "creating the migration ledger")
  }

  /// Records a chain file as the Supabase CLI does, and its checksum.
  ///
  /// Runs in the caller's transaction, so the row commits with the file's statements.
  public func record(_ file: MigrationFile, chain: String) throws {
    try connection.execute(
      "INSERT INTO \(Self.schemaMigrations.quoted) (version, name, statements) VALUES ($1, $2, $3::text[])",
      [file.version, file.name, PostgresArray.literal(file.statements.map(\.text))],
      doing: "recording \(file.fileName) in \(Self.schemaMigrations)")
    try connection.execute(
      """
      INSERT INTO \(Self.checksums.quoted) (version, name, sha256, chain) VALUES ($1, $2, $3, $4)
      ON CONFLICT (version) DO UPDATE SET name = excluded.name, sha256 = excluded.sha256,
        chain = excluded.chain, applied_at = now()
      """,
      [file.version, file.name, file.sha256, chain],
      doing: "recording the checksum of \(file.fileName)")
  }

  /// Records a stand-in file (in cutover's table only).
  public func recordStandIn(_ file: MigrationFile) throws {
    try connection.execute(
      """
      INSERT INTO \(Self.standInFiles.quoted) (file, sha256) VALUES ($1, $2)
      ON CONFLICT (file) DO UPDATE SET sha256 = excluded.sha256, applied_at = now()
      """,
      [file.fileName, file.sha256], doing: "recording the stand-in file \(file.fileName)")
  }
}

@available(*, unavailable) extension MigrationLedger: Sendable {}
