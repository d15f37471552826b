/// At most `limit` bodies at once; the rest wait in arrival order.
///
/// Every test starts at once under Swift Testing, and each opens its connections on a thread of
/// its own: without a bound, a few hundred `CREATE DATABASE` wait on each other holding a
/// connection each, and the cluster runs out of connection slots.
actor AsyncLimiter {
  private var available: Int
  private var waiting: [CheckedContinuation<Void, Never>] = []

  init(limit: Int) { available = limit }

  @discardableResult
  func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
    await acquire()
    defer { release() }
    return try await body()
  }

  private func acquire() async {
    if available > 0 {
      available -= 1
      return
    }
    await withCheckedContinuation { waiting.append($0) }
  }

  private func release() {
    if waiting.isEmpty {
      available += 1
    } else {
      waiting.removeFirst().resume()
    }
  }
}
