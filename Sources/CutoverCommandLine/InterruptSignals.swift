import Dispatch
import Foundation
import Synchronization

/// Turns SIGINT and SIGTERM into cancellation of the command's task.
///
/// Killing the process at the first Ctrl-C would leave the server running the statement
/// (and holding its locks and the migrate lock) and `.partial` files on disk. Instead the
/// first signal cancels the root task, so every stage takes its ordinary stop path: server
/// statements cancelled, unfinished files removed, a message saying what a rerun does. A
/// second signal exits at once, for a stop path that hangs.
final class InterruptSignals {
  /// The signal that arrived first.
  private let first = FirstSignal()
  /// Kept for as long as the listener lives; cancelled in `deinit`.
  private let sources: [any DispatchSourceSignal]

  /// Starts listening; `onFirst` runs once, on a dispatch queue, for the first signal.
  init(toolName: String, onFirst: @escaping @Sendable () -> Void) {
    let first = self.first
    sources = [SIGINT, SIGTERM].map { number in
      signal(number, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
      source.setEventHandler {
        if first.record(number) {
          FileHandle.standardError.write(
            Data("\n\(toolName): interrupted; stopping cleanly (signal again to exit at once)\n".utf8))
          onFirst()
        } else {
          _exit(128 + number)
        }
      }
      source.resume()
      return source
    }
  }

  deinit { sources.forEach { $0.cancel() } }

  /// The first signal received, if any.
  var signalNumber: Int32? { first.number }
}

/// The first signal number, set once from a dispatch queue.
private final class FirstSignal: Sendable {
  private let value = Atomic<Int32>(0)

  /// Records `number`; whether it is the first signal.
  func record(_ number: Int32) -> Bool {
    value.compareExchange(expected: 0, desired: number, ordering: .relaxed).exchanged
  }

  var number: Int32? {
    let number = value.load(ordering: .relaxed)
    return number == 0 ? nil : number
  }
}
