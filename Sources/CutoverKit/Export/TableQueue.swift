import Synchronization

/// The work still to do — whole tables and parts of split tables — taken one at a time by the
/// worker threads (largest table first, a split table's parts one after another so that
/// several workers share it).
final class TableQueue: Sendable {
  /// One COPY: a whole table (`part` nil) or one part of a split table.
  struct Task: Sendable {
    var plan: TablePlan
    var part: TablePart?

    var sequence: ChunkSequence { ChunkSequence(table: plan.name, part: part?.number) }
  }

  private struct State {
    var remaining: [Task]
    /// COPYs of each table not yet finished.
    var unfinished: [QualifiedName: Int]
  }

  private let state: Mutex<State>

  /// - Parameter tasks: in the order they should be taken.
  init(_ tasks: [Task]) {
    var unfinished: [QualifiedName: Int] = [:]
    for task in tasks { unfinished[task.plan.name, default: 0] += 1 }
    state = Mutex(State(remaining: Array(tasks.reversed()), unfinished: unfinished))
  }

  /// The next task, or `nil` when all are taken.
  func next() -> Task? { state.withLock { $0.remaining.popLast() } }

  /// Records that a task of `table` finished; true when it was the table's last.
  func finished(_ table: QualifiedName) -> Bool {
    state.withLock { state in
      let left = (state.unfinished[table] ?? 1) - 1
      state.unfinished[table] = left
      return left <= 0
    }
  }
}
