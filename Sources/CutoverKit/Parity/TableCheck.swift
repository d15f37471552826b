import Foundation

/// One target table's data parity against the source digests that feed it: count, digest,
/// and on a mismatch the rows that differ.
///
/// Narrowing costs at most two more scans of the target table: one groups the rows' hashes
/// into buckets by key hash (compared with the same buckets summed from the export's rows
/// files), one reads the rows of the differing buckets only; the rows files are read twice
/// from disk, never loaded.
struct TableCheck: Sendable {
  /// A source table feeding the target, with its digest.
  struct Source: Sendable {
    var name: QualifiedName
    var parity: ExportManifest.Parity
    var bytes: Int64
  }

  var target: CatalogTable
  var sources: [Source]
  var row: CanonicalRow
  var directory: URL
  var showValues: Bool
  /// At most this many buckets are read back per table.
  static let bucketLimit = 64

  var sourceRows: Int64 { sources.reduce(0) { $0 + $1.parity.rows } }
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

  /// The comparison, given the target's count.
  func compare(count: Int64, on connection: PGConnection) throws -> TableParity {
    let began = Date()
    try CanonicalRow.prepare(connection)
    let result = try connection.execute(
      row.aggregate(inner), doing: "digesting the rows of \(target.name)"
    ).one()
    let targetRows = try result.int64("count")
    let targetDigest = try result.string("digest")
    var parity = TableParity(
      source: sources.count == 1 ? sources[0].name : nil, target: target.name, status: .match,
      sourceRows: sourceRows, targetRows: targetRows, sourceDigest: String(sourceDigest),
      targetDigest: targetDigest, algorithm: CanonicalRow.algorithm,
      bytes: sources.reduce(0) { $0 + $1.bytes })
    if sources.count > 1 {
      parity.reason = "fed by \(sources.map { "\($0.name)" }.joined(separator: ", "))"
    }
    if targetRows != sourceRows || Int128(targetDigest) != sourceDigest || count != targetRows {
      parity.status = .differs
      let (differences, truncated) = try narrow(on: connection)
      parity.differences = differences
      parity.differencesTruncated = truncated
    }
    parity.seconds = Date().timeIntervalSince(began)
    return parity
  }

  /// A row of the target or the source, as narrowing compares them.
  private struct Seen {
    var rowHash: Int64
    var columnHashes: [Int32?]
    var key: [String?]
    var values: [String?]
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
    try readSources { line, file in
      guard let (k, h) = ParityRowsFile.hashes(line) else {
        _ = try ParityRowsFile.entry(line, file: file)
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
      let hashes = (line[2] ?? "{}").dropFirst().dropLast().split(
        separator: ",", omittingEmptySubsequences: false
      )
      .map { Int32($0) }
      let key = Array(line[3..<(3 + keyCount)])
      let seen = Seen(rowHash: h, columnHashes: hashes, key: key, values: Array(line[(3 + keyCount)...]))
      targetSeen[identity(k: k, h: h, key: key), default: []].append(seen)
    }
    var sourceSeen: [String: [Seen]] = [:]
    try readSources { line, file in
      guard let (k, _) = ParityRowsFile.hashes(line),
        chosen.contains(CanonicalRow.bucket(k, buckets: buckets))
      else { return }
      let entry = try ParityRowsFile.entry(line, file: file)
      let seen = Seen(rowHash: entry.rowHash, columnHashes: entry.columnHashes, key: entry.key, values: [])
      sourceSeen[identity(k: entry.keyHash, h: entry.rowHash, key: entry.key), default: []].append(seen)
    }
    var differences: [RowDifference] = []
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
        let columns = row.columns.indices.filter { index in
          index >= source.columnHashes.count || index >= target.columnHashes.count
            || source.columnHashes[index] != target.columnHashes[index]
        }
        let names = columns.map { row.columns[$0].name }
        var difference = RowDifference(kind: .changed, key: keyMap(target.key), columns: names)
        if showValues {
          difference.targetValues = Dictionary(
            uniqueKeysWithValues: columns.map { (row.columns[$0].name, target.values[$0]) })
        }
        if differences.count < RowDifference.limit { differences.append(difference) }
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
    return (differences, total > differences.count || differing.count > chosen.count)
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

  /// Streams the lines of every source's rows file (with the file's path).
  private func readSources(_ body: (UnsafeRawBufferPointer, String) throws -> Void) throws {
    for source in sources {
      guard let file = source.parity.rowsFile else {
        throw ParityError(
          "\(source.name): the export recorded no parity rows file, so a mismatch cannot be narrowed to rows",
          nextStep: "export again with this cutover version", exitStatus: .ioFailure)
      }
      let url = directory.appendingPathComponent(file)
      try ParityRowsFile.forEachLine(in: url, sha256: source.parity.rowsFileSHA256) { try body($0, url.path) }
    }
  }
}
