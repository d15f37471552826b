import Synchronization

/// Items handed out one at a time to workers that each pull the next when they are free, so
/// one costly item never leaves the others with a fixed share done and nothing to do.
final class WorkQueue<Item: Sendable>: Sendable {
  private let items: [Item]
  private let next = Mutex(0)

  init(_ items: [Item]) { self.items = items }

  /// The next item, nil when none is left (or after `stop`).
  func take() -> Item? {
    next.withLock { next in
      guard next < items.count else { return nil }
      defer { next += 1 }
      return items[next]
    }
  }

  /// Hands out nothing more: a worker failed, and the others finish what they hold.
  func stop() { next.withLock { $0 = items.count } }

  /// One worker's loop: runs `body` on each item it takes until none is left.
  ///
  /// `cancellation` cancels `connection`'s running statement, and once cancelled no further
  /// item starts (`CancellationError`); a failure stops the queue for every worker, then is
  /// rethrown.
  func drain(on connection: PGConnection, cancellation: QueryCancellation?, _ body: (Item) throws -> Void)
    throws
  {
    do {
      try cancellation.watching(connection) {
        while let item = take() {
          if cancellation?.isCancelled == true { throw CancellationError() }
          try body(item)
        }
      }
    } catch {
      stop()
      throw error
    }
  }
}
