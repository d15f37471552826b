/// One target table's data parity: counts and digests on both sides and the rows that differ.
public struct TableParity: Codable, Sendable, Equatable {
  /// The outcome for this table.
  public enum Status: String, Codable, Sendable {
    /// Counts and digests equal.
    case match
    /// Counts or digests differ; `differences` lists the rows (possibly truncated).
    case differs
    /// The table is not moved, with `reason` (a mapping's `skip`).
    case skipped
    /// The table could not be checked (no source digest, an error): `reason` says why.
    case notChecked = "not checked"

    /// Whether this status lets the verdict stay green.
    public var isGreen: Bool { self == .match || self == .skipped }
  }

  /// The source table (nil for a target table no source fills).
  public var source: QualifiedName?
  public var target: QualifiedName
  public var status: Status
  public var sourceRows: Int64?
  public var targetRows: Int64?
  /// The digests as text, with the algorithm that made them.
  public var sourceDigest: String?
  public var targetDigest: String?
  public var algorithm: String?
  /// Uncompressed COPY bytes exported for the table.
  public var bytes: Int64?
  /// Seconds the target side took.
  public var seconds: Double?
  /// The rows that differ, at most `RowDifference.limit` per table.
  public var differences: [RowDifference]
  /// More rows differ than `differences` lists.
  public var differencesTruncated: Bool
  /// Why the table was skipped or not checked.
  public var reason: String?

  public init(
    source: QualifiedName?, target: QualifiedName, status: Status, sourceRows: Int64? = nil,
    targetRows: Int64? = nil, sourceDigest: String? = nil, targetDigest: String? = nil,
    algorithm: String? = nil, bytes: Int64? = nil, seconds: Double? = nil, differences: [RowDifference] = [],
    differencesTruncated: Bool = false, reason: String? = nil
  ) {
    self.source = source
    self.target = target
    self.status = status
    self.sourceRows = sourceRows
    self.targetRows = targetRows
    self.sourceDigest = sourceDigest
    self.targetDigest = targetDigest
    self.algorithm = algorithm
    self.bytes = bytes
    self.seconds = seconds
    self.differences = differences
    self.differencesTruncated = differencesTruncated
    self.reason = reason
  }
}
