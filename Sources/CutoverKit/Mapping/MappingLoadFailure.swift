/// Every mapping file that failed to load, reported together (exit 2).
public struct MappingLoadFailure: CutoverFailure, Sendable {
  public var errors: [MappingError]

  public init(errors: [MappingError]) { self.errors = errors }

  public var exitStatus: ExitStatus { .usage }

  /// Each error carries its own next step; together: fix the files named.
  public var nextStep: String? { "fix the mapping files named above, then run cutover plan again" }

  public var description: String {
    "\(errors.count) mapping file error\(errors.count == 1 ? "" : "s"):\n"
      + errors.map(\.description).joined(separator: "\n")
  }
}
