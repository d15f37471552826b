import Foundation

/// What `run.jsonl` says about the run in an export directory: the fold of its records.
///
/// Only the latest run counts (`--new` appends a new `run_started`); a step is finished when
/// its latest record of that run is a `run_step_finished` with outcome `ok` or `placeholder`.
public struct RunJournalState: Sendable {
  /// The latest run's start.
  public private(set) var started: RunJournalRecord.RunStarted?
  /// When the latest run's first record was written.
  public private(set) var startedAt: Date?
  /// The latest record per step of that run.
  public private(set) var finished: [RunStep: RunJournalRecord.StepFinished] = [:]
  /// Steps started and not (yet) finished: interrupted or running.
  public private(set) var open: [RunStep: Date] = [:]
  /// The run's end, when every step finished.
  public private(set) var runFinished: RunJournalRecord.RunFinished?
  /// Resumes of the latest run.
  public private(set) var resumes: Int = 0

  /// Folds the step journal of `directory` (`[]`-empty when there is none).
  public init(directory: URL) throws {
    try self.init(entries: Journal.read(directory: directory, fileName: RunJournalRecord.fileName))
  }

  public init(entries: [JournalEntry]) throws {
    for entry in entries {
      if let record = try entry.decode(RunJournalRecord.RunStarted.self) {
        self = RunJournalState()
        started = record
        startedAt = entry.at
      } else if let record = try entry.decode(RunJournalRecord.StepStarted.self), record.run == started?.run {
        open[record.step] = record.startedAt
        finished[record.step] = nil
      } else if let record = try entry.decode(RunJournalRecord.StepFinished.self), record.run == started?.run
      {
        open[record.step] = nil
        finished[record.step] = record
      } else if let record = try entry.decode(RunJournalRecord.RunFinished.self), record.run == started?.run {
        runFinished = record
      } else if let record = try entry.decode(RunJournalRecord.RunResumed.self), record.run == started?.run {
        resumes += 1
      }
    }
  }

  private init() {}

  /// Whether `step` finished well in the latest run.
  public func isDone(_ step: RunStep) -> Bool {
    guard let record = finished[step] else { return false }
    return record.outcome == "ok" || record.outcome == "placeholder"
  }

  /// The first step of the latest run that did not finish well, `nil` when all did.
  public var nextStep: RunStep? {
    started?.steps.first { !isDone($0) }
  }
}
