import CutoverKit
import CutoverTestSupport
import Foundation
import Testing

/// Loads into bare tables: a table the import fills from empty is emptied in its load's
/// transaction and copied `FREEZE`, its primary key and unique constraints dropped and added
/// back before the commit; a table that a kept foreign key references loads as before.
@Suite(.postgres, .timeLimit(.minutes(10)))
struct ImportBareLoadTests {
  /// Constraint names and definitions of the `app` tables, sorted.
  static func constraints(_ db: TestDatabase) async throws -> [String] {
    try await db.execute(
      """
      SELECT conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid) AS c
      FROM pg_constraint WHERE connamespace = 'app'::regnamespace ORDER BY 1
      """
    ).map { try $0.string("c") }
  }

  @Test
  func `an emptied table loads FREEZE with its keys added back; one a kept key references loads as before`()
    async throws
  {
    let db = try #require(TestDatabase.current)
    try await db.runScript(
      """
      CREATE SCHEMA app;
      CREATE TABLE app.parents (id int PRIMARY KEY, code text NOT NULL UNIQUE, note text);
      CREATE TABLE app.items (id int PRIMARY KEY, parent int NOT NULL);
      INSERT INTO app.parents SELECT g, 'c' || g, repeat('n', 50) FROM generate_series(1, 5000) g;
      INSERT INTO app.items SELECT g, g % 5000 + 1 FROM generate_series(1, 3000) g;
      """)
    let target = try await TestDatabase.create(label: "import bare")
    let (directory, mappings) = try await ImportTests.exportWithMappings(
      db, tables: ["app.parents", "app.items"], label: "bare")
    defer {
      try? FileManager.default.removeItem(at: directory)
      try? FileManager.default.removeItem(at: mappings)
    }
    do {
      // app.pinned is not loaded: its key on app.items stays, so app.items cannot be emptied
      // with TRUNCATE and loads with a plain COPY, keys in place.
      try await target.runScript(
        """
        CREATE SCHEMA app;
        CREATE TABLE app.parents (id int PRIMARY KEY, code text NOT NULL UNIQUE, note text);
        CREATE TABLE app.items (id int PRIMARY KEY, parent int NOT NULL REFERENCES app.parents);
        CREATE INDEX items_parent ON app.items (parent);
        CREATE TABLE app.pinned (item int PRIMARY KEY REFERENCES app.items);
        """)
      let before = try await Self.constraints(target)
      let objects = try await ImportTests.objects(target)
      let summary = try await Importer(
        options: try ImportTests.importOptions(target, directory: directory, mappings: mappings)
      ).run(logger: ImportTests.logger)
      #expect(summary.tables.map(\.rowsWritten).reduce(0, +) == 8000)
      #expect(try await Self.constraints(target) == before)
      #expect(try await ImportTests.objects(target) == objects)
      #expect(try await target.execute("SELECT count(*)::int AS n FROM app.parents").one().int("n") == 5000)
      #expect(try await target.execute("SELECT count(*)::int AS n FROM app.items").one().int("n") == 3000)
      // Frozen rows set the visibility map, which ANALYZE counts.
      let parents = try await target.execute(
        "SELECT relpages, relallvisible FROM pg_class WHERE oid = 'app.parents'::regclass"
      ).one()
      #expect(try parents.int("relpages") > 0)
      #expect(try parents.int("relallvisible") == parents.int("relpages"))
    } catch {
      try await target.drop()
      throw error
    }
    try await target.drop()
  }

  @Test func `a repeated key rolls its table's load back, named without the value`() async throws {
    let db = try #require(TestDatabase.current)
    try await db.runScript(
      """
      CREATE SCHEMA app;
      CREATE TABLE app.items (id int NOT NULL, label text);
      INSERT INTO app.items SELECT g, 'l' || g FROM generate_series(1, 3000) g;
      INSERT INTO app.items VALUES (2345, 'again');
      """)
    let target = try await TestDatabase.create(label: "import repeated key")
    let (directory, mappings) = try await ImportTests.exportWithMappings(
      db, tables: ["app.items"], label: "repeated")
    defer {
      try? FileManager.default.removeItem(at: directory)
      try? FileManager.default.removeItem(at: mappings)
    }
    do {
      try await target.runScript(
        "CREATE SCHEMA app; CREATE TABLE app.items (id int PRIMARY KEY, label text);")
      let before = try await Self.constraints(target)
      let error = try await #require(throws: ImportError.self) {
        _ = try await Importer(
          options: try ImportTests.importOptions(target, directory: directory, mappings: mappings)
        ).run(logger: ImportTests.logger)
      }
      #expect(error.code == .rejectedRow)
      #expect(error.message.contains("repeat a key of app.items (items_pkey)"), "\(error)")
      #expect(error.serverError?.sqlState == "23505")
      #expect(!error.description.contains("2345"))
      #expect(error.description(showingValues: true).contains("2345"))
      #expect(try await target.execute("SELECT count(*)::int AS n FROM app.items").one().int("n") == 0)
      #expect(try await Self.constraints(target) == before)
    } catch {
      try await target.drop()
      throw error
    }
    try await target.drop()
  }
}
