import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Runs a program with `posix_spawn`, its output captured in a file, and waits for it.
///
/// Tests only: the cluster harness and the built executables.
///
/// Foundation's `Process` learns that a child ended through a socket the child inherits; a
/// daemon the child starts (`pg_ctl start` → `postgres`) keeps that socket open and the wait
/// never ends. Here the wait is a plain `waitpid` on the child alone.
public enum ChildProcess {
  /// How a run ended, with what it printed (stdout and stderr interleaved).
  public struct Outcome: Sendable {
    public var status: Int32
    public var output: String
  }

  /// Runs `executable` to its end.
  /// - Parameters:
  ///   - environment: variables added to (or replacing) this process's.
  ///   - input: a file to read standard input from (default `/dev/null`).
  public static func run(
    _ executable: String, _ arguments: [String], environment: [String: String] = [:],
    input: String? = nil
  ) throws -> Outcome {
    let log = FileManager.default.temporaryDirectory
      .appendingPathComponent("cutover-child-\(getpid())-\(UUID().uuidString).log").path
    defer { unlink(log) }
    let pid = try spawn(executable, arguments, environment: environment, input: input, output: log)
    let status = try wait(pid, executable: executable)
    let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
    return Outcome(status: status, output: output)
  }

  /// Starts `executable` without waiting for it; its output goes to `output` (a path).
  public static func spawn(
    _ executable: String, _ arguments: [String], environment: [String: String] = [:],
    input: String? = nil, output: String = "/dev/null"
  ) throws -> pid_t {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, input ?? "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_APPEND, 0o600)
    posix_spawn_file_actions_adddup2(&actions, 1, 2)

    let merged = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let argv = ([executable] + arguments).map { strdup($0) } + [nil]
    let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
      argv.forEach { free($0) }
      envp.forEach { free($0) }
    }
    var pid = pid_t()
    let result = posix_spawn(&pid, executable, &actions, nil, argv, envp)
    guard result == 0 else {
      throw ChildProcessError(
        executable: executable,
        message: "could not start it: \(String(cString: strerror(result)))")
    }
    return pid
  }

  /// Waits for `pid` and returns its exit status (128 + signal when killed).
  public static func wait(_ pid: pid_t, executable: String) throws -> Int32 {
    var status: Int32 = 0
    while waitpid(pid, &status, 0) == -1 {
      guard errno == EINTR else {
        throw ChildProcessError(
          executable: executable, message: "waitpid failed: \(String(cString: strerror(errno)))")
      }
    }
    let signal = status & 0x7f
    return signal == 0 ? (status >> 8) & 0xff : 128 + signal
  }
}

/// A child process could not be started or waited for.
public struct ChildProcessError: Error, CustomStringConvertible {
  public var executable: String
  public var message: String
  public var description: String { "running \(executable): \(message)" }
}
