import Foundation

/// Who approved which report, shown in the rendered reports' approval slot.
///
/// Not part of `report.json`: the approval names the report's SHA-256, so it cannot live inside
/// the bytes it hashes. `approve` records it in the journal; the renderers take it as input.
public struct ReportApproval: Codable, Sendable, Equatable {
  /// Who approved, as `approve` recorded it (a name or handle, never a credential).
  public var approvedBy: String
  public var approvedAt: Date
  /// SHA-256 (hex) of the `report.json` bytes that were approved.
  public var reportSHA256: String

  public init(approvedBy: String, approvedAt: Date, reportSHA256: String) {
    self.approvedBy = approvedBy
    self.approvedAt = approvedAt
    self.reportSHA256 = reportSHA256
  }
}
