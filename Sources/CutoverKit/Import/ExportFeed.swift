import Foundation

/// Where the import finds each table's chunks: the manifest of a finished export, or — while
/// the export still runs in the directory — the journal's records, waiting for each table
/// until the export has sealed all its chunks (`table_finished`).
///
/// Chunks are checked against the record they come from (`ChunkReader` verifies the SHA-256
/// before a byte is loaded). A running export that starts over in another snapshot, or stops
/// before finishing a table, fails the wait: chunks of two snapshots are never mixed.
final class ExportFeed: Sendable {
  let directory: URL
  /// The snapshot the export was taken in; the journal must keep saying so.
  let snapshot: String
  /// The tables the export planned, each as exported when it is finished.
  let exported: [(name: QualifiedName, table: ExportManifest.Table?)]
  /// Whether the export was still running when the import began.
  let live: Bool
  private let scheduler: ImportScheduler

  /// Reads the manifest, or the journal while an export runs (`live`).
  ///
  /// - Throws: `ImportError` `.unfinishedExport` when the directory holds an unfinished export
  ///   no process is running, `ExportError`/`JournalError` when it cannot be read.
  init(directory: URL, live: Bool, scheduler: ImportScheduler, timeout: Double = 600) throws {
    self.directory = directory
    self.scheduler = scheduler
    if !live, let manifest = try ExportManifest.read(directory: directory) {
      self.live = false
      snapshot = manifest.source.snapshot
      exported = manifest.tables.map { ($0.name, $0) }
      return
    }
    var state = try ExportJournalState(directory: directory)
    if live {
      // The export may not have journaled its start yet.
      let deadline = Date().addingTimeInterval(timeout)
      while state.started == nil && Self.exportRunning(directory) && Date() < deadline {
        if scheduler.isStopped {
          throw ImportError(.cancelled, "the import stopped while waiting for the export")
        }
        usleep(200_000)
        state = try ExportJournalState(directory: directory)
      }
    }
    guard let started = state.started else {
      throw ImportError(
        .unfinishedExport, "\(directory.path) holds no export (no manifest.json, no journal)",
        nextStep: "pass the --export-dir that `cutover export` wrote")
    }
    if state.finished != nil {
      let manifest = try state.manifest()
      self.live = false
      snapshot = manifest.source.snapshot
      exported = manifest.tables.map { ($0.name, $0) }
      return
    }
    guard live else {
      throw ImportError(
        .unfinishedExport,
        "the export in \(directory.path) is not finished (its journal records no export_finished) and no export is running in it",
        nextStep: "run the export again into the same directory; import once it finishes (or while it runs)")
    }
    self.live = true
    snapshot = started.source.snapshot
    exported = started.tables.map { ($0, Self.table($0, in: state)) }
  }

  /// The table as exported, once the journal records it finished; nil before.
  private static func table(_ name: QualifiedName, in state: ExportJournalState) -> ExportManifest.Table? {
    guard let done = state.finishedTables[name], let started = state.tables[name] else { return nil }
    let chunks = state.chunks[name] ?? []
    return ExportManifest.Table(
      name: name, columns: started.columns, rows: chunks.reduce(0) { $0 + $1.rows },
      bytes: chunks.reduce(0) { $0 + $1.bytes },
      compressedBytes: chunks.reduce(0) { $0 + $1.compressedBytes },
      chunks: chunks, copyQuery: started.copyQuery, seconds: done.seconds)
  }

  /// Waits until the running export finished `name`, and returns it as exported.
  ///
  /// Blocks, polling the journal. - Throws: `ImportError` when the export starts over in
  /// another snapshot, stops without finishing the table, or the import is stopped.
  func waitFor(_ name: QualifiedName) throws -> ExportManifest.Table {
    while true {
      if scheduler.isStopped {
        throw ImportError(.cancelled, "the import stopped while waiting for the export of \(name)")
      }
      let running = Self.exportRunning(directory)
      let state = try ExportJournalState(directory: directory)
      guard state.started?.source.snapshot == snapshot else {
        throw ImportError(
          .unfinishedExport,
          "the export in \(directory.path) started over in another snapshot while the import read it",
          nextStep:
            "let the export finish, then import again with --truncate (rows of two snapshots must not mix)")
      }
      if let table = Self.table(name, in: state) {
        guard let done = state.finishedTables[name], done.rows == table.rows,
          done.chunks == table.chunks.count
        else {
          throw ImportError(
            .inconsistent, "\(name): the journaled chunks do not add up to the table's export record",
            nextStep: "export again into an empty directory")
        }
        return table
      }
      guard running else {
        throw ImportError(
          .unfinishedExport, "the export in \(directory.path) stopped before it finished \(name)",
          nextStep:
            "run the export again into the same directory, then the import with --resume (loaded tables are kept)"
        )
      }
      usleep(250_000)
    }
  }

  /// Whether an export holds the directory's lock.
  static func exportRunning(_ directory: URL) -> Bool {
    do {
      _ = try ExportDirectory.lock(directory, shared: true)
      return false
    } catch let error as ExportError where error.code == .busy {
      return true
    } catch {
      return false
    }
  }
}
