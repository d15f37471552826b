import Foundation

/// Who approved which report, and when: the journal record `approve` writes (kind
/// `report_approved`) and the value the report renderers show.
public struct Approval: JournalPayload, Equatable {
  public static var kind: String { "report_approved" }

  /// The approver's name as given to `--by`.
  public var by: String
  public var at: Date
  /// SHA-256 (hex) of the exact `report.json` bytes approved.
  public var reportSHA256: String
  /// The manifest the report checked (its SHA-256), for people reading the journal.
  public var manifestSHA256: String

  public init(by: String, at: Date, reportSHA256: String, manifestSHA256: String) {
    self.by = by
    self.at = at
    self.reportSHA256 = reportSHA256
    self.manifestSHA256 = manifestSHA256
  }

  /// One line for people: "approved by NAME at TIME (report sha256 …)".
  public var text: String {
    "approved by \(by) at \(at.formatted(.iso8601)) (report.json sha256 \(reportSHA256))"
  }

  /// The latest approval recorded in `directory`'s journal, nil when there is none.
  /// - Throws: `ChunkError`/`JournalError` when the journal cannot be read.
  public static func latest(in directory: URL) throws -> Approval? {
    var latest: Approval?
    for entry in try Journal.read(directory: directory) {
      if let approval = try entry.decode(Approval.self) { latest = approval }
    }
    return latest
  }
}

extension Approval {
  /// The approval as the report renderers show it.
  public var reportApproval: ReportApproval {
    ReportApproval(approvedBy: by, approvedAt: at, reportSHA256: reportSHA256)
  }
}
