/// The exit status a failure maps to, the same for every command.
///
/// 0 success; 1 a check found a problem; 2 usage or configuration; 3 database or I/O.
public enum ExitStatus: Int32, Sendable, Codable {
  case success = 0
  case checkFailed = 1
  case usage = 2
  case ioFailure = 3
}

/// An error that the command line reports as is: its description is the whole message.
///
/// Every part's error type conforms, so `cutover` maps errors to exit codes in one place.
/// Each says what failed, where, and — `nextStep` — what the operator does about it (a
/// server's HINT stays the server's, shown as `hint:`).
public protocol CutoverFailure: Error, CustomStringConvertible {
  /// The process exit status this failure ends the command with.
  var exitStatus: ExitStatus { get }
  /// What the operator does next, when cutover knows.
  var nextStep: String? { get }
  /// The whole message; users' values (a server's DETAIL) only with `showingValues`.
  func description(showingValues: Bool) -> String
}

extension CutoverFailure {
  /// Most failures hold no users' values: the description is the same either way.
  public func description(showingValues: Bool) -> String { description }
}
