import CutoverKit
import CutoverTestSupport
import Foundation
import Testing

/// `cutover switch` on real databases: a red, unapproved, stale, foreign or older report, an
/// unfrozen or drifted source each make it refuse; then it rewrites the env file atomically,
/// keeps the previous content (mode 0600) and is harmless twice; a hook gets the URL.
@Suite(.postgres, .timeLimit(.minutes(10)))
struct SwitchTests {
  /// An env file as an application would have it, with other lines that must stay as they are.
  static let envContent =
    "# app settings\nexport DATABASE_URL=\"postgresql://app:old-secret@legacy:5432/db\"\nLOG_LEVEL=info\n"

  static func envFile() throws -> URL {
    let directory = GateScenario.scratchDirectory("env")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let url = directory.appendingPathComponent("app.env")
    try Data(envContent.utf8).write(to: url)
    return url
  }

  /// The gate's refusal message, or nil when the switch went through.
  static func refusal(_ connectionSwitch: ConnectionSwitch) async -> String? {
    do {
      _ = try await connectionSwitch.run(logger: GateScenario.logger)
      return nil
    } catch let error as GateError {
      return error.exitStatus == .checkFailed ? error.message : "wrong exit \(error)"
    } catch {
      return "unexpected \(error)"
    }
  }

  @Test func `switch refuses every unmet gate, then rewrites the env file once and keeps the previous`()
    async throws
  {
    let scenario = try await GateScenario.make("switch")
    let env = try Self.envFile()
    defer { try? FileManager.default.removeItem(at: env.deletingLastPathComponent()) }
    do {
      let connectionSwitch = try scenario.connectionSwitch(envFile: env)
      #expect(await Self.refusal(connectionSwitch)?.contains("no report.json") == true)

      try scenario.writeReport(green: false)
      #expect(await Self.refusal(connectionSwitch)?.contains("the report is red") == true)

      try scenario.writeReport(manifestSHA256: String(repeating: "0", count: 64))
      #expect(await Self.refusal(connectionSwitch)?.contains("another export") == true)

      let finished = try #require(scenario.manifest.source.finishedAt)
      try scenario.writeReport(startedAt: finished.addingTimeInterval(-60))
      #expect(await Self.refusal(connectionSwitch)?.contains("older than the export") == true)

      try scenario.writeReport(startedAt: finished.addingTimeInterval(1))
      let unapproved = await Self.refusal(connectionSwitch)
      #expect(unapproved?.contains("not approved") == true, "\(unapproved ?? "switched")")
      _ = try scenario.approve()
      // A new report (a later verify) needs a new approval.
      try scenario.writeReport()
      #expect(await Self.refusal(connectionSwitch)?.contains("of another report") == true)
      _ = try scenario.approve()

      #expect(await Self.refusal(connectionSwitch)?.contains("not frozen") == true)
      _ = try await scenario.freeze()
      #expect(try String(contentsOf: env, encoding: .utf8) == Self.envContent)

      // A write on the target after the approved verify (triggers off, as a careless fix
      // would): the switch digests the target again and refuses, naming the table.
      let configRow = try await scenario.target.execute(
        "SELECT row_to_json(c)::text AS row FROM app.app_config c WHERE id = 1"
      ).one().string("row").replacingOccurrences(of: "'", with: "''")
      try await scenario.target.runScript(
        "SET session_replication_role = replica; DELETE FROM app.app_config WHERE id = 1;")
      let refused = await Self.refusal(connectionSwitch)
      #expect(refused?.contains("no longer match") == true, "\(refused ?? "switched")")
      #expect(refused?.contains("app.app_config") == true, "\(refused ?? "switched")")
      #expect(try String(contentsOf: env, encoding: .utf8) == Self.envContent)
      try await scenario.target.runScript(
        "SET session_replication_role = replica; INSERT INTO app.app_config SELECT * FROM json_populate_record(NULL::app.app_config, '\(configRow)');"
      )

      let outcome = try await connectionSwitch.run(logger: GateScenario.logger)
      #expect(!outcome.alreadySwitched)
      let expected = Self.envContent.replacingOccurrences(
        of: "postgresql://app:old-secret@legacy:5432/db", with: scenario.target.url)
      #expect(try String(contentsOf: env, encoding: .utf8) == expected)
      let saved = scenario.directory.appendingPathComponent("switch-previous.env")
      #expect(try Data(contentsOf: saved) == Data(Self.envContent.utf8))
      let mode = try FileManager.default.attributesOfItem(atPath: saved.path)[.posixPermissions] as? Int
      #expect(mode == 0o600)
      #expect(!outcome.text.contains(scenario.target.password))
      // No temporary file is left beside the env file.
      #expect(
        try FileManager.default.contentsOfDirectory(atPath: env.deletingLastPathComponent().path) == [
          "app.env"
        ])

      let again = try await connectionSwitch.run(logger: GateScenario.logger)
      #expect(again.alreadySwitched)
      #expect(try String(contentsOf: env, encoding: .utf8) == expected)
      #expect(try Data(contentsOf: saved) == Data(Self.envContent.utf8))
      let kinds = try Journal.read(directory: scenario.directory).map(\.kind)
      #expect(kinds.filter { $0 == "connection_switched" }.count == 1)
      let journal = try String(
        contentsOf: scenario.directory.appendingPathComponent("journal.jsonl"), encoding: .utf8)
      #expect(!journal.contains(scenario.target.password))
    } catch {
      try await scenario.finish()
      throw error
    }
    try await scenario.finish()
  }

  @Test func `a write to the source after the export makes switch refuse and name the table`() async throws {
    let scenario = try await GateScenario.make("switch-drift")
    let env = try Self.envFile()
    defer { try? FileManager.default.removeItem(at: env.deletingLastPathComponent()) }
    do {
      try scenario.writeReport()
      _ = try scenario.approve()
      try await scenario.source.execute("INSERT INTO app.app_config (id) VALUES (7)")
      _ = try await scenario.freeze()
      let message = await Self.refusal(try scenario.connectionSwitch(envFile: env))
      #expect(message?.contains("the source changed since the export") == true, "\(message ?? "switched")")
      #expect(message?.contains("app.app_config") == true)
      // The command line: exit 1, the table named, no password printed.
      let cli = try CutoverBinary.run(
        [
          "switch", "--export-dir", scenario.directory.path, "--env-file", env.path, "--mappings",
          MappingFixtures.mappings.path,
        ],
        environment: ["SOURCE_DATABASE_URL": scenario.source.url, "TARGET_DATABASE_URL": scenario.target.url])
      #expect(cli.status == 1, "\(cli.output)")
      #expect(cli.output.contains("app.app_config"), "\(cli.output)")
      #expect(!cli.output.contains(scenario.source.password))
      #expect(try String(contentsOf: env, encoding: .utf8) == Self.envContent)
      #expect(
        !FileManager.default.fileExists(atPath: scenario.directory.appendingPathComponent("switch.json").path)
      )
    } catch {
      try await scenario.finish()
      throw error
    }
    try await scenario.finish()
  }

  @Test func `--no-approval is refused after a final run; a hook gets the URL and its log is redacted`()
    async throws
  {
    let scenario = try await GateScenario.make("switch-hook")
    let out = GateScenario.scratchDirectory("hook-out")
    try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: out) }
    do {
      try scenario.writeReport()
      let captured = out.appendingPathComponent("url")
      let hook =
        "printf %s \"$CUTOVER_TARGET_URL\" > '\(captured.path)'; echo \"switching to $CUTOVER_TARGET_URL\""
      let viaHook = ConnectionSwitch(
        exportDirectory: scenario.directory, source: try scenario.sourceTarget,
        target: try scenario.targetTarget,
        targetURL: scenario.target.url, mappings: MappingFixtures.mappings, method: .hook(hook),
        withoutApproval: true)
      try Journal(directory: scenario.directory).append(GateJournalRecord.RunStarted(final: true))
      #expect(await Self.refusal(viaHook)?.contains("records a final run") == true)

      // Outside a final run (a fresh journal), --no-approval switches without freeze or approval.
      try FileManager.default.removeItem(at: scenario.directory.appendingPathComponent("journal.jsonl"))
      let outcome = try await viaHook.run(logger: GateScenario.logger)
      #expect(outcome.record.withoutApproval)
      #expect(try String(contentsOf: captured, encoding: .utf8) == scenario.target.url)
      let log = try String(
        contentsOf: scenario.directory.appendingPathComponent("switch-hook.log"), encoding: .utf8)
      #expect(log.contains("switching to ********"), "\(log)")
      #expect(!log.contains(scenario.target.password))

      // Rollback runs the same hook with the source's URL.
      let back = try await scenario.rollback().run(logger: GateScenario.logger)
      #expect(back.rolledBack && back.method == "the hook")
      #expect(try String(contentsOf: captured, encoding: .utf8) == scenario.source.url)
      let rolledBack = try GateFiles.read(SwitchRecord.self, GateFiles.switchRecord, in: scenario.directory)
      #expect(rolledBack?.state == .rolledBack)
    } catch {
      try await scenario.finish()
      throw error
    }
    try await scenario.finish()
  }
}
