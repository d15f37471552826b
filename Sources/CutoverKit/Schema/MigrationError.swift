/// A migration refused or failed: a bad chain, a changed file, a foreign target, or a
/// statement the server rejected.
///
/// The description names what failed, where (file and line) and what to do next; for a
/// server error it keeps the SQLSTATE, detail and hint. It never holds a connection string.
public struct MigrationError: CutoverFailure, Sendable {
  /// What kind of failure this is; a struct over a private enum so codes can grow.
  public struct Code: Hashable, Sendable, CustomStringConvertible {
    private enum Base: String, Sendable {
      case chainNotFound, emptyChain, badFileName, duplicateVersion, unreadableFile, notUTF8
      case checksumChanged, unknownAppliedVersion, outOfOrder
      case foreignTarget, standInOnSupabase, alreadyRunning, statementFailed, interrupted
    }
    private let base: Base
    private init(_ base: Base) { self.base = base }

    /// The chain (or stand-in) directory does not exist (exit 2).
    public static let chainNotFound = Code(.chainNotFound)
    /// The directory holds no `.sql` file (exit 2).
    public static let emptyChain = Code(.emptyChain)
    /// A `.sql` file is not named `DIGITS_name.sql` (exit 2).
    public static let badFileName = Code(.badFileName)
    /// Two files share a version (exit 2).
    public static let duplicateVersion = Code(.duplicateVersion)
    /// A file or directory cannot be read (exit 3).
    public static let unreadableFile = Code(.unreadableFile)
    /// A file is not UTF-8 (exit 2).
    public static let notUTF8 = Code(.notUTF8)
    /// An applied file's SHA-256 differs from the one recorded when it was applied (exit 1).
    public static let checksumChanged = Code(.checksumChanged)
    /// The target's ledger records a version the chain does not have (exit 1).
    public static let unknownAppliedVersion = Code(.unknownAppliedVersion)
    /// A file not yet applied sorts before one already applied (exit 1).
    public static let outOfOrder = Code(.outOfOrder)
    /// The target holds app tables that cutover did not create (exit 2).
    public static let foreignTarget = Code(.foreignTarget)
    /// `--local-stand-in` on a target that already has an `auth` schema (exit 2).
    public static let standInOnSupabase = Code(.standInOnSupabase)
    /// Another `cutover migrate` holds the target's migration lock (exit 3).
    public static let alreadyRunning = Code(.alreadyRunning)
    /// The server rejected a statement of a file (exit 3).
    public static let statementFailed = Code(.statementFailed)
    /// The run was cancelled (Ctrl-C): the server's statement was cancelled (exit 3; the
    /// command line exits 128 + the signal).
    public static let interrupted = Code(.interrupted)

    public var description: String { base.rawValue }

    /// The exit status every failure of this kind ends the command with.
    public var exitStatus: ExitStatus {
      switch base {
      case .chainNotFound, .emptyChain, .badFileName, .duplicateVersion, .notUTF8,
        .foreignTarget, .standInOnSupabase:
        return .usage
      case .checksumChanged, .unknownAppliedVersion, .outOfOrder:
        return .checkFailed
      // Another run holding the target is refused like a busy export directory: the command
      // cannot run now as asked (2), nothing failed.
      case .alreadyRunning:
        return .usage
      case .unreadableFile, .statementFailed, .interrupted:
        return .ioFailure
      }
    }
  }

  public var code: Code
  /// What went wrong, in one sentence.
  public var message: String
  /// The file concerned, as the operator gave its path.
  public var file: String?
  /// The 1-based line in `file` (the failing statement, or the error position in it).
  public var line: Int?
  /// The first line of the failing statement.
  public var statement: String?
  /// The SQLSTATE of a server error.
  public var sqlState: String?
  public var detail: String?
  public var hint: String?
  /// What the operator should do next.
  public var nextStep: String?

  public init(
    code: Code, message: String, file: String? = nil, line: Int? = nil,
    statement: String? = nil, sqlState: String? = nil, detail: String? = nil,
    hint: String? = nil, nextStep: String? = nil
  ) {
    self.code = code
    self.message = message
    self.file = file
    self.line = line
    self.statement = statement
    self.sqlState = sqlState
    self.detail = detail
    self.hint = hint
    self.nextStep = nextStep
  }

  public var exitStatus: ExitStatus { code.exitStatus }

  /// `file:line: message [SQLSTATE]`, then the statement, detail, hint and next step.
  public var description: String { description(showingValues: false) }

  /// The message; users' values in a server's DETAIL only with `showingValues`.
  public func description(showingValues: Bool) -> String {
    var text = ""
    if let file {
      text += file
      if let line { text += ":\(line)" }
      text += ": "
    }
    text += showingValues ? message : ValueDisplay.hidingValues(inMessage: message, sqlState: sqlState)
    if let sqlState { text += " [\(sqlState)]" }
    if let statement { text += "\n  statement: \(statement)" }
    if let detail {
      text += "\n  detail: \(showingValues ? detail : ValueDisplay.hidingValues(inDetail: detail))"
    }
    if let hint { text += "\n  hint: \(hint)" }
    if let nextStep { text += "\n  next: \(nextStep)" }
    return text
  }
}
