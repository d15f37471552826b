import Foundation
import Synchronization

/// The pipe the signal handler writes each signal's number into.
///
/// Read by the listener thread of `InterruptSignals`. Created once, before any handler is
/// installed, and never changed: a signal handler may only touch such plain values.
private let interruptPipe: (read: Int32, write: Int32) = {
  var fds: [Int32] = [-1, -1]
  guard pipe(&fds) == 0 else { return (-1, -1) }
  _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
  _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
  return (fds[0], fds[1])
}()

/// Turns SIGINT and SIGTERM into cancellation of the command's task.
///
/// Killing the process at the first Ctrl-C would leave the server running the statement
/// (and holding its locks and the migrate lock) and `.partial` files on disk. Instead the
/// first signal cancels the root task, so every stage takes its ordinary stop path: server
/// statements cancelled, unfinished files removed, a message saying what a rerun does. A
/// second signal exits at once, for a stop path that hangs.
///
/// A real `sigaction` handler (the self-pipe pattern), not a dispatch source: it is the
/// process's disposition whichever thread the kernel picks, so no signal is lost.
final class InterruptSignals {
  /// The signal that arrived first.
  private let first = FirstSignal()

  /// Starts listening; `onFirst` runs once, on the listener's thread, for the first signal.
  init(toolName: String, onFirst: @escaping @Sendable () -> Void) {
    let pipe = interruptPipe
    guard pipe.read >= 0 else { return }
    let first = self.first
    let listener = Thread {
      var number: UInt8 = 0
      while read(pipe.read, &number, 1) == 1 {
        let signal = Int32(number)
        if first.record(signal) {
          FileHandle.standardError.write(
            Data("\n\(toolName): interrupted; stopping cleanly (signal again to exit at once)\n".utf8))
          onFirst()
        } else {
          _exit(128 + signal)
        }
      }
    }
    listener.name = "cutover-signals"
    listener.start()
    for number in [SIGINT, SIGTERM] {
      var action = sigaction()
      action.__sigaction_handler.sa_handler = { signal in
        var byte = UInt8(truncatingIfNeeded: signal)
        _ = write(interruptPipe.write, &byte, 1)
      }
      sigemptyset(&action.sa_mask)
      action.sa_flags = SA_RESTART
      sigaction(number, &action, nil)
    }
  }

  /// The first signal received, if any.
  var signalNumber: Int32? { first.number }
}

/// The first signal number, set once from the listener thread.
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
