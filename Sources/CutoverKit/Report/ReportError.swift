/// A report that cannot be read or written.
public struct ReportError: CutoverFailure, Sendable {
  public var message: String
  public var nextStep: String?
  public var exitStatus: ExitStatus

  public init(_ message: String, nextStep: String?, exitStatus: ExitStatus = .ioFailure) {
    self.message = message
    self.nextStep = nextStep
    self.exitStatus = exitStatus
  }

  public var description: String {
    nextStep.map { "\(message)\n  next: \($0)" } ?? message
  }
}
