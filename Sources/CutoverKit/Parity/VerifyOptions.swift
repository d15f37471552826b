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

  public init(
    exportDirectory: URL, target: ConnectionTarget, mappings: URL, chain: URL, jobs: Int = 2,
    showValues: Bool = false, policySample: PolicySampleSettings = PolicySampleSettings()
  ) {
    self.exportDirectory = exportDirectory
    self.target = target
    self.mappings = mappings
    self.chain = chain
    self.jobs = jobs
    self.showValues = showValues
    self.policySample = policySample
  }
}
