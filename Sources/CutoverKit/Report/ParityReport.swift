import Foundation

/// `report.json`: what `cutover verify` found, the one model the Markdown and HTML reports
/// render and the gates (`approve`, `switch`) read.
///
/// Versioned like the manifest; written to the export directory it checked (temporary name,
/// fsync, rename). It holds no users' values unless the verify ran with `--show-values`
/// (`showsValues` says so): primary keys name rows, column values stay out.
public struct ParityReport: Codable, Sendable, Equatable {
  /// The report's file name in the export directory.
  public static let fileName = "report.json"
  /// The format version this cutover writes and reads.
  public static let currentVersion = 1

  public var version: Int
  /// The cutover version that wrote the report.
  public var cutoverVersion: String
  /// The export the report checked.
  public var export: ExportReference
  /// The database the report checked.
  public var target: DatabaseReference
  /// Checksums of what shaped the target: the v2 chain, the mappings, the config.
  public var inputs: [InputChecksum]
  public var startedAt: Date
  public var finishedAt: Date
  /// Whether values (users' data) appear in `tables[].differences`.
  public var showsValues: Bool
  /// Per table: counts and digests on both sides, and the rows that differ.
  public var tables: [TableParity]
  /// Structure, security and coverage checks (issue: structure and policies).
  public var checks: [ParityCheck]
  /// Rows visible per sampled user and to `anon`, on both sides.
  public var policyBehaviour: [PolicyBehaviourFinding]
  /// What cutover does not move (storage files, cron jobs, …): for people, not the verdict.
  public var notMoved: [String]
  /// Seconds per phase ("data", "structure", "security", "policy behaviour").
  public var phaseSeconds: [String: Double]

  public init(
    export: ExportReference, target: DatabaseReference, inputs: [InputChecksum] = [],
    startedAt: Date, finishedAt: Date, showsValues: Bool = false, tables: [TableParity] = [],
    checks: [ParityCheck] = [], policyBehaviour: [PolicyBehaviourFinding] = [], notMoved: [String] = [],
    phaseSeconds: [String: Double] = [:], cutoverVersion: String = CutoverVersion.current
  ) {
    self.version = Self.currentVersion
    self.cutoverVersion = cutoverVersion
    self.export = export
    self.target = target
    self.inputs = inputs
    self.startedAt = startedAt
    self.finishedAt = finishedAt
    self.showsValues = showsValues
    self.tables = tables
    self.checks = checks
    self.policyBehaviour = policyBehaviour
    self.notMoved = notMoved
    self.phaseSeconds = phaseSeconds
  }

  /// Green only when every table matches (or is skipped), no check failed and every
  /// policy-behaviour difference is accepted.
  ///
  /// Derived, never stored apart from its causes.
  public var verdict: ParityVerdict {
    let tablesGreen = tables.allSatisfy { $0.status.isGreen }
    let checksGreen = checks.allSatisfy { $0.status.isGreen }
    let policyGreen = policyBehaviour.allSatisfy { $0.status.isGreen }
    return tablesGreen && checksGreen && policyGreen ? .green : .red
  }

  /// What failed, one line each, tables first (for messages and the reports' summaries).
  public var failures: [String] {
    tables.filter { !$0.status.isGreen }.map { "\($0.target): \($0.status.rawValue)" }
      + checks.filter { !$0.status.isGreen }.map { "\($0.subject): \($0.message)" }
      + policyBehaviour.filter { !$0.status.isGreen }.map {
        "\($0.table) as \($0.subject): \($0.sourceRows) rows visible on the source, \($0.targetRows) on the target"
      }
  }

  private enum CodingKeys: String, CodingKey {
    case version, cutoverVersion, export, target, inputs, startedAt, finishedAt, showsValues, tables
    case checks, policyBehaviour, notMoved, phaseSeconds, verdict
  }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    version = try container.decode(Int.self, forKey: .version)
    cutoverVersion = try container.decode(String.self, forKey: .cutoverVersion)
    export = try container.decode(ExportReference.self, forKey: .export)
    target = try container.decode(DatabaseReference.self, forKey: .target)
    inputs = try container.decode([InputChecksum].self, forKey: .inputs)
    startedAt = try container.decode(Date.self, forKey: .startedAt)
    finishedAt = try container.decode(Date.self, forKey: .finishedAt)
    showsValues = try container.decode(Bool.self, forKey: .showsValues)
    tables = try container.decode([TableParity].self, forKey: .tables)
    checks = try container.decode([ParityCheck].self, forKey: .checks)
    policyBehaviour = try container.decode([PolicyBehaviourFinding].self, forKey: .policyBehaviour)
    notMoved = try container.decode([String].self, forKey: .notMoved)
    phaseSeconds = try container.decode([String: Double].self, forKey: .phaseSeconds)
    // The stored verdict is for readers without cutover; a file whose verdict disagrees with
    // its own findings was edited by hand, and a gate must not trust it.
    let stored = try container.decode(ParityVerdict.self, forKey: .verdict)
    guard stored == verdict else {
      throw DecodingError.dataCorruptedError(
        forKey: .verdict, in: container,
        debugDescription: "the verdict \(stored.rawValue) disagrees with the report's own findings")
    }
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(version, forKey: .version)
    try container.encode(cutoverVersion, forKey: .cutoverVersion)
    try container.encode(export, forKey: .export)
    try container.encode(target, forKey: .target)
    try container.encode(inputs, forKey: .inputs)
    try container.encode(startedAt, forKey: .startedAt)
    try container.encode(finishedAt, forKey: .finishedAt)
    try container.encode(showsValues, forKey: .showsValues)
    try container.encode(tables, forKey: .tables)
    try container.encode(checks, forKey: .checks)
    try container.encode(policyBehaviour, forKey: .policyBehaviour)
    try container.encode(notMoved, forKey: .notMoved)
    try container.encode(phaseSeconds, forKey: .phaseSeconds)
    try container.encode(verdict, forKey: .verdict)
  }
}
