import ArgumentParser
import Foundation

/// `--export-dir DIR` (config key `export_dir`): where an export is written and read.
struct ExportDirectoryOptions: ParsableArguments {
  @Option(
    name: .customLong("export-dir"),
    help: ArgumentHelp(
      "Export directory (config key export_dir); it holds users' data: mode 0700.",
      valueName: "dir"))
  var exportDir: String

  mutating func validate() throws {
    if exportDir.trimmingCharacters(in: .whitespaces).isEmpty {
      throw ValidationError("--export-dir is empty: pass the export directory")
    }
  }

  /// The directory as an absolute file URL.
  var url: URL {
    URL(
      fileURLWithPath: exportDir, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    )
    .standardizedFileURL
  }
}
