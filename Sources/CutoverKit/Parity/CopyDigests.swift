import Foundation

/// The source digests the export computes in its own COPY.
///
/// For each mapped table, the worker turns each row the server sends into a rows file line
/// (`Copy`: hashed from the row's own text, with whatever the server must print appended
/// after it) and splits the appended fields off: the chunk gets the row as an export without
/// digests writes it, the table's rows file (`ParityRowsSink`) the line. One scan of the
/// table for both, instead of a second pass over production.
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
  ///
  /// Where the session's text is UTF-8 on both ends, the row hash is computed here from the
  /// row's own fields (`CopyRowHash`): only the texts of target columns that are not a source
  /// column as is (a cast, a relabelling, a Swift mapper's SQL twin) and the mapping's filter
  /// ride after the row. Elsewhere the server appends the whole rows file line
  /// (`CanonicalRow.rowsFileFields`).
  struct Copy {
    let recipe: CanonicalRow
    let target: QualifiedName
    /// The source table (for errors).
    let table: QualifiedName
    /// The table's own fields (what the chunk gets).
    let tableFields: Int
    /// Fields after the table's own.
    let extraFields: Int
    let query: String
    /// Hashes the row here; nil: the server sent the rows file line after the row.
    private let hasher: CopyRowHash?
    /// The field holding the mapping's filter (`t`/`f`), when the row is hashed here.
    private let filterField: Int?
    private var stream: ParityRowsSink.Part
    /// Where each field of the current row ends (its tab, or the newline).
    private var ends: [Int]
    private var line: [UInt8] = []

    /// The digest of `task`'s COPY, its recipe read on `connection`; nil when the table is
    /// not digested in its COPY.
    init?(_ task: TableQueue.Task, digests: CopyDigests?, on connection: PGConnection) throws {
      guard let entry = digests?.entries[task.plan.name] else { return nil }
      let plan = task.plan
      let mapping = entry.mapping
      recipe = try SourceDigest.recipe(mapping, targetTable: entry.targetTable, on: connection)
      target = mapping.target
      table = plan.name
      tableFields = plan.columns.count
      stream = ParityRowsSink.Part(into: entry.sink)
      let texts = recipe.sourceTexts(mapping)
      let filter = mapping.filter?.sql
      guard let asText = try Self.columnsPrintedAsText(plan.name, on: connection) else {
        let fields = recipe.rowsFileFields(texts, filter: filter)
        extraFields = fields.count
        query = plan.copyQuery(for: task.part, appending: fields)
        hasher = nil
        filterField = nil
        ends = Array(repeating: 0, count: tableFields + extraFields)
        return
      }
      var extra: [String] = []
      var fields: [Int] = []
      for (index, column) in mapping.columns.enumerated() {
        if case .source(let source, let labels) = column.output, labels.isEmpty,
          recipe.columns[index].comparedAs == column.type,
          let position = plan.columns.firstIndex(where: { $0.name == mapping.sourceColumns[source] }),
          plan.columns[position].type == column.type, asText.contains(plan.columns[position].name)
        {
          fields.append(position)
        } else {
          fields.append(tableFields + extra.count)
          extra.append(texts[index])
        }
      }
      if let filter {
        filterField = tableFields + extra.count
        extra.append("coalesce((\(filter)), false)")
      } else {
        filterField = nil
      }
      extraFields = extra.count
      query = plan.copyQuery(for: task.part, appending: extra)
      hasher = CopyRowHash(fields: fields)
      ends = Array(repeating: 0, count: tableFields + extraFields)
      line.reserveCapacity(4 << 10)
    }

    /// The columns of `table` whose COPY text is their `::text` — not a domain, no cast
    /// function to `text` (`boolean` prints `true`, `inet` its mask, `character` trims) — or
    /// nil when the session's text is not UTF-8 on both ends (the bytes the server hashes
    /// would not be the bytes COPY sends, nor `record_out`'s white space ASCII's).
    private static func columnsPrintedAsText(_ table: QualifiedName, on connection: PGConnection) throws
      -> Set<String>?
    {
      let rows = try connection.execute(
        """
        SELECT current_setting('server_encoding') = 'UTF8'
                 AND current_setting('client_encoding') = 'UTF8' AS utf8,
               coalesce((SELECT array_agg(a.attname::text)
                           FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
                          WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped
                            AND t.typtype <> 'd'
                            AND NOT EXISTS (
                                  SELECT 1 FROM pg_cast c
                                   WHERE c.castsource = a.atttypid AND c.casttarget = 'text'::regtype
                                     AND (c.castmethod = 'f'
                                          OR (c.castmethod = 'b'
                                              AND t.typoutput NOT IN ('textout'::regproc, 'varcharout'::regproc))))),
                        '{}') AS columns
        """, [table.quoted], doing: "reading which columns of \(table) the export hashes from their COPY text"
      )
      guard let row = rows.first, try row.bool("utf8") else { return nil }
      return Set(try row.stringArray("columns"))
    }

    /// Splits a COPY row (ending in its newline) into the table's row, newline included,
    /// returned in place of the digest fields (the row's buffer is changed: libpq's, and
    /// ours until the callback returns), and its rows file line, kept.
    mutating func split(_ row: UnsafeRawBufferPointer) throws -> UnsafeRawBufferPointer {
      guard let hasher else { return try splitServerLine(row) }
      try findEnds(row)
      // A row the mapping's filter leaves out has no target row.
      if let filter = filterField {
        let kept = CopyRowHash.field(filter, of: row, ends: ends)
        guard kept.count == 1 && kept[0] == UInt8(ascii: "t") else { return cut(row) }
      }
      let hash = hasher.hash(row, ends: ends)
      line.removeAll(keepingCapacity: true)
      Self.appendDecimal(hash, to: &line)
      for position in recipe.key {
        line.append(0x09)
        line.append(
          contentsOf: CopyRowHash.field(hasher.fields[position], of: row, ends: ends).assumingMemoryBound(
            to: UInt8.self))
      }
      try line.withUnsafeBytes { try stream.add($0, hash: hash) }
      return cut(row)
    }

    /// Where each field ends; throws when the row has more or fewer fields than asked for.
    private mutating func findEnds(_ row: UnsafeRawBufferPointer) throws {
      let count = row.count
      guard count > 0, row[count - 1] == 0x0A, let base = row.baseAddress else {
        throw ExportError(.inconsistent, "\(table): a row of the digesting COPY does not end in a newline")
      }
      let fields = ends.count
      var found = 0
      var index = 0
      // COPY text escapes a tab inside a value: every tab byte is a field separator.
      while found < fields - 1 {
        guard let tab = memchr(base + index, 0x09, count - 1 - index) else { break }
        let at = base.distance(to: UnsafeRawPointer(tab))
        ends[found] = at
        found += 1
        index = at + 1
      }
      guard found == fields - 1, memchr(base + index, 0x09, count - 1 - index) == nil else {
        throw ExportError(
          .inconsistent,
          "\(table): a row of the digesting COPY has \(found + 1) or more fields, not \(fields)")
      }
      ends[fields - 1] = count - 1
    }

    /// The table's own fields of `row`, with the newline in place of the tab after them.
    private func cut(_ row: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
      guard extraFields > 0, let base = row.baseAddress else { return row }
      let end = ends[tableFields - 1]
      UnsafeMutableRawPointer(mutating: base).storeBytes(of: 0x0A, toByteOffset: end, as: UInt8.self)
      return UnsafeRawBufferPointer(rebasing: row[0...end])
    }

    private static func appendDecimal(_ value: Int64, to out: inout [UInt8]) {
      if value < 0 { out.append(UInt8(ascii: "-")) }
      var magnitude = value.magnitude
      let start = out.count
      repeat {
        out.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
        magnitude /= 10
      } while magnitude > 0
      out[start...].reverse()
    }

    /// The server's rows file line rides after the row: split it off.
    private mutating func splitServerLine(_ row: UnsafeRawBufferPointer) throws -> UnsafeRawBufferPointer {
      guard row.count > extraFields else {
        throw ExportError(
          .inconsistent, "\(table): a row of the digesting COPY does not have its digest fields")
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
        throw ExportError(
          .inconsistent, "\(table): a row of the digesting COPY does not have its digest fields")
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
    mutating func finish(journal: Journal) throws {
      let table = self.table
      try stream.finish(recipe: recipe, target: target) { parity in
        try journal.append(ExportJournalRecord.TableParity(table: table, parity: parity))
      }
    }
  }
}
