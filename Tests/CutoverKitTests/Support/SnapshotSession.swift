import CutoverKit
import Dispatch
import Foundation

/// A test's own session that holds a transaction open (a snapshot, or a lock) until closed.
final class SnapshotSession: Sendable {
  private let release = DispatchSemaphore(value: 0)

  /// Opens a repeatable-read transaction and returns its exported snapshot.
  func open(_ url: String) async throws -> String {
    try await start(url) { connection in try connection.exportSnapshot() }
  }

  /// Opens a transaction and runs `statement` in it (for example a `LOCK TABLE`).
  func hold(_ url: String, _ statement: String) async throws {
    _ = try await start(url) { connection in
      try connection.execute("BEGIN")
      try connection.execute(statement)
      return ""
    }
  }

  func close() { release.signal() }

  private func start(_ url: String, _ body: @escaping @Sendable (PGConnection) throws -> String) async throws
    -> String
  {
    let release = self.release
    return try await withCheckedThrowingContinuation { continuation in
      let thread = Thread {
        do {
          let connection = try PGConnection(try ConnectionTarget(url))
          continuation.resume(returning: try body(connection))
          release.wait()
        } catch {
          continuation.resume(throwing: error)
        }
      }
      thread.start()
    }
  }
}
