import ArgumentParser
import CutoverCommandLine
import CutoverKit
import Foundation
import Logging

/// `cutover switch`: points the application at the target.
struct SwitchCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "switch",
    abstract: "Points the application at the target once the report is green, approved and current.",
    discussion: """
      Refuses unless the export directory's report is green, approved (its exact SHA-256), \
      about this export and newer than it, the source is frozen and has not changed since \
      the export (every table digested again). Then rewrites --env-var in --env-file \
      atomically (its previous content kept in the export directory, mode 0600) or runs \
      --hook with the target's URL in CUTOVER_TARGET_URL (output logged, redacted, to \
      switch-hook.log). Once switched, running it again changes nothing. Exit 1 when a gate \
      refuses; 2 for a usage error; 3 when a database, file or the hook fails.
      """)

  @OptionGroup var source: SourceOption
  @OptionGroup var target: TargetOption
  @OptionGroup var directory: ExportDirectoryOptions

  @Option(help: "The mapping files' directory (as the import used).")
  var mappings = "mappings"

  @Option(help: "The application's env file to rewrite.")
  var envFile: String?

  @Option(help: "The variable in --env-file that holds the database URL.")
  var envVar = "DATABASE_URL"

  @Option(help: "A command to run instead of rewriting an env file; it gets CUTOVER_TARGET_URL.")
  var hook: String?

  @Flag(help: "Switch without an approval (never after a final run; the journal says so).")
  var noApproval = false

  mutating func validate() throws {
    try source.requireGiven()
    try target.requireGiven()
    guard (envFile == nil) != (hook == nil) else {
      throw ValidationError("pass exactly one of --env-file PATH or --hook COMMAND")
    }
    if envVar.isEmpty || envVar.contains("=") || envVar.contains(where: \.isWhitespace) {
      throw ValidationError("--env-var must be a variable name such as DATABASE_URL")
    }
  }

  func run() async throws {
    let method: ConnectionSwitch.Method =
      if let envFile {
        .envFile(URL(fileURLWithPath: envFile).standardizedFileURL, variable: envVar)
      } else {
        .hook(hook ?? "")
      }
    let outcome = try await ConnectionSwitch(
      exportDirectory: directory.url, source: try source.connectionTarget(),
      target: try target.connectionTarget(),
      targetURL: target.target ?? "", mappings: URL(fileURLWithPath: mappings), method: method,
      withoutApproval: noApproval
    ).run(logger: Logger(label: "cutover.switch"))
    print(outcome.text)
  }
}
