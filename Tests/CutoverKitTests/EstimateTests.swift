import CutoverKit
import CutoverTestSupport
import Foundation
import Testing

/// `cutover plan --estimate`: a source twice the size of the rehearsed one is predicted from
/// the rehearsal's recorded rates.
///
/// What is asserted is the model, which is deterministic: steps that move data scale with the
/// source's size now (about ×2 here), fixed-cost steps keep their recorded time, and the window
/// is the sum of the downtime steps less the import's time beside the export. How close a prediction comes to the wall clock is a speed
/// claim, so it is measured by the benchmark harness on a quiet machine, not asserted here
/// (at CI scales, fixed costs and a shared 2-core machine's noise dominate the seconds).
@Suite(.postgres, .timeLimit(.minutes(20)))
struct EstimateTests {
  @Test func `a source twice the size is predicted by scaling the data steps and keeping the fixed ones`()
    async throws
  {
    let small = try #require(TestDatabase.current)
    try await RunTests.fill(small, scale: 8)
    let large = try await TestDatabase.create(label: "estimate large")
    let target = try await TestDatabase.create(label: "estimate target")
    let directory = RunTests.scratchDirectory("est")
    defer { try? FileManager.default.removeItem(at: directory) }
    do {
      try await RunTests.fill(large, scale: 16)
      for database in [small, large] { try await database.execute("ANALYZE") }
      let measured = try RunTests.run(small, target, directory, extra: ["--chunk-size", "1MiB"])
      #expect(measured.status == 0, "\(measured.output)")
      let estimate = try CutoverBinary.run(
        ["plan", "--estimate", "--export-dir", directory.path, "--json"],
        environment: ["SOURCE_DATABASE_URL": large.url])
      #expect(estimate.status == 0, "\(estimate.output)")
      let report = try JSONDecoder().decode(EstimateReport.self, from: Data(estimate.output.utf8))
      let byStep = Dictionary(report.steps.map { ($0.step, $0) }, uniquingKeysWith: { first, _ in first })
      for step in [RunStep.doctor, .plan, .migrate] {
        let line = try #require(byStep[step], "\(step) missing from \(estimate.output)")
        #expect(line.scale == 1 && line.predictedSeconds == line.recordedSeconds, "\(estimate.output)")
      }
      for step in [RunStep.export, .import] {
        let line = try #require(byStep[step], "\(step) missing from \(estimate.output)")
        #expect((1.6...2.4).contains(line.scale), "\(step): ×\(line.scale)\n\(estimate.output)")
        #expect(line.predictedSeconds > line.recordedSeconds, "\(estimate.output)")
        #expect(line.predictedSeconds <= line.recordedSeconds * line.scale + 0.001, "\(estimate.output)")
      }
      // The window: export, import and verify, the import's time beside the export once (that
      // the import does run beside it, RunTests checks in the step journal).
      let window = report.steps.filter { RunStep.downtime.contains($0.step) }.reduce(0) {
        $0 + $1.predictedSeconds
      }
      let overlap = try #require(report.overlapSeconds)
      let export = try #require(byStep[.export])
      #expect(
        overlap >= 0 && overlap <= export.predictedSeconds,
        "\(estimate.output)\n\((try? String(contentsOf: directory.appendingPathComponent(RunJournalRecord.fileName), encoding: .utf8)) ?? "")"
      )
      #expect(abs(report.downtimeSeconds - (window - overlap)) < 0.001)
      #expect(!estimate.output.contains(small.password))

      // Without a run to learn from, it says how to get one.
      let empty = RunTests.scratchDirectory("est-empty")
      try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
      defer { try? FileManager.default.removeItem(at: empty) }
      let none = try CutoverBinary.run(
        ["plan", "--estimate", "--export-dir", empty.path], environment: ["SOURCE_DATABASE_URL": large.url])
      #expect(none.status == 2, "\(none.output)")
      #expect(none.output.contains("rehearse first"), "\(none.output)")
    } catch {
      for database in [target, large] { try await database.drop() }
      throw error
    }
    for database in [target, large] { try await database.drop() }
  }
}
