/// What `cutover check-export` found: every problem, the first one named first.
public struct ExportCheckReport: Codable, Sendable {
  /// One thing wrong with the export.
  public struct Problem: Codable, Sendable, Equatable {
    /// What is wrong with a chunk or file.
    public enum Kind: String, Codable, Sendable {
      /// A chunk the manifest lists is not there.
      case missing
      /// A chunk ends inside its zstd frame.
      case truncated
      /// A chunk's zstd data or frame checksum is bad.
      case corrupt
      /// A whole, valid chunk whose SHA-256 matches no chunk of this manifest (another export's).
      case foreign
      /// A chunk holds the content of another chunk of this export.
      case misplaced
      /// A file in the directory that the manifest does not list.
      case extra
      /// The rows or bytes differ from the manifest.
      case count
      /// The text is not whole COPY rows with the manifest's column count.
      case malformed
      /// The export never finished (journal but no manifest).
      case unfinished
      /// `manifest.json` is missing though the journal records a finished export.
      case manifestMissing
      /// `manifest.json` does not decode.
      case manifestDamaged
      /// The manifest and the journal's records of the export disagree (a table or chunk
      /// dropped from, or changed in, one of them).
      case manifestMismatch
      /// A journal line is not a record cutover wrote.
      case journalDamaged

      /// What the operator does about a problem of this kind.
      public var nextStep: String {
        switch self {
        case .unfinished:
          "run the same `cutover export` again into the same --export-dir (it starts over, or resumes in the same snapshot), then check again"
        case .manifestMissing:
          "run the same `cutover export` again into the same --export-dir: it re-hashes every journaled chunk and writes manifest.json again without exporting"
        case .extra:
          "move the extra files out of the export directory (an export directory holds only what cutover wrote), then check again"
        case .manifestDamaged, .manifestMismatch, .journalDamaged:
          "the manifest or journal was edited or damaged: restore the directory from a good copy, or export again into a new --export-dir"
        case .missing, .truncated, .corrupt, .foreign, .misplaced, .count, .malformed:
          "restore the named files from a good copy of the export, or export again into a new --export-dir"
        }
      }
    }

    public var kind: Kind
    /// The table (`schema.table`), for a chunk problem.
    public var table: String?
    /// The chunk's 1-based index, for a chunk problem.
    public var chunk: Int?
    /// The file (name inside the export directory).
    public var file: String
    public var detail: String

    /// `<file> (table t, chunk n): <kind>: <detail>`.
    public var line: String {
      var text = file
      if let table, let chunk { text += " (\(table), chunk \(chunk))" }
      return text + ": \(kind.rawValue): \(detail)"
    }
  }

  public var directory: String
  public var tables: Int
  public var chunks: Int
  /// Rows and bytes read back.
  public var rows: Int64
  public var bytes: Int64
  public var compressedBytes: Int64
  /// Every problem, in manifest order (then extra files).
  public var problems: [Problem]

  /// The first problem, which the command names.
  public var firstProblem: Problem? { problems.first }

  /// 0 when the export is good, 1 otherwise.
  public var exitStatus: ExitStatus { problems.isEmpty ? .success : .checkFailed }

  /// The human-readable result.
  public var text: String {
    guard let first = problems.first else {
      return "export OK: \(tables) tables, \(chunks) chunks, \(rows) rows, \(ByteCount(bytes)) "
        + "(\(ByteCount(compressedBytes)) compressed) verified in \(directory)"
    }
    var lines = [
      "export check FAILED in \(directory): \(problems.count) problem(s); the first bad chunk:",
      "  \(first.line)",
    ]
    if problems.count > 1 {
      lines.append("all problems:")
      lines += problems.map { "  \($0.line)" }
    }
    var steps: [String] = []
    for problem in problems where !steps.contains(problem.kind.nextStep) {
      steps.append(problem.kind.nextStep)
    }
    lines += steps.map { "next: \($0)" }
    return lines.joined(separator: "\n")
  }
}
