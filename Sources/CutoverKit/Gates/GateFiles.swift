import Foundation

/// The files the gates keep in the export directory, next to the journal.
///
/// All mode 0600: the saved env file holds the previous connection string (a password),
/// the hook log may quote the application's output.
public enum GateFiles {
  /// What `freeze` changed on the source (`FreezeRecord`).
  public static let freeze = "freeze.json"
  /// What `switch` did and what `rollback` needs (`SwitchRecord`).
  public static let switchRecord = "switch.json"
  /// The env file's content before the switch, byte for byte.
  public static let previousEnvFile = "switch-previous.env"
  /// The switch and rollback hooks' output, redacted.
  public static let hookLog = "switch-hook.log"

  /// Every gate file, for the export directory's list of its own files.
  public static let all: Set<String> = [freeze, switchRecord, previousEnvFile, hookLog]

  /// Reads a JSON record of the gates from `directory`, nil when the file is absent.
  public static func read<Record: Decodable>(_ type: Record.Type, _ name: String, in directory: URL) throws
    -> Record?
  {
    let url = directory.appendingPathComponent(name)
    guard FileManager.default.fileExists(atPath: url.path) else { return nil }
    do {
      return try JournalEntry.decoder.decode(Record.self, from: try Data(contentsOf: url))
    } catch {
      throw GateError(
        .usage, "\(url.path) is not a record cutover wrote: \(DecodingProblem.describe(error))",
        nextStep:
          "restore it from a backup of the export directory; cutover never guesses what a gate changed")
    }
  }

  /// Writes a record durably (temporary name, fsync, rename, mode 0600).
  static func write<Record: Encodable>(_ record: Record, _ name: String, in directory: URL) throws {
    try DurableFile.write(try JSONOutput.encoder().encode(record), to: directory.appendingPathComponent(name))
  }

  /// Creates the export directory (mode 0700) when it does not exist yet: `run --final`
  /// freezes before it exports.
  static func ensureDirectory(_ directory: URL) throws {
    guard !FileManager.default.fileExists(atPath: directory.path) else { return }
    do {
      try FileManager.default.createDirectory(
        at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    } catch {
      throw GateError(
        .io, "cannot create the export directory \(directory.path): \(error.localizedDescription)",
        nextStep: "check the path and its parent's permissions")
    }
  }
}
