import Foundation
import Logging

/// `cutover import`: the export's chunks through the mappers into the v2 target, loaded the
/// way pg_restore loads, resumable per table.
///
/// Reads the manifest (or, when the export finished but its manifest is missing, the
/// journal's record of it) and verifies each chunk's SHA-256 before a byte of it is loaded.
/// Each target table loads in one transaction (`COPY … FROM STDIN` under
/// `session_replication_role = replica`), in foreign-key order, `jobs` at a time. Before
/// loading, the secondary indexes and foreign keys of the tables it loads are recorded in
/// the journal and dropped; they are re-created while other tables still load (foreign keys
/// `NOT VALID`, then validated, orphans reported by table and key), and the import proves
/// each is back with the definition it had. Then sequences are set past their columns'
/// maxima and the tables analyzed.
///
/// A target whose tables hold rows is refused unless `resume` (tables the journal records
/// as loaded are skipped) or `truncate`. Any later run puts back indexes and keys an
/// interrupted one dropped. Cancelling the task (Ctrl-C) cancels the server's statements;
/// the table being loaded rolls back.
public struct Importer: Sendable {
  public var options: ImportOptions

  public init(options: ImportOptions) {
    self.options = options
  }

  /// Runs the import.
  /// - Parameter progress: where progress goes (`.quiet` when `nil`).
  /// - Throws: `ImportError`, `ExportError`, `PostgresError`, `ChunkError`, `JournalError`,
  ///   `MappingLoadFailure` — each a `CutoverFailure`.
  public func run(logger: Logger, progress: ImportProgress? = nil) async throws -> ImportSummary {
    try options.validate()
    let progress = progress ?? ImportProgress(style: .quiet, sink: { _ in })
    let scheduler = ImportScheduler()
    let options = self.options
    do {
      return try await withQueryCancellation { cancellation in
        try await withTaskCancellationHandler {
          try await onDedicatedThread(named: "import") {
            try ImportCoordinator(
              options: options, progress: progress, scheduler: scheduler, cancellation: cancellation,
              logger: logger
            ).run()
          }
        } onCancel: {
          scheduler.stop()
        }
      }
    } catch {
      progress.end()
      throw Self.explain(error, directory: options.directory)
    }
  }

  /// An interruption said as what it left and what a rerun does; other errors unchanged.
  private static func explain(_ error: any Error, directory: URL) -> any Error {
    guard Task.isCancelled else { return error }
    let isStop =
      (error as? ImportError)?.code == .cancelled
      || (error as? PostgresError)?.sqlState == SQLState.queryCanceled
    guard isStop else { return error }
    return ImportError(
      .cancelled,
      "the import was interrupted: the server's statements were cancelled and the table being loaded was rolled back; tables already loaded, and the definitions of the indexes and foreign keys it dropped, are recorded in \(directory.appendingPathComponent(Journal.fileName).path)",
      nextStep:
        "run the same `cutover import` with --resume: it skips the loaded tables, loads the rest and re-creates the dropped indexes and keys (a run without --resume puts them back and stops)"
    )
  }
}
