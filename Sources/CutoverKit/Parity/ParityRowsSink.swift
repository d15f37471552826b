import Foundation

/// One table's rows file and digest, fed by the connections that digest its parts (a table
/// the export split is digested part by part, like its copy, so no one connection holds the
/// phase's tail); the last part to finish seals the file.
///
/// `@unchecked Sendable`: all state is guarded by `lock`.
final class ParityRowsSink: @unchecked Sendable {
  let table: QualifiedName
  private let directory: URL
  private let lock = NSLock()
  private var writer: ParityRowsFile.Writer?
  private var rows: Int64 = 0
  private var digest: Int128 = 0
  private var partsLeft: Int
  private var sealed = false

  /// A sink for `table`'s rows file in `directory`, digested in `parts` parts.
  init(table: QualifiedName, directory: URL, parts: Int) {
    self.table = table
    self.directory = directory
    partsLeft = max(parts, 1)
  }

  /// Appends COPY text lines of a part (whole lines, a batch at a time).
  func append(_ lines: [UInt8]) throws {
    try lock.withLock {
      try lines.withUnsafeBytes { try openWriter().append($0) }
    }
  }

  /// Adds a finished part's count and digest; the last part seals the file.
  ///
  /// Then `parity` gets the totals and the file's name and SHA-256, and goes to
  /// `beforeRename` (the journal) before the rename. Returns the sealed parity, nil while
  /// parts are left.
  @discardableResult
  func finishPart(
    rows: Int64, digest: Int128, parity: ExportManifest.Parity,
    beforeRename: (ExportManifest.Parity) throws -> Void
  ) throws -> ExportManifest.Parity? {
    try lock.withLock {
      self.rows += rows
      self.digest += digest
      partsLeft -= 1
      guard partsLeft == 0 else { return nil }
      let writer = try openWriter()
      var parity = parity
      parity.rows = self.rows
      parity.digest = String(self.digest)
      parity.rowsFile = writer.url.lastPathComponent
      parity.rowsFileFormat = ParityRowsFile.format
      try writer.seal { sha in
        parity.rowsFileSHA256 = sha
        try beforeRename(parity)
      }
      // Its encoder's memory goes with it: a sealed table's sink lives on until the export
      // ends, and an export has a sink per mapped table.
      self.writer = nil
      sealed = true
      return parity
    }
  }

  /// Whether the last part sealed the file (and journaled the digest).
  var isSealed: Bool { lock.withLock { sealed } }

  /// The rows file's writer, made by the first part to need it (called under `lock`).
  private func openWriter() throws -> ParityRowsFile.Writer {
    if let writer { return writer }
    let made = try ParityRowsFile.Writer(directory: directory, table: table)
    writer = made
    return made
  }
}
