import Foundation
import Testing

extension Process {
  /// Sends SIGINT (as Ctrl-C does) and waits for the process to end; a stop path that hangs
  /// fails the test (the process is killed after `seconds`) instead of hanging the suite.
  ///
  /// Not a timing assertion: a loaded machine can take tens of seconds to stop cleanly; only a
  /// stop that never comes fails.
  func interrupt(waitingAtMost seconds: Double = 180) async throws {
    kill(processIdentifier, SIGINT)
    let deadline = Date().addingTimeInterval(seconds)
    while isRunning && Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
    if isRunning {
      kill(processIdentifier, SIGKILL)
      Issue.record("the command did not stop within \(Int(seconds)) s of SIGINT")
    }
    waitUntilExit()
  }
}
