import Foundation
import Logging

/// The verify step of `cutover run`: `Verifier` on the imported target, with the run's
/// options; it writes report.json, report.md and report.html into the export directory.
enum RunVerifyStep {
  struct Result: Sendable {
    var report: ParityReport
    /// Always false now that verify is built (kept for runs journaled before).
    var placeholder: Bool
    /// SHA-256 of the `report.json` written.
    var reportSHA256: String?
  }

  static func run(options: RunOptions, logger: Logger, notice: @escaping @Sendable (String) -> Void)
    async throws -> Result
  {
    var verify = VerifyOptions(
      exportDirectory: options.exportDirectory, target: options.target, mappings: options.mappings,
      chain: options.chain, jobs: options.jobs, showValues: options.showValues,
      policySample: options.policySample)
    verify.localStandIn = options.localStandIn ? options.standIn : nil
    let report = try await Verifier(options: verify).run(logger: logger) { line in notice("   \(line)") }
    let sha = try ParityReport.read(directory: options.exportDirectory)?.sha256
    return Result(report: report, placeholder: false, reportSHA256: sha)
  }
}
