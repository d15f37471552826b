import Crypto
import Foundation

/// The files that shape a run's target — the mappings, the v2 chain, the config — with
/// their SHA-256, one entry per file, so a resume can name exactly which changed.
public struct RunInputs: Sendable, Equatable {
  public var files: [InputChecksum]

  public init(files: [InputChecksum]) { self.files = files }

  /// Hashes every regular file under `mappings` and `chain` (sorted by path) and `config`.
  /// - Throws: `RunError` (`.usage`) when a directory cannot be read.
  public static func read(mappings: URL, chain: URL, config: URL?) throws -> RunInputs {
    var files: [InputChecksum] = []
    for (name, directory) in [("mappings", mappings), ("chain", chain)] {
      // A symlinked directory (a checkout kept elsewhere) is read through its link.
      let root = directory.standardizedFileURL.resolvingSymlinksInPath()
      guard let enumerator = FileManager.default.enumerator(atPath: root.path) else {
        throw RunError(
          .usage, "cannot read the \(name) directory \(root.path)", nextStep: "check the path (--\(name))")
      }
      var paths: [String] = []
      for case let relative as String in enumerator {
        var isDirectory: ObjCBool = false
        let full = root.appendingPathComponent(relative).path
        if FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue {
          paths.append(relative)
        }
      }
      guard !paths.isEmpty else {
        throw RunError(
          .usage, "the \(name) directory \(root.path) holds no file", nextStep: "check the path (--\(name))")
      }
      for relative in paths.sorted() {
        let url = root.appendingPathComponent(relative)
        files.append(
          InputChecksum(
            name: name, path: "\(root.lastPathComponent)/\(relative)", sha256: try sha256(of: url)))
      }
    }
    if let config {
      files.append(
        InputChecksum(name: "config", path: config.lastPathComponent, sha256: try sha256(of: config)))
    }
    return RunInputs(files: files)
  }

  /// The paths whose checksum differs, or that appeared or disappeared, since `recorded`.
  public func changed(since recorded: [InputChecksum]) -> [String] {
    let before = Dictionary(recorded.map { ("\($0.name):\($0.path)", $0) }, uniquingKeysWith: { a, _ in a })
    let now = Dictionary(files.map { ("\($0.name):\($0.path)", $0) }, uniquingKeysWith: { a, _ in a })
    var changed: [String] = []
    for (key, file) in now.sorted(by: { $0.key < $1.key }) {
      guard let old = before[key] else {
        changed.append("\(file.path) (\(file.name), added)")
        continue
      }
      if old.sha256 != file.sha256 { changed.append("\(file.path) (\(file.name), changed)") }
    }
    for (key, file) in before.sorted(by: { $0.key < $1.key }) where now[key] == nil {
      changed.append("\(file.path) (\(file.name), removed)")
    }
    return changed
  }

  private static func sha256(of url: URL) throws -> String {
    do {
      let data = try Data(contentsOf: url)
      return SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    } catch {
      throw RunError(
        .usage, "cannot read \(url.path): \(error.localizedDescription)",
        nextStep: "check the file's permissions")
    }
  }
}
