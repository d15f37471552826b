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

  /// One part's stream into the sink: counts and sums its lines' row hashes and hands the
  /// lines over a batch at a time (under the sink's lock, where they are compressed).
  struct Part {
    let sink: ParityRowsSink
    private var rows: Int64 = 0
    private var digest: Int128 = 0
    private var batch: [UInt8] = []

    /// The lines a part gathers before it hands them to the sink.
    static let batchBytes = 256 << 10

    init(into sink: ParityRowsSink) {
      self.sink = sink
      batch.reserveCapacity(Self.batchBytes + 4096)
    }

    /// Adds one rows file line (`ParityRowsFile.format`), with or without its newline.
    /// - Throws: `ExportError` when its row hash does not parse.
    mutating func add(_ line: UnsafeRawBufferPointer) throws {
      guard let hash = ParityRowsFile.rowHash(line) else {
        throw ExportError(.source, "\(sink.table): a parity line does not parse")
      }
      try add(
        UnsafeRawBufferPointer(rebasing: line[0..<(line.last == 0x0A ? line.count - 1 : line.count)]),
        hash: hash)
    }

    /// Adds one rows file line (without its newline) whose row hash is `hash`.
    mutating func add(_ line: UnsafeRawBufferPointer, hash: Int64) throws {
      digest += Int128(hash)
      rows += 1
      batch.append(contentsOf: line.assumingMemoryBound(to: UInt8.self))
      batch.append(0x0A)
      if batch.count >= Self.batchBytes {
        try sink.append(batch)
        batch.removeAll(keepingCapacity: true)
      }
    }

    /// Hands the rest and this part's totals to the sink; the last part seals the file with
    /// `recipe`'s columns and key and journals it through `beforeRename`.
    mutating func finish(
      recipe: CanonicalRow, target: QualifiedName, beforeRename: (ExportManifest.Parity) throws -> Void
    ) throws {
      if !batch.isEmpty { try sink.append(batch) }
      batch = []
      let parity = ExportManifest.Parity(
        algorithm: CanonicalRow.algorithm, rows: 0, digest: "0", target: target, columns: recipe.columns,
        key: recipe.key.map { recipe.columns[$0].name })
      try sink.finishPart(rows: rows, digest: digest, parity: parity, beforeRename: beforeRename)
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
