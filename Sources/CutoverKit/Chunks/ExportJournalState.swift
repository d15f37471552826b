import Foundation

/// What an export directory's journal says about the export: the fold of its records.
///
/// Used to resume an export, to let a later stage consume the chunks sealed so far while
/// the export runs, and to build `manifest.json`. Records are folded per chunk sequence (a
/// table, or one part of a split table): a `table_started` record drops the sequence's
/// chunks past its `resumedAfterChunk`; a later `chunk_sealed` replaces a chunk of the same
/// sequence and index. A split table is finished when every one of its parts is.
public struct ExportJournalState: Sendable {
  /// The first `export_started` record (resumes repeat it with the same snapshot).
  public private(set) var started: ExportJournalRecord.ExportStarted?
  /// The latest `table_started` record per table (for a split table, of its latest part).
  public private(set) var tables: [QualifiedName: ExportJournalRecord.TableStarted] = [:]
  /// The latest `table_started` record per sequence.
  public private(set) var sequenceStarts: [ChunkSequence: ExportJournalRecord.TableStarted] = [:]
  /// The sealed chunks per sequence, in index order.
  public private(set) var sequences: [ChunkSequence: [ChunkRecord]] = [:]
  /// The sequences whose COPY finished.
  public private(set) var finishedSequences: [ChunkSequence: ExportJournalRecord.TableFinished] = [:]
  /// The source parity digests computed so far (the latest per table).
  public private(set) var parities: [QualifiedName: ExportManifest.Parity] = [:]
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
        let sequence = record.sequence
        tables[record.table] = record
        sequenceStarts[sequence] = record
        sequences[sequence] = (sequences[sequence] ?? []).filter { $0.index <= record.resumedAfterChunk }
        finishedSequences[sequence] = nil
      } else if let record = try entry.decode(ChunkSealed.self) {
        let sequence = record.chunk.sequence(of: record.table)
        var list = (sequences[sequence] ?? []).filter { $0.index < record.chunk.index }
        list.append(record.chunk)
        sequences[sequence] = list
      } else if let record = try entry.decode(ExportJournalRecord.TableFinished.self) {
        finishedSequences[record.sequence] = record
      } else if let record = try entry.decode(ExportJournalRecord.TableParity.self) {
        parities[record.table] = record.parity
      } else if let record = try entry.decode(ExportJournalRecord.ExportFinished.self) {
        finished = record
      }
    }
  }

  /// The split layout of `table`, when the export read it in parts.
  public func split(of table: QualifiedName) -> ExportJournalRecord.Split? {
    started?.splits?.first { $0.table == table }
  }

  /// The sequences of `table`: its parts in order, or the table itself.
  public func sequences(of table: QualifiedName) -> [ChunkSequence] {
    if let split = split(of: table) {
      return split.parts.map { ChunkSequence(table: table, part: $0.number) }
    }
    return [ChunkSequence(table: table)]
  }

  /// The sealed chunks per table, in order (part by part for a split table).
  public var chunks: [QualifiedName: [ChunkRecord]] {
    var result: [QualifiedName: [ChunkRecord]] = [:]
    for (sequence, list) in sequences { result[sequence.table, default: []] += list }
    return result.mapValues { list in list.sorted { ($0.part ?? 0, $0.index) < ($1.part ?? 0, $1.index) } }
  }

  /// The tables whose export finished (a split table once all its parts did), with their
  /// totals (for a split table, summed over the parts; `seconds` is the longest part's).
  public var finishedTables: [QualifiedName: ExportJournalRecord.TableFinished] {
    var result: [QualifiedName: ExportJournalRecord.TableFinished] = [:]
    let names = Set(finishedSequences.keys.map(\.table))
    for name in names {
      var records: [ExportJournalRecord.TableFinished] = []
      for sequence in sequences(of: name) {
        guard let record = finishedSequences[sequence] else { break }
        records.append(record)
      }
      guard records.count == sequences(of: name).count, var total = records.first else { continue }
      total.part = nil
      total.rows = records.reduce(0) { $0 + $1.rows }
      total.bytes = records.reduce(0) { $0 + $1.bytes }
      total.compressedBytes = records.reduce(0) { $0 + $1.compressedBytes }
      total.chunks = records.reduce(0) { $0 + $1.chunks }
      total.seconds = records.map(\.seconds).max() ?? 0
      result[name] = total
    }
    return result
  }

  /// The manifest these records describe.
  /// - Throws: `ExportError` (`.inconsistent`) when the export did not finish, or a
  ///   sequence's chunks do not add up to its recorded totals.
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
      var parts: [ExportManifest.Part] = []
      var chunks: [ChunkRecord] = []
      for sequence in sequences(of: name) {
        let list = self.sequences[sequence] ?? []
        guard let record = finishedSequences[sequence], let start = sequenceStarts[sequence],
          list.reduce(0, { $0 + $1.rows }) == record.rows, list.reduce(0, { $0 + $1.bytes }) == record.bytes,
          list.count == record.chunks,
          list.enumerated().allSatisfy({
            $0.offset + 1 == $0.element.index && $0.element.part == sequence.part
          })
        else {
          throw ExportError(
            .inconsistent,
            "\(sequence): the journaled chunks (\(list.count), \(list.reduce(0) { $0 + $1.rows }) rows) do not add up to its finished record",
            nextStep: "export again into an empty directory")
        }
        chunks += list
        if let part = start.part {
          parts.append(
            ExportManifest.Part(
              number: part.number, method: part.method, predicate: part.predicate, copyQuery: start.copyQuery,
              rows: record.rows, bytes: record.bytes, compressedBytes: record.compressedBytes,
              chunks: record.chunks, seconds: record.seconds))
        }
      }
      let split = split(of: name)
      tables.append(
        ExportManifest.Table(
          name: name, columns: table.columns, rows: done.rows, bytes: done.bytes,
          compressedBytes: done.compressedBytes, chunks: chunks,
          copyQuery: split?.copyQuery ?? table.copyQuery,
          seconds: done.seconds, parity: parities[name], parts: split == nil ? nil : parts))
    }
    return ExportManifest(source: source, tables: tables, policyBehaviour: finished.policyBehaviour)
  }
}
