import Synchronization

/// A flag the export's worker threads check between rows: set when one worker fails or the
/// export is cancelled, so the others stop soon instead of finishing their tables.
final class StopSignal: Sendable {
  private let flag = Atomic<Bool>(false)

  /// Asks every worker to stop.
  func stop() { flag.store(true, ordering: .relaxed) }

  /// Whether a stop was asked for.
  var isStopped: Bool { flag.load(ordering: .relaxed) }
}
