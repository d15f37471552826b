import CutoverKit
import Testing

/// A step's failure inside `cutover run` keeps the step's words and adds how the run resumes.
struct RunStepFailureTests {
  @Test
  func `a step's failure keeps its message, its exit status and its advice, then says how the run goes on`() {
    let own = ExportError(
      .diskSpace, "not enough free disk near /x: the export needs about 2 GiB, 1 GiB is free",
      nextStep: "free at least 1 GiB there or choose an --export-dir on a larger disk")
    let failure = RunStepFailure(step: .export, failure: own)
    let text = failure.description(showingValues: false)
    #expect(text.hasPrefix("not enough free disk near /x"))
    #expect(failure.exitStatus == own.exitStatus)
    // One next line: the step's advice, then the run's resume.
    #expect(text.components(separatedBy: "\n  next: ").count == 2, "\(text)")
    #expect(text.contains("free at least 1 GiB there"), "\(text)")
    #expect(text.contains("run the same `cutover run` again, it resumes at export"), "\(text)")
    #expect(text.contains("`cutover run --new`"), "\(text)")
    // A failure without advice gets the run's alone.
    let bare = RunStepFailure(step: .import, failure: ExportError(.io, "disk gone"))
    #expect(
      bare.description.hasSuffix(
        "it resumes at import (after a change to the mappings, chain or config: `cutover run --new`)"))
  }
}
