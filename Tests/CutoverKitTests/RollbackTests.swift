import CutoverKit
import Foundation
import Testing

/// `cutover rollback` on real databases: after a switch it restores the env file byte for
/// byte and unfreezes the source; a write on the target since the switch makes it refuse
/// (listing the table) unless `--discard-target-writes`; twice in a row is harmless.
@Suite(.postgres, .timeLimit(.minutes(10)))
struct RollbackTests {
  /// Frozen, approved and switched to the target through a fresh env file.
  static func switched(_ label: String) async throws -> (GateScenario, URL) {
    let scenario = try await GateScenario.make(label)
    let env = try SwitchTests.envFile()
    try scenario.writeReport()
    _ = try scenario.approve()
    _ = try await scenario.freeze()
    _ = try await scenario.connectionSwitch(envFile: env).run(logger: GateScenario.logger)
    return (scenario, env)
  }

  /// Whether the source refuses writes (the guard is in place).
  static func frozen(_ scenario: GateScenario) async throws -> Bool {
    do {
      try await scenario.source.execute("UPDATE app.app_config SET free_course_limit = free_course_limit")
      return false
    } catch let error as PostgresError where error.sqlState == "25006" {
      return true
    }
  }

  @Test func `rollback after switch restores the env file byte for byte and unfreezes; twice is harmless`()
    async throws
  {
    let (scenario, env) = try await Self.switched("rollback")
    defer { try? FileManager.default.removeItem(at: env.deletingLastPathComponent()) }
    do {
      #expect(try await Self.frozen(scenario))
      #expect(try String(contentsOf: env, encoding: .utf8) != SwitchTests.envContent)
      let rollback = try scenario.rollback()
      let outcome = try await rollback.run(logger: GateScenario.logger)
      #expect(outcome.rolledBack && outcome.discarded.isEmpty)
      #expect(outcome.unfreeze.wasFrozen && outcome.unfreeze.differences.isEmpty)
      #expect(try Data(contentsOf: env) == Data(SwitchTests.envContent.utf8))
      #expect(!(try await Self.frozen(scenario)))

      let again = try await rollback.run(logger: GateScenario.logger)
      #expect(!again.rolledBack && !again.unfreeze.wasFrozen)
      #expect(try Data(contentsOf: env) == Data(SwitchTests.envContent.utf8))
      let kinds = try Journal.read(directory: scenario.directory).map(\.kind)
      #expect(kinds.filter { $0 == "connection_rolled_back" }.count == 1)
      #expect(kinds.filter { $0 == "source_unfrozen" }.count == 1)
    } catch {
      try await scenario.finish()
      throw error
    }
    try await scenario.finish()
  }

  @Test func `rollback after a target write refuses without the flag, listing the table`() async throws {
    let (scenario, env) = try await Self.switched("rollback-writes")
    defer { try? FileManager.default.removeItem(at: env.deletingLastPathComponent()) }
    do {
      let switchedEnv = try Data(contentsOf: env)
      // The writer reports its counters when it goes idle (forced here, as a session that
      // ends does; an idle one reports within about 10 seconds).
      try await scenario.target.withConnection { connection in
        try connection.execute("INSERT INTO app.app_config (id) VALUES (9)")
        try connection.execute("SELECT pg_stat_force_next_flush()")
        return ()
      }
      let error = await #expect(throws: GateError.self) {
        try await scenario.rollback().run(logger: GateScenario.logger)
      }
      #expect(error?.exitStatus == .checkFailed)
      #expect(error?.message.contains("app.app_config: 1 inserted") == true, "\(String(describing: error))")
      #expect(try Data(contentsOf: env) == switchedEnv)
      #expect(try await Self.frozen(scenario))

      let outcome = try await scenario.rollback(discardTargetWrites: true).run(logger: GateScenario.logger)
      #expect(outcome.discarded == ["app.app_config: 1 inserted, 0 updated, 0 deleted"])
      #expect(try Data(contentsOf: env) == Data(SwitchTests.envContent.utf8))
      #expect(!(try await Self.frozen(scenario)))
    } catch {
      try await scenario.finish()
      throw error
    }
    try await scenario.finish()
  }

  @Test func `a TRUNCATE on the target since the switch is found, though no counter counts it`() async throws
  {
    let (scenario, env) = try await Self.switched("rollback-truncate")
    defer { try? FileManager.default.removeItem(at: env.deletingLastPathComponent()) }
    do {
      let switchedEnv = try Data(contentsOf: env)
      try await scenario.target.runScript("TRUNCATE app.app_config;")
      let error = await #expect(throws: GateError.self) {
        try await scenario.rollback().run(logger: GateScenario.logger)
      }
      #expect(error?.exitStatus == .checkFailed)
      #expect(error?.message.contains("app.app_config: truncated") == true, "\(String(describing: error))")
      #expect(try Data(contentsOf: env) == switchedEnv)
    } catch {
      try await scenario.finish()
      throw error
    }
    try await scenario.finish()
  }

  @Test func `a target write whose session is still open is found at once, before the statistics`()
    async throws
  {
    let (scenario, env) = try await Self.switched("rollback-open-writer")
    defer { try? FileManager.default.removeItem(at: env.deletingLastPathComponent()) }
    do {
      let switchedEnv = try Data(contentsOf: env)
      let rollback = try scenario.rollback()
      let targetURL = scenario.target.url
      // A writer that stays connected: its insert, right after a read, is not yet in
      // pg_stat_user_tables (a backend reports at most once a second, idle within ~10 s).
      let message = try await onDedicatedThread(named: "test-open-writer") { () -> String? in
        let writer = try PGConnection(try ConnectionTarget(targetURL), applicationName: "app")
        try writer.execute("SELECT count(*) FROM app.app_config")
        try writer.execute("INSERT INTO app.app_config (id) VALUES (11)")
        do {
          _ = try rollback.runBlocking(logger: GateScenario.logger)
          return nil
        } catch let error as GateError {
          return error.message
        }
      }
      #expect(message?.contains("app.app_config") == true, "\(message ?? "rolled back")")
      #expect(try Data(contentsOf: env) == switchedEnv)
    } catch {
      try await scenario.finish()
      throw error
    }
    try await scenario.finish()
  }
}
