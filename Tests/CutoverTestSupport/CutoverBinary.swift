import Foundation

/// The built executables (`cutover`, `cutover-fixture`), run as an operator would, for exit
/// codes and output — the one place tests find them.
public enum CutoverBinary {
  /// The executable `name` beside the test bundle (`swift build` puts every product there).
  public static func url(_ name: String = "cutover") throws -> URL {
    var directory = URL(fileURLWithPath: ProcessInfo.processInfo.arguments[0])
      .deletingLastPathComponent()
    // The test bundle may be a directory (`*.xctest/…`); walk up to the products folder.
    for _ in 0..<4 {
      let candidate = directory.appendingPathComponent(name)
      if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
      directory = directory.deletingLastPathComponent()
    }
    throw TestSupportError(
      "the \(name) executable was not built beside the tests: run swift build --build-tests")
  }

  /// Runs executable `name` with `arguments`; the environment is cleared of the URL
  /// variables unless `environment` sets them, so a developer's own never leak in.
  public static func run(
    _ arguments: [String], environment: [String: String] = [:], executable name: String = "cutover"
  ) throws -> ChildProcess.Outcome {
    var environment = environment
    for key in ["SOURCE_DATABASE_URL", "TARGET_DATABASE_URL"] where environment[key] == nil {
      environment[key] = ""
    }
    return try ChildProcess.run(try url(name).path, arguments, environment: environment)
  }

  /// Starts `cutover` with `arguments` in the background, for a test that signals it while it
  /// works: its stdout dropped, its stderr in the returned pipe, the URL variables removed
  /// from its environment (as `run` does).
  public static func start(_ arguments: [String]) throws -> (process: Process, errors: Pipe) {
    let process = Process()
    process.executableURL = try url()
    process.arguments = arguments
    var environment = ProcessInfo.processInfo.environment
    for key in ["SOURCE_DATABASE_URL", "TARGET_DATABASE_URL"] { environment[key] = nil }
    process.environment = environment
    let errors = Pipe()
    process.standardError = errors
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    return (process, errors)
  }
}
