/// The export or its check could not go on: bad options, a directory it must not touch, a
/// busy directory, or a failure of the source or the disk.
///
/// Names what failed, where, and the next step. Exit 2 for usage and configuration
/// (unknown tables, an empty selection, a directory it must not touch, a directory another
/// cutover process holds), 1 for a damaged manifest (a check found a problem), 3 for
/// database and I/O failures.
public struct ExportError: CutoverFailure, Sendable {
  /// What kind of failure this is; a struct over a private enum so codes can grow.
  public struct Code: Hashable, Sendable, CustomStringConvertible {
    private enum Base: String, Sendable {
      case usage, unknownTables, emptySelection, foreignExport, existingExport, busy, notAnExport,
        unrecognizedDirectory, damagedManifest, locked, changedDuringStart, io, source,
        inconsistent, cancelled, diskSpace, holderGone
    }
    private let base: Base
    private init(_ base: Base) { self.base = base }

    /// An option is out of range or malformed.
    public static let usage = Code(.usage)
    /// `--tables`/`--exclude` name tables the source does not have.
    public static let unknownTables = Code(.unknownTables)
    /// The selection (default, `--tables`, `--exclude`) leaves no table to export.
    public static let emptySelection = Code(.emptySelection)
    /// The directory holds an export of another database.
    public static let foreignExport = Code(.foreignExport)
    /// The directory holds a finished export of this database.
    public static let existingExport = Code(.existingExport)
    /// Another cutover process holds the directory's lock.
    public static let busy = Code(.busy)
    /// The directory holds no cutover export (no manifest, no journal).
    public static let notAnExport = Code(.notAnExport)
    /// The directory holds files cutover cannot tell for its own export (a damaged journal
    /// or manifest, chunk files without a journal): refused rather than deleted.
    public static let unrecognizedDirectory = Code(.unrecognizedDirectory)
    /// `manifest.json` does not decode as a manifest.
    public static let damagedManifest = Code(.damagedManifest)
    /// A table could not be locked within the lock timeout.
    public static let locked = Code(.locked)
    /// A table was rewritten or truncated between the snapshot and its lock.
    public static let changedDuringStart = Code(.changedDuringStart)
    /// The export directory cannot be created, written or read.
    public static let io = Code(.io)
    /// The source answered something the export cannot use.
    public static let source = Code(.source)
    /// The export's own records disagree (a row count, the journal).
    public static let inconsistent = Code(.inconsistent)
    /// The export was stopped (another worker failed, or the operator interrupted it).
    public static let cancelled = Code(.cancelled)
    /// The free space near the export directory is below the export's estimated size.
    public static let diskSpace = Code(.diskSpace)
    /// An unfinished export's snapshot holder is gone: its chunks cannot be continued.
    public static let holderGone = Code(.holderGone)

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
    case .usage, .unknownTables, .emptySelection, .foreignExport, .existingExport, .busy, .notAnExport,
      .unrecognizedDirectory, .holderGone:
      .usage
    case .damagedManifest: .checkFailed
    default: .ioFailure
    }
  }

  public var description: String {
    var text = message
    if let nextStep { text += "\n  next: \(nextStep)" }
    return text
  }
}
