import Foundation

/// The source half of the policy-behaviour check, taken by the export after its copy, in its
/// snapshot: the rows each sampled user (and `anon`) can see in every exported table.
///
/// Counting under policies can cost far more than copying (a policy's subquery runs per row),
/// so it runs after the data is safe, on `jobs` connections that each import the snapshot and
/// take the next (user, table) count from one queue, and its time is reported on its own.
struct ExportPolicySample: Sendable {
  var source: ConnectionTarget
  var snapshot: String
  var jobs: Int
  var tables: [PolicyBehaviour.CountedTable]
  var settings: PolicySampleSettings
  /// Ctrl-C cancels the running counts on the server (a count under costly policies can
  /// run long, and it holds the export's snapshot).
  var cancellation: QueryCancellation
  /// Seconds to wait for a session queued for an exclusive lock on a table to go
  /// (`TableLocks.lockToRead`).
  var lockTimeout = 30

  /// The counts, as `PolicyBehaviour.sourceCounts` would take them on one connection.
  func run() async throws -> PolicyBehaviourCounts {
    let began = Date()
    let source = self.source
    let snapshot = self.snapshot
    let settings = self.settings
    let tables = self.tables
    let cancellation = self.cancellation
    let lockTimeout = self.lockTimeout
    // The users and each table's bound, with the export's own role (before any `SET ROLE`).
    let found = try await onDedicatedThread(named: "export-policy-sample") {
      try Self.inSnapshot(source, snapshot, tables, lockTimeout) { connection -> Prepared? in
        try cancellation.watching(connection) {
          guard let users = try PolicyBehaviour.platformSample(on: connection, settings: settings) else {
            return nil
          }
          let conditions = try PolicyBehaviour.boundConditions(
            tables, rowsPerTable: settings.rowsPerTable, on: connection)
          return Prepared(users: users, conditions: conditions)
        }
      }
    }
    guard let found else {
      return PolicyBehaviourCounts(
        users: [], stratify: settings.stratify, includesAnon: false, tables: [],
        seconds: Date().timeIntervalSince(began))
    }
    let users = found.users
    let counted = try await PolicyBehaviour.countSpread(
      tables, conditions: found.conditions, users: users, includeAnon: settings.includeAnon,
      timeoutMilliseconds: settings.statementTimeoutMilliseconds, jobs: jobs, threadName: "export-policy",
      cancellation: cancellation
    ) { body in
      try Self.inSnapshot(source, snapshot, tables, lockTimeout) { try body($0) }
    }
    return PolicyBehaviourCounts(
      users: users, stratify: settings.stratify, includesAnon: settings.includeAnon,
      tables: counted, seconds: Date().timeIntervalSince(began), rowsPerTable: settings.rowsPerTable)
  }

  /// What the counts need before they start.
  private struct Prepared: Sendable {
    var users: [PolicyBehaviourCounts.User]
    var conditions: [QualifiedName: PolicyBehaviour.BoundCondition]
  }

  /// Runs `body` on a fresh connection inside the export's snapshot, every table locked for
  /// reading first (with the export's role, before any `SET ROLE`).
  private static func inSnapshot<T>(
    _ source: ConnectionTarget, _ snapshot: String, _ tables: [PolicyBehaviour.CountedTable],
    _ lockTimeout: Int,
    _ body: (PGConnection) throws -> T
  ) throws -> T {
    let connection = try PGConnection(source, applicationName: "cutover export policy sample")
    try connection.prepareLongRunningSession()
    try connection.importSnapshot(snapshot)
    try TableLocks.lockToRead(
      tables.map { ((($0.isPartitioned ? "" : "ONLY ") + $0.name.quoted), $0.name) }, on: connection,
      timeout: lockTimeout, stopped: { false }, notice: { _ in })
    let result = try body(connection)
    try connection.execute("COMMIT", doing: "ending the policy-sample transaction")
    return result
  }
}
