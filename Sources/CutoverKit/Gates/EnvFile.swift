import Foundation

/// The application's env file (`KEY=value` lines), rewritten atomically.
///
/// Only the one variable's line changes; every other byte stays. The new content goes to a
/// temporary file beside it (same mode), is fsynced, renamed over the file, and the
/// directory is fsynced, so a reader sees the old file or the new one, never half of one.
enum EnvFile {
  /// The file's bytes, nil when it does not exist.
  static func read(_ url: URL) throws -> Data? {
    guard FileManager.default.fileExists(atPath: url.path) else { return nil }
    do {
      return try Data(contentsOf: url)
    } catch {
      throw GateError(
        .io, "cannot read the env file \(url.path): \(error.localizedDescription)",
        nextStep: "check the path and its permissions")
    }
  }

  /// `content` with `variable` set to `value`: its line rewritten (keeping `export ` and the
  /// quote style), or appended when absent.
  static func setting(_ variable: String, to value: String, in content: Data?) -> Data {
    let text = content.map { String(decoding: $0, as: UTF8.self) } ?? ""
    var lines = text.components(separatedBy: "\n")
    var found = false
    for (index, line) in lines.enumerated() {
      let trimmed = line.drop { $0 == " " || $0 == "\t" }
      let exported = trimmed.hasPrefix("export ")
      let rest = exported ? trimmed.dropFirst("export ".count).drop { $0 == " " } : trimmed
      guard rest.hasPrefix(variable + "=") else { continue }
      let old = rest.dropFirst(variable.count + 1)
      let quote = old.first.flatMap { $0 == "\"" || $0 == "'" ? String($0) : nil } ?? ""
      let indent = String(line.prefix { $0 == " " || $0 == "\t" })
      lines[index] = indent + (exported ? "export " : "") + variable + "=" + quote + value + quote
      found = true
    }
    if !found {
      if text.isEmpty {
        lines = [variable + "=" + value, ""]
      } else if text.hasSuffix("\n") {
        lines.insert(variable + "=" + value, at: lines.count - 1)
      } else {
        lines.append(variable + "=" + value)
        lines.append("")
      }
    }
    return Data(lines.joined(separator: "\n").utf8)
  }

  /// Replaces `url` with `data` atomically, keeping the file's mode (0600 for a new file).
  static func replace(_ url: URL, with data: Data) throws {
    // Through a symlink to the file the application reads, never over the link itself.
    let url = url.resolvingSymlinksInPath()
    var mode: mode_t = 0o600
    var status = stat()
    if stat(url.path, &status) == 0 { mode = status.st_mode & 0o7777 }
    let temporary = url.deletingLastPathComponent()
      .appendingPathComponent(".\(url.lastPathComponent).cutover-\(getpid()).tmp").path
    let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    guard fd >= 0 else { throw ChunkError.io("creating a temporary env file", file: temporary, errno: errno) }
    do {
      _ = fchmod(fd, mode)
      try data.withUnsafeBytes { try DurableFile.writeAll(fd, $0, file: temporary) }
      guard fsync(fd) == 0 else { throw ChunkError.io("syncing the env file", file: temporary, errno: errno) }
      close(fd)
    } catch {
      close(fd)
      unlink(temporary)
      throw error
    }
    guard rename(temporary, url.path) == 0 else {
      let code = errno
      unlink(temporary)
      throw ChunkError.io("renaming the new env file into place", file: url.path, errno: code)
    }
    try DurableFile.syncDirectory(url.deletingLastPathComponent())
  }

  /// Removes `url` (a file the switch created) and syncs its directory.
  static func remove(_ url: URL) throws {
    guard unlink(url.path) == 0 || errno == ENOENT else {
      throw ChunkError.io("removing the env file the switch created", file: url.path, errno: errno)
    }
    try DurableFile.syncDirectory(url.deletingLastPathComponent())
  }
}
