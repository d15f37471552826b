import Dispatch
import Foundation

/// Holds the export's snapshot open: one connection on a thread of its own, in a
/// `REPEATABLE READ READ ONLY` transaction, until `release`.
///
/// An exported snapshot lives only while the transaction that exported it is open, so
/// this connection stays idle in that transaction for the whole export (its
/// `idle_in_transaction_session_timeout` is overridden). With an existing snapshot id the
/// holder imports it instead (the snapshot's owner must keep it open).
final class SnapshotHolder: Sendable {
  private let released = DispatchSemaphore(value: 0)
  private let finished = DispatchSemaphore(value: 0)

  private init() {}

  /// Opens the connection, takes (or imports) the snapshot and runs `inspect` in it.
  /// - Returns: the holder and what `inspect` returned.
  static func open<T: Sendable>(
    target: ConnectionTarget, existingSnapshot: String?,
    inspect: @escaping @Sendable (PGConnection, String) throws -> T
  ) async throws -> (SnapshotHolder, T) {
    let holder = SnapshotHolder()
    let value: T = try await withCheckedThrowingContinuation { continuation in
      let thread = Thread {
        do {
          let connection = try PGConnection(target, applicationName: "cutover export snapshot")
          try connection.prepareLongRunningSession()
          let snapshot: String
          if let existingSnapshot {
            try connection.importSnapshot(existingSnapshot)
            snapshot = existingSnapshot
          } else {
            snapshot = try connection.exportSnapshot()
          }
          let value = try inspect(connection, snapshot)
          continuation.resume(returning: value)
          holder.released.wait()
          // A read-only transaction has nothing to commit: if COMMIT fails, closing the
          // connection (deinit, `PQfinish`) ends the transaction all the same.
          _ = try? connection.execute("COMMIT", doing: "ending the snapshot transaction")
        } catch {
          continuation.resume(throwing: error)
        }
        holder.finished.signal()
      }
      thread.name = "export-snapshot"
      thread.stackSize = 4 << 20
      thread.start()
    }
    return (holder, value)
  }

  /// Ends the snapshot transaction and closes the connection; waits until it is closed.
  func release() async {
    released.signal()
    // The waiting thread cannot fail; `try?` only satisfies the signature.
    _ = try? await onDedicatedThread(named: "export-snapshot-release") { [finished] in
      finished.wait()
    }
  }
}
