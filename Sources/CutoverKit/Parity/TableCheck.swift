import Foundation

/// One target table's data parity against the source digests that feed it: count, digest,
/// and on a mismatch the rows that differ.
///
/// Narrowing costs at most two more scans of the target table: one groups the rows' hashes
/// into buckets by key hash (compared with the same buckets summed from the export's rows
/// files), one reads the rows of the differing buckets only; the rows files are read twice
/// from disk, never loaded. A changed row's differing columns are named by replaying its
/// source row from the chunks (`SourceRowReplay`), only when there are changed rows.
struct TableCheck: Sendable {
  /// A source table feeding the target, with its digest.
  struct Source: Sendable {
    var name: QualifiedName
    var parity: ExportManifest.Parity
    var bytes: Int64
    /// The table as exported (its columns and chunks, for the replay of changed rows).
    var table: ExportManifest.Table
    /// Its mapping resolved against the target, or why it does not resolve.
    var mapping: Result<TableMapping, MappingProblem>
  }

  /// Why a source's mapping does not resolve (its changed rows' columns stay unnamed).
  struct MappingProblem: Error, Sendable {
    var message: String
  }

  var target: CatalogTable
  var sources: [Source]
  var row: CanonicalRow
  var directory: URL
  var showValues: Bool
  /// At most this many buckets are read back per table.
  static let bucketLimit = 64

  var sourceRows: Int64 { sources.reduce(0) { $0 + $1.parity.rows } }
  /// COPY text bytes of the sources (what verify sizes its work by).
  var sourceBytes: Int64 { sources.reduce(0) { $0 + $1.bytes } }
  var sourceDigest: Int128 { sources.reduce(0) { $0 + (Int128($1.parity.digest) ?? 0) } }

  /// `FROM [ONLY] target`: a partitioned table's rows are in its partitions.
  var from: String { (target.kind == .partitioned ? "" : "ONLY ") + target.name.quoted }
  var inner: String { CanonicalRow.texts(row.targetTexts(), from: from, where: nil) }

  /// The target's row count (the cheap check).
  func count(on connection: PGConnection) throws -> Int64 {
    try connection.execute(
      "SELECT count(*) AS n FROM \(from)", doing: "counting the rows of \(target.name)"
    ).one().int64("n")
  }

  /// The target's rows and digest where `condition` holds (all rows when nil).
  func digest(where condition: String? = nil, on connection: PGConnection) throws -> TargetDigest {
    try CanonicalRow.prepare(connection)
    let result = try connection.execute(
      row.aggregate(CanonicalRow.texts(row.targetTexts(), from: from, where: condition)),
      doing: "digesting the rows of \(target.name)"
    ).one()
    return TargetDigest(rows: try result.int64("count"), digest: Int128(try result.string("digest")) ?? 0)
  }

  /// The comparison, given the target's count (and its digest, when it was taken in parts).
  func compare(count: Int64, digested: TargetDigest? = nil, on connection: PGConnection) throws -> TableParity
  {
    let began = Date()
    let digest = try digested ?? self.digest(on: connection)
    let targetRows = digest.rows
    let targetDigest = String(digest.digest)
    var parity = TableParity(
      source: sources.count == 1 ? sources[0].name : nil, target: target.name, status: .match,
      sourceRows: sourceRows, targetRows: targetRows, sourceDigest: String(sourceDigest),
      targetDigest: targetDigest, algorithm: CanonicalRow.algorithm,
      bytes: sourceBytes)
    if sources.count > 1 {
      parity.reason = "fed by \(sources.map { "\($0.name)" }.joined(separator: ", "))"
    }
    if targetRows != sourceRows || Int128(targetDigest) != sourceDigest || count != targetRows {
      parity.status = .differs
      let (differences, truncated) = try narrow(on: connection)
      parity.differences = differences
      parity.differencesTruncated = truncated
    }
    parity.seconds = (digested?.seconds ?? 0) + Date().timeIntervalSince(began)
    return parity
  }

  /// A row of the target or the source, as narrowing compares them.
  private struct Seen {
    var rowHash: Int64
    var key: [String?]
    var values: [String?]
    /// The source it came from (`sources`); nil on the target.
    var source: Int? = nil
  }

  /// A changed row listed in the differences, its columns still to name.
  private struct Changed {
    var difference: Int
    var source: Int
    var wanted: SourceRowReplay.Wanted
  }

