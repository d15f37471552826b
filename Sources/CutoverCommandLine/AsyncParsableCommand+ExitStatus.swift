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
    HeapSettings.apply()
    LoggingSystem.bootstrap { label in
      var handler = StreamLogHandler.standardError(label: label)
      handler.logLevel =
        ProcessInfo.processInfo.environment["CUTOVER_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:))
        ?? .warning
      return handler
    }
    var interrupts: InterruptSignals?
    var showValues = false
    do {
      let parsed = try parseAsRoot()
      showValues = (parsed as? any ShowsValues)?.values.showValues ?? false
      let command = CommandBox(parsed)
      // The handlers go in before the command starts: a command that sets a signal's
      // disposition itself (the snapshot holder restores SIGTERM's default) must not have
      // it overwritten afterwards.
      let cancellation = PendingCancellation()
      interrupts = InterruptSignals(toolName: toolName) { cancellation.cancel() }
      let task = Task { try await command.run() }
      cancellation.attach(task)
      try await task.value
    } catch let failure as any CutoverFailure {
      FileHandle.standardError.write(
        Data("\(toolName): \(failure.description(showingValues: showValues))\n".utf8))
      // Interrupted: the conventional 128 + signal, after the stage said what it left.
      if let signal = interrupts?.signalNumber { exit(withError: ExitCode(128 + signal)) }
      exit(withError: ExitCode(failure.exitStatus.rawValue))
    } catch let error where exitCode(for: error) == .validationFailure {
      FileHandle.standardError.write(Data("\(fullMessage(for: error))\n".utf8))
      exit(withError: ExitCode(ExitStatus.usage.rawValue))
    } catch let error where error is CancellationError {
      FileHandle.standardError.write(Data("\(toolName): interrupted before it changed anything\n".utf8))
      exit(withError: ExitCode(128 + (interrupts?.signalNumber ?? SIGINT)))
    } catch let error where isArgumentParserOwn(error) {
      exit(withError: error)
    } catch {
      // Neither cutover's own nor the argument parser's: a database or I/O failure
      // cutover did not wrap (DESIGN.md: 3), never 1, which means "a check found a problem".
      FileHandle.standardError.write(Data("\(toolName): \(error.localizedDescription)\n".utf8))
      exit(withError: ExitCode(ExitStatus.ioFailure.rawValue))
    }
  }

  /// Help, `--version`, `ExitCode` and parse errors: argument-parser prints and exits.
  private static func isArgumentParserOwn(_ error: any Error) -> Bool {
    error is ExitCode || error is CleanExit || exitCode(for: error) != .failure
  }
}

/// The parsed command, handed from the main task to the one task that runs it and never
/// touched by anything else — so it may cross into that task although argument-parser's
/// command types are not `Sendable`.
private final class CommandBox: @unchecked Sendable {
  private var command: any ParsableCommand

  init(_ command: any ParsableCommand) { self.command = command }

  func run() async throws {
    if var asyncCommand = command as? any AsyncParsableCommand {
      try await asyncCommand.run()
      command = asyncCommand
    } else {
      try command.run()
    }
  }
}
