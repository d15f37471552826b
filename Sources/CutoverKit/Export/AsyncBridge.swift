import Dispatch
import Synchronization

/// Waits, on a dedicated thread, for async work such as an actor call.
///
/// Export workers run blocking libpq loops on threads of their own; to journal a chunk
/// they must call the journal actor. Blocking such a thread (never a cooperative-pool
/// thread) on a semaphore while the call runs on the pool is safe.
enum AsyncBridge {
  /// Runs `operation` as a task and blocks the calling thread until it ends.
  /// > Important: call only from a dedicated thread (`onDedicatedThread`), never from a task.
  static func wait<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) throws -> T {
    let outcome = Mutex<Result<T, any Error>?>(nil)
    let done = DispatchSemaphore(value: 0)
    Task {
      let result: Result<T, any Error>
      do {
        result = .success(try await operation())
      } catch {
        result = .failure(error)
      }
      outcome.withLock { $0 = result }
      done.signal()
    }
    done.wait()
    guard let result = outcome.withLock({ $0 }) else {
      preconditionFailure("the bridged task signalled without a result")
    }
    return try result.get()
  }
}
