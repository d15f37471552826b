/// A mapping file that cannot be read or does not parse: names the file and line, and what to do.
///
/// Exit 2 (configuration): `cutover plan` stops before reading any catalog.
public struct MappingError: CutoverFailure, Sendable {
  /// What kind of failure, so callers can branch without reading the message.
  public struct Code: Hashable, Sendable, CustomStringConvertible {
    private enum Kind: String { case unreadable, syntax, unknownKey, invalidValue, duplicate }
    private let kind: Kind
    public static let unreadable = Code(kind: .unreadable)
    public static let syntax = Code(kind: .syntax)
    public static let unknownKey = Code(kind: .unknownKey)
    public static let invalidValue = Code(kind: .invalidValue)
    public static let duplicate = Code(kind: .duplicate)
    public var description: String { kind.rawValue }
  }

  public var code: Code
  /// The file, as given to the loader (`mappings/app.profiles.yaml`).
  public var file: String
  /// 1-based line, nil when the whole file is concerned.
  public var line: Int?
  public var message: String
  public var nextStep: String?

  public init(_ code: Code, file: String, line: Int?, _ message: String, nextStep: String) {
    self.code = code
    self.file = file
    self.line = line
    self.message = message
    self.nextStep = nextStep
  }

  public var exitStatus: ExitStatus { .usage }

  /// `file:line: message` and the next step.
  public var description: String {
    "\(file)\(line.map { ":\($0)" } ?? ""): \(message)" + (nextStep.map { "\n  next: \($0)" } ?? "")
  }
}
