import ArgumentParser
import CutoverCommandLine
import CutoverKit
import Foundation
import Logging
import Synchronization

/// `cutover import`: the export's chunks through the mappings into the v2 target.
struct ImportCommand: AsyncParsableCommand, ShowsValues {
  static let configuration = CommandConfiguration(
    commandName: "import",
    abstract: "Loads an export's chunks through the mappings into the v2 target, the way pg_restore loads.",
    discussion: """
      Each chunk's SHA-256 is checked against the manifest before it is loaded. Tables load \
      in foreign-key order, --jobs at a time, each in one transaction with \
      session_replication_role = replica. The loaded tables' secondary indexes and foreign \
      keys are recorded in the export directory's journal, dropped, and re-created after \
      their tables are loaded (foreign keys validated; orphans named by table and key); the \
      import proves each is back as the chain defined it, then sets sequences past their \
      column's maximum and analyzes every table. Exit 1 for a bad chunk, orphan rows or an \
      index or key that did not come back; 2 for a target whose tables hold rows (without \
      --resume or --truncate), mappings that do not fit, or another import on the target; 3 \
      when the target rejects a row (named by table, chunk and row) or fails; 130 when \
      interrupted (loaded tables are kept: rerun with --resume).
      """)

  @OptionGroup var values: ShowValuesOption

  @OptionGroup var target: TargetOption
  @OptionGroup var directory: ExportDirectoryOptions

  @Option(help: "The mapping files' directory.")
  var mappings = "mappings"

  @Option(name: .shortAndLong, help: "Parallel connections (tables loading, indexes and keys re-created).")
  var jobs = 2

  @Flag(help: "Continue an interrupted import into this target: skip the tables it loaded.")
  var resume = false

  @Flag(help: "Empty the tables to load first (they hold rows).")
  var truncate = false

  @Flag(help: "Print the summary as JSON.")
  var json = false

  mutating func validate() throws {
    try target.requireGiven()
    if resume && truncate {
      throw ValidationError("--resume and --truncate exclude each other: pick one")
    }
  }

  func run() async throws {
    var options = ImportOptions(
      target: try target.connectionTarget(), directory: directory.url,
      mappings: URL(fileURLWithPath: mappings))
    options.jobs = jobs
    options.resume = resume
    options.truncate = truncate
    options.faultHook = Self.testCrashHook()
    let progress = ImportProgress(style: ExportProgress.style(forTerminalOn: 2)) { text in
      FileHandle.standardError.write(Data(text.utf8))
    }
    let summary = try await Importer(options: options).run(
      logger: Logger(label: "cutover.import"), progress: progress)
    print(json ? try JSONOutput.encode(summary) : summary.text)
  }

  /// Tests only: `CUTOVER_TEST_CRASH_AT=<point>[:<n>]` (`mid-table`, `index-rebuild`,
  /// `fk-validation`) kills the process with SIGKILL the n-th time (default 1) the import
  /// reaches that point, so tests can prove what a rerun does after a real crash.
  static func testCrashHook() -> (@Sendable (ImportFaultPoint) -> Void)? {
    guard let spec = ProcessInfo.processInfo.environment["CUTOVER_TEST_CRASH_AT"], !spec.isEmpty else {
      return nil
    }
    let parts = spec.split(separator: ":", maxSplits: 1)
    let point = String(parts[0])
    let occurrence = parts.count > 1 ? Int(parts[1]) ?? 1 : 1
    let seen = Counter()
    return { reached in
      guard reached.name == point else { return }
      if seen.value.add(1, ordering: .relaxed).newValue >= occurrence { kill(getpid(), SIGKILL) }
    }
  }

  /// How often the crash point was reached.
  private final class Counter: Sendable {
    let value = Atomic<Int>(0)
  }
}
