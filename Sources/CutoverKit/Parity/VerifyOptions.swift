import Foundation

/// What `cutover verify` checks: an export directory against a loaded target.
public struct VerifyOptions: Sendable {
  public var exportDirectory: URL
  public var target: ConnectionTarget
  /// The mapping files (`mappings/`): skip reasons, and a checksum in the report.
  public var mappings: URL
  /// The v2 chain (`supabase/migrations_v2`): a checksum in the report.
  public var chain: URL
  /// Target connections used at once.
  public var jobs: Int
  /// Put the differing columns' target values in the report (users' data).
  public var showValues: Bool
  public var policySample: PolicySampleSettings
  /// The stand-in applied before the chain where the chain's own definitions are rebuilt (a
  /// plain PostgreSQL target); nil on a Supabase project.
  public var localStandIn: URL?
  /// Check structure, grants, RLS and policy behaviour besides the data (default on).
  public var checksBeyondRows = true
  /// Write report.json, report.md and report.html (off for `switch`'s re-check, which must
  /// never replace the approved report).
  public var writesReport = true

  public init(
    exportDirectory: URL, target: ConnectionTarget, mappings: URL, chain: URL, jobs: Int = 2,
    showValues: Bool = false, policySample: PolicySampleSettings = PolicySampleSettings(),
    localStandIn: URL? = nil
  ) {
    self.localStandIn = localStandIn
    self.exportDirectory = exportDirectory
    self.target = target
    self.mappings = mappings
    self.chain = chain
    self.jobs = jobs
    self.showValues = showValues
    self.policySample = policySample
  }
}
