import Foundation

/// Free space on the file system that holds (or will hold) a path.
public enum DiskSpace {
  /// Bytes available to this user near `path`: the path itself or its nearest existing parent.
  ///
  /// The corresponding C function is `statvfs`.
  public static func available(near path: String) -> Int64? {
    var url = URL(fileURLWithPath: path).standardizedFileURL
    while !FileManager.default.fileExists(atPath: url.path) {
      let parent = url.deletingLastPathComponent()
      if parent.path == url.path { return nil }
      url = parent
    }
    var stats = statvfs()
    guard statvfs(url.path, &stats) == 0 else { return nil }
    return Int64(stats.f_bavail) * Int64(stats.f_frsize)
  }
}
