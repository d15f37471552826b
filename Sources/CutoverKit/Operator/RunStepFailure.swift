/// A step's failure inside `cutover run`: the step's own words and advice, and how the run
/// goes on from it.
///
/// The step's advice names its single command (`cutover export`, `import --resume`); within a
/// run, the same `cutover run` resumes that step itself, and a mapping, chain or config fixed
/// in between needs `--new` (a run never resumes over changed inputs).
public struct RunStepFailure: CutoverFailure, Sendable {
  public var step: RunStep
  public var failure: any CutoverFailure & Sendable

  public init(step: RunStep, failure: any CutoverFailure & Sendable) {
    self.step = step
    self.failure = failure
  }

  public var exitStatus: ExitStatus { failure.exitStatus }

  public var nextStep: String? {
    let resume =
      "within `cutover run`: run the same `cutover run` again, it resumes at \(step.rawValue) (after a change to the mappings, chain or config: `cutover run --new`)"
    return failure.nextStep.map { "\($0); \(resume)" } ?? resume
  }

  public var description: String { description(showingValues: false) }

  public func description(showingValues: Bool) -> String {
    var text = failure.description(showingValues: showingValues)
    if let own = failure.nextStep, text.hasSuffix("\n  next: \(own)") {
      text.removeLast("\n  next: \(own)".count)
    }
    return text + (nextStep.map { "\n  next: \($0)" } ?? "")
  }
}
