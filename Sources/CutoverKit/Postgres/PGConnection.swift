import CLibPQ
import Foundation

/// One libpq connection, used from one thread only and finished in `deinit`.
///
/// Blocking by design (`PQexecParams`, `PQgetCopyData`): callers run it inside
/// `onDedicatedThread`, never on the cooperative pool.
public final class PGConnection {
  let handle: OpaquePointer
  /// The target it was opened on (redacted description, secrets for scrubbing).
  public let target: ConnectionTarget
  private let notices: NoticeBuffer

  /// Opens a connection.
  ///
  /// The corresponding C function is `PQconnectdbParams`.
  ///
  /// - Throws: `PostgresError` (`.connectionFailed`) naming the redacted target, libpq's
  ///   reason (wrong host, port, password, database, sslmode) and what to check next.
  public init(_ target: ConnectionTarget, applicationName: String = "cutover") throws {
    self.target = target
    let connection = target.withConnectParameters(applicationName: applicationName) {
      keywords, values in PQconnectdbParams(keywords, values, 1)
    }
    guard let connection else {
      throw PostgresError(
        code: .connectionFailed, message: "libpq could not allocate a connection",
        doing: "connecting to \(target.sideName) \(target)")
    }
    guard PQstatus(connection) == CONNECTION_OK else {
      let reason = target.redact(String(cString: PQerrorMessage(connection)))
      PQfinish(connection)
      throw PostgresError(
        code: .connectionFailed,
        message: Self.tidy(reason),
        doing: "connecting to \(target.sideName) \(target)",
        nextStep: "check host, port, user, password, database and sslmode"
          + (target.side.map { " of \($0.option) or \($0.environmentVariable)" } ?? "")
          + ", then run `cutover doctor`")
    }
    self.handle = connection
    self.notices = NoticeBuffer()
    PQsetNoticeReceiver(
      connection,
      { context, result in
        guard let context, let result else { return }
        let buffer = Unmanaged<NoticeBuffer>.fromOpaque(context).takeUnretainedValue()
        buffer.append(String(cString: PQresultErrorMessage(result)).trimmingTrailingNewlines)
      }, Unmanaged.passUnretained(notices).toOpaque())
    // Keep the server's encoding so COPY text passes through byte for byte.
    if let serverEncoding = PQparameterStatus(connection, "server_encoding") {
      PQsetClientEncoding(connection, serverEncoding)
    }
  }

  deinit { PQfinish(handle) }

  /// libpq's connection errors are several lines ("connection to server at … failed: …").
  private static func tidy(_ message: String) -> String {
    message.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
      .filter { !$0.isEmpty }.joined(separator: "; ")
  }

  /// The server's `server_version_num` (150018 for 15.18).
  ///
  /// The corresponding C function is `PQserverVersion`.
  public var serverVersionNumber: Int { Int(PQserverVersion(handle)) }

  /// The backend process id serving this connection.
  public var backendPID: Int32 { PQbackendPID(handle) }

  /// A parameter the server reports at start-up (`server_version`, `server_encoding`, …).
  public func parameterStatus(_ name: String) -> String? {
    PQparameterStatus(handle, name).map { String(cString: $0) }
  }

  /// Takes the notices (warnings, `NOTICE`s) the server sent since the last call.
  public func drainNotices() -> [String] { notices.drain() }

  /// Runs one statement with `$n` parameters in text format and returns its rows.
  ///
  /// Values never go into SQL text; identifiers only through `QualifiedName.quoted`.
  /// The corresponding C function is `PQexecParams`.
  @discardableResult
  public func execute(_ sql: String, _ parameters: [String?] = [], doing: String? = nil) throws
    -> PGRows
  {
    let result = try executeRaw(sql, parameters, doing: doing)
    return result.rows(doing: doing ?? Self.summary(of: sql))
  }

  func executeRaw(_ sql: String, _ parameters: [String?], doing: String?) throws -> PGResult {
    let cStrings = parameters.map { $0.map { strdup($0) } ?? nil }
    defer { cStrings.forEach { free($0) } }
    let raw = cStrings.map { UnsafePointer($0) }.withUnsafeBufferPointer { values in
      PQexecParams(handle, sql, Int32(parameters.count), nil, values.baseAddress, nil, nil, 0)
    }
    let result = try check(raw, doing: doing ?? Self.summary(of: sql))
    switch result.status {
    case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY: return result
    default: throw result.error(doing: doing ?? Self.summary(of: sql), redact: target.redact)
    }
  }

  /// Runs a script of several statements (simple query protocol, no parameters).
  ///
  /// Used for migration files and the stand-in; the script runs as one implicit
  /// transaction unless it controls its own. The corresponding C function is `PQexec`.
  public func runScript(_ sql: String, doing: String) throws {
    let result = try check(PQexec(handle, sql), doing: doing)
    switch result.status {
    case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY: return
    default: throw result.error(doing: doing, redact: target.redact)
    }
  }

  /// Wraps a fresh result, turning a NULL (out of memory, lost connection) into an error.
  func check(_ raw: OpaquePointer?, doing: String) throws -> PGResult {
    guard let raw else { throw connectionError(doing: doing) }
    return PGResult(raw)
  }

  /// The error libpq holds for this connection right now.
  func connectionError(doing: String) -> PostgresError {
    PostgresError(
      code: PQstatus(handle) == CONNECTION_OK ? .server : .connectionFailed,
      message: target.redact(Self.tidy(String(cString: PQerrorMessage(handle)))),
      doing: doing)
  }

  /// Quotes an identifier (`PQescapeIdentifier`); the only way names enter SQL text.
  public func quoteIdentifier(_ name: String) throws -> String {
    guard let quoted = PQescapeIdentifier(handle, name, name.utf8.count) else {
      throw connectionError(doing: "quoting identifier")
    }
    defer { PQfreemem(quoted) }
    return String(cString: quoted)
  }

  /// Quotes a literal (`PQescapeLiteral`), for utility statements that take no parameters
  /// (`SET TRANSACTION SNAPSHOT`, `SET … TO`).
  public func quoteLiteral(_ value: String) throws -> String {
    guard let quoted = PQescapeLiteral(handle, value, value.utf8.count) else {
      throw connectionError(doing: "quoting literal")
    }
    defer { PQfreemem(quoted) }
    return String(cString: quoted)
  }

  /// The first line of a statement, for error messages.
  static func summary(of sql: String) -> String {
    let line = sql.split(whereSeparator: \.isNewline).first.map(String.init) ?? sql
    let trimmed = line.trimmingCharacters(in: .whitespaces)
    return trimmed.count > 120 ? String(trimmed.prefix(117)) + "…" : trimmed
  }
}

@available(*, unavailable) extension PGConnection: Sendable {}

/// Notices the server sent; filled from libpq's callback on the connection's own thread.
final class NoticeBuffer {
  private var notices: [String] = []
  func append(_ notice: String) {
    if notices.count < 1000 { notices.append(notice) }
  }
  func drain() -> [String] {
    defer { notices.removeAll() }
    return notices
  }
}
