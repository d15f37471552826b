import Synchronization

/// Cancels the command's task, even when the signal arrives before the task exists.
final class PendingCancellation: Sendable {
  private struct State {
    var task: Task<Void, any Error>?
    var cancelled = false
  }

  private let state = Mutex(State())

  /// Cancels the task, or remembers to once it is attached.
  func cancel() {
    let task = state.withLock { state -> Task<Void, any Error>? in
      state.cancelled = true
      return state.task
    }
    task?.cancel()
  }

  /// The task to cancel; cancelled at once when a signal came first.
  func attach(_ task: Task<Void, any Error>) {
    let cancelled = state.withLock { state -> Bool in
      state.task = task
      return state.cancelled
    }
    if cancelled { task.cancel() }
  }
}
