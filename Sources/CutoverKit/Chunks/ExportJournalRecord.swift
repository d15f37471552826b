import Foundation

/// The export's own journal records (besides `SealedChunk`, kind `chunk_sealed`).
public enum ExportJournalRecord {
  /// The export began: the source's identity and snapshot.
  public struct ExportStarted: JournalPayload, Equatable {
    public static var kind: String { "export_started" }
    public var source: ExportManifest.Source
    /// The planned tables, in order.
    public var tables: [QualifiedName]
    /// The tables read in parts, with their ranges; absent when no table is split.
    public var splits: [Split]?

    public init(source: ExportManifest.Source, tables: [QualifiedName], splits: [Split]? = nil) {
      self.source = source
      self.tables = tables
      self.splits = splits
    }
  }

  /// A table read in parts: the whole table's COPY statement (as an unsplit export would read
  /// it) and its parts, in order.
  public struct Split: Codable, Sendable, Equatable {
    public var table: QualifiedName
    public var copyQuery: String
    public var parts: [TablePart]

    public init(table: QualifiedName, copyQuery: String, parts: [TablePart]) {
      self.table = table
      self.copyQuery = copyQuery
      self.parts = parts
    }
  }

  /// A table's COPY began — or one part's, for a split table (`part`) — again, when
  /// `resumedAfterChunk` is 0 after an earlier attempt: chunks of the same sequence sealed
  /// before this record then no longer count.
  public struct TableStarted: JournalPayload, Equatable {
    public static var kind: String { "table_started" }
    public var table: QualifiedName
    public var columns: [ExportManifest.Column]
    public var copyQuery: String
    /// The planner's row estimate (`pg_class.reltuples`), for progress.
    public var estimatedRows: Int64
    /// Chunks of an earlier attempt kept (per-chunk resume); 0 for a fresh start.
    public var resumedAfterChunk: Int
    /// The part this COPY reads (`copyQuery` is then the part's); absent for a whole table.
    public var part: TablePart?

    public var sequence: ChunkSequence { ChunkSequence(table: table, part: part?.number) }
  }

  /// A table's COPY ended and all its chunks are sealed; for a split table, one part's
  /// (`part`), and the table is finished when all its parts are.
  public struct TableFinished: JournalPayload, Equatable {
    public static var kind: String { "table_finished" }
    public var table: QualifiedName
    public var rows: Int64
    public var bytes: Int64
    public var compressedBytes: Int64
    public var chunks: Int
    public var seconds: Double
    /// The part (`TablePart.number`); absent for a whole table.
    public var part: Int?

    public var sequence: ChunkSequence { ChunkSequence(table: table, part: part) }
  }

  /// A table's source parity digest was computed in the snapshot and its rows file sealed.
  public struct TableParity: JournalPayload, Equatable {
    public static var kind: String { "table_parity" }
    public var table: QualifiedName
    public var parity: ExportManifest.Parity

    public init(table: QualifiedName, parity: ExportManifest.Parity) {
      self.table = table
      self.parity = parity
    }
  }

  /// Every table is exported; `manifest.json` follows.
  public struct ExportFinished: JournalPayload, Equatable {
    public static var kind: String { "export_finished" }
    public var finishedAt: Date
    /// The policy sample's counts: journaled with the end, so a manifest written again from
    /// the journal (a crash before `manifest.json`) still holds them.
    public var policyBehaviour: PolicyBehaviourCounts?

    public init(finishedAt: Date, policyBehaviour: PolicyBehaviourCounts? = nil) {
      self.finishedAt = finishedAt
      self.policyBehaviour = policyBehaviour
    }
  }
}
