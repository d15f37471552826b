import Foundation

/// The records of `cutover run`'s step journal, `run.jsonl` in the export directory.
///
/// A journal of the same format as the export's `journal.jsonl` (one fsynced JSON line per
/// record), but a file of its own: an export that starts over removes `journal.jsonl`, and
/// the steps before it (doctor, plan) must survive that.
public enum RunJournalRecord {
  /// The step journal's file name in the export directory.
  public static let fileName = "run.jsonl"

  /// A run began (or began again with `--new`): its id, mode, steps and the checksums of what
  /// shapes the target, against which a resume is checked.
  public struct RunStarted: JournalPayload, Equatable {
    public static var kind: String { "run_started" }
    public var run: String
    public var final: Bool
    public var steps: [RunStep]
    /// SHA-256 of the mappings directory, the v2 chain and the config file.
    public var inputs: [InputChecksum]
    /// The source and target, redacted (`user@host:port/db`).
    public var source: String
    public var target: String

    public init(
      run: String, final: Bool, steps: [RunStep], inputs: [InputChecksum], source: String, target: String
    ) {
      self.run = run
      self.final = final
      self.steps = steps
      self.inputs = inputs
      self.source = source
      self.target = target
    }
  }

  /// A rerun picked the run up again.
  public struct RunResumed: JournalPayload, Equatable {
    public static var kind: String { "run_resumed" }
    public var run: String
    public var at: RunStep
  }

  /// A step began.
  public struct StepStarted: JournalPayload, Equatable {
    public static var kind: String { "run_step_started" }
    public var run: String
    public var step: RunStep
    public var startedAt: Date
  }

  /// A step ended: its outcome, figures, checksums and per-table rates.
  public struct StepFinished: JournalPayload, Equatable {
    public static var kind: String { "run_step_finished" }
    public var run: String
    public var step: RunStep
    public var startedAt: Date
    public var finishedAt: Date
    /// `"ok"`, `"placeholder"` (verify not built) or `"failed"`.
    public var outcome: String
    /// One line for people.
    public var summary: String
    /// Counts and sizes (`"rows"`, `"bytes"`, `"tables"`, `"files"`, …).
    public var figures: [String: Double]
    /// Checksums of what the step wrote (`"manifest.json"`, `"report.json"`).
    public var checksums: [String: String]
    /// Per-table rates, for `cutover plan --estimate`.
    public var rates: [RunTableRate]
    /// The exit status a failure ended the run with.
    public var exitStatus: Int32?

    /// Wall-clock seconds, to the millisecond (the journal's dates keep whole seconds only).
    public var wallSeconds: Double?

    public var seconds: Double { wallSeconds ?? finishedAt.timeIntervalSince(startedAt) }
  }

  /// Every step finished.
  public struct RunFinished: JournalPayload, Equatable {
    public static var kind: String { "run_finished" }
    public var run: String
    public var finishedAt: Date
    /// The report's verdict (`green`, `red`) or `"placeholder"`.
    public var verdict: String
  }
}
