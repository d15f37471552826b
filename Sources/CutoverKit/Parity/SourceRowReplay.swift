import Foundation

/// Names the differing columns of changed rows (same key, other row hash) without per-column
/// hashes from the source, still double entry: the mapping's SQL decides the source's values.
///
/// The source rows of the wanted keys are read back from the export's chunks: each chunk row
/// goes through the table's mapper (`SwiftMappers`, `MappingStream`) only to learn its target
/// key, and the raw rows of the wanted keys are kept (at most as many as are wanted). On the
/// target's server they are loaded into a temporary table shaped like the source table (the
/// manifest's column names and types; a type the target lacks, or an enum or a domain, as
/// text), as the import loads chunks (`CanonicalRow.loadSettings`), and
/// `CanonicalRow.sourceTexts(mapping)` is evaluated over it. A replayed row whose
/// `hashtextextended(ROW(…)::text, 0)` is the rows file's row hash is the exported row: its
/// texts are compared with the target's, column by column (`IS DISTINCT FROM`). Otherwise, or
/// when the key is not in the chunks, the row's columns stay unnamed, with the reason: never
/// a guess. One pass over the table's chunks at most, stopped once every wanted row is found;
/// the temporary table lives in a transaction that is rolled back.
struct SourceRowReplay {
  /// One changed row to explain.
  struct Wanted: Sendable {
    /// The primary key's canonical texts (the rows file's and the target's).
    var key: [String?]
    /// The row hash the rows file records for the key.
    var sourceHash: Int64
    /// The target row's canonical texts, in the recipe's column order.
    var targetTexts: [String?]
  }

  /// What the replay found for one row.
  enum Outcome: Sendable, Equatable {
    /// The positions (in the recipe) of the differing columns, and the source's canonical
    /// texts of every column.
    case named(columns: [Int], sourceTexts: [String?])
    /// The columns could not be named, and why.
    case unnamed(reason: String)
  }

  /// The export directory.
  var directory: URL
  /// The source table as exported: its columns (COPY order, types) and chunks.
  var table: ExportManifest.Table
  /// The table's mapping, resolved against the target, before its Swift mapper is attached.
  var mapping: TableMapping
  /// The recipe the export digested the table with.
  var row: CanonicalRow

  /// The temporary table the source rows are replayed into.
  static let replayTable = "pg_temp.cutover_parity_replay"

  /// Explains each of `wanted` (in order); `connection` is left in the parity session
  /// (`CanonicalRow.prepare`) it is expected to be in.
  /// - Throws: `PostgresError` when the target fails other than by refusing the replayed rows.
  func explain(_ wanted: [Wanted], on connection: PGConnection) throws -> [Outcome] {
    guard !wanted.isEmpty else { return [] }
    guard !row.key.isEmpty else { return unnamed(wanted, "the table has no primary key to find its rows by") }
    let made = SwiftMappers.mapper(for: mapping)
    let sql = made.mapper.mapping
    guard sql.columns.map(\.name) == row.columns.map(\.name) else {
      return unnamed(wanted, "the mapping's target columns are not the ones the export digested")
    }
    let lines: [Int: [UInt8]]
    do {
      lines = try rawRows(wanted, mapping: sql, mapper: made.mapper)
    } catch let error as ChunkError {
      return unnamed(wanted, "its source row could not be read back from the chunks (\(error.message))")
    } catch let error as MappingStreamError {
      return unnamed(wanted, "the chunks do not map (\(error.message))")
    }
    var replayed: [Int: (hash: Int64, distinct: [Bool], texts: [String?])] = [:]
    if !lines.isEmpty {
      do {
        replayed = try replay(lines, wanted, sourceTexts: row.sourceTexts(sql), on: connection)
      } catch let error as PostgresError where error.sqlState != nil && !Self.isConnectionFailure(error) {
        // The server's message can quote a value; the SQLSTATE cannot.
        return unnamed(
          wanted,
          "its source row could not be replayed on the target (SQLSTATE \(error.sqlState ?? "?")): the "
            + "temporary table (the TEMPORARY privilege), a source type or the mapping's SQL failed there")
      }
    }
    return wanted.indices.map { position in
      guard lines[position] != nil else {
        return .unnamed(reason: "its source row was not found in the export's chunks by its mapped key")
      }
      guard let found = replayed[position] else {
        return .unnamed(reason: "its source row, replayed on the target, does not have this key")
      }
      guard found.hash == wanted[position].sourceHash else {
        return .unnamed(
          reason:
            "its source row, replayed on the target, does not hash to the rows file's row hash "
            + "(the mapping or a type is not the export's)")
      }
      let columns = found.distinct.indices.filter { found.distinct[$0] }
      guard !columns.isEmpty else {
        return .unnamed(reason: "its source row, replayed on the target, has the target's texts")
      }
      return .named(columns: columns, sourceTexts: found.texts)
    }
  }

