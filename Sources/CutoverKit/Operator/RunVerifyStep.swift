import Foundation
import Logging

/// The verify step of `cutover run`: the one place `run` calls verify.
///
/// > Important: PLACEHOLDER. `Verifier` (the parity helper's `Parity/Verifier.swift`) is not
/// > in this build. Until it is merged, this step makes a report from the import's journal
/// > alone — every table "not checked" and a warning that says verify is not built — writes
/// > no `report.json` (no gate may ever read a placeholder) and says so loudly. At merge it
/// > becomes:
/// > ```swift
/// > let report = try await Verifier(options: VerifyOptions(
/// >   exportDirectory: options.exportDirectory, target: options.target, mappings: options.mappings,
/// >   chain: options.chain, jobs: options.jobs, showValues: options.showValues,
/// >   policySample: options.policySample)).run(logger: logger)
/// > let sha = try ParityReport.read(directory: options.exportDirectory)?.sha256
/// > return Result(report: report, placeholder: false, reportSHA256: sha)
/// > ```
enum RunVerifyStep {
  struct Result: Sendable {
    var report: ParityReport
    /// True while verify is not built: nothing was compared.
    var placeholder: Bool
    /// SHA-256 of the `report.json` written, when one was.
    var reportSHA256: String?
  }

  static func run(options: RunOptions, logger: Logger, notice: @escaping @Sendable (String) -> Void)
    async throws
    -> Result
  {
    notice("   !! verify is NOT BUILT in this build: no parity was checked, no report.json is written")
    let manifest = try ExportManifest.read(directory: options.exportDirectory)
    var loaded: [QualifiedName: ImportJournalRecord.TableLoaded] = [:]
    var sources: [QualifiedName: [QualifiedName]] = [:]
    for entry in try Journal.read(directory: options.exportDirectory) {
      if let record = try entry.decode(ImportJournalRecord.TableLoaded.self) { loaded[record.table] = record }
      if let record = try entry.decode(ImportJournalRecord.TableStarted.self) {
        sources[record.table] = record.sources
      }
    }
    let tables = loaded.keys.sorted { $0.description < $1.description }.map { table in
      TableParity(
        source: sources[table]?.first, target: table, status: .notChecked,
        sourceRows: loaded[table]?.rowsRead,
        targetRows: loaded[table]?.rowsWritten, reason: "verify is not built: only the import's own counts")
    }
    let source = manifest.map {
      DatabaseReference(
        database: $0.source.database, systemIdentifier: $0.source.systemIdentifier,
        serverVersion: $0.source.serverVersion)
    }
    let now = Date()
    let report = ParityReport(
      export: ExportReference(
        manifestSHA256: "", snapshot: manifest?.source.snapshot ?? "",
        source: source ?? DatabaseReference(database: "?", systemIdentifier: nil, serverVersion: "?"),
        exportStartedAt: manifest?.source.startedAt ?? now, exportFinishedAt: manifest?.source.finishedAt),
      target: DatabaseReference(
        database: options.target.database ?? "?", systemIdentifier: nil, serverVersion: "?",
        host: options.target.host),
      startedAt: now, finishedAt: now, tables: tables,
      checks: [
        ParityCheck(
          category: .coverage, name: "verify not built", subject: "cutover run", status: .warning,
          message:
            "verify is not built in this build: this report is a placeholder made from the import's counts",
          nextStep: "run `cutover verify` once it is built")
      ])
    return Result(report: report, placeholder: true, reportSHA256: nil)
  }
}
