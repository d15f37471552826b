/// `cutover run` refused or stopped: a changed input on resume, a finished run in the way of
/// `--new`, a step that is not built, or a step that failed (its own error is kept).
public struct RunError: CutoverFailure, Sendable {
  public struct Code: Hashable, Sendable, CustomStringConvertible {
    private enum Value: String {
      case usage, inputsChanged, finishedRun, notBuilt, stepFailed
    }
    private let value: Value
    private init(_ value: Value) { self.value = value }

    /// Flags or paths that cannot work.
    public static let usage = Code(.usage)
    /// The mappings, chain or config changed since the run started.
    public static let inputsChanged = Code(.inputsChanged)
    /// `--new` on a directory holding a finished run.
    public static let finishedRun = Code(.finishedRun)
    /// A step another issue builds (`freeze`).
    public static let notBuilt = Code(.notBuilt)
    /// A step found a problem (plan, doctor) — exit 1.
    public static let stepFailed = Code(.stepFailed)

    public var description: String { value.rawValue }
  }

  public var code: Code
  public var message: String
  public var nextStep: String?

  public init(_ code: Code, _ message: String, nextStep: String? = nil) {
    self.code = code
    self.message = message
    self.nextStep = nextStep
  }

  public var exitStatus: ExitStatus {
    switch code {
    case .stepFailed: .checkFailed
    default: .usage
    }
  }

  public var description: String {
    var text = "run: \(message)"
    if let nextStep { text += "\n  next: \(nextStep)" }
    return text
  }
}
