/// The import could not go on: bad options, an export it cannot read, a target it must not
/// touch, a chunk that is not the export's, a row the target rejects, or an orphan.
///
/// Names what failed, where (table, chunk, row) and the next step. Exit 2 for usage and
/// configuration (a target that holds rows without `--resume`/`--truncate`, a target another
/// import holds, mappings that do not fit the export), 1 when a check found a problem (a
/// chunk whose digest is not the manifest's, orphans that keep a foreign key from being
/// validated, an index or constraint that did not come back as the chain defined it), 3 for
/// database and I/O failures.
public struct ImportError: CutoverFailure, Sendable {
  /// What kind of failure this is; a struct over a private enum so codes can grow.
  public struct Code: Hashable, Sendable, CustomStringConvertible {
    private enum Base: String, Sendable {
      case usage, notEmpty, busy, unfinishedExport, mapping, badChunk, rejectedRow, orphans,
        objectsDiffer, io, inconsistent, cancelled
    }
    private let base: Base
    private init(_ base: Base) { self.base = base }

    /// An option is out of range or malformed.
    public static let usage = Code(.usage)
    /// The target's tables hold rows and neither `--resume` nor `--truncate` was given.
    public static let notEmpty = Code(.notEmpty)
    /// Another import holds the target.
    public static let busy = Code(.busy)
    /// The export directory holds no finished export and no export is running in it.
    public static let unfinishedExport = Code(.unfinishedExport)
    /// The mappings do not fit the export's tables or the target's.
    public static let mapping = Code(.mapping)
    /// A chunk is missing, damaged or not the one the manifest lists.
    public static let badChunk = Code(.badChunk)
    /// The target rejected a row.
    public static let rejectedRow = Code(.rejectedRow)
    /// Rows reference keys their parent table does not hold: a foreign key stays NOT VALID.
    public static let orphans = Code(.orphans)
    /// An index or constraint did not come back with the definition the chain gave it.
    public static let objectsDiffer = Code(.objectsDiffer)
    /// The export directory cannot be read.
    public static let io = Code(.io)
    /// The import's own records disagree (a row count).
    public static let inconsistent = Code(.inconsistent)
    /// The import was stopped (another worker failed, or the operator interrupted it).
    public static let cancelled = Code(.cancelled)

    public var description: String { base.rawValue }
  }

  public var code: Code
  /// What failed, in words.
  public var message: String
  /// The next step for the operator.
  public var nextStep: String?
  /// The server's error behind it, when there is one (its DETAIL may hold users' values).
  public var serverError: PostgresError?
  /// Users' values behind the failure (orphan keys), shown only with `--show-values`.
  public var values: String?

  public init(
    _ code: Code, _ message: String, nextStep: String? = nil, serverError: PostgresError? = nil,
    values: String? = nil
  ) {
    self.code = code
    self.message = message
    self.nextStep = nextStep
    self.serverError = serverError
    self.values = values
  }

  public var exitStatus: ExitStatus {
    switch code {
    case .usage, .notEmpty, .busy, .unfinishedExport, .mapping: .usage
    case .badChunk, .orphans, .objectsDiffer: .checkFailed
    default: .ioFailure
    }
  }

  public var description: String { description(showingValues: false) }

  public func description(showingValues: Bool) -> String {
    var text = message
    if var serverError {
      serverError.nextStep = nil
      text +=
        "\n  server: "
        + serverError.description(showingValues: showingValues)
        .replacingOccurrences(of: "\n", with: "\n  ")
    }
    if showingValues, let values {
      text += "\n  values:\n    " + values.replacingOccurrences(of: "\n", with: "\n    ")
    }
    if let nextStep { text += "\n  next: \(nextStep)" }
    return text
  }
}
