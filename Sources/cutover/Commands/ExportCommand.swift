import ArgumentParser
import CutoverCommandLine
import CutoverKit
import Foundation
import Logging

/// `cutover export`: every chosen table, in one consistent snapshot, into chunk files.
struct ExportCommand: AsyncParsableCommand, ShowsValues {
  static let configuration = CommandConfiguration(
    commandName: "export",
    abstract: "Exports the source's tables in one snapshot to zstd chunk files with a manifest.",
    discussion: """
      Default tables: every table outside the platform's schemas (app, public and any other \
      application schema; not tables that belong to an extension), the auth tables that hold \
      user state and storage.buckets/storage.objects. Every table is locked ACCESS SHARE for \
      the whole export, so DDL that would rewrite it waits. Exit 2 for unknown tables, an \
      empty selection or a directory it must not touch, 3 when the source or the disk fails, \
      130 when interrupted (sealed chunks and the journal are kept). After the chunks, in the \
      same snapshot, it digests each mapped table's rows as the mappings' SQL computes them \
      and writes a parity rows file per table, for `cutover verify` (docs/parity.md); the \
      mappings are resolved against --target (default $TARGET_DATABASE_URL) when given, else \
      against --chain applied to a scratch database; --no-parity skips this.
      """)

  @OptionGroup var values: ShowValuesOption

  @OptionGroup var source: SourceOption
  @OptionGroup var directory: ExportDirectoryOptions
  @OptionGroup var configFile: ConfigOption

  @Option(name: .shortAndLong, help: "Parallel COPY connections.")
  var jobs = 2

  @Option(help: ArgumentHelp("COPY text per chunk, e.g. 64MiB, 512KiB, 1GiB.", valueName: "size"))
  var chunkSize = "64MiB"

  @Option(
    help: ArgumentHelp(
      "Read tables larger than this on disk in parts (key or ctid ranges), several workers at once; auto: larger than half of one worker's share of the whole export (at least 64MiB).",
      valueName: "size|auto"))
  var splitTablesLargerThan = "auto"

  @Flag(help: "Start even when the free space near --export-dir is below the estimated export size.")
  var noDiskCheck = false

  @Option(help: "zstd level, -7 to 19 (negative: zstd's fast levels, less CPU, larger chunks).")
  var level = 1

  @Option(help: ArgumentHelp("Only these tables (comma-separated schema.table).", valueName: "tables"))
  var tables: [String] = []

  @Option(help: ArgumentHelp("Leave these tables out (comma-separated schema.table).", valueName: "tables"))
  var exclude: [String] = []

  @Option(
    help:
      "Read in this exported snapshot (kept open by its owner) instead of taking one; resumes an unfinished export taken in it."
  )
  var snapshot: String?

  @Option(help: "Seconds to wait for each table's ACCESS SHARE lock before refusing to start.")
  var lockTimeout = 30

  @Flag(
    help:
      "Replace an export of another database, a finished export, or a directory cutover cannot recognize (never files that are not cutover's)."
  )
  var force = false

  @Flag(
    help:
      "Discard an unfinished export whose snapshot holder process is gone (its snapshot ended) and export from scratch."
  )
  var restart = false

  @Flag(
    help: "End the export directory's snapshot holder process (an open transaction on the source) and exit.")
  var abandon = false

  @Option(help: "Seconds the snapshot holder process waits with no export attached before it ends.")
  var holderIdleTimeout = 300

  @Flag(help: .hidden)
  var holdSnapshot = false

  @Flag(help: "Print the summary as JSON.")
  var json = false

  @Flag(help: "Skip the source digests: `cutover verify` then cannot check this export's data.")
  var noParity = false

  @Flag(
    help:
      "Skip counting the rows sampled users can see (the source half of verify's policy-behaviour check)."
  )
  var noPolicySample = false

  @Option(help: "The mapping files' directory (for the source digests).")
  var mappings = "mappings"

  @Option(
    help: "The v2 chain, applied to a scratch database when no --target is given (for the source digests).")
  var chain = "supabase/migrations_v2"

  @Option(help: "The stand-in applied before the chain in the scratch database (empty: none).")
  var standInDir = "supabase/local"

  @Option(help: "A migrated v2 target to read the schema from instead of a scratch database.")
  var target: String?

