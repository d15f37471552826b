import Foundation

/// The source digests the export computes in its own COPY.
///
/// For each mapped table, the rows file's fields (`CanonicalRow.rowsFileFields`) ride at the
/// end of each row the server sends, and the worker splits them off: the chunk gets the row
/// as an export without digests writes it, the table's rows file (`ParityRowsSink`) the rest.
/// One scan of the table for both, instead of a second pass over production.
///
/// Only a table read from its start in this attempt is digested so (a resumed table's kept
/// chunks were never seen); any other mapped table, or one whose COPY did not finish, is
/// left to `ExportParity`'s pass after the copy.
struct CopyDigests: Sendable {
  /// What a table's COPY digests by.
  struct Entry: Sendable {
    var mapping: TableMapping
    var targetTable: CatalogTable
    /// The table's rows file, shared by its parts.
    var sink: ParityRowsSink
  }

  var entries: [QualifiedName: Entry]

  /// The tables of `plans` to digest in their COPY: mapped and resolved against `loaded`, with
  /// columns, none of `excluded` (finished, or with kept chunks).
  init(plans: [TablePlan], loaded: ParitySchema.Loaded, directory: URL, excluded: Set<QualifiedName>) {
    let files = loaded.filesBySource
    var entries: [QualifiedName: Entry] = [:]
    // A table without columns is left to the pass: its COPY lines are empty, with no tab
    // before the fields that would follow.
    for plan in plans where !excluded.contains(plan.name) && !plan.columns.isEmpty {
      guard
        case .digest(let mapping, let targetTable) = ExportParity.resolve(
          plan.name, columns: plan.columns, copyQuery: plan.copyQuery, files: files, loaded: loaded)
      else { continue }
      entries[plan.name] = Entry(
        mapping: mapping, targetTable: targetTable,
        sink: ParityRowsSink(table: plan.name, directory: directory, parts: max(plan.parts.count, 1)))
    }
    self.entries = entries
  }

  /// One COPY's digest: its query, and the rows it has split so far.
  struct Copy {
    let recipe: CanonicalRow
    let target: QualifiedName
    /// Fields after the table's own: the row hash and the key's texts.
    let extraFields: Int
    let query: String
    private var stream: ParityRowsSink.Part

    /// The digest of `task`'s COPY, its recipe read on `connection`; nil when the table is
    /// not digested in its COPY.
    init?(_ task: TableQueue.Task, digests: CopyDigests?, on connection: PGConnection) throws {
      guard let entry = digests?.entries[task.plan.name] else { return nil }
      recipe = try SourceDigest.recipe(entry.mapping, targetTable: entry.targetTable, on: connection)
      let fields = recipe.rowsFileFields(recipe.sourceTexts(entry.mapping), filter: entry.mapping.filter?.sql)
      target = entry.mapping.target
      extraFields = fields.count
      query = task.plan.copyQuery(for: task.part, appending: fields)
      stream = ParityRowsSink.Part(into: entry.sink)
    }

    /// Splits a COPY row (ending in its newline) into the table's row, newline included,
    /// returned in place of the digest fields (the row's buffer is changed: libpq's, and
    /// ours until the callback returns), and its rows file line, kept.
    mutating func split(_ row: UnsafeRawBufferPointer) throws -> UnsafeRawBufferPointer {
      guard row.count > extraFields else {
        throw ExportError(.inconsistent, "a row of the digesting COPY does not have its digest fields")
      }
      let end = row.count - 1
      var tabs = 0
      var index = end - 1
      // COPY text escapes a tab inside a value: every tab byte is a field separator.
      while index >= 0 {
        if row[index] == 0x09 {
          tabs += 1
          if tabs == extraFields { break }
        }
        index -= 1
      }
      guard index >= 0, row[end] == 0x0A else {
        throw ExportError(.inconsistent, "a row of the digesting COPY does not have its digest fields")
      }
      let line = UnsafeRawBufferPointer(rebasing: row[(index + 1)..<end])
      // A row the mapping's filter leaves out has NULL fields (`\N`): no target row.
      if !(line.count >= 2 && line[0] == 0x5C && line[1] == 0x4E) { try stream.add(line) }
      guard let base = row.baseAddress else { return row }
      UnsafeMutableRawPointer(mutating: base).storeBytes(of: 0x0A, toByteOffset: index, as: UInt8.self)
      return UnsafeRawBufferPointer(rebasing: row[0...index])
    }

    /// After the COPY ended: hands the rest to the rows file and this part's totals to the
    /// table's; the last part seals the file and journals the digest.
    mutating func finish(journal: Journal, table: QualifiedName) throws {
      try stream.finish(recipe: recipe, target: target) { parity in
        try journal.append(ExportJournalRecord.TableParity(table: table, parity: parity))
      }
    }
  }
}
