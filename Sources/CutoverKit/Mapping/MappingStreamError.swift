/// A source row the mapper cannot read (exit 1: the export does not match the mapping).
public struct MappingStreamError: CutoverFailure, Sendable {
  public var table: String
  public var row: Int64
  public var message: String

  public var exitStatus: ExitStatus { .checkFailed }

  public var nextStep: String? {
    "check that the export was made from the source the plan was checked against (cutover check-export, cutover plan)"
  }

  public var description: String { "mapping \(table): row \(row) \(message)\n  next: \(nextStep ?? "")" }
}
