import CutoverKit
import CutoverTestSupport
import Foundation
import Testing

/// `cutover approve` refuses a red report and journals a green one once.
///
/// A red report exits 1; a green one is journaled with who, when and its SHA-256, and
/// approving it again changes nothing. No database needed.
@Suite(.timeLimit(.minutes(2)))
struct ApproveTests {
  static func report(green: Bool) -> ParityReport {
    let source = DatabaseReference(database: "legacy", systemIdentifier: "1", serverVersion: "15.8")
    let name = QualifiedName(schema: "app", name: "notes")
    return ParityReport(
      export: ExportReference(
        manifestSHA256: String(repeating: "a", count: 64), snapshot: "00000003-1", source: source,
        exportStartedAt: Date(timeIntervalSince1970: 1_000),
        exportFinishedAt: Date(timeIntervalSince1970: 1_010)),
      target: DatabaseReference(database: "v2", systemIdentifier: "2", serverVersion: "15.8"),
      startedAt: Date(timeIntervalSince1970: 2_000), finishedAt: Date(timeIntervalSince1970: 2_010),
      tables: [TableParity(source: name, target: name, status: green ? .match : .differs)])
  }

  static func directory() throws -> URL {
    let url = GateScenario.scratchDirectory("approve")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  @Test func `a red report is refused naming what failed, with exit 1 from the command line`() throws {
    let directory = try Self.directory()
    defer { try? FileManager.default.removeItem(at: directory) }
    try Self.report(green: false).write(to: directory)
    let error = #expect(throws: GateError.self) { try Approve(exportDirectory: directory, by: "Ann").run() }
    #expect(error?.exitStatus == .checkFailed)
    #expect(error?.message.contains("app.notes: differs") == true, "\(String(describing: error))")
    #expect(try Approval.latest(in: directory) == nil)
    let outcome = try CutoverBinary.run(["approve", "--by", "Ann", "--export-dir", directory.path])
    #expect(outcome.status == 1, "\(outcome.output)")
    #expect(outcome.output.contains("red"))
  }

  @Test func `a missing report is refused`() throws {
    let directory = try Self.directory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let error = #expect(throws: GateError.self) { try Approve(exportDirectory: directory, by: "Ann").run() }
    #expect(error?.exitStatus == .checkFailed)
  }

  @Test func `a green report is approved once: who, when and its SHA-256 in the journal`() throws {
    let directory = try Self.directory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let sha256 = try Self.report(green: true).write(to: directory)
    let at = Date(timeIntervalSince1970: 3_000)
    let first = try Approve(exportDirectory: directory, by: "Ann Reviewer").run(at: at)
    #expect(!first.alreadyApproved)
    #expect(
      first.approval
        == Approval(
          by: "Ann Reviewer", at: at, reportSHA256: sha256, manifestSHA256: first.approval.manifestSHA256))
    #expect(first.text.contains("approved by Ann Reviewer") && first.text.contains(sha256))
    let second = try Approve(exportDirectory: directory, by: "Ann Reviewer").run()
    #expect(second.alreadyApproved)
    #expect(try Approval.latest(in: directory) == first.approval)
    #expect(try Journal.read(directory: directory).map(\.kind) == ["report_approved"])
    // From the command line: prints the approval, exit 0.
    let outcome = try CutoverBinary.run(["approve", "--by", "Bob", "--export-dir", directory.path])
    #expect(outcome.status == 0, "\(outcome.output)")
    #expect(outcome.output.contains("approved by Bob"))
    #expect(try Approval.latest(in: directory)?.by == "Bob")
  }
}
