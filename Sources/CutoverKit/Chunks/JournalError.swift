/// A journal line that is not what cutover wrote: edited, damaged, or from another version.
///
/// Always names the file and the line. A check reports it as a problem (exit 1); a command
/// that would act on the journal (export resuming or replacing, import) refuses instead of
/// guessing what the directory holds.
public struct JournalError: CutoverFailure, Sendable {
  /// The journal file.
  public var file: String
  /// 1-based line number.
  public var line: Int
  /// What is wrong with the line.
  public var reason: String

  public init(file: String, line: Int, reason: String) {
    self.file = file
    self.line = line
    self.reason = reason
  }

  public var exitStatus: ExitStatus { .checkFailed }

  public var nextStep: String? {
    "the journal was edited, damaged or written by another cutover version: keep the directory for inspection and export again into a new --export-dir"
  }

  public var description: String { "\(file):\(line): the journal line \(reason)\n  next: \(nextStep ?? "")" }
}
