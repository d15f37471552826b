import Synchronization

/// The tables still to export, taken one at a time by the worker threads (largest first).
final class TableQueue: Sendable {
  private let remaining: Mutex<[TablePlan]>

  /// - Parameter tables: in the order they should be taken.
  init(_ tables: [TablePlan]) { remaining = Mutex(Array(tables.reversed())) }

  /// The next table, or `nil` when all are taken.
  func next() -> TablePlan? { remaining.withLock { $0.popLast() } }
}
