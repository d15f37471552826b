import Foundation

/// What `cutover export` reads and where it writes.
public struct ExportOptions: Sendable {
  /// The source database.
  public var source: ConnectionTarget
  /// The export directory (created mode 0700).
  public var directory: URL
  /// Parallel COPY connections (each its own thread and core).
  public var jobs: Int = 2
  /// COPY text bytes per chunk, cut at the next row boundary.
  public var chunkSize: Int = 64 << 20
  /// zstd level: 1 by default, because on a few cores compression competes with the COPY
  /// for CPU (level 3 made the bench's app-shaped export about twice as slow).
  public var level: Int = 1
  /// Which tables.
  public var selection = ExportTableSelection()
  /// Replace an export of another database (or a finished one) in `directory`.
  public var force = false
  /// Read in this already-exported snapshot instead of taking a new one; its owner must keep it
  /// open.
  ///
  /// With the snapshot of an unfinished export, that export resumes per chunk.
  public var snapshot: String?
  /// Seconds to wait for each table's `ACCESS SHARE` lock before refusing to start.
  public var lockTimeout: Int = 30
  /// Tables larger than this (bytes on disk, from page counts) are read in parts by several
  /// workers at once (`TableSplitter`); nil: decided from the selection's size
  /// (`TableSplitter.automaticThreshold`).
  public var splitTablesLargerThan: Int64?
  /// Refuse to start when the free space near `directory` is below the estimated export size.
  public var diskCheck = true
  /// Where the source digests' mappings and v2 schema come from; nil: no digests (the
  /// command's `--no-parity`; `cutover verify` then cannot check the data).
  public var parity: ParitySchema?
  /// A test hook: fails a chosen chunk write with `ENOSPC`.
  public var writeFault: ChunkWriteFault?
  /// Start a snapshot holder process (`SnapshotHolderProcess`) that outlives this one, or
  /// reuse the directory's live holder; `nil` holds the snapshot in this process.
  public var holderLaunch: SnapshotHolderProcess.Launch?
  /// Seconds a holder process waits with no export attached before it ends.
  public var holderIdleTimeout: Int = 300
  /// Discard an unfinished export whose snapshot holder is gone and start from scratch.
  public var restart = false
  /// Count, in the snapshot, the rows a sample of users and `anon` can see in every table
  /// (`PolicyBehaviour.sourceCounts`, stored in the manifest); nil counts nothing.
  public var policySample: PolicySampleSettings?
  /// A test hook: crash at a chosen point.
  public var crashPoint: CrashPoint?
  /// Called once the snapshot is taken, before any table is read (tests compare with it).
  public var afterSnapshot: (@Sendable (String) async throws -> Void)?
  /// Called once the export's start is journaled and it holds the directory: from then on an
  /// import can follow it table by table (`cutover run` starts its import there).
  public var onStarted: (@Sendable () -> Void)?

  public init(source: ConnectionTarget, directory: URL) {
    self.source = source
    self.directory = directory
  }

  /// Checks what needs no I/O.
  ///
  /// - Throws: `ExportError` (`.usage`).
  public func validate() throws {
    guard (1...64).contains(jobs) else {
      throw ExportError(
        .usage, "--jobs \(jobs) is out of range", nextStep: "use 1 to 64 (about one per core)")
    }
    guard chunkSize >= 4096 && chunkSize <= 1 << 34 else {
      throw ExportError(
        .usage, "--chunk-size \(chunkSize) is out of range", nextStep: "use 4KiB to 16GiB (default 64MiB)")
    }
    guard (-7...19).contains(level) && level != 0 else {
      throw ExportError(
        .usage, "--level \(level) is out of range",
        nextStep: "use 1 to 19, or -1 to -7 for zstd's fast levels (default 1)")
    }
    guard (1...86_400).contains(lockTimeout) else {
      throw ExportError(
        .usage, "--lock-timeout \(lockTimeout) is out of range",
        nextStep: "use 1 to 86400 seconds (default 30)")
    }
    guard (1...86_400).contains(holderIdleTimeout) else {
      throw ExportError(
        .usage, "--holder-idle-timeout \(holderIdleTimeout) is out of range",
        nextStep: "use 1 to 86400 seconds (default 300)")
    }
    if let splitTablesLargerThan, splitTablesLargerThan < 8192 {
      throw ExportError(
        .usage, "--split-tables-larger-than \(splitTablesLargerThan) is out of range",
        nextStep: "use 8KiB or more, or auto (the default)")
    }
    try selection.validate()
  }
}
