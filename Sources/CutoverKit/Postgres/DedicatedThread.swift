import Foundation

/// Runs `body` on a new thread of its own and returns its result.
///
/// libpq and libzstd calls block; they must never occupy the cooperative pool (one thread
/// per core), so each connection is opened, used and finished inside one such call.
public func onDedicatedThread<T: Sendable>(
  named name: String,
  _ body: @escaping @Sendable () throws -> T
) async throws -> T {
  try await withCheckedThrowingContinuation { continuation in
    let thread = Thread {
      continuation.resume(with: Result { try body() })
    }
    thread.name = name
    thread.stackSize = 4 << 20
    thread.start()
  }
}
