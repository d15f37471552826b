/// A policy-behaviour sample that cannot be taken: a `[policy_behaviour]` setting that does
/// not fit the database (a stratify column that is not there), or no users to sample.
public struct PolicyBehaviourError: CutoverFailure, Sendable {
  public var message: String
  public var nextStep: String?
  public var exitStatus: ExitStatus

  public init(_ message: String, nextStep: String?, exitStatus: ExitStatus = .usage) {
    self.message = message
    self.nextStep = nextStep
    self.exitStatus = exitStatus
  }

  public var description: String {
    nextStep.map { "\(message)\nnext step: \($0)" } ?? message
  }
}
