/// A gate (freeze, unfreeze, approve, switch, rollback) refused or failed.
///
/// Names what and where, and the next step. Exit 1 for a refused gate (a red, unapproved,
/// stale or foreign report, drift, a write path freeze cannot close, target writes before a
/// rollback), 2 for usage and configuration, 3 for database and I/O failures.
public struct GateError: CutoverFailure, Sendable {
  /// What kind of failure this is; a struct over a private enum so codes can grow.
  public struct Code: Hashable, Sendable, CustomStringConvertible {
    private enum Base: String, Sendable {
      case refused, usage, io, hookFailed
    }
    private let base: Base
    private init(_ base: Base) { self.base = base }

    /// A gate said no: the state of the export, report, source or target does not allow it.
    public static let refused = Code(.refused)
    /// A flag or a recorded file is not usable as given.
    public static let usage = Code(.usage)
    /// A file could not be read or written.
    public static let io = Code(.io)
    /// The switch or rollback hook exited with a failure.
    public static let hookFailed = Code(.hookFailed)

    public var description: String { base.rawValue }
  }

  public var code: Code
  /// What failed, in words (never a connection string).
  public var message: String
  public var nextStep: String?

  public init(_ code: Code, _ message: String, nextStep: String?) {
    self.code = code
    self.message = message
    self.nextStep = nextStep
  }

  public var exitStatus: ExitStatus {
    switch code {
    case .refused: .checkFailed
    case .usage: .usage
    default: .ioFailure
    }
  }

  public var description: String {
    nextStep.map { "\(message)\n  next: \($0)" } ?? message
  }
}
