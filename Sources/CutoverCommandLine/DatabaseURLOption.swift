import ArgumentParser
import CutoverKit
import Foundation

/// How `--source` and `--target` find their URL and turn it into a `ConnectionTarget`.
///
/// The flag wins, else the environment variable (an empty one counts as unset). The URL
/// holds the password, so it is only ever parsed into a `ConnectionTarget`, whose
/// description is redacted, and never echoed.
enum DatabaseURLOption {
  static func resolve(_ given: String?, variable: String) -> String? {
    given ?? ProcessInfo.processInfo.environment[variable].flatMap { $0.isEmpty ? nil : $0 }
  }

  static func missing(_ side: Side) -> ValidationError {
    ValidationError("no \(side): pass \(side.option) or set \(side.environmentVariable)")
  }
}

/// `--source`, defaulting to `SOURCE_DATABASE_URL`.
public struct SourceOption: ParsableArguments {
  @Option(help: "Source database URL or conninfo (default $SOURCE_DATABASE_URL).")
  public var source: String?

  public init() {}

  public mutating func validate() throws {
    source = DatabaseURLOption.resolve(source, variable: "SOURCE_DATABASE_URL")
  }

  /// Throws the usage error (exit 2) when neither the flag nor the variable is set.
  public func requireGiven() throws {
    if source == nil { throw DatabaseURLOption.missing(.source) }
  }

  /// The parsed source, or `nil` when none was given.
  public func connectionTargetIfGiven() throws -> ConnectionTarget? {
    try source.map { try ConnectionTarget($0, side: .source) }
  }

  /// The parsed source; a usage error when none was given.
  public func connectionTarget() throws -> ConnectionTarget {
    try requireGiven()
    return try ConnectionTarget(source ?? "", side: .source)
  }
}

/// `--target`, defaulting to `TARGET_DATABASE_URL`.
public struct TargetOption: ParsableArguments {
  @Option(help: "Target database URL or conninfo (default $TARGET_DATABASE_URL).")
  public var target: String?

  public init() {}

  public mutating func validate() throws {
    target = DatabaseURLOption.resolve(target, variable: "TARGET_DATABASE_URL")
  }

  /// Throws the usage error (exit 2) when neither the flag nor the variable is set.
  public func requireGiven() throws {
    if target == nil { throw DatabaseURLOption.missing(.target) }
  }

  /// The parsed target, or `nil` when none was given.
  public func connectionTargetIfGiven() throws -> ConnectionTarget? {
    try target.map { try ConnectionTarget($0, side: .target) }
  }

  /// The parsed target; a usage error when none was given.
  public func connectionTarget() throws -> ConnectionTarget {
    try requireGiven()
    return try ConnectionTarget(target ?? "", side: .target)
  }
}
