/// `cutover.toml` cannot be used: it does not parse, has an unknown key, a value of the wrong
/// type, or a connection URL (which only environment variables may hold).
///
/// Always names the file and the line; exit 2 (configuration).
public struct ConfigError: CutoverFailure, Sendable {
  /// The config file.
  public var file: String
  /// 1-based line, when known.
  public var line: Int?
  /// What is wrong.
  public var message: String
  /// What to do about it.
  public var nextStep: String?

  public init(file: String, line: Int?, message: String, nextStep: String? = nil) {
    self.file = file
    self.line = line
    self.message = message
    self.nextStep = nextStep
  }

  public var exitStatus: ExitStatus { .usage }

  public var description: String {
    let place = line.map { "\(file):\($0)" } ?? file
    var text = "\(place): \(message)"
    if let nextStep { text += "\n  next: \(nextStep)" }
    return text
  }
}
