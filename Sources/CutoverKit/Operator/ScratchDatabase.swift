import Foundation
import Logging

/// A database `plan` creates on a server to apply the chain to, and always drops.
struct ScratchDatabase: Sendable {
  var server: ConnectionTarget

  /// Creates `cutover_plan_<random>`, runs `body` with a target for it, drops it.
  func withDatabase<T: Sendable>(
    logger: Logger, _ body: @Sendable (ConnectionTarget) async throws -> T
  ) async throws -> T {
    let name =
      "cutover_plan_" + UUID().uuidString.prefix(12).lowercased().replacingOccurrences(of: "-", with: "")
    let server = self.server
    try await onDedicatedThread(named: "cutover-plan-scratch") {
      let connection = try PGConnection(server, applicationName: "cutover plan")
      try connection.execute(
        "CREATE DATABASE \(QualifiedName.quote(name))",
        doing: "creating the scratch database \(name) for the v2 chain (needs CREATEDB; or pass --target)")
    }
    logger.debug("scratch database created", metadata: ["database": "\(name)"])
    let database = server.replacingDatabase(with: name)
    let result: Result<T, any Error>
    do {
      result = .success(try await body(database))
    } catch {
      result = .failure(error)
    }
    try await onDedicatedThread(named: "cutover-plan-scratch-drop") {
      let connection = try PGConnection(server, applicationName: "cutover plan")
      try connection.execute(
        "DROP DATABASE IF EXISTS \(QualifiedName.quote(name)) WITH (FORCE)",
        doing: "dropping the scratch database \(name)")
    }
    return try result.get()
  }
}
