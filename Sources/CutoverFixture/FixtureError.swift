import CutoverKit

/// Why the fixture generator refused or failed: configuration (exit 2) or the database (3).
public struct FixtureError: CutoverFailure, Sendable {
  /// The kind of failure; a struct over a private enum so codes can grow.
  public struct Code: Hashable, Sendable, CustomStringConvertible {
    private enum Base: String, Sendable { case configuration, unsupportedSchema, notEmpty, privilege, io }
    private let base: Base
    private init(_ base: Base) { self.base = base }

    /// A flag, path or data file is wrong.
    public static let configuration = Code(.configuration)
    /// The catalog has something the generator cannot fill (a type, a CHECK it cannot read).
    public static let unsupportedSchema = Code(.unsupportedSchema)
    /// The target tables already hold rows.
    public static let notEmpty = Code(.notEmpty)
    /// The role may not do what filling needs.
    public static let privilege = Code(.privilege)
    /// Reading a file failed.
    public static let io = Code(.io)
    public var description: String { base.rawValue }
  }

  public var code: Code
  public var message: String
  /// What the operator does next.
  public var nextStep: String?

  public init(code: Code, message: String, nextStep: String? = nil) {
    self.code = code
    self.message = message
    self.nextStep = nextStep
  }

  public var exitStatus: ExitStatus { code == .io ? .ioFailure : .usage }

  public var description: String {
    var text = message
    if let nextStep { text += "\n  next: \(nextStep)" }
    return text
  }
}
