import Foundation

/// Writes a parity report into an export directory in its three forms.
///
/// `report.json` (the gates read it), `report.md` (pull-request review) and `report.html`
/// (the go/no-go meeting). Each goes through `DurableFile` (`.partial`, fsync, rename), so a
/// crash leaves either the previous file or the whole new one, never a half report under
/// its real name. The JSON is written first; the renderings name its SHA-256.
public enum ReportWriter {
  /// What was written.
  public struct Written: Sendable, Equatable {
    /// SHA-256 (hex) of the `report.json` bytes: what an approval names.
    public var reportSHA256: String
    public var files: [URL]
  }

  /// Writes report.json, report.md and report.html into `directory`.
  /// - Parameter approval: the approval recorded for this report, if any (from the journal).
  /// - Throws: `ReportError` naming the file that could not be written.
  @discardableResult
  public static func writeAll(_ report: ParityReport, to directory: URL, approval: ReportApproval? = nil)
    throws -> Written
  {
    let sha256: String
    do {
      sha256 = try report.write(to: directory)
    } catch let error as ReportError {
      throw error
    } catch {
      throw ReportError(
        "cannot write \(directory.appendingPathComponent(ParityReport.fileName).path): \(error)",
        nextStep: "check the export directory's space and permissions, then run the command again")
    }
    var files = [directory.appendingPathComponent(ParityReport.fileName)]
    files += try writeRenderings(report, to: directory, approval: approval, reportSHA256: sha256)
    return Written(reportSHA256: sha256, files: files)
  }

  /// Writes report.md and report.html for `report` (whose report.json is `reportSHA256`),
  /// leaving report.json as it is: what `cutover report` does, so an approved report's bytes
  /// never change.
  @discardableResult
  public static func writeRenderings(
    _ report: ParityReport, to directory: URL, approval: ReportApproval? = nil, reportSHA256: String?
  ) throws -> [URL] {
    let renderings = [
      (
        MarkdownReport.fileName,
        MarkdownReport(report: report, approval: approval, reportSHA256: reportSHA256).text
      ),
      (HTMLReport.fileName, HTMLReport(report: report, approval: approval, reportSHA256: reportSHA256).text),
    ]
    var files: [URL] = []
    for (name, text) in renderings {
      let url = directory.appendingPathComponent(name)
      do {
        try DurableFile.write(Data(text.utf8), to: url)
      } catch {
        throw ReportError(
          "cannot write \(url.path): \(error)",
          nextStep: "check the export directory's space and permissions, then run `cutover report` again")
      }
      files.append(url)
    }
    return files
  }
}
