/// `cutover verify` could not check: bad options, an export it cannot use, or a failure of
/// the target or the disk. (A check that finds differences is a red report, not an error.)
public struct ParityError: CutoverFailure, Sendable {
  public var message: String
  public var nextStep: String?
  public var exitStatus: ExitStatus

  public init(_ message: String, nextStep: String?, exitStatus: ExitStatus) {
    self.message = message
    self.nextStep = nextStep
    self.exitStatus = exitStatus
  }

  public var description: String {
    var text = message
    if let nextStep { text += "\n  next: \(nextStep)" }
    return text
  }
}
