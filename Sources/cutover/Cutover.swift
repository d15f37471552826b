import ArgumentParser
import CutoverCommandLine
import CutoverKit

@main
struct Cutover: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "cutover",
    abstract: "Moves a live Supabase database onto a fresh database built by the v2 chain.",
    discussion:
      "Exit codes: 0 success, 1 a check found a problem, 2 usage or configuration, 3 database or I/O failure.",
    version: CutoverVersion.current,
    subcommands: [
      DoctorCommand.self, PlanCommand.self, MigrateCommand.self, ExportCommand.self, CheckExportCommand.self,
      ImportCommand.self, VerifyCommand.self, RunCommand.self, StatusCommand.self, ReportCommand.self,
      FreezeCommand.self, UnfreezeCommand.self, ApproveCommand.self, SwitchCommand.self, RollbackCommand.self,
      PurgeCommand.self,
    ]
  )

  /// Maps every error to one exit code, as DESIGN.md lists them.
  static func main() async {
    await runMappingExitStatus(toolName: "cutover")
  }
}
