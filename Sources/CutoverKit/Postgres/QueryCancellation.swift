import CLibPQ
import Synchronization

/// Cancels the statements running on a set of connections when the task that owns them is
/// cancelled (Ctrl-C, a failing sibling).
///
/// A blocked libpq call (`PQgetCopyData`, a `LOCK TABLE` waiting for a lock, a long
/// `CREATE INDEX`) does not notice task cancellation, and killing the client leaves the
/// backend running the statement and holding its locks. So each connection registers here
/// from its own thread, and `cancel()` sends every registered backend a cancel request
/// (`PQcancel`, safe from any thread). A connection registered after the cancellation is
/// cancelled at once.
public final class QueryCancellation: Sendable {
  /// Registered cancel handles (`PGcancel *`, from `PQgetCancel`) and whether `cancel()` ran.
  private let state = Mutex<(handles: [Int: OpaquePointer], cancelled: Bool, next: Int)>(
    ([:], false, 0))

  public init() {}

  deinit {
    state.withLock { state in
      for handle in state.handles.values { PQfreeCancel(handle) }
    }
  }

  /// Whether `cancel()` has run.
  public var isCancelled: Bool { state.withLock { $0.cancelled } }

  /// Runs `body` with `connection` watched: a cancellation while it runs cancels the connection's
  /// current statement.
  ///
  /// Call from the connection's own thread.
  public func watching<T>(_ connection: PGConnection, _ body: () throws -> T) rethrows -> T {
    guard let handle = PQgetCancel(connection.handle) else { return try body() }
    let key = state.withLock { state -> Int in
      state.next += 1
      state.handles[state.next] = handle
      if state.cancelled { Self.send(handle) }
      return state.next
    }
    defer { unregister(key) }
    return try body()
  }

  /// Sends a cancel request to every registered connection's backend.
  public func cancel() {
    // Sent under the lock: a handle is never freed while a request on it is being sent.
    state.withLock { state in
      state.cancelled = true
      for handle in state.handles.values { Self.send(handle) }
    }
  }

  private func unregister(_ key: Int) {
    state.withLock { state in
      if let handle = state.handles.removeValue(forKey: key) { PQfreeCancel(handle) }
    }
  }

  private static func send(_ handle: OpaquePointer) {
    var errorBuffer = [CChar](repeating: 0, count: 256)
    _ = PQcancel(handle, &errorBuffer, Int32(errorBuffer.count))
  }
}

/// Runs `body` with a `QueryCancellation` that fires when the current task is cancelled.
public func withQueryCancellation<T: Sendable>(
  _ body: (QueryCancellation) async throws -> T
) async throws -> T {
  let cancellation = QueryCancellation()
  return try await withTaskCancellationHandler {
    try await body(cancellation)
  } onCancel: {
    cancellation.cancel()
  }
}

extension Optional where Wrapped == QueryCancellation {
  /// `QueryCancellation.watching` when there is a cancellation to watch with, else `body`.
  func watching<T>(_ connection: PGConnection, _ body: () throws -> T) rethrows -> T {
    switch self {
    case .some(let cancellation): try cancellation.watching(connection, body)
    case .none: try body()
    }
  }
}
