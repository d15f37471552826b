/// The chunks written by one COPY: a whole table's, or one part's of a split table.
///
/// Chunk indexes are 1-based and contiguous within a sequence; a per-chunk resume skips the
/// leading rows of one sequence.
public struct ChunkSequence: Hashable, Sendable, CustomStringConvertible {
  public var table: QualifiedName
  /// The part (`TablePart.number`); `nil` for a table read whole.
  public var part: Int?

  public init(table: QualifiedName, part: Int? = nil) {
    self.table = table
    self.part = part
  }

  /// `app.items` or `app.items part 3`.
  public var description: String { part.map { "\(table) part \($0)" } ?? table.description }
}
