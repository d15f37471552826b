import Foundation

/// An export directory, created with mode 0700 and locked against a second export.
///
/// The lock is `flock(LOCK_EX)` on `export.lock` (which records the holder's pid), released
/// when the process ends however it ends, so a crash never leaves a stale lock.
public final class ExportDirectory: Sendable {
  /// The lock file's name.
  public static let lockFileName = "export.lock"
  /// Files of the export itself (besides chunks); anything else at the top level is extra.
  public static let ownFiles: Set<String> = [
    ExportManifest.fileName, ExportJournal.fileName, lockFileName,
  ]

  /// The directory.
  public let url: URL
  private let lockFD: Int32

  private init(url: URL, lockFD: Int32) {
    self.url = url
    self.lockFD = lockFD
  }

  deinit { close(lockFD) }

  /// Creates the directory (mode 0700, parents as needed) and takes its lock.
  ///
  /// An existing directory is tightened to 0700: it will hold users' data.
  /// - Throws: `ExportError` `.io` (exit 3) when it cannot be created or written, `.busy`
  ///   (exit 2) when another cutover process holds the lock.
  public static func lock(_ url: URL, shared: Bool = false) throws -> ExportDirectory {
    let path = url.path
    do {
      try FileManager.default.createDirectory(
        at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    } catch {
      throw ExportError(
        .io, "cannot create the export directory \(path): \(Self.reason(error))",
        nextStep: "choose a directory you can write (on a disk with room for the export)")
    }
    if !shared { _ = chmod(path, 0o700) }
    let lockPath = url.appendingPathComponent(lockFileName).path
    let fd = open(lockPath, (shared ? O_RDONLY : O_RDWR | O_CREAT) | O_CLOEXEC, 0o600)
    guard fd >= 0 else {
      let code = errno
      if shared && code == ENOENT {
        // Nothing ever exported here; a reader needs no lock file.
        return ExportDirectory(url: url, lockFD: -1)
      }
      throw ExportError(
        .io, "cannot write in the export directory \(path): \(String(cString: strerror(code)))",
        nextStep: "choose a directory you can write, or fix its permissions")
    }
    guard flock(fd, (shared ? LOCK_SH : LOCK_EX) | LOCK_NB) == 0 else {
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
        .busy, "another cutover process\(holder) is exporting into \(path)",
        nextStep: "wait for it to finish, or stop it, then run the command again")
    }
    if !shared {
      _ = ftruncate(fd, 0)
      let pid = "\(getpid())\n"
      _ = pid.withCString { pwrite(fd, $0, strlen($0), 0) }
    }
    return ExportDirectory(url: url, lockFD: fd)
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
      throw ExportError(.io, "cannot list \(url.path): \(Self.reason(error))")
    }
  }

  /// Removes one file of the export. - Throws: `ExportError` `.io`.
  func remove(_ name: String) throws {
    let path = url.appendingPathComponent(name).path
    guard unlink(path) == 0 || errno == ENOENT else {
      throw ExportError(.io, "cannot remove \(path): \(String(cString: strerror(errno)))")
    }
  }

  private static func reason(_ error: any Error) -> String {
    if let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError,
      underlying.domain == NSPOSIXErrorDomain
    {
      return String(cString: strerror(Int32(underlying.code)))
    }
    return (error as NSError).localizedDescription
  }
}
