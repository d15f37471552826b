import Crypto
import Foundation

extension ParityReport {
  /// Writes `report.json` into `directory` (temporary name, fsync, rename, mode 0600).
  /// - Returns: the SHA-256 (hex) of the bytes written, which `approve` records.
  @discardableResult
  public func write(to directory: URL) throws -> String {
    let data = try JSONOutput.encoder().encode(self)
    try DurableFile.write(data, to: directory.appendingPathComponent(Self.fileName))
    return SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
  }

  /// The report in `directory` and the SHA-256 of its bytes; nil when there is none.
  /// - Throws: `ReportError` when it cannot be read, is of another version, or was edited
  ///   so that its verdict disagrees with its findings.
  public static func read(directory: URL) throws -> (report: ParityReport, sha256: String)? {
    let url = directory.appendingPathComponent(fileName)
    guard FileManager.default.fileExists(atPath: url.path) else { return nil }
    let data: Data
    do {
      data = try Data(contentsOf: url)
    } catch {
      throw ReportError(
        "cannot read \(url.path): \(error.localizedDescription)",
        nextStep: "check the export directory's permissions")
    }
    let report: ParityReport
    do {
      report = try JournalEntry.decoder.decode(ParityReport.self, from: data)
    } catch {
      throw ReportError(
        "\(url.path) is not a report cutover wrote: \(DecodingProblem.describe(error))",
        nextStep: "run `cutover verify` again to write a new report", exitStatus: .checkFailed)
    }
    guard report.version == currentVersion else {
      throw ReportError(
        "\(url.path) is report version \(report.version); this cutover reads version \(currentVersion)",
        nextStep: "run `cutover verify` with this cutover to write a new report", exitStatus: .checkFailed)
    }
    return (report, SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined())
  }
}
