import ArgumentParser
import CutoverCommandLine
import CutoverFixture
import CutoverKit

/// The `cutover-fixture` command: builds and fills legacy fixture databases.
///
/// For tests, rehearsals and benchmarks. Only parses arguments; the work is in CutoverKit's
/// `Fixture/`.
@main
struct CutoverFixture: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "cutover-fixture",
    abstract: "Builds a legacy fixture database and fills it with deterministic, awkward rows.",
    discussion: "Exit codes: 0 success, 2 usage or configuration, 3 database or I/O failure.",
    version: CutoverVersion.current,
    subcommands: [CreateCommand.self, FillCommand.self]
  )

  /// Maps every error to one exit code, as DESIGN.md lists them.
  static func main() async {
    await runMappingExitStatus(toolName: "cutover-fixture")
  }
}
