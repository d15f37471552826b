import Foundation
import Synchronization

/// What every worker of one import shares: options, the target's identity, the journal,
/// progress, the scheduler, and what the start read from the target's catalog.
struct ImportRun: Sendable {
  var options: ImportOptions
  var target: ImportTarget
  var journal: Journal
  var progress: ImportProgress
  var scheduler: ImportScheduler
  var cancellation: QueryCancellation
  var results: ImportResults
  /// Whether a table may hold rows before its load (`--resume`, `--truncate`): it is
  /// checked, and emptied inside its load transaction.
  var mayHoldRows: Bool
  /// Platform tables that held rows at the start (the chain seeded them), with the primary
  /// key the source's rows are merged on.
  var merging: [QualifiedName: CatalogKey]
  /// Where each table's chunks are found (the manifest, or a running export's journal).
  var feed: ExportFeed
  /// The target's catalog as the import began.
  var catalog: Catalog
  /// Target tables that are partitioned (no `ONLY`).
  var partitioned: Set<QualifiedName>
  /// Per table, the columns whose sequences are set past their maximum.
  var sequences: [QualifiedName: [(column: String, sequence: String)]]
  /// The target's foreign keys by `DeferredObject.key`, for orphan reports.
  var foreignKeys: [String: CatalogForeignKey]
  /// Recorded foreign keys present at the start (an interrupted run re-created them), and
  /// whether each is validated.
  var presentForeignKeys: [String: Bool]
}

/// What the workers found, collected across threads.
final class ImportResults: Sendable {
  /// One foreign key left `NOT VALID` because rows reference keys its parent lacks.
  struct Orphans: Sendable {
    var object: DeferredObject
    var count: Int64
    var keys: [String]
  }

  private struct State {
    var tables: [ImportSummary.Table] = []
    var orphans: [Orphans] = []
    var sequences = 0
  }

  private let state = Mutex(State())

  func loaded(_ table: ImportSummary.Table) { state.withLock { $0.tables.append(table) } }

  func orphaned(_ object: DeferredObject, count: Int64, keys: [String]) {
    state.withLock { $0.orphans.append(Orphans(object: object, count: count, keys: keys)) }
  }

  func sequenceSet() { state.withLock { $0.sequences += 1 } }

  var tables: [ImportSummary.Table] { state.withLock { $0.tables } }
  var orphans: [Orphans] { state.withLock { $0.orphans } }
  var sequences: Int { state.withLock { $0.sequences } }
}
