/// The export or its check could not go on: bad options, a directory it must not touch, a
/// busy directory, or a failure of the source or the disk.
///
/// Names what failed, where, and the next step. Exit 2 for usage and configuration
/// (unknown tables, another database's export), 3 for database and I/O failures.
public struct ExportError: CutoverFailure, Sendable {
  /// What kind of failure this is; a struct over a private enum so codes can grow.
  public struct Code: Hashable, Sendable, CustomStringConvertible {
    private enum Base: String, Sendable {
      case usage, unknownTables, foreignExport, existingExport, busy, notAnExport, io, source,
        inconsistent, cancelled
    }
    private let base: Base
    private init(_ base: Base) { self.base = base }

    /// An option is out of range or malformed.
    public static let usage = Code(.usage)
    /// `--tables`/`--exclude` name tables the source does not have.
    public static let unknownTables = Code(.unknownTables)
    /// The directory holds an export of another database.
    public static let foreignExport = Code(.foreignExport)
    /// The directory holds a finished export of this database.
    public static let existingExport = Code(.existingExport)
    /// Another cutover process holds the directory's lock.
    public static let busy = Code(.busy)
    /// The directory holds no cutover export (no manifest, no journal).
    public static let notAnExport = Code(.notAnExport)
    /// The export directory cannot be created, written or read.
    public static let io = Code(.io)
    /// The source answered something the export cannot use.
    public static let source = Code(.source)
    /// The export's own records disagree (a row count, the journal).
    public static let inconsistent = Code(.inconsistent)
    /// The export was stopped (another worker failed, or the operator interrupted it).
    public static let cancelled = Code(.cancelled)

    public var description: String { base.rawValue }
  }

  public var code: Code
  /// What failed, in words.
  public var message: String
  /// The next step for the operator.
  public var nextStep: String?

  public init(_ code: Code, _ message: String, nextStep: String? = nil) {
    self.code = code
    self.message = message
    self.nextStep = nextStep
  }

  public var exitStatus: ExitStatus {
    switch code {
    case .usage, .unknownTables, .foreignExport, .existingExport, .busy, .notAnExport: .usage
    default: .ioFailure
    }
  }

  public var description: String {
    var text = message
    if let nextStep { text += "\n  next: \(nextStep)" }
    return text
  }
}
