import CutoverKit
import Dispatch
import Foundation
import Synchronization

/// A statement another session runs on a thread of its own (it may block on a lock for long),
/// with that session's pid.
final class BlockingStatement: Sendable {
  private let done = DispatchSemaphore(value: 0)
  private let backend = Mutex<Int?>(nil)

  /// The session's backend pid, once connected.
  var pid: Int? { backend.withLock { $0 } }

  func start(_ url: String, _ statement: String) {
    let done = self.done
    Thread { [self] in
      if let connection = try? PGConnection(try ConnectionTarget(url)) {
        backend.withLock { $0 = try? connection.execute("SELECT pg_backend_pid() AS pid").one().int("pid") }
        _ = try? connection.execute(statement)
      }
      done.signal()
    }.start()
  }

  /// Waits until the statement has ended.
  func wait() { done.wait() }
}
