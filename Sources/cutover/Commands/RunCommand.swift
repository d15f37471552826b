import ArgumentParser
import CutoverCommandLine
import CutoverKit
import Foundation
import Logging

/// `cutover run`: doctor → plan → migrate → export with the import beside it → verify, resumable.
struct RunCommand: AsyncParsableCommand, ShowsValues {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract:
      "Chains doctor, plan, migrate, export (the import loading beside it) and verify; a rerun resumes at the first unfinished step.",
    discussion: """
      Each step's start and end (times, outcome, figures, checksums, per-table rates) go to \
      the step journal run.jsonl in the export directory; a rerun says where it resumes and \
      skips finished steps. The run records SHA-256 of every mapping file, chain file and the \
      config: a resume after any changed is refused (exit 2) with the list; start again with \
      --new. --new discards an unfinished run in the directory (cutover's own files only) and \
      refuses a directory holding a finished run: use a new --export-dir. Without --final it is \
      a dry run: the source is only read, never frozen nor switched; plan builds its scratch \
      schema on the target's server. --final adds the freeze before the export (not built yet). \
      Settings come from flags, then cutover.toml (--config), then defaults; connection URLs \
      only from --source/--target or SOURCE_DATABASE_URL/TARGET_DATABASE_URL. Exit codes: as \
      the failing step's; 2 for a refused resume.
      """)

  @OptionGroup var values: ShowValuesOption
  @OptionGroup var source: SourceOption
  @OptionGroup var target: TargetOption
  @OptionGroup var configFile: ConfigOption

  @Option(
    name: .customLong("export-dir"),
    help: ArgumentHelp("Export directory (config export_dir).", valueName: "dir"))
  var exportDir: String?
  @Option(name: .shortAndLong, help: "Parallel connections (config jobs; default 2).")
  var jobs: Int?
  @Option(help: ArgumentHelp("COPY text per chunk (config chunk_size; default 64MiB).", valueName: "size"))
  var chunkSize: String?
  @Option(help: "zstd level -7 to 19, negative for zstd's fast levels (config compression_level; default 1).")
  var compressionLevel: Int?
  @Option(help: "The v2 chain (config chain; default supabase/migrations_v2).")
  var chain: String?
  @Option(help: "The mapping files' directory (config mappings; default mappings).")
  var mappings: String?
  @Flag(
    help: "migrate first applies the Supabase stand-in: a plain PostgreSQL target (config local_stand_in).")
  var localStandIn = false
  @Option(help: "The stand-in's directory (config stand_in_dir; default supabase/local).")
  var standInDir: String?
  @Option(
    help: ArgumentHelp("Application roles, comma-separated (config application_roles).", valueName: "roles"))
  var applicationRoles: String?
  @Option(help: "Switch method: env_file or hook (config switch.method; used by `cutover switch`).")
  var switchMethod: String?
  @Option(help: "Env file the switch rewrites (config switch.env_file).")
  var switchEnvFile: String?
  @Option(help: "Variable in it (config switch.variable).")
  var switchVariable: String?
  @Option(help: "Switch hook command (config switch.hook).")
  var switchHook: String?
  @Option(
    help: ArgumentHelp(
      "Report renderings, comma-separated json,md,html (config report.formats).", valueName: "list"))
  var reportFormats: String?
  @Option(help: "Users sampled for policy behaviour (config policy_behaviour.users).")
  var policyUsers: Int?
  @Option(help: "schema.table.column to stratify the sample by (config policy_behaviour.stratify).")
  var policyStratify: String?
  @Option(help: "Joining column of the stratify table (config policy_behaviour.stratify_key).")
  var policyStratifyKey: String?
  @Option(
    help:
      "Per-session statement timeout of the policy check, ms (config policy_behaviour.statement_timeout_ms).")
  var policyStatementTimeoutMs: Int?
  @Option(
    help:
      "Rows counted per table by the policy check, the first by primary key; 0 counts every row (config policy_behaviour.rows_per_table)."
  )
  var policyRowsPerTable: Int?
  @Flag(help: "Leave anon out of the policy check (config policy_behaviour.include_anon = false).")
  var policyExcludeAnon = false

  @Option(
    name: .customLong("platform-superuser"),
    help: "A superuser of the platform, not the application (supabase_admin), that --final's freeze accepts.")
  var platformSuperusers: [String] = []
  @Flag(help: "The production run: freeze the source before the export; stops before approve and switch.")
  var final = false
  @Flag(name: .customLong("new"), help: "Start a fresh run instead of resuming (refused on a finished run).")
  var startNew = false
  @Flag(help: "Empty the target's tables before the import (a target holding an earlier run's rows).")
  var truncateTarget = false
  @Flag(help: "Print the summary as JSON.")
  var json = false

  mutating func validate() throws {
    try source.requireGiven()
    try target.requireGiven()
    if let chunkSize, ExportCommand.bytes(chunkSize) == nil {
      throw ValidationError("--chunk-size \(chunkSize) is not a size: write it like 64MiB, 512KiB or 1048576")
    }
  }

  func run() async throws {
    let config = try configFile.load()
    guard let exportDir = exportDir ?? config.exportDirectory else {
      throw ValidationError("no export directory: pass --export-dir or set export_dir in cutover.toml")
    }
    let size = chunkSize ?? config.chunkSize ?? "64MiB"
    guard let chunkBytes = ExportCommand.bytes(size) else {
      throw ValidationError("chunk_size \(size) is not a size: write it like 64MiB, 512KiB or 1048576")
    }
    let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    func path(_ text: String) -> URL { URL(fileURLWithPath: text, relativeTo: cwd).standardizedFileURL }
    var options = RunOptions(
      source: try source.connectionTarget(), target: try target.connectionTarget(),
      exportDirectory: path(exportDir), mappings: path(mappings ?? config.mappings ?? "mappings"),
      chain: path(chain ?? config.chain ?? "supabase/migrations_v2"),
      standIn: path(standInDir ?? config.standInDirectory ?? "supabase/local"))
    options.localStandIn = localStandIn || (config.localStandIn ?? false)
    options.config = configFile.url
    options.jobs = jobs ?? config.jobs ?? 2
    options.chunkSize = chunkBytes
    options.level = compressionLevel ?? config.compressionLevel ?? 1
    options.final = final
    options.applicationRoles =
      applicationRoles.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
      ?? config.applicationRoles ?? []
    options.platformSuperusers = platformSuperusers
    options.startNew = startNew
    options.truncateTarget = truncateTarget
    options.showValues = values.showValues || (config.report.showValues ?? false)
    var policy = config.policyBehaviour ?? PolicySampleSettings()
    if let policyUsers { policy.users = policyUsers }
    if let policyStratify { policy.stratify = policyStratify }
    if let policyStratifyKey { policy.stratifyKey = policyStratifyKey }
    if let policyStatementTimeoutMs { policy.statementTimeoutMilliseconds = policyStatementTimeoutMs }
    if let policyRowsPerTable {
      guard policyRowsPerTable >= 0 else {
        throw ValidationError("--policy-rows-per-table must be 0 (every row) or more")
      }
      policy.rowsPerTable = policyRowsPerTable
    }
    if policyExcludeAnon { policy.includeAnon = false }
    options.policySample = policy
    options.progressStyle = ExportProgress.style(forTerminalOn: 2)
    if let raw = source.source,
      let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
    {
      options.holderLaunch = SnapshotHolderProcess.Launch(
        executable: URL(fileURLWithPath: executable), source: raw)
    }
    if let crash = ProcessInfo.processInfo.environment["CUTOVER_TEST_CRASH_AT"], !crash.isEmpty {
      Self.installTestCrash(crash, into: &options)
    }
    let summary = try await RunPipeline(options: options).run(logger: Logger(label: "cutover.run")) { line in
      FileHandle.standardError.write(Data("\(line)\n".utf8))
    }
    print(json ? try JSONOutput.encode(summary) : summary.text)
  }

  /// Tests only: `CUTOVER_TEST_CRASH_AT` is `run:<step>:<started|worked|recorded>`, an
  /// export point (`mid-chunk:N`, `between-chunks:N`, `before-manifest`) or an import point
  /// (`mid-table[:n]`, `index-rebuild[:n]`, `fk-validation[:n]`): SIGKILL there.
  private static func installTestCrash(_ spec: String, into options: inout RunOptions) {
    if let (step, point) = RunHookPoint.parse(spec) {
      options.stepHook = { reached, at in
        if reached == step && at == point { kill(getpid(), SIGKILL) }
      }
    } else if let crash = CrashPoint(parsing: spec) {
      options.exportCrashPoint = crash
    } else {
      options.importFaultHook = ImportCommand.testCrashHook()
    }
  }
}
