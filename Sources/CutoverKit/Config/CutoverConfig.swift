import Foundation
import TOMLKit

/// `cutover.toml`: the settings a rehearsal, a staging dry run or the production cutover
/// repeat, so every command of one cutover agrees (documented in `docs/config.md`).
///
/// Every key is optional here and every key is also a flag; the command line resolves
/// flag → file → default, so flags win. Connection URLs are never in the file (they hold
/// passwords): only `SOURCE_DATABASE_URL` / `TARGET_DATABASE_URL` (or `--source`/`--target`).
/// Unknown keys, wrong types and URL-looking values are errors naming file and line (exit 2).
public struct CutoverConfig: Sendable, Equatable {
  /// How `cutover switch` points the application at the new database.
  public struct Switch: Sendable, Equatable {
    /// `"env_file"` (atomic rewrite of one variable in a file) or `"hook"` (a command).
    public var method: String?
    /// The env file, for `env_file`.
    public var envFile: String?
    /// The variable in it holding the database URL, for `env_file`.
    public var variable: String?
    /// The command, for `hook`.
    public var hook: String?

    public init(method: String? = nil, envFile: String? = nil, variable: String? = nil, hook: String? = nil) {
      self.method = method
      self.envFile = envFile
      self.variable = variable
      self.hook = hook
    }
  }

  /// Report options.
  public struct Report: Sendable, Equatable {
    /// Users' values in row differences (`--show-values`).
    public var showValues: Bool?
    /// Which renderings to write besides JSON (`"md"`, `"html"`).
    public var formats: [String]?

    public init(showValues: Bool? = nil, formats: [String]? = nil) {
      self.showValues = showValues
      self.formats = formats
    }
  }

  /// The file this was read from (`nil` when built in code).
  public var file: URL?
  public var exportDirectory: String?
  public var jobs: Int?
  /// `64MiB`, `512KiB`, or a byte count.
  public var chunkSize: String?
  public var compressionLevel: Int?
  public var chain: String?
  public var mappings: String?
  public var localStandIn: Bool?
  public var standInDirectory: String?
  /// Roles the application connects as (`anon`, `authenticated`, …), for doctor and the gates.
  public var applicationRoles: [String]?
  public var switchMethod = Switch()
  public var report = Report()
  /// `[policy_behaviour]`, when the file has the table.
  public var policyBehaviour: PolicySampleSettings?

  public init() {}

  /// The default file, `./cutover.toml`, when it exists.
  public static func defaultFile(in directory: URL? = nil) -> URL? {
    let base = directory ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    let url = base.appendingPathComponent("cutover.toml")
    return FileManager.default.fileExists(atPath: url.path) ? url : nil
  }

  /// Reads and checks `url`.
  /// - Throws: `ConfigError` (exit 2) naming the file and line.
  public static func load(from url: URL) throws -> CutoverConfig {
    let text: String
    do {
      text = try String(contentsOf: url, encoding: .utf8)
    } catch {
      throw ConfigError(
        file: url.path, line: nil, message: "cannot be read: \(error.localizedDescription)",
        nextStep: "check the --config path and its permissions")
    }
    return try parse(text, file: url)
  }

  /// Parses `text` as the contents of `file`.
  /// - Throws: `ConfigError` naming `file` and the line.
  public static func parse(_ text: String, file: URL) throws -> CutoverConfig {
    let table: TOMLTable
    do {
      table = try TOMLTable(string: text)
    } catch let error as TOMLParseError {
      throw ConfigError(
        file: file.path, line: error.source.begin.line, message: "does not parse: \(error.description)",
        nextStep: "fix the TOML syntax (see cutover.example.toml)")
    } catch {
      throw ConfigError(file: file.path, line: nil, message: "does not parse: \(error)")
    }
    var reader = ConfigTableReader(file: file, locator: ConfigKeyLocator(text: text))
    var config = CutoverConfig()
    config.file = file
    try reader.read(table, into: &config)
    return config
  }
}
