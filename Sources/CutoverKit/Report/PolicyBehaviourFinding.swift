/// The rows one sampled subject can see in one table, on the source (in the export's
/// snapshot) and on the target, under Supabase's roles and JWT claims.
public struct PolicyBehaviourFinding: Codable, Sendable, Equatable {
  public enum Status: String, Codable, Sendable {
    case equal
    case differs
    /// Different, and accepted by an allow-list entry whose reason is `acceptedBecause`.
    case accepted

    public var isGreen: Bool { self != .differs }
  }

  /// The target table.
  public var table: QualifiedName
  /// Who looked: "anon", or "user 3f2c… (stratum role=admin)" — a user id from auth.users,
  /// which names an account, not its data.
  public var subject: String
  public var sourceRows: Int64
  public var targetRows: Int64
  public var status: Status
  public var acceptedBecause: String?
  /// Set when a side refused the count (for example no SELECT privilege, SQLSTATE 42501):
  /// the rows then read 0 and this says which side refused and why.
  public var note: String?

  public init(
    table: QualifiedName, subject: String, sourceRows: Int64, targetRows: Int64, status: Status,
    acceptedBecause: String? = nil, note: String? = nil
  ) {
    self.table = table
    self.subject = subject
    self.sourceRows = sourceRows
    self.targetRows = targetRows
    self.status = status
    self.acceptedBecause = acceptedBecause
    self.note = note
  }
}
