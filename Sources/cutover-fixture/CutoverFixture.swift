import ArgumentParser
import CutoverKit
import Foundation
import Logging

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

  /// Maps every error to one exit code, as `cutover` does.
  static func main() async {
    LoggingSystem.bootstrap { label in
      var handler = StreamLogHandler.standardError(label: label)
      handler.logLevel =
        ProcessInfo.processInfo.environment["CUTOVER_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:))
        ?? .warning
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
      FileHandle.standardError.write(Data("cutover-fixture: \(failure.description)\n".utf8))
      exit(withError: ExitCode(failure.exitStatus.rawValue))
    } catch let error where exitCode(for: error) == .validationFailure {
      FileHandle.standardError.write(Data("\(fullMessage(for: error))\n".utf8))
      exit(withError: ExitCode(ExitStatus.usage.rawValue))
    } catch {
      exit(withError: error)
    }
  }
}
