import Foundation

/// The export's own journal records (besides `SealedChunk`, kind `chunk_sealed`).
public enum ExportJournalRecord {
  /// The export began: the source's identity and snapshot.
  public struct ExportStarted: JournalPayload, Equatable {
    public static var kind: String { "export_started" }
    public var source: ExportManifest.Source
    /// The planned tables, in order.
    public var tables: [QualifiedName]

    public init(source: ExportManifest.Source, tables: [QualifiedName]) {
      self.source = source
      self.tables = tables
    }
  }

  /// A table's COPY began (again, when `resumedAfterChunk` is 0 after an earlier attempt:
  /// chunks sealed before this record then no longer count).
  public struct TableStarted: JournalPayload, Equatable {
    public static var kind: String { "table_started" }
    public var table: QualifiedName
    public var columns: [ExportManifest.Column]
    public var copyQuery: String
    /// The planner's row estimate (`pg_class.reltuples`), for progress.
    public var estimatedRows: Int64
    /// Chunks of an earlier attempt kept (per-chunk resume); 0 for a fresh start.
    public var resumedAfterChunk: Int
  }

  /// A table's COPY ended and all its chunks are sealed.
  public struct TableFinished: JournalPayload, Equatable {
    public static var kind: String { "table_finished" }
    public var table: QualifiedName
    public var rows: Int64
    public var bytes: Int64
    public var compressedBytes: Int64
    public var chunks: Int
    public var seconds: Double
  }

  /// Every table is exported; `manifest.json` follows.
  public struct ExportFinished: JournalPayload, Equatable {
    public static var kind: String { "export_finished" }
    public var finishedAt: Date

    public init(finishedAt: Date) { self.finishedAt = finishedAt }
  }
}
