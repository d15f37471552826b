import Foundation
import TOMLKit

/// Reads a parsed `cutover.toml` table into `CutoverConfig`, key by key, with file:line errors.
struct ConfigTableReader {
  var file: URL
  var locator: ConfigKeyLocator

  /// The top-level keys, for the "unknown key" message.
  static let topLevelKeys = [
    "export_dir", "jobs", "chunk_size", "compression_level", "chain", "mappings", "local_stand_in",
    "stand_in_dir", "application_roles", "switch", "report", "policy_behaviour",
  ]
  static let switchKeys = ["method", "env_file", "variable", "hook"]
  static let reportKeys = ["show_values", "formats"]
  static let policyKeys = [
    "users", "stratify", "stratify_key", "include_anon", "statement_timeout_ms", "rows_per_table", "accept",
  ]
  static let acceptKeys = ["table", "subject", "reason"]

  mutating func read(_ table: TOMLTable, into config: inout CutoverConfig) throws {
    try refuseURLs(table, path: "")
    for key in table.keys {
      guard let value = table[key] else { continue }
      switch key {
      case "export_dir": config.exportDirectory = try string(value, key)
      case "jobs": config.jobs = try int(value, key, range: 1...64)
      case "chunk_size":
        if let bytes = value.int {
          config.chunkSize = String(bytes)
        } else {
          config.chunkSize = try string(value, key, expected: "a size such as \"64MiB\"")
        }
      case "compression_level": config.compressionLevel = try int(value, key, range: -7...19)
      case "chain": config.chain = try string(value, key)
      case "mappings": config.mappings = try string(value, key)
      case "local_stand_in": config.localStandIn = try bool(value, key)
      case "stand_in_dir": config.standInDirectory = try string(value, key)
      case "application_roles": config.applicationRoles = try strings(value, key)
      case "switch":
        let sub = try subtable(value, key)
        try requireKnown(sub, path: key, known: Self.switchKeys)
        config.switchMethod.method = try sub["method"].map { try string($0, "switch.method") }
        if let method = config.switchMethod.method, !["env_file", "hook"].contains(method) {
          throw error("switch.method", "is \"\(method)\"", next: "use \"env_file\" or \"hook\"")
        }
        config.switchMethod.envFile = try sub["env_file"].map { try string($0, "switch.env_file") }
        config.switchMethod.variable = try sub["variable"].map { try string($0, "switch.variable") }
        config.switchMethod.hook = try sub["hook"].map { try string($0, "switch.hook") }
      case "report":
        let sub = try subtable(value, key)
        try requireKnown(sub, path: key, known: Self.reportKeys)
        config.report.showValues = try sub["show_values"].map { try bool($0, "report.show_values") }
        config.report.formats = try sub["formats"].map { try strings($0, "report.formats") }
        for format in config.report.formats ?? [] where !["json", "md", "html"].contains(format) {
          throw error("report.formats", "names \"\(format)\"", next: "use \"json\", \"md\" and/or \"html\"")
        }
      case "policy_behaviour":
        config.policyBehaviour = try policy(try subtable(value, key))
      default:
        throw error(
          key, "is not a cutover.toml key",
          next: "remove it or fix its spelling; the keys are \(Self.topLevelKeys.joined(separator: ", "))")
      }
    }
  }

