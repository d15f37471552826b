import CutoverKit
import Foundation
import Logging
import Testing

/// Double entry: for every mapped table of the filled legacy fixture, the rows the mappers
/// (Swift path) make from the export's COPY text equal the rows the mapping's source-side SQL
/// expressions compute, compared by count and order-independent digest.
@Suite(.postgres, .timeLimit(.minutes(8)))
struct MappingParityTests {
  @Test func `the source-side SQL gives exactly the rows the mappers produce, for every table`() async throws
  {
    let db = try #require(TestDatabase.current)
    try await MappingFixtures.buildFilled(db, .legacy)
    // Older code's statuses: the Swift mapper turns them into `failed` and keeps them in last_error.
    try await db.execute(
      """
      UPDATE app.livekit_webhook_jobs SET status = CASE WHEN random() < 0.5 THEN 'done' ELSE 'completed' END
      WHERE ctid IN (SELECT ctid FROM app.livekit_webhook_jobs LIMIT 5)
      """)
    let target = try await TestDatabase.create(label: "parity v2")
    let catalogs: (Catalog, Catalog)
    do {
      try await MappingFixtures.buildV2(target)
      let scope = CatalogReader.Scope.allSchemas(except: Planner.readSchemas)
      catalogs = (
        try await db.withConnection { try CatalogReader(scope: scope).read(from: $0) },
        try await target.withConnection { try CatalogReader(scope: scope).read(from: $0) }
      )
    } catch {
      try await target.drop()
      throw error
    }
    try await target.drop()
    let (sourceCatalog, targetCatalog) = catalogs
    let files = try MappingLoader(directory: MappingFixtures.mappings).load()
    let resolver = MappingResolver(source: sourceCatalog, target: targetCatalog)
    var mappings: [TableMapping] = []
    for file in files where file.skip == nil {
      guard let sourceTable = sourceCatalog.table(file.source.value) else { continue }
      let targetTable = try #require(targetCatalog.table(file.target.value))
      var findings: [MappingFinding] = []
      let mapping = try #require(
        resolver.resolve(file, sourceTable: sourceTable, targetTable: targetTable, findings: &findings))
      #expect(findings.allSatisfy { $0.severity == .warning }, "\(findings)")
      let (mapper, finding) = SwiftMappers.mapper(for: mapping)
      #expect(finding == nil)
      #expect(mapper.mapping.columns.count == mapping.columns.count)
      mappings.append(mapping)
    }
    #expect(mappings.contains { SwiftMappers.mapper(for: $0).mapper.mapping.swiftMapper != nil })
    let all = mappings
    let results = try await db.withConnection { connection in
      var results: [(table: String, swift: [String?], sql: [String?], rows: Int64)] = []
      try connection.execute("CREATE SCHEMA parity_check")
      for (number, resolved) in all.enumerated() {
        let mapper = SwiftMappers.mapper(for: resolved).mapper
        let mapping = mapper.mapping
        let scratch = QualifiedName(schema: "parity_check", name: "t\(number)")
        let definition = mapping.columns.map { "\(QualifiedName.quote($0.name)) \($0.type)" }.joined(
          separator: ", ")
        try connection.execute("CREATE TABLE \(scratch.quoted) (\(definition))")
        let columns = mapping.sourceColumns.map { QualifiedName.quote($0) }.joined(separator: ", ")
        var stream = MappingStream(mapper: mapper)
        try connection.execute("BEGIN")
        // The export's COPY text: the source's copied columns in order, as `cutover export` reads them.
        var exported: [UInt8] = []
        try connection.copyOut("COPY \(mapping.source.quoted) (\(columns)) TO STDOUT") {
          exported.append(contentsOf: $0)
        }
        var mapped: [UInt8] = []
        try exported.withUnsafeBytes { try stream.feed($0) { mapped.append(contentsOf: $0) } }
        try stream.finish { mapped.append(contentsOf: $0) }
        let list = mapping.columns.map { QualifiedName.quote($0.name) }.joined(separator: ", ")
        try connection.copyIn("COPY \(scratch.quoted) (\(list)) FROM STDIN") { try $0.write(mapped) }
        try connection.execute("COMMIT")
        let digest = "count(*)::text AS n, coalesce(sum(hashtextextended(t::text, 0)), 0)::text AS digest"
        let swift = try connection.execute("SELECT \(digest) FROM \(scratch.quoted) t").rows[0]
        let sql = try connection.execute("SELECT \(digest) FROM (\(mapping.sourceSelectSQL)) t").rows[0]
        results.append(("\(mapping.source)", swift, sql, stream.rowsWritten))
      }
      return results
    }
    for result in results {
      #expect(result.swift == result.sql, "\(result.table): mapper \(result.swift) vs SQL \(result.sql)")
    }
    #expect(results.count >= 51)
    #expect(results.reduce(0) { $0 + $1.rows } > 500)
    let jobs = try #require(results.first { $0.table == "app.livekit_webhook_jobs" })
    #expect(jobs.rows > 0)
  }
}
