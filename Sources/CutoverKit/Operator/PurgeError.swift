/// Why `cutover purge` removed nothing (or stopped part way, `.io`).
public struct PurgeError: CutoverFailure, Sendable {
  public enum Code: Sendable {
    case notAnExport, notFinished, busy, io
  }

  public var code: Code
  public var message: String
  public var nextStep: String?

  public init(_ code: Code, _ message: String, nextStep: String?) {
    self.code = code
    self.message = message
    self.nextStep = nextStep
  }

  public var exitStatus: ExitStatus { code == .io ? .ioFailure : .usage }

  public var description: String {
    nextStep.map { "\(message)\n  next: \($0)" } ?? message
  }
}
