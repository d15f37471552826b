import Foundation

/// What `cutover run` chains its steps with.
public struct RunOptions: Sendable {
  public var source: ConnectionTarget
  public var target: ConnectionTarget
  /// The export directory; the step journal `run.jsonl` lives there too.
  public var exportDirectory: URL
  public var mappings: URL
  public var chain: URL
  /// The Supabase stand-in (`supabase/local`): applied before the chain in `plan`'s scratch
  /// database, and by `migrate` with `localStandIn`.
  public var standIn: URL
  /// `migrate --local-stand-in`: a plain PostgreSQL target, not a Supabase project.
  public var localStandIn = false
  /// The config file read, checksummed with the mappings and the chain.
  public var config: URL?
  public var jobs = 2
  public var chunkSize = 64 << 20
  public var level = 1
  /// Production: freeze the source before the export (not built yet: the step refuses).
  public var final = false
  /// The application's own roles, frozen with the platform's by `--final` (config `application_roles`).
  public var applicationRoles: [String] = []
  /// Superusers of the platform, not the application (`supabase_admin`), that a freeze accepts.
  public var platformSuperusers: [String] = []
  /// `--new`: start a fresh run in the directory instead of resuming.
  public var startNew = false
  /// Empty the target's tables before the import (`import --truncate`), for a target that
  /// holds an earlier run's rows.
  public var truncateTarget = false
  public var showValues = false
  public var policySample = PolicySampleSettings()
  /// Start the export's snapshot holder process (see `ExportOptions.holderLaunch`).
  public var holderLaunch: SnapshotHolderProcess.Launch?
  /// How progress is drawn.
  public var progressStyle: ExportProgress.Style = .quiet
  /// Test hooks: the export's and the import's seeded crash points, and the run's own.
  public var exportCrashPoint: CrashPoint?
  public var importFaultHook: (@Sendable (ImportFaultPoint) -> Void)?
  public var stepHook: (@Sendable (RunStep, RunHookPoint) -> Void)?

  public init(
    source: ConnectionTarget, target: ConnectionTarget, exportDirectory: URL, mappings: URL, chain: URL,
    standIn: URL
  ) {
    self.source = source
    self.target = target
    self.exportDirectory = exportDirectory
    self.mappings = mappings
    self.chain = chain
    self.standIn = standIn
  }
}

/// Where in a step the run's test hook is called.
public enum RunHookPoint: String, Sendable, CaseIterable {
  /// The step's start is journaled; nothing of it is done.
  case started
  /// The step's work is done; its end is not journaled yet.
  case worked
  /// The step's end is journaled; the next step has not started.
  case recorded

  /// Parses `CUTOVER_TEST_CRASH_AT=run:<step>:<point>`.
  public static func parse(_ text: String) -> (RunStep, RunHookPoint)? {
    let parts = text.split(separator: ":").map(String.init)
    guard parts.count == 3, parts[0] == "run", let step = RunStep(rawValue: parts[1]),
      let point = RunHookPoint(rawValue: parts[2])
    else { return nil }
    return (step, point)
  }
}
