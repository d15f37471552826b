import ArgumentParser
import CutoverKit
import Foundation

/// `--config PATH`: the `cutover.toml` to read (default `./cutover.toml` when present).
struct ConfigOption: ParsableArguments {
  @Option(help: ArgumentHelp("The config file (default ./cutover.toml when present).", valueName: "path"))
  var config: String?

  /// The file to read, if any.
  var url: URL? {
    if let config { return URL(fileURLWithPath: config).standardizedFileURL }
    return CutoverConfig.defaultFile()
  }

  /// The parsed file, or an empty config when there is none.
  /// - Throws: `ConfigError` (exit 2) naming file and line.
  func load() throws -> CutoverConfig {
    guard let url else { return CutoverConfig() }
    return try CutoverConfig.load(from: url)
  }
}
