/// A failure talking to PostgreSQL: connecting, a server error, or a broken COPY stream.
///
/// Server errors keep SQLSTATE, detail, hint and the statement position, so callers branch
/// on `sqlState`, never on message text. Nothing here ever holds a connection string.
public struct PostgresError: CutoverFailure, Sendable {
  /// What kind of failure this is; a struct over a private enum so codes can grow.
  public struct Code: Hashable, Sendable, CustomStringConvertible {
    private enum Base: String, Sendable {
      case invalidConnectionString, connectionFailed, server, copyFailed, protocolViolation,
        unexpectedResult, unexpectedNull, unparsableValue, missingColumn
    }
    private let base: Base
    private init(_ base: Base) { self.base = base }

    /// The connection string did not parse.
    public static let invalidConnectionString = Code(.invalidConnectionString)
    /// libpq could not open the connection (host, port, password, database, TLS).
    public static let connectionFailed = Code(.connectionFailed)
    /// The server answered a statement with an error.
    public static let server = Code(.server)
    /// A COPY stream broke off.
    public static let copyFailed = Code(.copyFailed)
    /// The server's answer had a shape cutover does not expect.
    public static let unexpectedResult = Code(.unexpectedResult)
    /// A value cutover reads as required was NULL.
    public static let unexpectedNull = Code(.unexpectedNull)
    /// A value's text is not of the type cutover reads it as (`t`/`f`, an integer, an array).
    public static let unparsableValue = Code(.unparsableValue)
    /// A row was read by a column name the statement did not return.
    public static let missingColumn = Code(.missingColumn)
    public var description: String { base.rawValue }
  }

  public var code: Code
  /// The five-character SQLSTATE of a server error.
  public var sqlState: String?
  public var message: String
  /// The server's DETAIL; may hold users' data (`Key (email)=(…)`), so `description`
  /// shows it with the values left out (`ValueDisplay`).
  public var detail: String?
  /// The server's HINT, and only that.
  public var hint: String?
  /// 1-based character offset of the error in the statement, when the server gives one.
  public var position: Int?
  /// The server's CONTEXT: where in a statement or COPY stream it failed.
  ///
  /// `COPY t, line 3, column c: "…"` quotes users' values, so `description` never shows it.
  public var context: String?
  /// What cutover was doing ("COPY app.orders FROM STDIN on target").
  public var doing: String
  /// What the operator does next; by default derived from the SQLSTATE (`SQLState.nextStep`).
  public var nextStep: String?

  public init(
    code: Code, sqlState: String? = nil, message: String, detail: String? = nil,
    hint: String? = nil, position: Int? = nil, context: String? = nil, doing: String,
    nextStep: String? = nil
  ) {
    self.code = code
    self.sqlState = sqlState
    self.message = message
    self.detail = detail
    self.hint = hint
    self.position = position
    self.context = context
    self.doing = doing
    self.nextStep = nextStep ?? sqlState.flatMap(SQLState.nextStep)
  }

  public var exitStatus: ExitStatus {
    code == .invalidConnectionString ? .usage : .ioFailure
  }

  public var description: String { description(showingValues: false) }

  /// The message; users' values in it and in DETAIL only with `showingValues`
  /// (`--show-values`).
  public func description(showingValues: Bool) -> String {
    let message =
      showingValues ? self.message : ValueDisplay.hidingValues(inMessage: self.message, sqlState: sqlState)
    var text = "\(doing): \(message)"
    if let sqlState { text += " [\(sqlState)]" }
    if let detail {
      text += "\n  detail: \(showingValues ? detail : ValueDisplay.hidingValues(inDetail: detail))"
    }
    if let hint { text += "\n  hint: \(hint)" }
    if let nextStep { text += "\n  next: \(nextStep)" }
    return text
  }
}

/// Well-known SQLSTATEs cutover branches on.
public enum SQLState {
  /// The operator's next step for a server error of this SQLSTATE (or its class), when there
  /// is one that does not depend on the statement.
  public static func nextStep(for sqlState: String) -> String? {
    switch sqlState {
    case insufficientPrivilege:
      return
        "grant the connecting role what the statement needs (or connect as one that has it); `cutover doctor` lists what cutover needs, with the GRANTs"
    case queryCanceled:
      return
        "the statement was cancelled (Ctrl-C, statement_timeout, or pg_cancel_backend): run the command again; it resumes where it can"
    case lockNotAvailable:
      return
        "another session holds a conflicting lock: find it in pg_stat_activity (pg_blocking_pids), let it finish or end it, then run again"
    case invalidParameterValue:
      return "if this names a snapshot: its holder ended; run the export again without --snapshot"
    case invalidPassword, invalidAuthorization:
      return "check the user and password in --source/--target (or PGPASSWORD)"
    case invalidCatalogName:
      return "check the database name at the end of the URL"
    case "53100":
      return "the server's disk is full: free space on the database server, then run again"
    case "40001", "40P01":
      return "a concurrent transaction conflicted: run the command again"
    default:
      break
    }
    switch sqlState.prefix(2) {
    case "57":
      return
        "the server ended the session (restart, failover, or pg_terminate_backend): check the server, then run the command again; it resumes where it can"
    case "08":
      return "the connection broke: check the network and the server, then run the command again"
    case "53":
      return "the server ran out of a resource (memory, connections, disk): check it, then run again"
    default:
      return nil
    }
  }

  public static let undefinedTable = "42P01"
  public static let undefinedObject = "42704"
  public static let insufficientPrivilege = "42501"
  public static let syntaxError = "42601"
  public static let uniqueViolation = "23505"
  public static let foreignKeyViolation = "23503"
  public static let queryCanceled = "57014"
  public static let invalidPassword = "28P01"
  public static let invalidAuthorization = "28000"
  public static let invalidCatalogName = "3D000"
  public static let duplicateDatabase = "42P04"
  public static let duplicateObject = "42710"
  public static let activeSQLTransaction = "25001"
  public static let lockNotAvailable = "55P03"
  public static let adminShutdown = "57P01"
  public static let invalidParameterValue = "22023"
  public static let objectNotInPrerequisiteState = "55000"
  public static let featureNotSupported = "0A000"
  public static let dependentObjectsStillExist = "2BP01"
}
