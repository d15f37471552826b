import CutoverFixture
import CutoverKit
import CutoverTestSupport
import Foundation
import Logging
import Testing

/// `cutover run` end to end on the legacy fixture, as an operator runs it (the built binary).
@Suite(.postgres, .timeLimit(.minutes(20)))
struct RunTests {
  static let logger = Logger(label: "test.run", factory: { _ in SwiftLogNoOpLogHandler() })

  static func scratchDirectory(_ label: String) -> URL {
    FileManager.default.temporaryDirectory
      .appendingPathComponent("cutover-run-\(label)-\(UUID().uuidString.prefix(8))")
  }

  /// The legacy fixture filled at `scale`.
  static func fill(_ db: TestDatabase, scale: Double) async throws {
    try await db.build(.legacy)
    let domains = try ValueDomains.load(
      from: MappingFixtures.root.appendingPathComponent("supabase/fixture/domains.json"))
    let generator = FixtureGenerator(target: try db.target, domains: domains)
    _ = try await generator.fill(scale: scale, seed: 3, jobs: 2, truncate: false, logger: logger)
  }

  static func run(
    _ source: TestDatabase, _ target: TestDatabase, _ directory: URL, mappings: URL? = nil,
    extra: [String] = [], crash: String? = nil
  ) throws -> ChildProcess.Outcome {
    try CutoverBinary.run(
      [
        "run", "--export-dir", directory.path, "--mappings", (mappings ?? MappingFixtures.mappings).path,
        "--chain", MappingFixtures.chain.path, "--stand-in-dir", MappingFixtures.standIn.path,
        "--local-stand-in", "--chunk-size", "16KiB", "--jobs", "2", "--config",
        MappingFixtures.root.appendingPathComponent("cutover.example.toml").path,
      ] + extra,
      environment: [
        "SOURCE_DATABASE_URL": source.url, "TARGET_DATABASE_URL": target.url,
        "CUTOVER_TEST_CRASH_AT": crash ?? "",
      ])
  }

  /// Per table of `schemas`: `md5` of its rows as text, ordered.
  static func dataDigests(_ db: TestDatabase, schemas: [String]) async throws -> [String: String] {
    try await db.withConnection { connection in
      let tables = try connection.execute(
        """
        SELECT format('%I.%I', n.nspname, c.relname) AS name FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p') AND n.nspname = ANY($1::text[]) ORDER BY 1
        """, ["{\(schemas.joined(separator: ","))}"])
      var digests: [String: String] = [:]
      for row in tables {
        let name = try row.string("name")
        digests[name] =
          try connection.execute(
            "SELECT md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) AS d FROM \(name) t"
          ).one().string("d")
      }
      return digests
    }
  }

  /// The source's catalog: relations, columns, constraints, policies, triggers, functions, grants.
  static func catalogDigest(_ db: TestDatabase) async throws -> String {
    try await db.execute(
      """
      SELECT md5(string_agg(x, E'\\n' ORDER BY x)) AS d FROM (
        SELECT format('%s %s %s %s %s', c.oid::regclass, c.relkind, c.relacl, c.relrowsecurity, c.relpersistence) AS x
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname NOT LIKE 'pg\\_%'
        UNION ALL SELECT format('%s %s %s %s', a.attrelid::regclass, a.attname, a.atttypid, a.attnotnull)
          FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname NOT LIKE 'pg\\_%' AND a.attnum > 0
        UNION ALL SELECT format('%s %s %s %s', conrelid::regclass, conname, contype, convalidated) FROM pg_constraint
        UNION ALL SELECT format('%s %s %s', polrelid::regclass, polname, pg_get_expr(polqual, polrelid)) FROM pg_policy
        UNION ALL SELECT format('%s %s %s', tgrelid::regclass, tgname, tgenabled) FROM pg_trigger
        UNION ALL SELECT format('%s %s', oid::regprocedure, md5(prosrc)) FROM pg_proc WHERE pronamespace > 16384
        UNION ALL SELECT format('schema %s %s', nspname, nspacl) FROM pg_namespace
      ) s
      """
    ).one().string("d")
  }