  private func unnamed(_ wanted: [Wanted], _ reason: String) -> [Outcome] {
    wanted.map { _ in .unnamed(reason: reason) }
  }

  /// A lost connection is no refusal of the rows: it is thrown.
  private static func isConnectionFailure(_ error: PostgresError) -> Bool {
    error.sqlState?.hasPrefix("08") == true || error.sqlState?.hasPrefix("57") == true
  }

  /// Thrown to stop reading the chunks once every wanted row is found.
  private struct AllFound: Error {}

  /// The raw COPY lines (with their newline) of the wanted keys, by position in `wanted`.
  ///
  /// A key column the mapping copies as is from a source column (no value map, no Swift
  /// mapper) is read from that field of the raw row (the mapper would copy its bytes); else
  /// the row goes through the mapper. Chunks are `COPY … TO` text, where a newline byte only
  /// ends a row (one inside a value is written `\n`).
  private func rawRows(_ wanted: [Wanted], mapping: TableMapping, mapper: any TableMapper) throws
    -> [Int: [UInt8]]
  {
    var positions: [[UInt8]: Int] = [:]
    for (position, item) in wanted.enumerated() where positions[Self.identity(item.key)] == nil {
      positions[Self.identity(item.key)] = position
    }
    let copied = row.key.map { position -> Int? in
      if case .source(let index, let labels) = mapping.columns[position].output, labels.isEmpty {
        return index
      }
      return nil
    }
    let direct = copied.allSatisfy { $0 != nil } ? copied.compactMap { $0 } : nil
    var found: [Int: [UInt8]] = [:]
    var stream = MappingStream(mapper: mapper)
    var mapped: [UInt8] = []
    var lines = LineSplitter()
    var identity: [UInt8] = []
    let key = row.key
    var bounds = [Range<Int>?](repeating: nil, count: (max(direct?.max() ?? 0, key.max() ?? 0)) + 1)
    // The key's identity (`identity(_:)`) from the fields `indexes` of a COPY row.
    func identify(_ line: UnsafeRawBufferPointer, fields indexes: [Int]) {
      identity.removeAll(keepingCapacity: true)
      for index in bounds.indices { bounds[index] = nil }
      var start = 0
      for field in bounds.indices {
        guard start <= line.count else { break }
        var end = start
        while end < line.count && line[end] != 0x09 { end += 1 }
        bounds[field] = start..<end
        start = end + 1
      }
      for index in indexes {
        guard let range = bounds[index] else {
          identity = [0xFF]  // too few fields: matches no key
          return
        }
        Self.appendIdentity(of: UnsafeRawBufferPointer(rebasing: line[range]), to: &identity)
      }
    }
    func consume(_ line: UnsafeRawBufferPointer) throws {
      if let direct {
        identify(line, fields: direct)
      } else {
        mapped.removeAll(keepingCapacity: true)
        try stream.feed(line) { mapped.append(contentsOf: $0) }
        try [UInt8(0x0A)].withUnsafeBytes { try stream.feed($0) { mapped.append(contentsOf: $0) } }
        try stream.finish { mapped.append(contentsOf: $0) }
        if mapped.last == 0x0A { mapped.removeLast() }
        guard !mapped.isEmpty else { return }  // filtered out
        mapped.withUnsafeBytes { identify($0, fields: key) }
      }
      guard let position = positions[identity], found[position] == nil else { return }
      found[position] = Array(line) + [0x0A]
      if found.count == positions.count { throw AllFound() }
    }
    do {
      for chunk in table.chunks {
        try ChunkReader(directory: directory, chunk: chunk, verification: .whileReading).forEachBuffer {
          try lines.feed($0, consume)
        }
      }
    } catch is AllFound {}
    return found
  }

  /// Appends to `identity` what `identity(_:)` appends for the COPY text field `field`.
  static func appendIdentity(of field: UnsafeRawBufferPointer, to identity: inout [UInt8]) {
    if field.count == 2 && field[0] == 0x5C && field[1] == UInt8(ascii: "N") {
      identity.append(0)
      return
    }
    identity.append(1)
    CopyRowBuffer.unescape(field, into: &identity)
    identity.append(0)
  }

  /// A key's texts as bytes, exactly (Swift's `String` equality would equate NFC and NFD).
  static func identity(_ key: [String?]) -> [UInt8] {
    var bytes: [UInt8] = []
    for text in key {
      if let text {
        bytes.append(1)
        bytes.append(contentsOf: text.utf8)
      }
      bytes.append(0)
    }
    return bytes
  }

