import Foundation

/// `cutover status`: where the cutover in an export directory stands and what to run next.
///
/// Read-only: the step journal (`run.jsonl`) and, when there is one, `report.json`.
public struct StatusReport: Codable, Sendable {
  public struct Step: Codable, Sendable {
    public var step: RunStep
    /// `done`, `placeholder`, `failed`, `interrupted` (started, no end: crashed or running),
    /// or `pending`.
    public var state: String
    public var startedAt: Date?
    public var finishedAt: Date?
    public var seconds: Double?
    public var summary: String?
  }

  public var directory: String
  /// The latest run's id; `nil` when the directory holds no run.
  public var run: String?
  public var final: Bool?
  public var startedAt: Date?
  public var finished: Bool
  public var steps: [Step]
  /// `green` or `red` from `report.json`; else `placeholder` when verify was a placeholder.
  public var verdict: String?
  /// What to run next.
  public var next: String

  /// Reads `directory` (which need not exist).
  /// - Throws: `JournalError` for a damaged step journal, `ReportError` for a damaged report.
  public static func read(directory: URL) throws -> StatusReport {
    let state = try RunJournalState(directory: directory)
    let dir = directory.path
    guard let started = state.started else {
      return StatusReport(
        directory: dir, run: nil, final: nil, startedAt: nil, finished: false, steps: [], verdict: nil,
        next: "no run in \(dir): start one with `cutover run --export-dir \(dir)`")
    }
    let steps = started.steps.map { step -> Step in
      if let record = state.finished[step] {
        return Step(
          step: step, state: record.outcome == "ok" ? "done" : record.outcome, startedAt: record.startedAt,
          finishedAt: record.finishedAt, seconds: record.seconds, summary: record.summary)
      }
      if let open = state.open[step] {
        return Step(
          step: step, state: "interrupted", startedAt: open, finishedAt: nil, seconds: nil, summary: nil)
      }
      return Step(step: step, state: "pending", startedAt: nil, finishedAt: nil, seconds: nil, summary: nil)
    }
    var verdict: String? = state.finished[.verify].flatMap { $0.checksums["verdict"] }
    if let (report, _) = try ParityReport.read(directory: directory) { verdict = report.verdict.rawValue }
    // The gates after the run: the latest approval, switch and rollback in the export's journal.
    var gate: (kind: String, at: Date)?
    var approved: Approval?
    for entry in try Journal.read(directory: directory) {
      if [GateJournalRecord.ConnectionSwitched.kind, GateJournalRecord.ConnectionRolledBack.kind].contains(
        entry.kind)
      {
        gate = (entry.kind, entry.at)
      }
      if let approval = try entry.decode(Approval.self) { approved = approval }
    }
    let next: String
    if let gate, gate.kind == GateJournalRecord.ConnectionSwitched.kind {
      next =
        "switched at \(gate.at.formatted(.iso8601)): smoke-test the application; if it fails, `cutover rollback`; after the observation period, `cutover purge`"
    } else if let gate {
      next =
        "rolled back at \(gate.at.formatted(.iso8601)): the application is on the source again; fix what failed, then a new run (`cutover run --new --export-dir <new dir>`)"
    } else if state.runFinished != nil {
      switch verdict {
      case "green" where started.final && approved != nil:
        next = "approved by \(approved?.by ?? "?"): `cutover switch`"
      case "green":
        next =
          started.final
          ? "review the report, then `cutover approve` and `cutover switch`"
          : "dry run green: review the report; rehearse again with `cutover run --new --export-dir <new dir>` or plan the production run (`cutover plan --estimate`)"
      case "red":
        next =
          "read the report's failures, fix the mappings or the chain, then `cutover run --new --export-dir <new dir>`"
      default:
        next =
          "the run finished but verify is not built: nothing proved parity; run `cutover verify` once it is built"
      }
    } else if let failed = steps.first(where: { $0.state == "failed" }) {
      next =
        "\(failed.step.rawValue) failed (see above): fix it, then `cutover run` resumes at \(failed.step.rawValue)"
    } else if let step = state.nextStep {
      next = "`cutover run` resumes at \(step.rawValue)"
    } else {
      next = "`cutover run` records the run's end"
    }
    return StatusReport(
      directory: dir, run: started.run, final: started.final, startedAt: state.startedAt,
      finished: state.runFinished != nil, steps: steps, verdict: verdict, next: next)
  }

  /// The report in words, readable at a glance.
  public var text: String {
    guard let run else { return "\(directory): no run\nnext: \(next)" }
    let formatter = ISO8601DateFormatter()
    var lines = [
      "\(directory): \(final == true ? "FINAL" : "dry") run \(run)\(startedAt.map { ", started \(formatter.string(from: $0))" } ?? "")"
        + (finished ? ", finished" : "")
    ]
    for step in steps {
      let mark =
        switch step.state {
        case "done": "✓"
        case "placeholder": "~"
        case "failed": "✗"
        case "interrupted": "…"
        default: " "
        }
      let time = step.seconds.map { String(format: "%7.1f s", $0) } ?? "        -"
      let when =
        step.finishedAt.map { formatter.string(from: $0) } ?? step.startedAt.map {
          "started \(formatter.string(from: $0))"
        } ?? ""
      lines.append(
        "  \(mark) \(step.step.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \(step.state.padding(toLength: 11, withPad: " ", startingAt: 0)) \(time)  \(when)"
      )
      if let summary = step.summary {
        lines.append("             \(summary.split(separator: "\n").first.map(String.init) ?? "")")
      }
    }
    lines.append("verdict: \(verdict ?? "none yet")")
    lines.append("next: \(next)")
    return lines.joined(separator: "\n")
  }
}