  /// The rows that differ, at most `RowDifference.limit`.
  func narrow(on connection: PGConnection) throws -> ([RowDifference], Bool) {
    let buckets = Int(max(1, min(65_536, sourceRows / 1024)))
    let bucket = CanonicalRow.bucketSQL(row.keyHash, buckets: buckets)
    // Scan 1: the target's buckets.
    var targetBuckets: [Int: (Int64, Int128)] = [:]
    let grouped = try connection.execute(
      "SELECT \(bucket) AS b, count(*) AS n, sum(\(row.rowHash))::text AS d FROM (\(inner)) s GROUP BY 1",
      doing: "narrowing \(target.name): digests by key bucket")
    for result in grouped {
      targetBuckets[try result.int("b")] = (try result.int64("n"), Int128(try result.string("d")) ?? 0)
    }
    var counts = [Int64](repeating: 0, count: buckets)
    var sums = [Int128](repeating: 0, count: buckets)
    try readSources { line, _, format, file in
      guard let (k, h) = ParityRowsFile.hashes(line, format: format) else {
        _ = try ParityRowsFile.entry(line, format: format, file: file)
        return
      }
      let b = CanonicalRow.bucket(k, buckets: buckets)
      counts[b] += 1
      sums[b] += Int128(h)
    }
    var sourceBuckets: [Int: (Int64, Int128)] = [:]
    for b in 0..<buckets where counts[b] > 0 { sourceBuckets[b] = (counts[b], sums[b]) }
    let differing = Set(targetBuckets.keys).union(sourceBuckets.keys).filter {
      let t = targetBuckets[$0]
      let s = sourceBuckets[$0]
      return t?.0 != s?.0 || t?.1 != s?.1
    }.sorted()
    let chosen = Set(differing.prefix(Self.bucketLimit))
    guard !chosen.isEmpty else { return ([], false) }
    // Scan 2: the target's rows in the differing buckets.
    let values = row.columns.indices.map { "s.c\($0 + 1)" }
    let lines = try connection.execute(
      row.rowLines(inner, extra: values, where: "\(bucket) = ANY($1::int[])"),
      ["{\(chosen.sorted().map(String.init).joined(separator: ","))}"],
      doing: "narrowing \(target.name): the rows of \(chosen.count) differing bucket(s)")
    let keyCount = row.key.count
    var targetSeen: [String: [Seen]] = [:]
    for line in lines.rows {
      guard let k = line[0].flatMap({ Int64($0) }), let h = line[1].flatMap({ Int64($0) }) else { continue }
      let key = Array(line[2..<(2 + keyCount)])
      let seen = Seen(rowHash: h, key: key, values: Array(line[(2 + keyCount)...]))
      targetSeen[identity(k: k, h: h, key: key), default: []].append(seen)
    }
    var sourceSeen: [String: [Seen]] = [:]
    try readSources { line, source, format, file in
      guard let (k, _) = ParityRowsFile.hashes(line, format: format),
        chosen.contains(CanonicalRow.bucket(k, buckets: buckets))
      else { return }
      let entry = try ParityRowsFile.entry(line, format: format, file: file)
      let seen = Seen(rowHash: entry.rowHash, key: entry.key, values: [], source: source)
      sourceSeen[identity(k: entry.keyHash, h: entry.rowHash, key: entry.key), default: []].append(seen)
    }
    var differences: [RowDifference] = []
    var changed: [Changed] = []
    var total = 0
    for id in Set(targetSeen.keys).union(sourceSeen.keys).sorted() {
      var there = targetSeen[id] ?? []
      var here = sourceSeen[id] ?? []
      // Equal rows cancel one for one (a keyless table's duplicates count one by one).
      var unmatched: [Seen] = []
      for seen in here {
        if let match = there.firstIndex(where: { $0.rowHash == seen.rowHash }) {
          there.remove(at: match)
        } else {
          unmatched.append(seen)
        }
      }
      here = unmatched
      if let source = here.first, let target = there.first, !row.key.isEmpty {
        total += 1
        if differences.count < RowDifference.limit {
          changed.append(
            Changed(
              difference: differences.count, source: source.source ?? 0,
              wanted: .init(key: source.key, sourceHash: source.rowHash, targetTexts: target.values)))
          differences.append(RowDifference(kind: .changed, key: keyMap(target.key)))
        }
        continue
      }
      for seen in here {
        total += 1
        if differences.count < RowDifference.limit {
          differences.append(RowDifference(kind: .missing, key: keyMap(seen.key, rowHash: seen.rowHash)))
        }
      }
      for seen in there {
        total += 1
        if differences.count < RowDifference.limit {
          var difference = RowDifference(kind: .extra, key: keyMap(seen.key, rowHash: seen.rowHash))
          if showValues {
            difference.targetValues = Dictionary(
              uniqueKeysWithValues: row.columns.enumerated().map { ($1.name, seen.values[$0]) })
          }
          differences.append(difference)
        }
      }
    }
    try nameColumns(of: changed, in: &differences, on: connection)
    return (differences, total > differences.count || differing.count > chosen.count)
  }