  /// The parity session's settings, reset inside the replay's transaction (the rollback
  /// restores them) before the import's own (`CanonicalRow.loadSettings`) are set.
  private static let paritySettings = [
    "TimeZone", "DateStyle", "IntervalStyle", "extra_float_digits", "bytea_output", "lc_monetary",
  ]

  /// Loads `lines` into the temporary table, evaluates `sourceTexts` over them and compares
  /// with the wanted rows' target texts; by position in `wanted`: the replayed row's hash,
  /// per column whether it differs, and its texts.
  private func replay(
    _ lines: [Int: [UInt8]], _ wanted: [Wanted], sourceTexts: [String], on connection: PGConnection
  ) throws -> [Int: (hash: Int64, distinct: [Bool], texts: [String?])] {
    try connection.execute("BEGIN", doing: "starting the replay of \(table.name)'s changed rows")
    do {
      for setting in Self.paritySettings {
        try connection.execute("RESET \(setting)", doing: "resetting \(setting) for the replay")
      }
      for setting in CanonicalRow.loadSettings {
        try connection.execute(setting, doing: "setting the replay's session (\(setting))")
      }
      var definitions: [String] = []
      for column in table.columns {
        let plain = try SourceDigest.isPlainType(column.type, on: connection)
        let type = plain ? column.type : (column.type.hasSuffix("[]") ? "text[]" : "text")
        definitions.append("\(QualifiedName.quote(column.name)) \(type)")
      }
      try connection.execute(
        "CREATE TEMPORARY TABLE \(Self.replayTable) (\(definitions.joined(separator: ", "))) ON COMMIT DROP",
        doing: "creating the replay table of \(table.name)")
      let names = table.columns.map { QualifiedName.quote($0.name) }.joined(separator: ", ")
      try connection.copyIn(
        "COPY \(Self.replayTable) (\(names)) FROM STDIN",
        doing: "loading \(lines.count) source row(s) of \(table.name) for the replay"
      ) { writer in
        for (_, line) in lines.sorted(by: { $0.key < $1.key }) {
          try line.withUnsafeBytes { try writer.write($0) }
        }
      }
      try CanonicalRow.prepare(connection)
      let result = try compare(lines.keys.sorted(), wanted, sourceTexts: sourceTexts, on: connection)
      try connection.execute("ROLLBACK", doing: "ending the replay of \(table.name)")
      return result
    } catch {
      try connection.execute("ROLLBACK", doing: "ending the replay of \(table.name)")
      throw error
    }
  }

  /// The comparison query over the replay table, joined by key with the target's texts.
  private func compare(
    _ positions: [Int], _ wanted: [Wanted], sourceTexts: [String], on connection: PGConnection
  ) throws -> [Int: (hash: Int64, distinct: [Bool], texts: [String?])] {
    let count = row.columns.count
    let inner = CanonicalRow.texts(sourceTexts, from: Self.replayTable, where: nil)
    var parameters: [String?] = []
    var tuples: [String] = []
    for position in positions {
      parameters.append(String(position))
      var tuple = ["$\(parameters.count)::int"]
      for text in wanted[position].targetTexts.prefix(count) {
        parameters.append(text)
        tuple.append("$\(parameters.count)::text")
      }
      tuples.append("(" + tuple.joined(separator: ", ") + ")")
    }
    let columns = (1...count).map { "c\($0)" }
    let differs = columns.map { "s.\($0) IS DISTINCT FROM t.\($0)" }
    let texts = columns.map { "s.\($0)" }
    let join = row.key.map { "s.c\($0 + 1) IS NOT DISTINCT FROM t.c\($0 + 1)" }.joined(separator: " AND ")
    let sql =
      "SELECT t.i, \(row.rowHash)::text, \((differs + texts).joined(separator: ", ")) FROM (\(inner)) s"
      + " JOIN (VALUES \(tuples.joined(separator: ", "))) AS t(i, \(columns.joined(separator: ", ")))"
      + " ON \(join)"
    let result = try connection.execute(
      sql, parameters, doing: "comparing the replayed source rows of \(table.name) with the target's")
    var found: [Int: (hash: Int64, distinct: [Bool], texts: [String?])] = [:]
    for line in result.rows {
      guard let position = line[0].flatMap({ Int($0) }), let hash = line[1].flatMap({ Int64($0) }) else {
        continue
      }
      let distinct = line[2..<(2 + count)].map { $0 == "t" }
      found[position] = (hash, distinct, Array(line[(2 + count)...]))
    }
    return found
  }
}
