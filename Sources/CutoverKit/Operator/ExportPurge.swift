import Foundation

/// `cutover purge`: removes an export directory — it holds users' data — once the cutover no
/// longer needs it.
///
/// Refuses a directory cutover did not write (no journal or manifest of its own), one another
/// cutover process is using (the directory lock), and, without `force`, one whose cutover is
/// not finished (`PurgeReadiness`). The manifest goes first, so an interrupted purge never
/// leaves something that looks like a complete export; a rerun finishes the job.
public struct ExportPurge: Sendable {
  public var directory: URL
  public var force: Bool

  public init(directory: URL, force: Bool) {
    self.directory = directory
    self.force = force
  }

  /// What a purge removed.
  public struct Outcome: Sendable {
    public var files: Int
    public var bytes: Int64
    /// Why it was allowed: the readiness, or `--force` over it.
    public var readiness: PurgeReadiness
    public var forced: Bool
  }

  /// Removes the directory and the files cutover wrote in it; refuses when it holds anything
  /// else (a foreign file, a sub-directory, a symlink), so nothing else is ever removed.
  /// - Throws: `PurgeError`: `.notAnExport`/`.notFinished`/`.busy` (exit 2), `.io` (exit 3).
  public func run() throws -> Outcome {
    let path = directory.path
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw PurgeError(
        .notAnExport, "no export directory at \(path) (already purged?)",
        nextStep: "nothing to remove; check the --export-dir")
    }
    guard isDirectory.boolValue else {
      throw PurgeError(
        .notAnExport, "\(path) is a file, not an export directory",
        nextStep: "pass the --export-dir that `cutover export` wrote")
    }
    let names = try listing()
    let ownMarkers = [Journal.fileName, ExportManifest.fileName]
    guard names.contains(where: ownMarkers.contains) else {
      throw PurgeError(
        .notAnExport,
        "\(path) holds neither \(Journal.fileName) nor \(ExportManifest.fileName): it is not an export directory cutover wrote, and purge removes nothing else",
        nextStep: "pass the --export-dir that `cutover export` wrote")
    }
    // Only what cutover writes is removed, --force or not: anything else (a file the operator
    // put there, a sub-directory) stops the purge before anything is removed.
    let foreign = try names.filter { !(try Self.isOwn($0, in: directory)) }
    guard foreign.isEmpty else {
      throw PurgeError(
        .notAnExport,
        "\(path) holds what cutover did not write: \(foreign.prefix(10).joined(separator: ", "))\(foreign.count > 10 ? ", …" : "")",
        nextStep: "move those out of the export directory, then run `cutover purge` again")
    }
    let lock: ExportDirectory
    do {
      lock = try ExportDirectory.lock(directory)
    } catch let error as ExportError {
      throw PurgeError(.busy, error.description, nextStep: error.nextStep)
    }
    let readiness = try PurgeReadiness.read(directory: directory)
    guard readiness.isFinished || force else {
      throw PurgeError(
        .notFinished, "the cutover of \(path) is not finished: \(readiness.reason)",
        nextStep:
          "finish it (switch, or end the rehearsal with `cutover verify`), or pass --force once you are sure nothing needs these rows"
      )
    }
    var files = 0
    var bytes: Int64 = 0
    // Manifest first: from here on the directory never looks like a complete export.
    let ordered =
      names.filter { $0 == ExportManifest.fileName }
      + names.filter { $0 != ExportManifest.fileName && $0 != ExportDirectory.lockFileName }
    for name in ordered {
      let removed = try remove(directory.appendingPathComponent(name))
      files += removed.files
      bytes += removed.bytes
    }
    try syncDirectory()
    _ = lock
    let lockPath = directory.appendingPathComponent(ExportDirectory.lockFileName).path
    guard unlink(lockPath) == 0 || errno == ENOENT, rmdir(path) == 0 else {
      throw PurgeError(
        .io, "removed the export's files but not \(path): \(String(cString: strerror(errno)))",
        nextStep: "remove the empty directory by hand")
    }
    return Outcome(files: files, bytes: bytes, readiness: readiness, forced: !readiness.isFinished)
  }

  /// Whether `name` at the top of an export directory is a file cutover writes there (a
  /// regular file or a leftover `.partial`, never a directory or a symlink).
  static func isOwn(_ name: String, in directory: URL) throws -> Bool {
    var status = stat()
    guard lstat(directory.appendingPathComponent(name).path, &status) == 0 else { return true }
    guard status.st_mode & S_IFMT == S_IFREG else { return false }
    let base = name.hasSuffix(".partial") ? String(name.dropLast(".partial".count)) : name
    let known: Set<String> = ExportDirectory.ownFiles.union([
      ParityReport.fileName, MarkdownReport.fileName, HTMLReport.fileName,
    ])
    return known.contains(base) || ChunkFileName.isChunkOrPartial(name) || ParityRowsFile.isRowsFile(base)
  }

  private func listing() throws -> [String] {
    do {
      return try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
    } catch {
      throw PurgeError(
        .io, "cannot list \(directory.path): \(error.localizedDescription)",
        nextStep: "check the directory's permissions")
    }
  }

  /// Removes `url`: a file or symlink by unlink, a directory depth first.
  private func remove(_ url: URL) throws -> (files: Int, bytes: Int64) {
    var status = stat()
    guard lstat(url.path, &status) == 0 else {
      if errno == ENOENT { return (0, 0) }
      throw ioFailure(url)
    }
    if status.st_mode & S_IFMT == S_IFDIR {
      var total: (files: Int, bytes: Int64) = (0, 0)
      let children: [String]
      do {
        children = try FileManager.default.contentsOfDirectory(atPath: url.path)
      } catch {
        throw PurgeError(
          .io, "cannot list \(url.path): \(error.localizedDescription)",
          nextStep: "check its permissions, then run `cutover purge` again")
      }
      for child in children {
        let removed = try remove(url.appendingPathComponent(child))
        total.files += removed.files
        total.bytes += removed.bytes
      }
      guard rmdir(url.path) == 0 else { throw ioFailure(url) }
      return total
    }
    guard unlink(url.path) == 0 || errno == ENOENT else { throw ioFailure(url) }
    return (1, Int64(status.st_size))
  }

  private func ioFailure(_ url: URL) -> PurgeError {
    PurgeError(
      .io, "cannot remove \(url.path): \(String(cString: strerror(errno)))",
      nextStep: "check its permissions, then run `cutover purge` again (it continues)")
  }

  private func syncDirectory() throws {
    do {
      try DurableFile.syncDirectory(directory)
    } catch {
      throw PurgeError(.io, "cannot sync \(directory.path): \(error)", nextStep: "check the disk")
    }
  }
}
