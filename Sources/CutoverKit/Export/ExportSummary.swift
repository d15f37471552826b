import Foundation

/// What an export did, per table and in total: the end-of-run table and `--json`.
public struct ExportSummary: Codable, Sendable {
  /// One table's line.
  public struct Table: Codable, Sendable {
    public var table: String
    public var rows: Int64
    public var bytes: Int64
    public var compressedBytes: Int64
    public var chunks: Int
    public var seconds: Double
  }

  /// The export directory.
  public var directory: String
  /// The snapshot every table was read in.
  public var snapshot: String
  /// The source, redacted (`user@host:port/db`).
  public var source: String
  public var tables: [Table]
  public var rows: Int64
  public var bytes: Int64
  public var compressedBytes: Int64
  public var chunks: Int
  /// Wall-clock seconds of the whole export.
  public var seconds: Double
  /// Of `seconds`, those spent in the snapshot after the copy (source digests and the policy
  /// sample): work that grows with the data, which `plan --estimate` scales with it.
  public var snapshotChecksSeconds: Double = 0
  /// Of `snapshotChecksSeconds`, the policy sample's.
  public var policySampleSeconds: Double = 0
  /// Tables whose source digest this run computed in their COPY (`CopyDigests`); the others
  /// had theirs computed after the copy, or kept from an earlier attempt.
  public var digestsInCopy: Int = 0

  init(manifest: ExportManifest, directory: URL, source: ConnectionTarget, seconds: Double) {
    self.directory = directory.path
    self.snapshot = manifest.source.snapshot
    self.source = source.description
    self.tables = manifest.tables.map {
      Table(
        table: $0.name.description, rows: $0.rows, bytes: $0.bytes,
        compressedBytes: $0.compressedBytes, chunks: $0.chunks.count, seconds: $0.seconds)
    }
    self.rows = tables.reduce(0) { $0 + $1.rows }
    self.bytes = tables.reduce(0) { $0 + $1.bytes }
    self.compressedBytes = tables.reduce(0) { $0 + $1.compressedBytes }
    self.chunks = tables.reduce(0) { $0 + $1.chunks }
    self.seconds = seconds
  }

  /// A fixed-width table, one line per table and a total, like pgcopydb's summary.
  public var text: String {
    let header = ["Table", "Rows", "Bytes", "Compressed", "Chunks", "Seconds"]
    var lines: [[String]] = tables.map {
      [
        $0.table, String($0.rows), ByteCount($0.bytes).description,
        ByteCount($0.compressedBytes).description, String($0.chunks), String(format: "%.1f", $0.seconds),
      ]
    }
    lines.append([
      "Total (\(tables.count) tables)", String(rows), ByteCount(bytes).description,
      ByteCount(compressedBytes).description, String(chunks), String(format: "%.1f", seconds),
    ])
    var widths = header.map(\.count)
    for line in lines {
      for (column, cell) in line.enumerated() { widths[column] = max(widths[column], cell.count) }
    }
    func render(_ cells: [String]) -> String {
      cells.enumerated().map { column, cell in
        let pad = String(repeating: " ", count: widths[column] - cell.count)
        return column == 0 ? cell + pad : pad + cell
      }.joined(separator: "  ")
    }
    let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
    var output = [render(header), rule]
    output += lines.dropLast().map(render)
    output += [rule, render(lines[lines.count - 1])]
    let rate = seconds > 0 ? ByteCount(Int64(Double(bytes) / seconds)).description + "/s" : "-"
    output.append("")
    output.append("snapshot \(snapshot) · \(directory) · \(rate) of COPY text")
    return output.joined(separator: "\n")
  }
}
