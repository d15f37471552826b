/// One structure, security or coverage check of the target (and the source where it compares).
public struct ParityCheck: Codable, Sendable, Equatable {
  public enum Category: String, Codable, Sendable {
    /// Indexes, constraints, foreign-key integrity, sequences, the migration ledger.
    case structure
    /// RLS, policies, grants, default privileges.
    case security
    /// Every source table loaded or skipped with a reason.
    case coverage
  }

  public enum Status: String, Codable, Sendable {
    case pass
    case fail
    /// Different, and accepted by an allow-list entry whose reason is `acceptedBecause`.
    case accepted
    /// Worth a look; does not turn the verdict red.
    case warning

    /// Whether this status lets the verdict stay green.
    public var isGreen: Bool { self != .fail }
  }

  public var category: Category
  /// A short name of the check, for example "index exists", "rls enabled", "policy".
  public var name: String
  /// What it is about, for example "app.profiles" or "policy profiles_select on app.profiles".
  public var subject: String
  public var status: Status
  /// What was found, in a sentence.
  public var message: String
  /// What the operator does about a failure.
  public var nextStep: String?
  /// The allow-list entry's reason, for `accepted`.
  public var acceptedBecause: String?

  public init(
    category: Category, name: String, subject: String, status: Status, message: String,
    nextStep: String? = nil, acceptedBecause: String? = nil
  ) {
    self.category = category
    self.name = name
    self.subject = subject
    self.status = status
    self.message = message
    self.nextStep = nextStep
    self.acceptedBecause = acceptedBecause
  }
}
