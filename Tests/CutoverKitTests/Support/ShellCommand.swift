import CutoverTestSupport
import Foundation

/// Runs a program for the test support and fails with its output when it exits non-zero.
enum ShellCommand {
  static func run(_ executable: String, _ arguments: [String]) throws {
    _ = try output(executable, arguments)
  }

  /// Runs it and returns what it printed (stdout and stderr together).
  static func output(_ executable: String, _ arguments: [String]) throws -> String {
    let outcome = try ChildProcess.run(executable, arguments)
    guard outcome.status == 0 else {
      throw TestSupportError(
        "\(executable) \(arguments.joined(separator: " ")) exited \(outcome.status): \(outcome.output)")
    }
    return outcome.output
  }
}
