extension PGConnection {
  /// Overrides the timeouts an operator's server may set, for cutover's own sessions.
  ///
  /// A long COPY must not hit `statement_timeout`, and a worker waiting on the snapshot's
  /// holder must not hit `idle_in_transaction_session_timeout`.
  public func prepareLongRunningSession() throws {
    try execute("SET statement_timeout = 0", doing: "overriding statement_timeout")
    try execute(
      "SET idle_in_transaction_session_timeout = 0",
      doing: "overriding idle_in_transaction_session_timeout")
    try execute("SET lock_timeout = 0", doing: "overriding lock_timeout")
  }

  /// Opens a read-only repeatable-read transaction and exports its snapshot.
  ///
  /// The snapshot lives as long as this connection keeps the transaction open.
  /// - Returns: the snapshot id to pass to `importSnapshot(_:)` on other connections.
  public func exportSnapshot() throws -> String {
    try execute(
      "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", doing: "starting the snapshot transaction")
    return try execute("SELECT pg_export_snapshot() AS snapshot", doing: "exporting a snapshot")
      .one().string("snapshot")
  }

  /// Starts a read-only repeatable-read transaction on an exported snapshot.
  public func importSnapshot(_ id: String) throws {
    try execute(
      "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", doing: "starting a snapshot transaction")
    try execute(
      "SET TRANSACTION SNAPSHOT \(try quoteLiteral(id))", doing: "importing snapshot \(id)")
  }
}
