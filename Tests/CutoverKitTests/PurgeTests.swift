import CutoverKit
import CutoverTestSupport
import Foundation
import Testing

/// `cutover purge` removes only an export directory cutover wrote, only when its cutover is
/// finished (or with `--force`), never one in use, and never what a symlink points to.
@Suite struct PurgeTests {
  private struct FreezeRecord: JournalPayload {
    static let kind = GateJournalRecord.SourceFrozen.kind
    var note = "test"
  }

  private struct SwitchRecord: JournalPayload {
    static let kind = GateJournalRecord.ConnectionSwitched.kind
    var note = "test"
  }

  private struct RollbackRecord: JournalPayload {
    static let kind = GateJournalRecord.ConnectionRolledBack.kind
    var note = "test"
  }

  private struct ExportStarted: JournalPayload {
    static let kind = "test_export_started"
    var note = "test"
  }

  /// A directory shaped like an export: journal, manifest, two chunks, a rows file.
  private func makeExport() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "cutover-purge-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    try Journal(directory: url).append(ExportStarted())
    for name in ["manifest.json", "app.t.000001.copy.zst", "app.t.000002.copy.zst"] {
      try Data("rows of users".utf8).write(to: url.appendingPathComponent(name))
    }
    try Data("hashes".utf8).write(to: url.appendingPathComponent("app.t\(ParityRowsFile.suffix)"))
    return url
  }

  private func exists(_ url: URL) -> Bool { FileManager.default.fileExists(atPath: url.path) }

  @Test func `an unverified rehearsal is kept without --force and removed with it`() throws {
    let url = try makeExport()
    let refused = try CutoverBinary.run(["purge", "--export-dir", url.path])
    #expect(refused.status == 2, "\(refused.output)")
    #expect(refused.output.contains("not finished"), "\(refused.output)")
    #expect(refused.output.contains("next:"))
    #expect(exists(url.appendingPathComponent("manifest.json")))
    #expect(exists(url.appendingPathComponent("app.t.000001.copy.zst")))

    let forced = try CutoverBinary.run(["purge", "--export-dir", url.path, "--force"])
    #expect(forced.status == 0, "\(forced.output)")
    #expect(forced.output.contains("forced"))
    #expect(!exists(url))
  }

  @Test func `a dry run with a report is finished; a final run is finished only once switched`() throws {
    let dryRun = try makeExport()
    try Data("{}".utf8).write(to: dryRun.appendingPathComponent(ParityReport.fileName))
    let outcome = try ExportPurge(directory: dryRun, force: false).run()
    #expect(!outcome.forced)
    #expect(outcome.files == 6)
    #expect(!exists(dryRun))

    let final = try makeExport()
    defer { try? FileManager.default.removeItem(at: final) }
    try Data("{}".utf8).write(to: final.appendingPathComponent(ParityReport.fileName))
    let journal = try Journal(directory: final)
    try journal.append(FreezeRecord())
    #expect(throws: PurgeError.self) { try ExportPurge(directory: final, force: false).run() }
    try journal.append(SwitchRecord())
    try journal.append(RollbackRecord())
    let rolledBack = #expect(throws: PurgeError.self) {
      try ExportPurge(directory: final, force: false).run()
    }
    #expect(rolledBack?.description.contains("rolled back") == true)
    try journal.append(SwitchRecord())
    _ = try ExportPurge(directory: final, force: false).run()
    #expect(!exists(final))
  }

  @Test func `a directory cutover did not write is refused even with --force`() throws {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "cutover-purge-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    try Data("my thesis".utf8).write(to: url.appendingPathComponent("thesis.tex"))
    let outcome = try CutoverBinary.run(["purge", "--export-dir", url.path, "--force"])
    #expect(outcome.status == 2, "\(outcome.output)")
    #expect(outcome.output.contains("not an export directory"))
    #expect(exists(url.appendingPathComponent("thesis.tex")))
    let missing = try CutoverBinary.run(["purge", "--export-dir", url.appendingPathComponent("nope").path])
    #expect(missing.status == 2)
  }

  @Test func `a directory in use is not purged, nor one holding what cutover did not write`() throws {
    let url = try makeExport()
    defer { try? FileManager.default.removeItem(at: url) }
    var lock: ExportDirectory? = try ExportDirectory.lock(url)
    let busy = try CutoverBinary.run(["purge", "--export-dir", url.path, "--force"])
    #expect(busy.status == 2, "\(busy.output)")
    #expect(busy.output.contains("another cutover process"), "\(busy.output)")
    #expect(exists(url.appendingPathComponent("manifest.json")))
    withExtendedLifetime(lock) {}
    lock = nil

    // A file the operator put there, a sub-directory and a symlink: refused even with
    // --force, nothing removed, and the symlink's target untouched.
    let outside = FileManager.default.temporaryDirectory.appendingPathComponent(
      "cutover-keep-\(UUID().uuidString)")
    try Data("keep me".utf8).write(to: outside)
    defer { try? FileManager.default.removeItem(at: outside) }
    for (name, make) in [
      ("precious.doc", { try Data("mine".utf8).write(to: url.appendingPathComponent("precious.doc")) }),
      (
        "subdir",
        {
          try FileManager.default.createDirectory(
            at: url.appendingPathComponent("subdir"), withIntermediateDirectories: true)
        }
      ),
      (
        "app.link.000001.copy.zst",
        {
          try FileManager.default.createSymbolicLink(
            at: url.appendingPathComponent("app.link.000001.copy.zst"), withDestinationURL: outside)
        }
      ),
    ] as [(String, () throws -> Void)] {
      try make()
      let refused = try CutoverBinary.run(["purge", "--export-dir", url.path, "--force"])
      #expect(refused.status == 2, "\(name): \(refused.output)")
      #expect(refused.output.contains(name), "\(refused.output)")
      #expect(exists(url.appendingPathComponent("manifest.json")), "\(name)")
      try FileManager.default.removeItem(at: url.appendingPathComponent(name))
    }
    #expect(try String(contentsOf: outside, encoding: .utf8) == "keep me")
    let outcome = try ExportPurge(directory: url, force: true).run()
    #expect(outcome.files == 5)
    #expect(!exists(url))
  }
}
