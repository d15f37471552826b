import Foundation
import Logging

/// Decides, from everything an export directory holds, what a new export may do with it.
///
/// Judged from the manifest, the journal and the file names together, never from one line:
/// - files that are not cutover's: refused, even with `force` (cutover never deletes or
///   writes beside files it did not write);
/// - a manifest or journal cutover cannot read, or chunk files without a journal record of
///   the export that wrote them: refused as unrecognized, replaced only with `force`;
/// - a finished export: of another database needs `force`, of this one too; but a journal
///   that records a finished export whose manifest is missing (deleted, or a full disk while
///   writing it) gets its manifest rebuilt after every chunk is re-hashed;
/// - an unfinished export of this source in the same snapshot resumes per chunk; in another
///   snapshot it is removed, and the progress stream says so.
struct DirectoryPreparation {
  var options: ExportOptions
  var directory: ExportDirectory
  var progress: ExportProgress
  var logger: Logger

  /// What an earlier attempt in the same snapshot left to keep.
  struct Resume: Sendable {
    /// Tables whose every sequence finished.
    var finished: Set<QualifiedName>
    /// Sequences (parts of split tables) that finished, of tables not finished.
    var finishedSequences: Set<ChunkSequence>
    /// Intact leading chunks of unfinished sequences.
    var chunks: [ChunkSequence: [ChunkRecord]]
    /// The journaled split layout, reused as it was.
    var splits: [ExportJournalRecord.Split]
  }

  enum Outcome: Sendable {
    /// Start from an empty directory.
    case fresh
    /// Keep these tables and chunks.
    case resume(Resume)
    /// The export was complete; only its manifest had to be written again.
    case rebuilt(ExportManifest)
  }

  /// Blocks (reads, hashes and removes files): run on a dedicated thread.
  func prepare(for source: ExportManifest.Source, plans: [TablePlan]) throws -> Outcome {
    let outcome = try judge(for: source, plans: plans)
    directory.tighten()
    return outcome
  }

  /// What to do with the directory; throws when it must not be touched.
  private func judge(for source: ExportManifest.Source, plans: [TablePlan]) throws -> Outcome {
    let path = directory.url.path
    let names = try directory.fileNames()
    let foreign = names.filter {
      !ExportDirectory.ownFiles.contains($0) && !ChunkFileName.isChunkOrPartial($0)
        && !ParityRowsFile.isRowsFile($0)
    }
    guard foreign.isEmpty else {
      throw ExportError(
        .notAnExport,
        "\(path) holds files that are not cutover's (\(foreign.prefix(5).joined(separator: ", "))\(foreign.count > 5 ? ", …" : ""))",
        nextStep:
          "choose an empty or new --export-dir (cutover never deletes, nor writes beside, files it did not write)"
      )
    }
    let manifest: ExportManifest?
    do {
      manifest = try ExportManifest.read(directory: directory.url)
    } catch let error as ExportError where error.code == .damagedManifest {
      try requireForce("its \(ExportManifest.fileName) is damaged (\(error.message))")
      return try startOver(names: names, because: "replacing a damaged export (--force)")
    }
    if let manifest {
      guard manifest.source.isSameDatabase(as: source) || options.force else {
        throw ExportError(
          .foreignExport,
          "\(path) holds an export of \(manifest.source.identity), not of the source \(source.identity)",
          nextStep: "choose another --export-dir, or pass --force to replace that export")
      }
      guard options.force else {
        throw ExportError(
          .existingExport,
          "\(path) already holds a finished export of \(source.identity) (snapshot \(manifest.source.snapshot), finished \(manifest.source.finishedAt.map { "\($0)" } ?? "?"))",
          nextStep: "choose another --export-dir, or pass --force to replace it")
      }
      return try startOver(names: names, because: "replacing the finished export (--force)")
    }
    let state: ExportJournalState
    do {
      state = try ExportJournalState(directory: directory.url)
    } catch let error as JournalError {
      try requireForce("its journal is damaged (\(error.file):\(error.line) \(error.reason))")
      return try startOver(names: names, because: "replacing an export with a damaged journal (--force)")
    }
    guard let started = state.started else {
      let chunks = names.filter { ChunkFileName.isChunkOrPartial($0) }
      if !chunks.isEmpty {
        try requireForce(
          "it holds \(chunks.count) chunk file(s) but no journal record of the export that wrote them")
      }
      return try startOver(names: names, because: nil)
    }
    guard started.source.isSameDatabase(as: source) || options.force else {
      throw ExportError(
        .foreignExport,
        "\(path) holds an unfinished export of \(started.source.identity), not of the source \(source.identity)",
        nextStep: "choose another --export-dir, or pass --force to replace it")
    }
    if !options.force, started.source.isSameDatabase(as: source), state.finished != nil {
      return .rebuilt(try rebuildManifest(state, names: names))
    }
    if started.source.snapshot == source.snapshot && started.source.isSameDatabase(as: source)
      && started.tables == plans.map(\.name)
    {
      return .resume(try resumable(state))
    }
    return try startOver(
      names: names,
      because:
        "removing an unfinished export of snapshot \(started.source.snapshot) (started \(started.source.startedAt)): its snapshot ended with the process that took it; starting over in snapshot \(source.snapshot)"
    )
  }

