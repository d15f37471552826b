import CutoverKit
import Foundation
import Testing

/// `SourceDrift` on the legacy fixture: an unchanged source has no drift; an insert, an
/// update that keeps the count, and a delete after the export are each found, naming the table.
@Suite(.postgres, .timeLimit(.minutes(10)))
struct DriftTests {
  @Test func `every committed write to an exported table after the export is found and named`() async throws {
    let scenario = try await GateScenario.make("drift")
    do {
      let drift = SourceDrift(
        source: try scenario.sourceTarget, target: try scenario.targetTarget,
        exportDirectory: scenario.directory,
        mappings: MappingFixtures.mappings)
      #expect(try await drift.check(logger: GateScenario.logger).isEmpty)
      #expect(scenario.manifest.tables.contains { $0.parity != nil })

      try await scenario.source.execute("UPDATE app.app_config SET free_course_limit = free_course_limit + 1")
      let updated = try await drift.check(logger: GateScenario.logger)
      #expect(updated.map(\.table) == [QualifiedName(schema: "app", name: "app_config")])
      #expect(updated.first?.message.contains("same count") == true)

      try await scenario.source.execute("INSERT INTO app.app_config (id) VALUES (2)")
      let inserted = try await drift.check(logger: GateScenario.logger)
      #expect(inserted.map(\.description) == ["app.app_config: 1 rows at the export, 2 now"])

      try await scenario.source.execute("DELETE FROM app.app_config")
      try await scenario.source.execute("VACUUM app.app_config")
      let deleted = try await drift.check(logger: GateScenario.logger)
      #expect(deleted.map(\.description) == ["app.app_config: 1 rows at the export, 0 now"])
    } catch {
      try await scenario.finish()
      throw error
    }
    try await scenario.finish()
  }

  @Test func `a column added, or a table created since the freeze, is drift though no row digest shows it`()
    async throws
  {
    let scenario = try await GateScenario.make("drift-ddl")
    do {
      _ = try await scenario.freeze()
      let drift = SourceDrift(
        source: try scenario.sourceTarget, target: try scenario.targetTarget,
        exportDirectory: scenario.directory, mappings: MappingFixtures.mappings)
      #expect(try await drift.check(logger: GateScenario.logger).isEmpty)
      // DDL passes the freeze's row guard: ADD COLUMN … DEFAULT fills every row, and a new
      // table takes rows, without an UPDATE of an exported table.
      try await scenario.source.runScript(
        """
        ALTER TABLE app.app_config ADD COLUMN phone text DEFAULT 'x';
        CREATE TABLE app.new_signups (id int PRIMARY KEY, email text);
        INSERT INTO app.new_signups VALUES (1, 'new@example.com');
        """)
      let found = try await drift.check(logger: GateScenario.logger).map(\.description)
      #expect(
        found.contains { $0.hasPrefix("app.app_config: its columns changed") && $0.contains("phone") },
        "\(found)")
      #expect(
        found.contains("app.new_signups: created since the freeze: its rows were never exported"), "\(found)")
    } catch {
      try await scenario.finish()
      throw error
    }
    try await scenario.finish()
  }
}
