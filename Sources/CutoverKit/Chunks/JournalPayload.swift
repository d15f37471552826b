/// A kind of record in an export directory's journal.
///
/// Each stage defines its own payload types with a unique `kind` (`"chunk_sealed"`,
/// `"import_table_loaded"`…); the journal stores `{"at", "kind", "payload"}` per line, so
/// readers skip kinds they do not know.
public protocol JournalPayload: Codable, Sendable {
  /// The record kind written in the journal, unique across stages.
  static var kind: String { get }
}
