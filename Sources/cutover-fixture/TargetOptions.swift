import ArgumentParser
import CutoverKit
import Foundation

/// `--target`, defaulting to `TARGET_DATABASE_URL`; parsed into a redacted `ConnectionTarget`.
struct TargetOptions: ParsableArguments {
  @Option(help: "Fixture database URL or conninfo (default $TARGET_DATABASE_URL).")
  var target: String?

  mutating func validate() throws {
    target =
      target ?? ProcessInfo.processInfo.environment["TARGET_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
    if target == nil { throw ValidationError("no target: pass --target or set TARGET_DATABASE_URL") }
  }

  func connectionTarget() throws -> ConnectionTarget {
    guard let target else { throw ValidationError("no target: pass --target or set TARGET_DATABASE_URL") }
    return try ConnectionTarget(target, role: "target")
  }
}
