import Foundation

/// Small durable-file helpers: whole-file writes through a temporary name, directory syncs.
///
/// A file gets its real name only when complete and synced (`.partial`, `fsync`, `rename`,
/// then `fsync` of the directory so the rename itself survives a crash); mode 0600, as the
/// files hold users' data.
public enum DurableFile {
  /// Writes `data` to `url` through `url.partial`: mode 0600, fsynced, renamed, dir synced.
  /// - Throws: `ChunkError` `.io` naming the file.
  public static func write(_ data: Data, to url: URL) throws {
    let partial = url.path + ChunkFileName.partialSuffix
    let fd = open(partial, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    guard fd >= 0 else { throw ChunkError.io("creating the file", file: partial, errno: errno) }
    do {
      _ = fchmod(fd, 0o600)
      try data.withUnsafeBytes { try writeAll(fd, $0, file: partial) }
      guard fsync(fd) == 0 else { throw ChunkError.io("syncing the file", file: partial, errno: errno) }
      close(fd)
    } catch {
      close(fd)
      unlink(partial)
      throw error
    }
    guard rename(partial, url.path) == 0 else {
      let code = errno
      unlink(partial)
      throw ChunkError.io("renaming \(partial) into place", file: url.path, errno: code)
    }
    try syncDirectory(url.deletingLastPathComponent())
  }

  /// Writes all of `bytes` to `fd`, retrying short writes and `EINTR`.
  static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, file: String) throws {
    guard var next = bytes.baseAddress else { return }
    var left = bytes.count
    while left > 0 {
      let written = Foundation.write(fd, next, left)
      if written < 0 {
        if errno == EINTR { continue }
        throw ChunkError.io("writing", file: file, errno: errno)
      }
      left -= written
      next += written
    }
  }

  /// Syncs a directory so that renames and creations in it are durable.
  public static func syncDirectory(_ url: URL) throws {
    let fd = open(url.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard fd >= 0 else {
      throw ChunkError.io("opening the directory to sync it", file: url.path, errno: errno)
    }
    defer { close(fd) }
    guard fsync(fd) == 0 else { throw ChunkError.io("syncing the directory", file: url.path, errno: errno) }
  }
}
