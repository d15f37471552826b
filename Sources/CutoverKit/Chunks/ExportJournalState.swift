import Foundation

/// What an export directory's journal says about the export: the fold of its records.
///
/// Used to resume an export, to let a later stage consume the chunks sealed so far while
/// the export runs, and to build `manifest.json`. A `table_started` record drops the
/// table's chunks past its `resumedAfterChunk`; a later `chunk_sealed` replaces a chunk of
/// the same index.
public struct ExportJournalState: Sendable {
  /// The first `export_started` record (resumes repeat it with the same snapshot).
  public private(set) var started: ExportJournalRecord.ExportStarted?
  /// The latest `table_started` record per table.
  public private(set) var tables: [QualifiedName: ExportJournalRecord.TableStarted] = [:]
  /// The sealed chunks per table, in index order.
  public private(set) var chunks: [QualifiedName: [ChunkRecord]] = [:]
  /// The tables whose export finished.
  public private(set) var finishedTables: [QualifiedName: ExportJournalRecord.TableFinished] = [:]
  /// The `export_finished` record, when the export is complete.
  public private(set) var finished: ExportJournalRecord.ExportFinished?

  /// Folds the journal of `directory`.
  public init(directory: URL) throws {
    try self.init(entries: Journal.read(directory: directory))
  }

  /// Folds `entries` in order; kinds of other stages are skipped.
  /// - Throws: `JournalError` when a record of the export's kinds does not decode.
  public init(entries: [JournalEntry]) throws {
    for entry in entries {
      if let record = try entry.decode(ExportJournalRecord.ExportStarted.self) {
        if started == nil { started = record }
      } else if let record = try entry.decode(ExportJournalRecord.TableStarted.self) {
        tables[record.table] = record
        chunks[record.table] = (chunks[record.table] ?? []).filter { $0.index <= record.resumedAfterChunk }
        finishedTables[record.table] = nil
      } else if let record = try entry.decode(ChunkSealed.self) {
        var list = (chunks[record.table] ?? []).filter { $0.index < record.chunk.index }
        list.append(record.chunk)
        chunks[record.table] = list
      } else if let record = try entry.decode(ExportJournalRecord.TableFinished.self) {
        finishedTables[record.table] = record
      } else if let record = try entry.decode(ExportJournalRecord.ExportFinished.self) {
        finished = record
      }
    }
  }

  /// The manifest these records describe.
  /// - Throws: `ExportError` (`.inconsistent`) when the export did not finish, or a table's
  ///   chunks do not add up to its recorded totals.
  public func manifest() throws -> ExportManifest {
    guard let started, let finished else {
      throw ExportError(.inconsistent, "the journal records no finished export")
    }
    var source = started.source
    source.finishedAt = finished.finishedAt
    var tables: [ExportManifest.Table] = []
    for name in started.tables {
      guard let table = self.tables[name], let done = finishedTables[name] else {
        throw ExportError(.inconsistent, "the journal records no finished export of \(name)")
      }
      let chunks = self.chunks[name] ?? []
      let rows = chunks.reduce(0) { $0 + $1.rows }
      let bytes = chunks.reduce(0) { $0 + $1.bytes }
      let compressed = chunks.reduce(0) { $0 + $1.compressedBytes }
      guard rows == done.rows, bytes == done.bytes, chunks.count == done.chunks,
        chunks.enumerated().allSatisfy({ $0.offset + 1 == $0.element.index })
      else {
        throw ExportError(
          .inconsistent,
          "\(name): the journaled chunks (\(chunks.count), \(rows) rows) do not add up to the table's record (\(done.chunks), \(done.rows) rows)",
          nextStep: "export again into an empty directory")
      }
      tables.append(
        ExportManifest.Table(
          name: name, columns: table.columns, rows: rows, bytes: bytes, compressedBytes: compressed,
          chunks: chunks, copyQuery: table.copyQuery, seconds: done.seconds, parity: nil))
    }
    return ExportManifest(source: source, tables: tables)
  }
}
