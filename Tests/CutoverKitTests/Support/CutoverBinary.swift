import CutoverKit
import Foundation

/// The built `cutover` executable, run as an operator would, for exit codes and output.
enum CutoverBinary {
  /// The executable beside the test bundle (`swift build` puts every product there).
  static var url: URL {
    get throws {
      var directory = URL(fileURLWithPath: ProcessInfo.processInfo.arguments[0])
        .deletingLastPathComponent()
      // The test bundle may be a directory (`*.xctest/…`); walk up to the products folder.
      for _ in 0..<4 {
        let candidate = directory.appendingPathComponent("cutover")
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        directory = directory.deletingLastPathComponent()
      }
      throw TestSupportError("the cutover executable was not built beside the tests")
    }
  }

  /// Runs `cutover` with `arguments`; the environment is cleared of the URL variables
  /// unless `environment` sets them.
  static func run(_ arguments: [String], environment: [String: String] = [:]) throws
    -> ChildProcess.Outcome
  {
    var environment = environment
    for key in ["SOURCE_DATABASE_URL", "TARGET_DATABASE_URL"] where environment[key] == nil {
      environment[key] = ""
    }
    return try ChildProcess.run(try url.path, arguments, environment: environment)
  }
}
