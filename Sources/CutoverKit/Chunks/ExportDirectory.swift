import Foundation

/// An export directory, created with mode 0700 and locked against a second export.
///
/// The lock is `flock(LOCK_EX)` on `export.lock` (which records the holder's pid), released
/// when the process ends however it ends, so a crash never leaves a stale lock.
public final class ExportDirectory: Sendable {
  /// The lock file's name.
  public static let lockFileName = "export.lock"
  /// Files of the export itself (besides chunks); anything else at the top level is extra.
  public static let ownFiles = Set([
    ExportManifest.fileName, Journal.fileName, lockFileName, SnapshotHolderProcess.recordFileName,
    SnapshotHolderProcess.attachFileName, RunJournalRecord.fileName,
  ]).union(GateFiles.all)

  /// The directory.
  public let url: URL
  private let lockFD: Int32
  /// What `lock` created, so a command that fails before writing anything leaves no trace.
  private let created: (directories: [URL], lockFile: Bool)

  private init(url: URL, lockFD: Int32, created: (directories: [URL], lockFile: Bool)) {
    self.url = url
    self.lockFD = lockFD
    self.created = created
  }

  deinit { if lockFD >= 0 { close(lockFD) } }

  /// Creates the directory (mode 0700, parents as needed) and takes its lock.
  ///
  /// Directories it creates are 0700; an existing one is left as it is until the export has
  /// judged it its own (`tighten`): a refused directory (`/tmp`, a home) keeps its mode.
  /// - Throws: `ExportError` `.usage` (exit 2) when the path or one of its parents is a file,
  ///   `.io` (exit 3) when it cannot be created or written, `.busy` (exit 2) when another
  ///   cutover process holds the lock.
  /// - Parameter waiting: seconds to keep trying while the lock is held (a forked child's copy
  ///   of a just-closed lock lives until it execs; a real holder keeps it far longer).
  public static func lock(_ url: URL, shared: Bool = false, waiting: Double = 1) throws -> ExportDirectory {
    let path = url.path
    var createdDirectories: [URL] = []
    if !shared {
      createdDirectories = try createDirectories(url)
    } else {
      try requireDirectory(url)
    }
    let lockPath = url.appendingPathComponent(lockFileName).path
    let existed = access(lockPath, F_OK) == 0
    let fd = open(lockPath, (shared ? O_RDONLY : O_RDWR | O_CREAT) | O_CLOEXEC, 0o600)
    guard fd >= 0 else {
      let code = errno
      if shared && code == ENOENT {
        // Nothing ever exported here; a reader needs no lock file.
        return ExportDirectory(url: url, lockFD: -1, created: ([], false))
      }
      throw ExportError(
        .io, "cannot write in the export directory \(path): \(String(cString: strerror(code)))",
        nextStep: "choose a directory you can write, or fix its permissions")
    }
    guard Self.take(fd, shared ? LOCK_SH : LOCK_EX, waiting: waiting) else {
      let code = errno
      var holder = ""
      // The pid is only a courtesy in the message; an unreadable lock file just omits it.
      if let text = try? String(contentsOfFile: lockPath, encoding: .utf8),
        !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
      {
        holder = " (pid \(text.trimmingCharacters(in: .whitespacesAndNewlines)))"
      }
      close(fd)
      guard code == EWOULDBLOCK else {
        throw ExportError(.io, "cannot lock \(lockPath): \(String(cString: strerror(code)))")
      }
      throw ExportError(
        .busy, "another cutover process\(holder) is using \(path)",
        nextStep: "wait for it to finish, or stop it, then run the command again")
    }
    if !shared {
      _ = ftruncate(fd, 0)
      let pid = "\(getpid())\n"
      _ = pid.withCString { pwrite(fd, $0, strlen($0), 0) }
    }
    return ExportDirectory(url: url, lockFD: fd, created: (createdDirectories, !existed))
  }

  /// Takes the lock, retrying every 20 ms for up to `waiting` seconds.
  private static func take(_ fd: Int32, _ operation: Int32, waiting: Double) -> Bool {
    let began = Date()
    while true {
      if flock(fd, operation | LOCK_NB) == 0 { return true }
      guard errno == EWOULDBLOCK, Date().timeIntervalSince(began) < waiting else { return false }
      usleep(20_000)
    }
  }

  /// Makes the directory 0700 (it holds users' data); called once it is known to hold nothing
  /// but cutover's files.
  public func tighten() {
    _ = chmod(url.path, 0o700)
  }

  /// Undoes what `lock` created — the lock file, then the directories if they are empty —
  /// for a command that failed before it wrote anything (a refused directory, a source that
  /// cannot be reached), so no half-made export directory is left looking used.
  public func abandon() {
    if created.lockFile { unlink(url.appendingPathComponent(Self.lockFileName).path) }
    for directory in created.directories.reversed() { rmdir(directory.path) }
  }

  /// Creates `url` and missing parents (0700), naming a parent that is a file.
  /// - Returns: the directories it created, outermost first.
  private static func createDirectories(_ url: URL) throws -> [URL] {
    var missing: [URL] = []
    var cursor = url.standardizedFileURL
    while true {
      var isDirectory: ObjCBool = false
      if FileManager.default.fileExists(atPath: cursor.path, isDirectory: &isDirectory) {
        guard isDirectory.boolValue else {
          throw ExportError(
            .usage,
            cursor == url.standardizedFileURL
              ? "the export directory \(cursor.path) is a file, not a directory"
              : "cannot create the export directory \(url.path): \(cursor.path) is a file, not a directory",
            nextStep: "pass an --export-dir that is a directory or does not exist yet")
        }
        break
      }
      missing.append(cursor)
      let parent = cursor.deletingLastPathComponent()
      if parent.path == cursor.path { break }
      cursor = parent
    }
    var created: [URL] = []
    for directory in missing.reversed() {
      guard mkdir(directory.path, 0o700) == 0 || errno == EEXIST else {
        let code = errno
        for made in created.reversed() { rmdir(made.path) }
        throw ExportError(
          .io, "cannot create the export directory \(directory.path): \(String(cString: strerror(code)))",
          nextStep: code == EACCES || code == EROFS
            ? "choose a directory you can write" : "check the disk and the path, then run the command again")
      }
      created.append(directory)
    }
    return created
  }

  /// Refuses a path that is not an existing directory (readers create nothing).
  private static func requireDirectory(_ url: URL) throws {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
      throw ExportError(
        .notAnExport, "no export directory at \(url.path)",
        nextStep: "pass the --export-dir that `cutover export` wrote")
    }
    guard isDirectory.boolValue else {
      throw ExportError(
        .usage, "the export directory \(url.path) is a file, not a directory",
        nextStep: "pass the --export-dir that `cutover export` wrote")
    }
  }

  /// Names of the regular files at the top level of the directory.
  public func fileNames() throws -> [String] {
    do {
      return try FileManager.default.contentsOfDirectory(atPath: url.path).filter { name in
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(
          atPath: url.appendingPathComponent(name).path, isDirectory: &isDirectory)
          && !isDirectory.boolValue
      }.sorted()
    } catch {
      throw ExportError(
        .io, "cannot list \(url.path): \(error.localizedDescription)",
        nextStep: "check the export directory's permissions")
    }
  }

  /// Removes one file of the export.
  ///
  /// - Throws: `ExportError` `.io`.
  func remove(_ name: String) throws {
    let path = url.appendingPathComponent(name).path
    guard unlink(path) == 0 || errno == ENOENT else {
      throw ExportError(.io, "cannot remove \(path): \(String(cString: strerror(errno)))")
    }
  }
}
