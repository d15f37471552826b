/// One progress event of `MigrationRunner.apply`: a file is done.
///
/// Sent once per file, in order, on the runner's own thread; the command line prints
/// `line` to standard error.
public struct MigrationProgress: Sendable {
  /// The file's result so far (its time included).
  public var file: MigrationOutcome.File
  /// 1-based position of the file among all files of the run (stand-in first).
  public var index: Int
  /// How many files the run goes through.
  public var count: Int

  public init(file: MigrationOutcome.File, index: Int, count: Int) {
    self.file = file
    self.index = index
    self.count = count
  }

  /// `[3/9] migrations_v2/0003_tables_extended.sql  applied  0.12 s`.
  public var line: String { "[\(index)/\(count)] \(file.line)" }
}
