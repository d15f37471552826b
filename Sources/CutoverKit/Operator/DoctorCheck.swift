/// One finding of `cutover doctor`: what was checked on which side, and what to do about it.
public struct DoctorCheck: Codable, Sendable, Equatable {
  public enum Status: String, Codable, Sendable {
    case ok, warning, failed
  }

  /// "source" or "target".
  public var side: String
  /// A short stable name ("connect", "server-version", "read-access", …).
  public var name: String
  public var status: Status
  /// What was found, naming tables, settings and values.
  public var detail: String
  /// What the operator should do, when something is wrong.
  public var nextStep: String?
  /// True when the check failed because the server could not be reached at all.
  public var unreachable: Bool

  public init(
    side: String, name: String, status: Status, detail: String, nextStep: String? = nil,
    unreachable: Bool = false
  ) {
    self.side = side
    self.name = name
    self.status = status
    self.detail = detail
    self.nextStep = nextStep
    self.unreachable = unreachable
  }
}
