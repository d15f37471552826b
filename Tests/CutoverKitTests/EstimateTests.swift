import CutoverKit
import CutoverTestSupport
import Foundation
import Testing

/// `cutover plan --estimate`: a run at twice the fixture scale, predicted from a run at the
/// fixture scale.
@Suite(.postgres, .timeLimit(.minutes(20)))
struct EstimateTests {
  @Test func `a run at twice the scale is predicted within 30 percent per step`() async throws {
    let small = try #require(TestDatabase.current)
    try await RunTests.fill(small, scale: 8)
    let large = try await TestDatabase.create(label: "estimate large")
    let targets = [
      try await TestDatabase.create(label: "estimate t1"),
      try await TestDatabase.create(label: "estimate t2"),
    ]
    let first = RunTests.scratchDirectory("est1")
    let second = RunTests.scratchDirectory("est2")
    defer {
      try? FileManager.default.removeItem(at: first)
      try? FileManager.default.removeItem(at: second)
    }
    do {
      try await RunTests.fill(large, scale: 16)
      let measured = try RunTests.run(small, targets[0], first, extra: ["--chunk-size", "1MiB"])
      #expect(measured.status == 0, "\(measured.output)")
      let estimate = try CutoverBinary.run(
        ["plan", "--estimate", "--export-dir", first.path, "--json"],
        environment: ["SOURCE_DATABASE_URL": large.url])
      #expect(estimate.status == 0, "\(estimate.output)")
      let report = try JSONDecoder().decode(EstimateReport.self, from: Data(estimate.output.utf8))
      let actual = try RunTests.run(large, targets[1], second, extra: ["--chunk-size", "1MiB"])
      #expect(actual.status == 0, "\(actual.output)")
      let state = try RunJournalState(directory: second)
      var lines: [String] = []
      for step in report.steps {
        let real = try #require(state.finished[step.step]).seconds
        // Steps of a second or less are dominated by scheduling noise on a shared machine:
        // they count as predicted within half a second.
        let ok = abs(step.predictedSeconds - real) <= max(0.3 * real, 0.5)
        lines.append(
          "\(step.step.rawValue): predicted \(step.predictedSeconds) s, took \(real) s (recorded \(step.recordedSeconds) s at half the scale, ×\(step.scale))"
        )
        #expect(ok, "\(lines.joined(separator: "\n"))")
      }
      #expect(report.downtimeSeconds > 0)
      #expect(!estimate.output.contains(small.password))
    } catch {
      for database in targets + [large] { try await database.drop() }
      throw error
    }
    for database in targets + [large] { try await database.drop() }
  }
}
