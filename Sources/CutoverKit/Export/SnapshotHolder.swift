import Dispatch
import Foundation

/// Holds the export's snapshot open for the length of a scope: one connection on a thread of
/// its own, in a `REPEATABLE READ READ ONLY` transaction.
///
/// An exported snapshot lives only while the transaction that exported it is open, so this
/// connection stays idle in that transaction for the whole export (its
/// `idle_in_transaction_session_timeout` is overridden) and also holds the `ACCESS SHARE`
/// locks the inspection takes. The only way in is `withSnapshot`, whose teardown always ends
/// the transaction — a forgotten release must never hold a transaction (and its locks) open
/// on production. With an existing snapshot id the holder imports it instead (the snapshot's
/// owner must keep it open).
enum SnapshotHolder {
  /// Opens the connection, takes (or imports) the snapshot, runs `inspect` in it, then
  /// `body` with what `inspect` returned; ends the transaction and closes the connection
  /// when `body` returns or throws, and waits until it is closed.
  static func withSnapshot<Inspection: Sendable, Result: Sendable>(
    target: ConnectionTarget, existingSnapshot: String?, cancellation: QueryCancellation,
    inspect: @escaping @Sendable (PGConnection, String) throws -> Inspection,
    body: (Inspection) async throws -> Result
  ) async throws -> Result {
    let released = DispatchSemaphore(value: 0)
    let finished = DispatchSemaphore(value: 0)
    let inspection: Inspection = try await withCheckedThrowingContinuation { continuation in
      let thread = Thread {
        defer { finished.signal() }
        do {
          let connection = try PGConnection(target, applicationName: "cutover export snapshot")
          try cancellation.watching(connection) {
            try connection.prepareLongRunningSession()
            let snapshot: String
            if let existingSnapshot {
              try connection.importSnapshot(existingSnapshot)
              snapshot = existingSnapshot
            } else {
              snapshot = try connection.exportSnapshot()
            }
            continuation.resume(returning: try inspect(connection, snapshot))
          }
          released.wait()
          // A read-only transaction has nothing to commit: if COMMIT fails, closing the
          // connection (deinit, `PQfinish`) ends the transaction all the same.
          _ = try? connection.execute("COMMIT", doing: "ending the snapshot transaction")
        } catch {
          continuation.resume(throwing: error)
        }
      }
      thread.name = "export-snapshot"
      thread.stackSize = 4 << 20
      thread.start()
    }
    func release() async {
      released.signal()
      // The waiting thread cannot fail; `try?` only satisfies the signature.
      _ = try? await onDedicatedThread(named: "export-snapshot-release") { finished.wait() }
    }
    do {
      let result = try await body(inspection)
      await release()
      return result
    } catch {
      await release()
      throw error
    }
  }
}
