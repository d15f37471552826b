import Crypto
import Foundation

/// `cutover approve`: records who approved the export directory's current report.
///
/// Only a green report can be approved; the approval names the exact bytes (SHA-256) of
/// `report.json`, so a report rewritten by a later `verify` needs a new approval.
public struct Approve: Sendable {
  public var exportDirectory: URL
  /// The approver's name.
  public var by: String

  public init(exportDirectory: URL, by: String) {
    self.exportDirectory = exportDirectory
    self.by = by
  }

  /// What `approve` did.
  public struct Outcome: Sendable {
    public var approval: Approval
    /// The same person had already approved these exact bytes: nothing was appended.
    public var alreadyApproved: Bool

    public var text: String {
      (alreadyApproved ? "already " : "") + approval.text
    }
  }

  /// Reads the report, refuses a red or missing one, and journals the approval.
  /// - Throws: `GateError` (`.refused`, exit 1) for a missing or red report, (`.usage`) for
  ///   an empty name; `ReportError` for a report that cannot be read or was edited.
  public func run(at date: Date = Date()) throws -> Outcome {
    let name = by.trimmingCharacters(in: .whitespacesAndNewlines)
    guard !name.isEmpty else {
      throw GateError(.usage, "--by is empty", nextStep: "pass the approver's name: --by \"Ann Example\"")
    }
    guard let read = try ParityReport.read(directory: exportDirectory) else {
      throw GateError(
        .refused, "\(exportDirectory.path) holds no \(ParityReport.fileName): there is nothing to approve",
        nextStep: "run `cutover verify` for this export, review the report, then approve it")
    }
    let (report, sha256) = read
    guard report.verdict == .green else {
      let failures = report.failures.prefix(20).map { "  - \($0)" }.joined(separator: "\n")
      throw GateError(
        .refused,
        "the report in \(exportDirectory.path) is red; a red report cannot be approved:\n\(failures)",
        nextStep: "fix what differs (or accept a policy difference with a reason), run `cutover verify` again"
      )
    }
    let manifestSHA256 = try Self.manifestSHA256(in: exportDirectory) ?? report.export.manifestSHA256
    if let latest = try Approval.latest(in: exportDirectory), latest.reportSHA256 == sha256, latest.by == name
    {
      return Outcome(approval: latest, alreadyApproved: true)
    }
    let approval = Approval(by: name, at: date, reportSHA256: sha256, manifestSHA256: manifestSHA256)
    try Journal(directory: exportDirectory).append(approval, at: date)
    // The Markdown and HTML reports show who approved; report.json's bytes stay as approved.
    try ReportWriter.writeRenderings(
      report, to: exportDirectory, approval: approval.reportApproval, reportSHA256: sha256)
    return Outcome(approval: approval, alreadyApproved: false)
  }

  /// SHA-256 (hex) of `manifest.json`'s bytes as they are now; nil when there is none.
  static func manifestSHA256(in directory: URL) throws -> String? {
    let url = directory.appendingPathComponent(ExportManifest.fileName)
    guard FileManager.default.fileExists(atPath: url.path) else { return nil }
    do {
      return HexDigest.string(SHA256.hash(data: try Data(contentsOf: url)))
    } catch {
      throw GateError(
        .io, "cannot read \(url.path): \(error.localizedDescription)",
        nextStep: "check the export directory's permissions")
    }
  }
}
