import ArgumentParser
import CutoverKit
import Foundation
import Logging

extension AsyncParsableCommand {
  /// Parses, runs, and maps every error to one exit code, as DESIGN.md lists them.
  ///
  /// Shared by `cutover` and `cutover-fixture`: a `CutoverFailure` prints its description and
  /// exits with its status; argument-parser's validation errors exit 2 (not its default 64);
  /// help and `--version` exit as argument-parser decides. Logs go to stderr at
  /// `CUTOVER_LOG_LEVEL` (default `warning`).
  public static func runMappingExitStatus(toolName: String) async {
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
      FileHandle.standardError.write(Data("\(toolName): \(failure.description)\n".utf8))
      exit(withError: ExitCode(failure.exitStatus.rawValue))
    } catch let error where exitCode(for: error) == .validationFailure {
      FileHandle.standardError.write(Data("\(fullMessage(for: error))\n".utf8))
      exit(withError: ExitCode(ExitStatus.usage.rawValue))
    } catch {
      exit(withError: error)
    }
  }
}