  private func requireForce(_ why: String) throws {
    guard options.force else {
      throw ExportError(
        .unrecognizedDirectory, "\(directory.url.path) cannot be recognized as a cutover export: \(why)",
        nextStep:
          "inspect it (`cutover check-export --export-dir \(directory.url.path)`); export into a new --export-dir, or pass --force to replace what is there"
      )
    }
  }

  /// Removes the manifest first (so nothing looks finished), then chunks, then the export's
  /// records from the journal.
  ///
  /// The imports' records stay: they describe targets, not this export — the indexes and keys
  /// an interrupted import dropped are still owed there, and its loaded tables name the
  /// snapshot they came from, so a resumed import loads them again from the new one.
  private func startOver(names: [String], because reason: String?) throws -> Outcome {
    if let reason {
      progress.notice(reason)
      logger.debug("export directory cleared", metadata: ["reason": "\(reason)"])
    }
    try directory.remove(ExportManifest.fileName)
    for name in names where ChunkFileName.isChunkOrPartial(name) || ParityRowsFile.isRowsFile(name) {
      try directory.remove(name)
    }
    let journal = directory.url.appendingPathComponent(Journal.fileName)
    let imports = (try? Journal.read(directory: directory.url))?.filter { $0.kind.hasPrefix("import_") } ?? []
    if imports.isEmpty {
      try directory.remove(Journal.fileName)
    } else {
      var kept = Data()
      for entry in imports {
        kept.append(entry.line)
        kept.append(UInt8(ascii: "\n"))
      }
      try DurableFile.write(kept, to: journal)
    }
    try DurableFile.syncDirectory(directory.url)
    return .fresh
  }

  /// Writes `manifest.json` again from a journal that records a finished export, once every
  /// journaled chunk is found intact.
  private func rebuildManifest(_ state: ExportJournalState, names: [String]) throws -> ExportManifest {
    let manifest = try state.manifest()
    let journaled = Set(manifest.tables.flatMap { $0.chunks.map(\.file) })
    for table in manifest.tables {
      for chunk in table.chunks {
        let url = directory.url.appendingPathComponent(chunk.file)
        guard (try? ChunkReader.sha256(of: url).sha256) == chunk.sha256 else {
          throw ExportError(
            .inconsistent,
            "the journal records a finished export but \(chunk.file) (chunk \(chunk.index) of \(table.name)) is missing or not the journaled chunk, and manifest.json is missing",
            nextStep: "export again into a new --export-dir, or pass --force to replace this one")
        }
      }
    }
    // Chunk files the journal never sealed are leftovers of some earlier attempt.
    let leftovers = names.filter {
      ChunkFileName.isChunkOrPartial($0) && !journaled.contains($0)
    }
    for name in leftovers { try directory.remove(name) }
    try manifest.write(directory: directory.url)
    progress.notice(
      "the journal records a finished export of snapshot \(manifest.source.snapshot) whose manifest.json was missing: every chunk re-hashed intact and manifest.json written again\(leftovers.isEmpty ? "" : "; \(leftovers.count) chunk file(s) the journal never sealed removed"); nothing was exported"
    )
    return manifest
  }

  /// Keeps finished tables and, per unfinished table, its leading chunks whose files are
  /// intact (a journaled chunk left as `.partial` is renamed into place); removes the rest.
  private func resumable(_ state: ExportJournalState) throws -> Resume {
    var keep = Set<String>()
    var chunks: [ChunkSequence: [ChunkRecord]] = [:]
    var finishedSequences = Set<ChunkSequence>()
    for (sequence, list) in state.sequences {
      var intact: [ChunkRecord] = []
      for chunk in list {
        let url = directory.url.appendingPathComponent(chunk.file)
        let partial = URL(fileURLWithPath: url.path + ChunkFileName.partialSuffix)
        // A file that cannot be read is simply not intact: the chunk is exported again.
        if (try? ChunkReader.sha256(of: url).sha256) == chunk.sha256 {
          intact.append(chunk)
        } else if (try? ChunkReader.sha256(of: partial).sha256) == chunk.sha256,
          rename(partial.path, url.path) == 0
        {
          intact.append(chunk)
        } else {
          break
        }
      }
      if state.finishedSequences[sequence] != nil && intact.count == list.count {
        finishedSequences.insert(sequence)
      } else {
        chunks[sequence] = intact
      }
      keep.formUnion(intact.map(\.file))
    }
    for sequence in state.finishedSequences.keys where state.sequences[sequence] == nil {
      finishedSequences.insert(sequence)
    }
    var finished = Set<QualifiedName>()
    for table in Set(finishedSequences.map(\.table))
    where state.sequences(of: table).allSatisfy(finishedSequences.contains) {
      finished.insert(table)
    }
    finishedSequences = finishedSequences.filter { !finished.contains($0.table) }
    for name in try directory.fileNames()
    where ChunkFileName.isChunkOrPartial(name)
      && !keep.contains(name)
    {
      try directory.remove(name)
    }
    progress.notice(
      "resuming an unfinished export in the same snapshot: \(finished.count) table(s) done, \(chunks.values.reduce(0) { $0 + $1.count }) chunk(s) kept"
    )
    return Resume(
      finished: finished, finishedSequences: finishedSequences, chunks: chunks,
      splits: state.started?.splits ?? [])
  }
}
