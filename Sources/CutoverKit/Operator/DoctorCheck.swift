/// One finding of `cutover doctor`: what was checked on which side, and what to do about it.
public struct DoctorCheck: Codable, Sendable, Equatable {
  public enum Status: String, Codable, Sendable {
    case ok, warning, failed
  }

  /// Which database was checked.
  public var side: Side
  /// A short stable name ("connect", "server-version", "read-access", …).
  public var name: String
  public var status: Status
  /// What was found, naming tables, settings and values.
  public var detail: String
  /// What the operator should do, when something is wrong.
  public var nextStep: String?
  /// True when the check failed because the server could not be reached at all.
  public var unreachable: Bool
  /// True when the check failed because of what the operator asked for (a schema list that
  /// selects nothing): a usage error, exit 2.
  public var misconfigured: Bool

  public init(
    side: Side, name: String, status: Status, detail: String, nextStep: String? = nil,
    unreachable: Bool = false, misconfigured: Bool = false
  ) {
    self.misconfigured = misconfigured
    self.side = side
    self.name = name
    self.status = status
    self.detail = detail
    self.nextStep = nextStep
    self.unreachable = unreachable
  }
}