  mutating func validate() throws {
    if abandon { return }
    try source.requireGiven()
    if Self.bytes(chunkSize) == nil {
      throw ValidationError("--chunk-size \(chunkSize) is not a size: write it like 64MiB, 512KiB or 1048576")
    }
    if splitTablesLargerThan != "auto" && Self.bytes(splitTablesLargerThan) == nil {
      throw ValidationError(
        "--split-tables-larger-than \(splitTablesLargerThan) is not a size: write it like 1GiB or 512MiB")
    }
  }

  /// `--target`, else `$TARGET_DATABASE_URL` when set.
  private var targetURL: String? {
    let environment = ProcessInfo.processInfo.environment["TARGET_DATABASE_URL"]
    return target ?? (environment?.isEmpty == false ? environment : nil)
  }

  func run() async throws {
    if abandon {
      print(Exporter.abandon(directory: directory.url))
      return
    }
    if holdSnapshot {
      let target = try source.connectionTarget()
      let url = directory.url
      let idle = holderIdleTimeout
      try await onDedicatedThread(named: "snapshot-holder") {
        try SnapshotHolderProcess.serve(target: target, directory: url, idleTimeout: idle)
      }
      return
    }
    guard let chunkBytes = Self.bytes(chunkSize) else {
      throw ValidationError("--chunk-size \(chunkSize) is not a size: write it like 64MiB, 512KiB or 1048576")
    }
    var options = ExportOptions(source: try source.connectionTarget(), directory: directory.url)
    options.jobs = jobs
    options.chunkSize = chunkBytes
    options.splitTablesLargerThan = Self.bytes(splitTablesLargerThan).map(Int64.init)
    options.diskCheck = !noDiskCheck
    options.level = level
    options.selection = ExportTableSelection(only: Self.list(tables), exclude: Self.list(exclude))
    options.force = force
    options.lockTimeout = lockTimeout
    options.snapshot = snapshot
    options.restart = restart
    options.holderIdleTimeout = holderIdleTimeout
    if snapshot == nil, let raw = source.source,
      let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
    {
      options.holderLaunch = SnapshotHolderProcess.Launch(
        executable: URL(fileURLWithPath: executable), source: raw)
    }
    if !noParity && FileManager.default.fileExists(atPath: mappings) {
      options.parity = ParitySchema(
        mappings: URL(fileURLWithPath: mappings), chain: URL(fileURLWithPath: chain),
        localStandIn: standInDir.isEmpty ? nil : URL(fileURLWithPath: standInDir),
        target: try targetURL.map { try ConnectionTarget($0, side: .target) })
      // Rows visible per sampled user, counted in the snapshot for verify's policy check.
      if !noPolicySample {
        options.policySample = try configFile.load().policyBehaviour ?? PolicySampleSettings()
      }
    } else if !noParity {
      FileHandle.standardError.write(
        Data(
          "warning: no \(mappings) directory: no source digests, `cutover verify` cannot check this export's data\n"
            .utf8))
    }
    if let crash = ProcessInfo.processInfo.environment["CUTOVER_TEST_CRASH_AT"] {
      options.crashPoint = CrashPoint(parsing: crash)
    }
    let progress = ExportProgress(style: ExportProgress.style(forTerminalOn: 2)) { text in
      FileHandle.standardError.write(Data(text.utf8))
    }
    let summary = try await Exporter(options: options).run(
      logger: Logger(label: "cutover.export"), progress: progress)
    print(json ? try JSONOutput.encode(summary) : summary.text)
  }

  /// Splits repeated and comma-separated lists.
  private static func list(_ values: [String]) -> [String] {
    values.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
      .filter { !$0.isEmpty }
  }

  /// Parses `64MiB`, `64M`, `512KiB`, `1GiB`, `65536` (binary units).
  static func bytes(_ text: String) -> Int? {
    let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
    let digits = trimmed.prefix { $0.isNumber }
    guard let value = Int(digits), value > 0 else { return nil }
    let unit = trimmed.dropFirst(digits.count).trimmingCharacters(in: .whitespaces)
    let shifts: [String: Int] = [
      "": 0, "b": 0, "k": 10, "kb": 10, "kib": 10, "m": 20, "mb": 20, "mib": 20, "g": 30,
      "gb": 30, "gib": 30,
    ]
    guard let shift = shifts[unit], value <= Int.max >> shift else { return nil }
    return value << shift
  }
}