  private func policy(_ table: TOMLTable) throws -> PolicySampleSettings {
    try requireKnown(table, path: "policy_behaviour", known: Self.policyKeys)
    var settings = PolicySampleSettings()
    let path = "policy_behaviour"
    if let value = table["users"] { settings.users = try int(value, "\(path).users", range: 0...10_000) }
    if let value = table["stratify"] { settings.stratify = try string(value, "\(path).stratify") }
    if let value = table["stratify_key"] { settings.stratifyKey = try string(value, "\(path).stratify_key") }
    if let value = table["include_anon"] { settings.includeAnon = try bool(value, "\(path).include_anon") }
    if let value = table["statement_timeout_ms"] {
      settings.statementTimeoutMilliseconds = try int(
        value, "\(path).statement_timeout_ms", range: 1...86_400_000)
    }
    if let value = table["rows_per_table"] {
      settings.rowsPerTable = try int(value, "\(path).rows_per_table", range: 0...1_000_000_000)
    }
    if let value = table["accept"] {
      guard let array = value.array else {
        throw error(
          "\(path).accept", "must be an array of tables",
          next: "write each entry as [[policy_behaviour.accept]]")
      }
      for (index, element) in array.enumerated() {
        let entryPath = "\(path).accept[\(index)]"
        guard let entry = element.table else {
          throw error(entryPath, "must be a table", next: "write each entry as [[policy_behaviour.accept]]")
        }
        try requireKnown(entry, path: entryPath, known: Self.acceptKeys)
        func required(_ key: String) throws -> String {
          guard let value = entry[key] else {
            throw error(entryPath, "has no \(key)", next: "every acceptance names table, subject and reason")
          }
          let text = try string(value, "\(entryPath).\(key)")
          guard !text.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw error("\(entryPath).\(key)", "is empty", next: "say it: a reviewer reads it in the report")
          }
          return text
        }
        let subject = try required("subject")
        guard ["anon", "authenticated", "*"].contains(subject) else {
          throw error(
            "\(entryPath).subject", "is \"\(subject)\"", next: "use \"anon\", \"authenticated\" or \"*\"")
        }
        let line = locator.line(of: entryPath)
        settings.accepted.append(
          PolicyAcceptance(
            table: try required("table"), subject: subject, reason: try required("reason"),
            location: "\(file.lastPathComponent):\(line.map(String.init) ?? "?")"))
      }
    }
    return settings
  }

  /// URLs and conninfo strings hold passwords: only environment variables may carry them.
  private func refuseURLs(_ table: TOMLTable, path: String) throws {
    for key in table.keys {
      guard let value = table[key] else { continue }
      let full = path.isEmpty ? key : "\(path).\(key)"
      let lowered = key.lowercased()
      let urlKey =
        ["source", "target", "url", "database_url", "conninfo", "password"].contains(lowered)
        || lowered.hasSuffix("_url") || lowered.hasSuffix("password")
      if urlKey || (value.string.map(Self.looksLikeConnection) ?? false) {
        throw error(
          full, "holds a connection URL or password, which cutover.toml must never hold",
          next:
            "remove it and set SOURCE_DATABASE_URL / TARGET_DATABASE_URL in the environment (or pass --source / --target)"
        )
      }
      if let sub = value.table { try refuseURLs(sub, path: full) }
      if let array = value.array {
        for (index, element) in array.enumerated() {
          if let sub = element.table { try refuseURLs(sub, path: "\(full)[\(index)]") }
          if element.string.map(Self.looksLikeConnection) ?? false {
            throw error(
              full, "holds a connection URL, which cutover.toml must never hold",
              next: "set SOURCE_DATABASE_URL / TARGET_DATABASE_URL in the environment instead")
          }
        }
      }
    }
  }

  static func looksLikeConnection(_ text: String) -> Bool {
    let lowered = text.lowercased()
    return lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://")
      || lowered.contains("password=") || (lowered.contains("host=") && lowered.contains("dbname="))
  }

  private func requireKnown(_ table: TOMLTable, path: String, known: [String]) throws {
    for key in table.keys where !known.contains(key) {
      throw error(
        "\(path).\(key)", "is not a key of [\(path.split(separator: "[").first.map(String.init) ?? path)]",
        next: "remove it or fix its spelling; the keys are \(known.joined(separator: ", "))")
    }
  }

  private func error(_ path: String, _ message: String, next: String) -> ConfigError {
    ConfigError(file: file.path, line: locator.line(of: path), message: "\(path) \(message)", nextStep: next)
  }

  private func typeError(_ path: String, _ value: any TOMLValueConvertible, expected: String) -> ConfigError {
    error(path, "is a \(value.type), not \(expected)", next: "write \(path) as \(expected)")
  }

  private func subtable(_ value: any TOMLValueConvertible, _ path: String) throws -> TOMLTable {
    guard let table = value.table else { throw typeError(path, value, expected: "a table ([\(path)])") }
    return table
  }

  private func string(_ value: any TOMLValueConvertible, _ path: String, expected: String = "a string")
    throws -> String
  {
    guard let text = value.string else { throw typeError(path, value, expected: expected) }
    return text
  }

  private func int(_ value: any TOMLValueConvertible, _ path: String, range: ClosedRange<Int>) throws -> Int {
    guard let number = value.int else { throw typeError(path, value, expected: "an integer") }
    guard range.contains(number) else {
      throw error(path, "is \(number), out of range", next: "use \(range.lowerBound) to \(range.upperBound)")
    }
    return number
  }

  private func bool(_ value: any TOMLValueConvertible, _ path: String) throws -> Bool {
    guard let flag = value.bool else { throw typeError(path, value, expected: "true or false") }
    return flag
  }

  private func strings(_ value: any TOMLValueConvertible, _ path: String) throws -> [String] {
    guard let array = value.array else { throw typeError(path, value, expected: "an array of strings") }
    return try array.map { element in
      guard let text = element.string else { throw typeError(path, element, expected: "an array of strings") }
      return text
    }
  }
}