  /// Names the differing columns of the changed rows by replaying their source rows, one
  /// source table (one pass over its chunks) at a time; a row it cannot explain keeps its
  /// columns unnamed, with the reason.
  private func nameColumns(
    of changed: [Changed], in differences: inout [RowDifference], on connection: PGConnection
  ) throws {
    for (index, rows) in Dictionary(grouping: changed, by: \.source).sorted(by: { $0.key < $1.key }) {
      let source = sources[index]
      let outcomes: [SourceRowReplay.Outcome]
      switch source.mapping {
      case .failure(let problem):
        outcomes = rows.map { _ in .unnamed(reason: "its mapping does not resolve: \(problem.message)") }
      case .success(let mapping):
        let replay = SourceRowReplay(directory: directory, table: source.table, mapping: mapping, row: row)
        outcomes = try replay.explain(rows.map(\.wanted), on: connection)
      }
      for (item, outcome) in zip(rows, outcomes) {
        switch outcome {
        case .named(let columns, let sourceTexts):
          differences[item.difference].columns = columns.map { row.columns[$0].name }
          if showValues {
            differences[item.difference].sourceValues = Dictionary(
              uniqueKeysWithValues: columns.map { (row.columns[$0].name, sourceTexts[$0]) })
            differences[item.difference].targetValues = Dictionary(
              uniqueKeysWithValues: columns.map { (row.columns[$0].name, item.wanted.targetTexts[$0]) })
          }
        case .unnamed(let reason):
          differences[item.difference].reason = reason
        }
      }
    }
  }

  /// What rows are matched by: the key's texts, or the row hash for a keyless table.
  private func identity(k: Int64, h: Int64, key: [String?]) -> String {
    row.key.isEmpty ? "h\(h)" : key.map { $0.map { "v" + $0 } ?? "n" }.joined(separator: "\u{1F}")
  }

  /// A row's name in the report: its primary key, or its whole-row hash when it has none.
  private func keyMap(_ key: [String?], rowHash: Int64? = nil) -> [String: String] {
    guard !row.key.isEmpty else { return ["row hash": rowHash.map(String.init) ?? "?"] }
    return Dictionary(
      uniqueKeysWithValues: row.key.enumerated().map { (row.columns[$1].name, key[$0] ?? "NULL") })
  }

  /// Streams the lines of every source's rows file (with the source's position, the file's
  /// line format and path).
  private func readSources(_ body: (UnsafeRawBufferPointer, Int, Int, String) throws -> Void) throws {
    for (index, source) in sources.enumerated() {
      guard let file = source.parity.rowsFile else {
        throw ParityError(
          "\(source.name): the export recorded no parity rows file, so a mismatch cannot be narrowed to rows",
          nextStep: "export again with this cutover version", exitStatus: .ioFailure)
      }
      let format = try ParityRowsFile.lineFormat(of: source.parity, table: source.name)
      let url = directory.appendingPathComponent(file)
      try ParityRowsFile.forEachLine(in: url, sha256: source.parity.rowsFileSHA256) {
        try body($0, index, format, url.path)
      }
    }
  }
}

/// A target table's (or a part's) row count and digest; parts add up.
struct TargetDigest: Sendable {
  var rows: Int64
  var digest: Int128
  /// Seconds spent on the server (parts: summed).
  var seconds = 0.0

  static func + (a: TargetDigest, b: TargetDigest) -> TargetDigest {
    TargetDigest(rows: a.rows + b.rows, digest: a.digest + b.digest, seconds: a.seconds + b.seconds)
  }
}
