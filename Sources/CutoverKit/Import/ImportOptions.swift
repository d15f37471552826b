import Foundation

/// What `cutover import` reads and where it loads.
public struct ImportOptions: Sendable {
  /// The target database (migrated with the v2 chain).
  public var target: ConnectionTarget
  /// The export directory.
  public var directory: URL
  /// The mapping files' directory.
  public var mappings: URL
  /// Parallel connections (each loads one table, or re-creates one index or key, at a time).
  public var jobs: Int = 2
  /// Continue the last import into this target: tables it loaded are skipped.
  public var resume = false
  /// Empty the target's tables first (explicit: they hold rows).
  public var truncate = false
  /// Seconds to wait for the target's import lock held by another session before refusing:
  /// a killed import's session lets go only once its running statement (an index build) ends.
  public var lockWaitSeconds: Double = 30
  /// Called at the import's seeded fault points (tests crash the process there).
  public var faultHook: (@Sendable (ImportFaultPoint) -> Void)?

  public init(target: ConnectionTarget, directory: URL, mappings: URL) {
    self.target = target
    self.directory = directory
    self.mappings = mappings
  }

  /// Checks what needs no I/O.
  /// - Throws: `ImportError` (`.usage`).
  public func validate() throws {
    guard (1...64).contains(jobs) else {
      throw ImportError(
        .usage, "--jobs \(jobs) is out of range", nextStep: "use 1 to 64 (about one per core)")
    }
    guard !(resume && truncate) else {
      throw ImportError(
        .usage, "--resume and --truncate exclude each other",
        nextStep:
          "--resume continues the last import; --truncate empties the tables and starts over: pick one")
    }
  }
}

/// A point in an import where a test may crash the process, to prove what a rerun does.
public enum ImportFaultPoint: Sendable, Hashable {
  /// A table's rows are partly sent, its transaction open.
  case midTable(QualifiedName)
  /// An index was re-created (committed); others may still be missing.
  case indexRebuilt(String)
  /// A foreign key was re-created `NOT VALID` and is about to be validated.
  case validatingForeignKey(String)

  /// The point's name in `CUTOVER_TEST_CRASH_AT` (`mid-table`, `index-rebuild`, `fk-validation`).
  public var name: String {
    switch self {
    case .midTable: "mid-table"
    case .indexRebuilt: "index-rebuild"
    case .validatingForeignKey: "fk-validation"
    }
  }
}
