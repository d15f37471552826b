import Foundation

/// The `.sql` files of one directory in the order they are applied: lexicographic by file name.
///
/// Other files (a `README.md`) are ignored, as the Supabase CLI ignores them. Every `.sql`
/// file must be named `DIGITS_name.sql`, and no two may share a version: the CLI would skip
/// or collide on such files, cutover refuses them instead.
public struct MigrationChain: Sendable {
  /// The directory the files were read from.
  public var directory: URL
  /// The directory as shown in messages (as the operator gave it).
  public var path: String
  /// The directory's last path component (`migrations_v2`), recorded with each checksum.
  public var name: String
  /// The files, in the order they are applied.
  public var files: [MigrationFile]

  /// Reads every `.sql` file of `directory`.
  ///
  /// - Throws: `MigrationError`: `.chainNotFound` (exit 2) for a missing directory or one
  ///   that is a file, `.emptyChain` (exit 2) when it holds no `.sql` file,
  ///   `.duplicateVersion` (exit 2), and the errors of `MigrationFile.init(url:path:)`.
  public init(directory: URL) throws {
    let path = directory.relativePath
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory),
      isDirectory.boolValue
    else {
      throw MigrationError(
        code: .chainNotFound, message: "no migration directory at \(path)",
        nextStep: "pass the chain's directory with --chain DIR (run from the repository root for the default)"
      )
    }
    let names: [String]
    do {
      names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        .filter { $0.hasSuffix(".sql") }
        .sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    } catch {
      throw MigrationError(
        code: .unreadableFile, message: "cannot list \(path): \(error.localizedDescription)",
        nextStep: "check the directory's permissions")
    }
    guard !names.isEmpty else {
      throw MigrationError(
        code: .emptyChain, message: "\(path) holds no .sql file",
        nextStep: "check --chain: it must name the directory of the migration files")
    }
    var files: [MigrationFile] = []
    var seen: [String: String] = [:]
    for name in names {
      let file = try MigrationFile(
        url: directory.appendingPathComponent(name), path: path + "/" + name)
      if let other = seen[file.version] {
        throw MigrationError(
          code: .duplicateVersion,
          message: "version \(file.version) is used by both \(other) and \(name)",
          file: file.path, nextStep: "renumber one of them: each version is recorded once in the ledger")
      }
      seen[file.version] = name
      files.append(file)
    }
    self.directory = directory
    self.path = path
    self.name = directory.standardizedFileURL.lastPathComponent
    self.files = files
  }
}
