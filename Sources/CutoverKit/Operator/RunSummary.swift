/// What `cutover run` did: one line per step and the verdict (text or `--json`).
public struct RunSummary: Codable, Sendable {
  public struct Step: Codable, Sendable {
    public var step: RunStep
    /// `done` (this invocation), `skipped (done earlier)` or `not run`.
    public var status: String
    public var seconds: Double?
    public var summary: String?
  }

  public var run: String
  public var final: Bool
  public var directory: String
  public var steps: [Step]
  /// `green`, `red`, `placeholder` (verify not built) or `none`.
  public var verdict: String
  /// The step a rerun resumed at, when it skipped finished ones.
  public var resumedAt: RunStep?

  /// The summary in words.
  public var text: String {
    var lines = ["run \(run) (\(final ? "final" : "dry run")) in \(directory)"]
    if let resumedAt { lines.append("resumed at \(resumedAt.rawValue); finished steps were not run again") }
    for step in steps {
      let time = step.seconds.map { String(format: "%7.1f s", $0) } ?? "        -"
      lines.append(
        "  \(step.step.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \(time)  \(step.status)\(step.summary.map { ": \($0)" } ?? "")"
      )
    }
    switch verdict {
    case "placeholder":
      lines.append(
        "verdict: NONE — verify is not built in this build: the import finished, but nothing proved parity")
    default:
      lines.append("verdict: \(verdict)")
    }
    if !final {
      lines.append("dry run: the source was never frozen and nothing was switched")
    }
    lines.append("next: `cutover status` shows where the cutover stands")
    return lines.joined(separator: "\n")
  }
}
