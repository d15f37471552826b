import Foundation

/// Hands the import's tasks to its workers as their prerequisites complete.
///
/// Tasks form a graph: a table loads once the tables it references (the foreign-key graph's
/// kept edges) are loaded; its indexes are re-created once it is loaded, while other tables
/// still load; a foreign key once its table and the referenced one are loaded and the
/// referenced table's indexes are back; a table's sequences and `ANALYZE` once it and its
/// indexes are done. Ready tasks go out in the order given (loads first, in plan order).
///
/// `@unchecked Sendable`: all state is guarded by `condition` (an `NSCondition`).
final class ImportScheduler: @unchecked Sendable {
  private let condition = NSCondition()
  private var tasks: [ImportTask] = []
  private var waitingOn: [Set<Int>] = []
  private var dependents: [[Int]] = []
  private var started: [Bool] = []
  private var remaining = 0
  private var stopped = false

  init() {}

  /// Sets the tasks, each with the indexes (into `tasks`) it waits for.
  func schedule(_ tasks: [(task: ImportTask, after: Set<Int>)]) {
    condition.lock()
    defer { condition.unlock() }
    self.tasks = tasks.map(\.task)
    waitingOn = tasks.map(\.after)
    dependents = Array(repeating: [], count: tasks.count)
    for (index, entry) in tasks.enumerated() {
      for prerequisite in entry.after { dependents[prerequisite].append(index) }
    }
    started = Array(repeating: false, count: tasks.count)
    remaining = tasks.count
  }

  /// The next ready task (blocking until one is), or nil when all are done or a stop was asked.
  func next() -> (index: Int, task: ImportTask)? {
    condition.lock()
    defer { condition.unlock() }
    while true {
      if stopped || remaining == 0 { return nil }
      var best: Int?
      for index in tasks.indices where !started[index] && waitingOn[index].isEmpty {
        if let current = best, tasks[current].rank <= tasks[index].rank { continue }
        best = index
      }
      if let best {
        started[best] = true
        return (best, tasks[best])
      }
      condition.wait()
    }
  }

  /// Marks a task done, releasing the tasks that waited for it.
  func complete(_ index: Int) {
    condition.lock()
    remaining -= 1
    for dependent in dependents[index] { waitingOn[dependent].remove(index) }
    condition.broadcast()
    condition.unlock()
  }

  /// Stops handing out tasks (a worker failed, or the import was cancelled).
  func stop() {
    condition.lock()
    stopped = true
    condition.broadcast()
    condition.unlock()
  }

  /// Whether a stop was asked for.
  var isStopped: Bool {
    condition.lock()
    defer { condition.unlock() }
    return stopped
  }
}
