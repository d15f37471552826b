import Foundation

/// Runs the operator's switch (or rollback) command with the database URL in its environment.
///
/// `/bin/sh -c COMMAND` with `CUTOVER_TARGET_URL` set to the URL the application must use
/// now, and `CUTOVER_DIRECTION` (`switch` or `rollback`); its output (stdout and stderr) is
/// appended to `switch-hook.log` in the export directory (mode 0600) with every secret of
/// both connections scrubbed — never printed.
struct SwitchHook {
  var command: String
  var exportDirectory: URL

  /// Runs the hook and waits for it.
  /// - Throws: `GateError` (`.hookFailed`) when it cannot start or exits non-zero.
  func run(url: String, direction: String, redact: (String) -> String) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", command]
    var environment = ProcessInfo.processInfo.environment
    environment["CUTOVER_TARGET_URL"] = url
    environment["CUTOVER_DIRECTION"] = direction
    process.environment = environment
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    process.standardInput = FileHandle.nullDevice
    do {
      try process.run()
    } catch {
      throw GateError(
        .hookFailed, "the \(direction) hook could not start: \(error.localizedDescription)",
        nextStep: "check the --hook command")
    }
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    var text = redact(String(decoding: data, as: UTF8.self))
    if !url.isEmpty { text = text.replacingOccurrences(of: url, with: "********") }
    let header = "--- \(direction) hook at \(Date().formatted(.iso8601)), exit \(process.terminationStatus)\n"
    try append(Data((header + text + (text.hasSuffix("\n") || text.isEmpty ? "" : "\n")).utf8))
    guard process.terminationReason == .exit, process.terminationStatus == 0 else {
      throw GateError(
        .hookFailed,
        "the \(direction) hook exited with status \(process.terminationStatus); its output is in \(exportDirectory.appendingPathComponent(GateFiles.hookLog).path)",
        nextStep: "read the log, fix the hook, then run the command again")
    }
  }

  private func append(_ data: Data) throws {
    let path = exportDirectory.appendingPathComponent(GateFiles.hookLog).path
    let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
    guard fd >= 0 else { throw ChunkError.io("opening the hook log", file: path, errno: errno) }
    defer { close(fd) }
    try data.withUnsafeBytes { try DurableFile.writeAll(fd, $0, file: path) }
    guard fsync(fd) == 0 else { throw ChunkError.io("syncing the hook log", file: path, errno: errno) }
  }
}
