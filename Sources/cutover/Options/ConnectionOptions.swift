import ArgumentParser
import CutoverKit
import Foundation

/// `--source` / `--target`, defaulting to `SOURCE_DATABASE_URL` / `TARGET_DATABASE_URL`.
///
/// The URLs hold passwords: they are parsed into `ConnectionTarget`s, whose description is
/// redacted, and never echoed.
struct ConnectionOptions: ParsableArguments {
  @Option(help: "Source database URL or conninfo (default $SOURCE_DATABASE_URL).")
  var source: String?

  @Option(help: "Target database URL or conninfo (default $TARGET_DATABASE_URL).")
  var target: String?

  mutating func validate() throws {
    let environment = ProcessInfo.processInfo.environment
    source = source ?? environment["SOURCE_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
    target = target ?? environment["TARGET_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
  }

  func sourceTarget(required: Bool) throws -> ConnectionTarget? {
    guard let source else {
      if required { throw ValidationError("no source: pass --source or set SOURCE_DATABASE_URL") }
      return nil
    }
    return try ConnectionTarget(source, role: "source")
  }

  func targetTarget(required: Bool) throws -> ConnectionTarget? {
    guard let target else {
      if required { throw ValidationError("no target: pass --target or set TARGET_DATABASE_URL") }
      return nil
    }
    return try ConnectionTarget(target, role: "target")
  }
}
