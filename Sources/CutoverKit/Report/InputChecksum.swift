/// A checksum of something that shaped the target: the v2 chain, the mappings, the config.
public struct InputChecksum: Codable, Sendable, Equatable {
  /// What it is, for example "v2 chain", "mappings", "cutover.toml".
  public var name: String
  /// Where it was read from, relative to the working directory when possible.
  public var path: String
  /// SHA-256 (hex) over the files' names and contents, in name order.
  public var sha256: String

  public init(name: String, path: String, sha256: String) {
    self.name = name
    self.path = path
    self.sha256 = sha256
  }
}
