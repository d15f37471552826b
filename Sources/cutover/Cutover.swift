import ArgumentParser
import CutoverKit
import Foundation
import Logging

@main
struct Cutover: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "cutover",
    abstract: "Moves a live Supabase database onto a fresh database built by the v2 chain.",
    discussion: "Exit codes: 0 success, 1 a check found a problem, 2 usage or configuration, 3 database or I/O failure.",
    version: CutoverVersion.current,
    subcommands: [DoctorCommand.self, MigrateCommand.self, ExportCommand.self, CheckExportCommand.self]
  )

  /// Maps every error to one exit code, as DESIGN.md lists them.
  static func main() async {
    LoggingSystem.bootstrap { label in
      var handler = StreamLogHandler.standardError(label: label)
      handler.logLevel = ProcessInfo.processInfo.environment["CUTOVER_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
      return handler
    }
    do {
      var command = try parseAsRoot()
      if var asyncCommand = command as? AsyncParsableCommand {
        try await asyncCommand.run()
      } else {
        try command.run()
      }
    } catch let failure as any CutoverFailure {
      FileHandle.standardError.write(Data("cutover: \(failure.description)\n".utf8))
      exit(withError: ExitCode(failure.exitStatus.rawValue))
    } catch let error where exitCode(for: error) == .validationFailure {
      FileHandle.standardError.write(Data("\(fullMessage(for: error))\n".utf8))
      exit(withError: ExitCode(ExitStatus.usage.rawValue))
    } catch {
      exit(withError: error)
    }
  }
}