  /// Every file in `directory` cutover wrote that is not a compressed chunk.
  static func textFiles(_ directory: URL) throws -> [String: String] {
    var files: [String: String] = [:]
    for name in try FileManager.default.contentsOfDirectory(atPath: directory.path)
    where !name.hasSuffix(".zst") {
      files[name] = (try? String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)) ?? ""
    }
    return files
  }

  static let appSchemas = ["app", "public", "auth", "storage"]

  @Test
  func `a dry run finishes, leaves the source as it was, says nothing twice, and never shows the password`()
    async throws
  {
    let source = try #require(TestDatabase.current)
    try await Self.fill(source, scale: 1)
    let target = try await TestDatabase.create(label: "run target")
    let directory = Self.scratchDirectory("dry")
    defer { try? FileManager.default.removeItem(at: directory) }
    do {
      let catalogBefore = try await Self.catalogDigest(source)
      let dataBefore = try await Self.dataDigests(source, schemas: Self.appSchemas)
      let first = try Self.run(source, target, directory)
      #expect(first.status == 0, "\(first.output)")
      for step in ["doctor", "plan", "export", "migrate", "import", "verify"] {
        #expect(first.output.contains("== \(step)"), "\(step)")
      }
      #expect(first.output.contains("verdict green"), "\(first.output)")
      // The import step ran beside the export: it began as soon as the export had journaled
      // its start, long before the export's copy, digests and policy sample were done.
      let steps = try Journal.read(directory: directory, fileName: RunJournalRecord.fileName)
      let importStep = try #require(
        steps.firstIndex { (try? $0.decode(RunJournalRecord.StepStarted.self))??.step == .import })
      let exportEnd = try #require(
        steps.firstIndex { (try? $0.decode(RunJournalRecord.StepFinished.self))??.step == .export })
      #expect(importStep < exportEnd)
      // A real green run: report.json, report.md and report.html exist and agree.
      let written = try #require(try ParityReport.read(directory: directory))
      #expect(written.report.verdict == .green)
      try ReportAgreement.expectAgreement(in: directory, report: written.report)
      #expect(first.output.contains("dry run: the source was never frozen"))
      #expect(try await Self.catalogDigest(source) == catalogBefore)
      #expect(try await Self.dataDigests(source, schemas: Self.appSchemas) == dataBefore)
      let profiles = try await target.execute("SELECT count(*)::bigint AS n FROM app.profiles").one().int64(
        "n")
      #expect(profiles > 0)

      let again = try Self.run(source, target, directory)
      #expect(again.status == 0, "\(again.output)")
      #expect(again.output.contains("already finished"), "\(again.output)")
      #expect(!again.output.contains("== "), "\(again.output)")

      let status = try CutoverBinary.run(["status", "--export-dir", directory.path])
      #expect(status.status == 0, "\(status.output)")
      for step in ["doctor", "plan", "export", "migrate", "import", "verify"] {
        #expect(status.output.contains(step))
      }
      #expect(status.output.contains("next:"))
      let json = try CutoverBinary.run(["status", "--export-dir", directory.path, "--json"])
      #expect(json.status == 0 && json.output.contains("\"finished\" : true"), "\(json.output)")
      let fresh = try CutoverBinary.run(["status", "--export-dir", Self.scratchDirectory("none").path])
      #expect(fresh.status == 0 && fresh.output.contains("no run"), "\(fresh.output)")

      let newRefused = try Self.run(source, target, directory, extra: ["--new"])
      #expect(newRefused.status == 2, "\(newRefused.output)")
      #expect(newRefused.output.contains("finished run"), "\(newRefused.output)")

      for (name, text) in try Self.textFiles(directory) {
        #expect(!text.contains(source.password), "\(name) holds the password")
      }
      for output in [first, again, status, json, newRefused] {
        #expect(!output.output.contains(source.password))
      }
    } catch {
      try await target.drop()
      throw error
    }
    try await target.drop()
  }

  @Test func `a changed mapping between two runs is refused on resume, and --new starts over`() async throws {
    let source = try #require(TestDatabase.current)
    try await Self.fill(source, scale: 0.2)
    let target = try await TestDatabase.create(label: "run change")
    let directory = Self.scratchDirectory("change")
    let mappings = try MappingFixtures.mappingsCopy()
    defer {
      try? FileManager.default.removeItem(at: directory)
      try? FileManager.default.removeItem(at: mappings.deletingLastPathComponent())
    }
    do {
      let crashed = try Self.run(source, target, directory, mappings: mappings, crash: "run:export:started")
      #expect(crashed.status == 128 + SIGKILL, "\(crashed.output)")
      let file = mappings.appendingPathComponent("app.profiles.yaml")
      let text = try String(contentsOf: file, encoding: .utf8)
      try (text + "\n# changed\n").write(to: file, atomically: true, encoding: .utf8)
      let refused = try Self.run(source, target, directory, mappings: mappings)
      #expect(refused.status == 2, "\(refused.output)")
      #expect(refused.output.contains("mappings/app.profiles.yaml (mappings, changed)"), "\(refused.output)")
      #expect(refused.output.contains("cutover run --new"), "\(refused.output)")
      #expect(!refused.output.contains("== export"), "\(refused.output)")
      let status = try CutoverBinary.run(["status", "--export-dir", directory.path])
      #expect(status.output.contains("interrupted"), "\(status.output)")
      let fresh = try Self.run(source, target, directory, mappings: mappings, extra: ["--new"])
      #expect(fresh.status == 0, "\(fresh.output)")
      #expect(fresh.output.contains("--new: discarding the unfinished run"), "\(fresh.output)")
      #expect(!fresh.output.contains(source.password))
    } catch {
      try await target.drop()
      throw error
    }
    try await target.drop()
  }

  /// SIGKILL at three or more points in every step (the import runs beside the export, so its
  /// points get a sequence of their own: killed while the export runs, the export's points
  /// would find it done), then run again: the target equals an uninterrupted run's.
  @Test func `SIGKILL at three or more points in every step, then run again, equals an uninterrupted run`()
    async throws
  {
    let source = try #require(TestDatabase.current)
    try await Self.fill(source, scale: 1)
    let reference = try await TestDatabase.create(label: "run crash ref")
    let targets = [
      try await TestDatabase.create(label: "run crash export"),
      try await TestDatabase.create(label: "run crash import"),
    ]
    let referenceDirectory = Self.scratchDirectory("ref")
    let directories = [Self.scratchDirectory("crash-export"), Self.scratchDirectory("crash-import")]
    defer {
      try? FileManager.default.removeItem(at: referenceDirectory)
      for directory in directories { try? FileManager.default.removeItem(at: directory) }
    }
    do {
      let clean = try Self.run(source, reference, referenceDirectory)
      #expect(clean.status == 0, "\(clean.output)")
      let expected = try await Self.dataDigests(reference, schemas: Self.appSchemas)
      let sequences = [
        [
          "run:doctor:started", "run:doctor:worked", "run:doctor:recorded",
          "run:plan:started", "run:plan:worked", "run:plan:recorded",
          "run:migrate:started", "run:migrate:worked", "run:migrate:recorded",
          "run:export:started", "mid-chunk:2", "between-chunks:3", "before-manifest", "run:export:worked",
        ],
        [
          "mid-table:2", "index-rebuild:1", "fk-validation:1", "run:import:worked",
          "run:verify:started", "run:verify:worked", "run:verify:recorded",
        ],
      ]
      var outputs: [String] = [clean.output]
      for (points, (target, directory)) in zip(sequences, zip(targets, directories)) {
        var state = try RunJournalState(directory: directory)
        for point in points {
          let doneBefore = Set(RunStep.allCases.filter { state.isDone($0) })
          let crashed = try Self.run(source, target, directory, crash: point)
          outputs.append(crashed.output)
          #expect(crashed.status == 128 + SIGKILL, "\(point): \(crashed.output)")
          for step in doneBefore {
            #expect(!crashed.output.contains("== \(step.rawValue)\n"), "\(point) redid \(step)")
          }
          if !doneBefore.isEmpty {
            #expect(crashed.output.contains("resuming run"), "\(point): \(crashed.output)")
          }
          state = try RunJournalState(directory: directory)
        }
        let finished = try Self.run(source, target, directory)
        outputs.append(finished.output)
        #expect(finished.status == 0, "\(finished.output)")
        #expect(finished.output.contains("resuming run"), "\(finished.output)")
        #expect(
          finished.output.contains("verdict green"),
          "\((try? String(contentsOf: directory.appendingPathComponent("report.md"), encoding: .utf8)) ?? "")"
        )
        #expect(try await Self.dataDigests(target, schemas: Self.appSchemas) == expected)
        for (name, text) in try Self.textFiles(directory) {
          #expect(!text.contains(source.password), "\(name) holds the password")
        }
      }
      for output in outputs { #expect(!output.contains(source.password)) }
    } catch {
      try await reference.drop()
      for target in targets { try await target.drop() }
      throw error
    }
    try await reference.drop()
    for target in targets { try await target.drop() }
  }
}
