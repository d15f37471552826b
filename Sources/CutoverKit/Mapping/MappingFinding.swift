/// One thing `plan` found about a table's mapping: a problem (exit 1) or a warning.
public struct MappingFinding: Sendable, Codable, Hashable, CustomStringConvertible {
  /// Whether the finding stops the cutover.
  public enum Severity: String, Sendable, Codable, Hashable {
    /// Rows would be lost or refused: `plan` exits 1.
    case problem
    /// Worth reading, nothing is lost.
    case warning
  }

  /// What kind of finding, for machines (`--json`) and tests.
  public enum Kind: String, Sendable, Codable, Hashable {
    case unaccountedTable = "unaccounted-table"
    case missingTable = "missing-table"
    case missingColumn = "missing-column"
    case unmappedColumn = "unmapped-column"
    case lossyType = "lossy-type"
    case notNullWithoutSource = "not-null-without-source"
    case enumLabel = "enum-label"
    case newConstraint = "new-constraint"
    case privilege
    case swiftMapper = "swift-mapper"
    case emptyTarget = "empty-target"
    case orphanedReference = "orphaned-reference"
  }

  public var severity: Severity
  public var kind: Kind
  /// The table concerned (source name, or the target's where there is no source).
  public var table: String
  /// `mappings/file.yaml:line`, nil when no file is concerned.
  public var place: String?
  public var message: String

  public init(_ severity: Severity, _ kind: Kind, table: String, place: String?, _ message: String) {
    self.severity = severity
    self.kind = kind
    self.table = table
    self.place = place
    self.message = message
  }

  /// `problem [kind] place: table: message`.
  public var description: String {
    "\(severity.rawValue) [\(kind.rawValue)] \(place.map { "\($0): " } ?? "")\(table): \(message)"
  }
}
