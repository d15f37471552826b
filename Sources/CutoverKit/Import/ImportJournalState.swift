import Foundation

/// What the journal says about the imports into one target: the fold of their records.
///
/// Tables count as loaded from the last `import_started` that did not resume on; recorded
/// indexes and foreign keys stay owed until an `import_objects_restored` record, whatever
/// run dropped them, so any later run can put them back.
public struct ImportJournalState: Sendable {
  /// The target the records are about.
  public let target: ImportTarget
  /// The last `import_started` record for the target.
  public private(set) var lastStarted: ImportJournalRecord.ImportStarted?
  /// Tables whose load began since the last fresh start (committed or not).
  public private(set) var started: Set<QualifiedName> = []
  /// Tables whose load committed since the last fresh start, with their records.
  public private(set) var loaded: [QualifiedName: ImportJournalRecord.TableLoaded] = [:]
  /// Indexes and foreign keys dropped and not yet proven back, by kind, table and name.
  public private(set) var owed: [DeferredObject] = []
  /// Whether the last run finished.
  public private(set) var finished = false

  /// Folds `entries` for `target`; other kinds and other targets are skipped.
  /// - Throws: `JournalError` when a record of the import's kinds does not decode.
  public init(entries: [JournalEntry], target: ImportTarget) throws {
    self.target = target
    for entry in entries {
      if let record = try entry.decode(ImportJournalRecord.ImportStarted.self) {
        guard record.target.isSame(as: target) else { continue }
        lastStarted = record
        finished = false
        if !record.resume {
          loaded = [:]
          started = []
        }
      } else if let record = try entry.decode(ImportJournalRecord.ObjectsRecorded.self) {
        guard record.target.isSame(as: target) else { continue }
        for object in record.objects {
          owed.removeAll { $0.kind == object.kind && $0.table == object.table && $0.name == object.name }
          owed.append(object)
        }
      } else if let record = try entry.decode(ImportJournalRecord.TableStarted.self) {
        guard record.target.isSame(as: target) else { continue }
        started.insert(record.table)
      } else if let record = try entry.decode(ImportJournalRecord.TableLoaded.self) {
        guard record.target.isSame(as: target) else { continue }
        loaded[record.table] = record
      } else if let record = try entry.decode(ImportJournalRecord.ObjectsRestored.self) {
        guard record.target.isSame(as: target) else { continue }
        owed = []
      } else if let record = try entry.decode(ImportJournalRecord.ImportFinished.self) {
        guard record.target.isSame(as: target) else { continue }
        finished = true
      }
    }
  }
}

extension ImportTarget {
  /// Whether both name the same database: same name, and the same cluster where both know
  /// it (else the same address).
  public func isSame(as other: ImportTarget) -> Bool {
    guard database == other.database else { return false }
    if let mine = systemIdentifier, let theirs = other.systemIdentifier { return mine == theirs }
    return address == other.address
  }
}
