import CLibPQ

extension PGConnection {
  /// Streams the rows of a `COPY … TO STDOUT` to `body`, one row per call.
  ///
  /// `body` sees libpq's buffer, freed when it returns, so memory stays bounded whatever the
  /// table size. Blocks (`PQgetCopyData`).
  /// - Returns: the row count from the command tag.
  @discardableResult
  public func copyOut(
    _ sql: String, doing: String? = nil, _ body: (UnsafeRawBufferPointer) throws -> Void
  ) throws -> Int {
    let doing = doing ?? Self.summary(of: sql)
    try startCopy(sql, expecting: PGRES_COPY_OUT, direction: "TO STDOUT", doing: doing)
    var bodyError: (any Error)?
    while true {
      var buffer: UnsafeMutablePointer<CChar>?
      let length = PQgetCopyData(handle, &buffer, 0)
      if length > 0, let buffer {
        defer { PQfreemem(buffer) }
        // After a failure in `body` keep draining: the protocol has no way to stop a COPY
        // OUT early short of cancelling, and the connection must stay usable.
        if bodyError == nil {
          do {
            try body(UnsafeRawBufferPointer(start: buffer, count: Int(length)))
          } catch {
            bodyError = error
            cancelRunningQuery()
          }
        }
        continue
      }
      if length == -1 { break }
      throw PostgresError(
        code: .copyFailed, message: target.redact(String(cString: PQerrorMessage(handle))),
        doing: doing)
    }
    let rows = try finishCommand(doing: doing, tolerateCancel: bodyError != nil)
    if let bodyError { throw bodyError }
    return rows
  }

  /// Runs a `COPY … FROM STDIN`, letting `feed` write the data through a `CopyInWriter`.
  ///
  /// When `feed` throws, the COPY is ended with an error message so the server rolls it
  /// back, and the error is rethrown. Blocks (`PQputCopyData`, which flushes as libpq's
  /// buffer fills, so memory stays bounded).
  /// - Returns: the row count from the command tag.
  @discardableResult
  public func copyIn(
    _ sql: String, doing: String? = nil, _ feed: (inout CopyInWriter) throws -> Void
  ) throws -> Int {
    let doing = doing ?? Self.summary(of: sql)
    try startCopy(sql, expecting: PGRES_COPY_IN, direction: "FROM STDIN", doing: doing)
    var writer = CopyInWriter(connection: self, doing: doing)
    do {
      try feed(&writer)
    } catch {
      _ = PQputCopyEnd(handle, "cutover stopped the COPY: \(error)".prefix(200).description)
      _ = try? finishCommand(doing: doing, tolerateCancel: true)
      throw error
    }
    guard PQputCopyEnd(handle, nil) == 1 else { throw connectionError(doing: doing) }
    return try finishCommand(doing: doing, tolerateCancel: false)
  }

  /// Sends a COPY statement and checks that the server entered the expected copy mode.
  private func startCopy(
    _ sql: String, expecting mode: ExecStatusType, direction: String, doing: String
  ) throws {
    let start = try check(PQexec(handle, sql), doing: doing)
    guard start.status == mode else {
      if start.status == PGRES_FATAL_ERROR { throw start.error(doing: doing, redact: target.redact) }
      throw PostgresError(
        code: .unexpectedResult, message: "the statement did not start a COPY \(direction)",
        doing: doing)
    }
  }

  /// Reads results until libpq has none left; throws the first error among them.
  func finishCommand(doing: String, tolerateCancel: Bool) throws -> Int {
    var firstError: PostgresError?
    var rows = 0
    while let raw = PQgetResult(handle) {
      let result = PGResult(raw)
      switch result.status {
      case PGRES_COMMAND_OK:
        rows = Int(String(cString: PQcmdTuples(result.raw))) ?? 0
      case PGRES_COPY_IN:
        // A COPY IN cannot be left open: end it so the connection stays usable.
        _ = PQputCopyEnd(handle, "cutover ended an unexpected COPY")
      default:
        if firstError == nil { firstError = result.error(doing: doing, redact: target.redact) }
      }
    }
    if let firstError {
      if tolerateCancel && firstError.sqlState == SQLState.queryCanceled { return rows }
      throw firstError
    }
    return rows
  }

  /// Asks the server to cancel what this connection is running (`PQcancel`).
  public func cancelRunningQuery() {
    guard let cancel = PQgetCancel(handle) else { return }
    defer { PQfreeCancel(cancel) }
    var errorBuffer = [CChar](repeating: 0, count: 256)
    _ = PQcancel(cancel, &errorBuffer, Int32(errorBuffer.count))
  }
}

/// Writes data into a running `COPY … FROM STDIN`.
public struct CopyInWriter: ~Copyable {
  fileprivate let connection: PGConnection
  fileprivate let doing: String

  /// Sends `bytes` (any split of the COPY text; rows may span calls).
  ///
  /// The corresponding C function is `PQputCopyData`.
  public func write(_ bytes: UnsafeRawBufferPointer) throws {
    guard let base = bytes.baseAddress, bytes.count > 0 else { return }
    let status = PQputCopyData(
      connection.handle, base.assumingMemoryBound(to: CChar.self), Int32(bytes.count))
    guard status == 1 else { throw connection.connectionError(doing: doing) }
  }

  /// Sends the bytes of an array.
  public func write(_ bytes: [UInt8]) throws {
    try bytes.withUnsafeBytes { try write($0) }
  }
}
