/// Everything `cutover doctor` found, in order, with the exit status it implies.
public struct DoctorReport: Codable, Sendable {
  public var checks: [DoctorCheck]

  public init(checks: [DoctorCheck]) { self.checks = checks }

  /// 3 when a server could not be reached, 2 when what was asked selects nothing, 1 when any
  /// check failed, else 0.
  public var exitStatus: ExitStatus {
    if checks.contains(where: \.unreachable) { return .ioFailure }
    if checks.contains(where: \.misconfigured) { return .usage }
    if checks.contains(where: { $0.status == .failed }) { return .checkFailed }
    return .success
  }

  /// The report as aligned plain text, one line per check and its next step.
  public var text: String {
    let width = checks.map { "\($0.side) \($0.name)".count }.max() ?? 0
    var lines: [String] = []
    for check in checks {
      let mark =
        switch check.status {
        case .ok: "ok  "
        case .warning: "warn"
        case .failed: "FAIL"
        }
      let label = "\(check.side) \(check.name)"
      let padding = String(repeating: " ", count: width - label.count)
      lines.append("\(mark)  \(label)\(padding)  \(check.detail)")
      if let next = check.nextStep, check.status != .ok {
        lines.append("      \(String(repeating: " ", count: width))  → \(next)")
      }
    }
    // A side that was not given was not checked: say so, or "all passed" would mislead.
    for side in [Side.source, .target] where !checks.contains(where: { $0.side == side }) {
      lines.append("not checked: the \(side) (no \(side.option) and no \(side.environmentVariable))")
    }
    let failed = checks.filter { $0.status == .failed }.count
    let warnings = checks.filter { $0.status == .warning }.count
    lines.append(
      failed == 0
        ? "doctor: all checks passed\(warnings > 0 ? " (\(warnings) warning\(warnings == 1 ? "" : "s"))" : "")"
        : "doctor: \(failed) check\(failed == 1 ? "" : "s") failed")
    return lines.joined(separator: "\n")
  }
}
