import Crypto
import Foundation
import Logging

/// `cutover verify`, data parity: per target table, count and digest on the target compared
/// with the source digests the export recorded in its snapshot; a mismatch narrowed to the
/// rows missing, extra or changed (by primary key, with the differing columns' names).
///
/// Cheap checks first: every table's count, then the digests, `jobs` target connections at
/// a time. Writes `report.json` into the export directory.
public struct Verifier: Sendable {
  public var options: VerifyOptions

  public init(options: VerifyOptions) {
    self.options = options
  }

  /// Checks, writes report.json (and, once the report helper's renderers land, report.md and
  /// report.html) into the export directory and returns the report.
  ///
  /// - Throws: `ParityError` (exit 2) for an unfinished, damaged or missing export or bad
  ///   options; `PostgresError`/`ChunkError`/`ReportError` (exit 3) when the target or a
  ///   file cannot be read or written.
  public func run(logger: Logger) async throws -> ParityReport {
    try await run(logger: logger, progress: nil)
  }

  /// As `run(logger:)`, with a plain progress line per step and per table to `progress`
  /// (the command writes them to stderr).
  public func run(logger: Logger, progress: (@Sendable (String) -> Void)?) async throws -> ParityReport {
    let progress = progress ?? { _ in }
    let began = Date()
    guard (1...64).contains(options.jobs) else {
      throw ParityError("--jobs \(options.jobs) is out of range", nextStep: "use 1 to 64", exitStatus: .usage)
    }
    let directory = options.exportDirectory
    let (manifest, manifestSHA) = try Self.readManifest(directory)
    let files = try MappingLoader(directory: options.mappings).load()
    let byTable = Dictionary(files.map { ($0.source.value, $0) }, uniquingKeysWith: { first, _ in first })
    let target = options.target
    let scope = CatalogReader.Scope.allSchemas(except: Planner.readSchemas)
    let (catalog, reference) = try await onDedicatedThread(named: "verify-catalog") {
      let connection = try PGConnection(target, applicationName: "cutover verify")
      let catalog = try CatalogReader(scope: scope).read(from: connection)
      let row = try connection.execute(
        "SELECT current_database() AS database, current_setting('server_version') AS version",
        doing: "reading the target's identity"
      ).one()
      let reference = DatabaseReference(
        database: try row.string("database"),
        systemIdentifier: try connection.systemIdentifier(doing: "reading the target's system identifier"),
        serverVersion: try row.string("version"),
        host: target.host.map { host in target.port.map { "\(host):\($0)" } ?? host })
      return (catalog, reference)
    }

    var tables: [TableParity] = []
    var checks: [QualifiedName: TableCheck] = [:]
    var order: [QualifiedName] = []
    var named: Set<QualifiedName> = []
    for table in manifest.tables {
      let file = byTable[table.name]
      if let file { named.insert(file.target.value) }
      if let skip = file?.skip {
        tables.append(
          TableParity(
            source: table.name, target: file?.target.value ?? table.name, status: .skipped,
            sourceRows: table.rows, bytes: table.bytes, reason: skip.value))
        continue
      }
      guard let parity = table.parity, let columns = parity.columns,
        let into = parity.target ?? file?.target.value
      else {
        tables.append(
          TableParity(
            source: table.name, target: file?.target.value ?? table.name, status: .notChecked,
            sourceRows: table.rows,
            reason: file == nil
              ? "no mapping file names it, and the export recorded no source digest"
              : "the export recorded no source digest (exported with --no-parity, or its mapping did not resolve)"
          ))
        continue
      }
      named.insert(into)
      guard let targetTable = catalog.table(into), targetTable.kind.holdsRows else {
        tables.append(
          TableParity(
            source: table.name, target: into, status: .notChecked, sourceRows: parity.rows,
            reason: "the target has no table \(into)"))
        continue
      }
      let key = (parity.key ?? []).compactMap { name in columns.firstIndex { $0.name == name } }
      let source = TableCheck.Source(
        name: table.name, parity: parity, bytes: table.bytes, table: table,
        mapping: Self.mapping(file, table: table, into: targetTable, catalog: catalog))
      if var check = checks[into] {
        guard check.row.columns == columns else {
          tables.append(
            TableParity(
              source: table.name, target: into, status: .notChecked, sourceRows: parity.rows,
              reason: "its digest covers other columns than the other sources of \(into)"))
          continue
        }
        check.sources.append(source)
        checks[into] = check
      } else {
        checks[into] = TableCheck(
          target: targetTable, sources: [source], row: CanonicalRow(columns: columns, key: key),
          directory: directory, showValues: options.showValues)
        order.append(into)
      }
    }

    // Target tables nobody fills (outside the platform's schemas).
    let unfilled = catalog.tables.filter {
      $0.kind.holdsRows && $0.partitionOf == nil && !named.contains($0.name)
        && !ExportTableSelection.platformSchemas.contains($0.name.schema)
    }

    // The chain's own definitions, rebuilt in a scratch database while the rows are checked:
    // mostly one connection's DDL, it fills what the data phase leaves idle. A child task: a
    // failure or Ctrl-C below cancels it, and it drops its scratch database before `run` ends.
    async let chainBuild: (StructureChecks.Expected, Double)? =
      options.checksBeyondRows ? Self.chainDefinitions(options, logger: logger, progress: progress) : nil
    // Cheap checks first: every count.
    progress("verify: counting the rows of \(order.count + unfilled.count) target table(s)")
    let countWork: [CatalogTable] = order.compactMap { checks[$0]?.target } + unfilled
    let (counts, compared) = try await Self.interruptible { cancellation in
      try await dataPhase(
        checks: checks, order: order, countWork: countWork, cancellation: cancellation, progress: progress)
    }
    for table in unfilled {
      let rows = counts[table.name] ?? 0
      tables.append(
        TableParity(
          source: nil, target: table.name, status: rows == 0 ? .skipped : .differs, targetRows: rows,
          reason: rows == 0
            ? "no source table fills it (empty)"
            : "no source table fills it, yet it holds \(rows) row(s)"))
    }
    logger.debug("digests compared", metadata: ["tables": "\(compared.count)"])
    tables += order.compactMap { compared[$0] }
    tables.sort { "\($0.target)" < "\($1.target)" }

    var phaseSeconds = ["data": Date().timeIntervalSince(began)]
    var beyond: (checks: [ParityCheck], findings: [PolicyBehaviourFinding]) = ([], [])
    if let (expected, seconds) = try await chainBuild {
      phaseSeconds["chain definitions"] = seconds
      beyond = try await checksBeyondRows(
        expected: expected, manifest: manifest, files: files, progress: progress, phaseSeconds: &phaseSeconds)
    }
    let report = ParityReport(
      export: ExportReference(
        manifestSHA256: manifestSHA, snapshot: manifest.source.snapshot,
        source: DatabaseReference(
          database: manifest.source.database, systemIdentifier: manifest.source.systemIdentifier,
          serverVersion: manifest.source.serverVersion),
        exportStartedAt: manifest.source.startedAt, exportFinishedAt: manifest.source.finishedAt),
      target: reference,
      inputs: [
        try Self.checksum("v2 chain", options.chain), try Self.checksum("mappings", options.mappings),
      ],
      startedAt: began, finishedAt: Date(), showsValues: options.showValues, tables: tables,
      checks: beyond.checks, policyBehaviour: beyond.findings,
      phaseSeconds: phaseSeconds)
    guard options.writesReport else { return report }
    try ReportWriter.writeAll(report, to: directory)
    progress(
      "verify: verdict \(report.verdict.rawValue); report.json, report.md, report.html in \(directory.path)")
    return report
  }

  /// `body` with a `QueryCancellation` that Ctrl-C fires; a statement it cancelled (SQLSTATE
  /// 57014) is said as the interruption it is.
  static func interruptible<T: Sendable>(_ body: (QueryCancellation) async throws -> T) async throws -> T {
    do {
      return try await withQueryCancellation(body)
    } catch let error as PostgresError where error.sqlState == SQLState.queryCanceled && Task.isCancelled {
      throw CancellationError()
    }
  }

  /// The v2 chain applied to a scratch database on the target's server, read back, and how
  /// long that took.
  private static func chainDefinitions(
    _ options: VerifyOptions, logger: Logger, progress: @Sendable (String) -> Void
  ) async throws -> (StructureChecks.Expected, Double) {
    let began = Date()
    progress("verify: rebuilding the v2 chain's definitions in a scratch database")
    let expected = try await StructureChecks.expected(
      chain: options.chain, localStandIn: options.localStandIn, server: options.target, logger: logger)
    return (expected, Date().timeIntervalSince(began))
  }

  /// The data phase: every target table's count (cheap checks first), then the digests,
  /// largest first, `jobs` at a time; Ctrl-C cancels the server's statements.
  private func dataPhase(
    checks: [QualifiedName: TableCheck], order: [QualifiedName], countWork: [CatalogTable],
    cancellation: QueryCancellation, progress: @escaping @Sendable (String) -> Void
  ) async throws -> (counts: [QualifiedName: Int64], compared: [QualifiedName: TableParity]) {
    let jobs = options.jobs
    let target = options.target
    let counts: [QualifiedName: Int64] = try await Self.pool(
      countWork, jobs: jobs, target: target, cancellation: cancellation
    ) {
      table, connection in
      let from = (table.kind == .partitioned ? "" : "ONLY ") + table.name.quoted
      let n = try connection.execute(
        "SELECT count(*) AS n FROM \(from)", doing: "counting the rows of \(table.name)"
      ).one().int64("n")
      return (table.name, n)
    }
    let digestWork = order.compactMap { checks[$0] }.sorted {
      $0.sourceBytes > $1.sourceBytes
    }
    progress("verify: digesting \(digestWork.count) table(s), \(jobs) at a time")
    let said: @Sendable (TableParity, String) -> Void = { parity, how in
      progress(
        "verify: \(parity.target) \(parity.status.rawValue) (\(parity.targetRows ?? 0) rows, "
          + "\(String(format: "%.1f", parity.seconds ?? 0)) s\(how))")
    }
    // A table holding more than its share of the bytes is digested in block ranges on every
    // connection (as the export reads it), so it does not run alone while the others idle.
    let split = try await Self.largeTables(digestWork, jobs: jobs, target: target)
    var work: [DigestPart] = []
    for check in digestWork {
      if let blocks = split[check.target.name] {
        work += DigestPart.ranges(blocks: blocks, parts: jobs).map { DigestPart(check: check, range: $0) }
      } else {
        work.append(DigestPart(check: check, range: nil))
      }
    }
    let done = try await Self.poolValues(work, jobs: jobs, target: target, cancellation: cancellation) {
      part, connection -> (DigestPart, DigestPart.Outcome) in
      guard let range = part.range else {
        let parity = try part.check.compare(count: counts[part.check.target.name] ?? -1, on: connection)
        said(parity, "")
        return (part, .whole(parity))
      }
      let began = Date()
      var digest = try part.check.digest(where: range, on: connection)
      digest.seconds = Date().timeIntervalSince(began)
      return (part, .part(digest))
    }
    var compared: [QualifiedName: TableParity] = [:]
    var summed: [QualifiedName: TargetDigest] = [:]
    for (part, result) in done {
      switch result {
      case .whole(let parity): compared[part.check.target.name] = parity
      case .part(let digest):
        summed[part.check.target.name] = summed[part.check.target.name].map { $0 + digest } ?? digest
      }
    }
    // The split tables compared as a whole (narrowed, on a mismatch, as any other).
    let parts = summed
    let joined = digestWork.filter { parts[$0.target.name] != nil }
    let whole: [QualifiedName: TableParity] = try await Self.pool(
      joined, jobs: jobs, target: target, cancellation: cancellation
    ) { check, connection in
      let parity = try check.compare(
        count: counts[check.target.name] ?? -1, digested: parts[check.target.name], on: connection)
      said(parity, " in \(jobs) block ranges")
      return (check.target.name, parity)
    }
    compared.merge(whole) { first, _ in first }
    return (counts, compared)
  }

  /// Structure, security and policy behaviour (each phase timed into `phaseSeconds`): the
  /// chain's own definitions (`expected`, rebuilt in a scratch database on the target's
  /// server) compared with the target; rows visible per sampled user compared with the
  /// export's counts.
  private func checksBeyondRows(
    expected: StructureChecks.Expected, manifest: ExportManifest, files: [MappingFile],
    progress: @Sendable (String) -> Void, phaseSeconds: inout [String: Double]
  ) async throws -> (checks: [ParityCheck], findings: [PolicyBehaviourFinding]) {
    let chain = try MigrationChain(directory: options.chain)
    let mapped = files.filter { $0.skip == nil }.map { ($0.source.value, $0.target.value) }
    let target = options.target
    let directory = options.exportDirectory
    let settings = options.policySample
    let sourceCounts = manifest.policyBehaviour
    progress("verify: structure, security and policy behaviour")
    // Structure and security on one connection; what is left to count under policies comes
    // back as `tables` (nil: nothing to compare, the checks say why).
    let outcome = try await onDedicatedThread(named: "verify-structure") {
      var phases: [String: Double] = [:]
      let connection = try PGConnection(target, applicationName: "cutover verify")
      try connection.prepareLongRunningSession()
      var began = Date()
      let loaded = try StructureChecks.loadedTables(directory: directory, target: target, on: connection)
      var checks = try StructureChecks(
        expected: expected.catalog, chain: chain, manifest: manifest, mappings: files, loaded: loaded
      ).run(on: connection)
      phases["structure"] = Date().timeIntervalSince(began)
      began = Date()
      checks += try SecurityChecks(expected: expected).run(on: connection)
      phases["security"] = Date().timeIntervalSince(began)
      guard let sourceCounts else {
        checks.append(
          ParityCheck(
            category: .security, name: "policy behaviour", subject: "export",
            status: settings.users == 0 && !settings.includeAnon ? .warning : .fail,
            message:
              "the export recorded no rows visible per sampled user on the source: policy behaviour was not compared",
            nextStep:
              "export again with policy sampling (config [policy_behaviour]), or turn it off explicitly with users = 0 and include_anon = false"
          ))
        return (checks, [PolicyBehaviour.CountedTable]?.none, phases)
      }
      if sourceCounts.users.isEmpty && !sourceCounts.includesAnon {
        checks.append(
          ParityCheck(
            category: .security, name: "policy behaviour", subject: "source", status: .warning,
            message:
              "the source has no auth.users or no anon/authenticated roles (not a Supabase database): no policy behaviour to compare"
          ))
        return (checks, nil, phases)
      }
      let catalog = try CatalogReader(scope: StructureChecks.scope).read(from: connection)
      let tables = PolicyBehaviour.targetTables(
        mapped: mapped, catalog: catalog, manifest: manifest, files: files, source: sourceCounts)
      return (checks, tables, phases)
    }
    phaseSeconds.merge(outcome.2) { _, new in new }
    guard let tables = outcome.1, let sourceCounts else { return (outcome.0, []) }
    let policyBegan = Date()
    let jobs = options.jobs
    let targetCounts = try await Self.interruptible { cancellation in
      try await PolicyBehaviour.targetCounts(
        target: target, tables: tables, source: sourceCounts, settings: settings, jobs: jobs,
        cancellation: cancellation)
    }
    let comparison = PolicyBehaviour.compare(
      source: sourceCounts, target: targetCounts, mappings: mapped, accepted: settings.accepted)
    phaseSeconds["policy behaviour"] = Date().timeIntervalSince(policyBegan)
    return (outcome.0 + comparison.checks, comparison.findings)
  }

  /// `table`'s mapping resolved against the target as the export resolved it for its digest
  /// (the replay of changed rows evaluates its SQL), or why it does not resolve.
  static func mapping(
    _ file: MappingFile?, table: ExportManifest.Table, into targetTable: CatalogTable, catalog: Catalog
  ) -> Result<TableMapping, TableCheck.MappingProblem> {
    guard let file else { return .failure(.init(message: "no mapping file names \(table.name)")) }
    switch ImportPlan.resolve(file, table: table, into: targetTable, catalog: catalog) {
    case .success(let mapping): return .success(mapping)
    case .failure(let problems): return .failure(.init(message: problems.lines.joined(separator: "; ")))
    }
  }

  /// Runs `body` over `items` on `jobs` connections, each on its own thread and taking the
  /// next item when it is free (items come largest first: the biggest starts at once).
  static func pool<Item: Sendable, Value: Sendable>(
    _ items: [Item], jobs: Int, target: ConnectionTarget, cancellation: QueryCancellation? = nil,
    _ body: @escaping @Sendable (Item, PGConnection) throws -> (QualifiedName, Value)
  ) async throws -> [QualifiedName: Value] {
    let values = try await poolValues(items, jobs: jobs, target: target, cancellation: cancellation, body)
    return Dictionary(values, uniquingKeysWith: { first, _ in first })
  }

  /// `pool`, every value returned (in no particular order).
  static func poolValues<Item: Sendable, Value: Sendable>(
    _ items: [Item], jobs: Int, target: ConnectionTarget, cancellation: QueryCancellation? = nil,
    _ body: @escaping @Sendable (Item, PGConnection) throws -> Value
  ) async throws -> [Value] {
    var results: [Value] = []
    let queue = WorkQueue(items)
    try await withThrowingTaskGroup(of: [Value].self) { group in
      for _ in 0..<min(jobs, items.count) {
        group.addTask {
          try await onDedicatedThread(named: "verify") {
            let connection = try PGConnection(target, applicationName: "cutover verify")
            try connection.prepareLongRunningSession()
            var done: [Value] = []
            try queue.drain(on: connection, cancellation: cancellation) {
              done.append(try body($0, connection))
            }
            return done
          }
        }
      }
      for try await list in group { results += list }
    }
    return results
  }

  /// The ordinary tables holding more than their share (1 / `jobs`) of the bytes to digest and
  /// at least `DigestPart.minimumBlocks`, with their size in blocks on the target.
  static func largeTables(_ checks: [TableCheck], jobs: Int, target: ConnectionTarget) async throws
    -> [QualifiedName: Int64]
  {
    let total = checks.reduce(0) { $0 + $1.sourceBytes }
    let large = checks.filter {
      $0.target.kind == .ordinary && jobs > 1 && $0.sourceBytes * Int64(jobs) > total
    }
    guard !large.isEmpty else { return [:] }
    return try await onDedicatedThread(named: "verify-sizes") {
      let connection = try PGConnection(target, applicationName: "cutover verify")
      var blocks: [QualifiedName: Int64] = [:]
      for check in large {
        let n = try connection.execute(
          "SELECT pg_relation_size($1::regclass) / current_setting('block_size')::bigint AS n",
          [check.target.name.quoted], doing: "reading the size of \(check.target.name)"
        ).one().int64("n")
        if n >= DigestPart.minimumBlocks { blocks[check.target.name] = n }
      }
      return blocks
    }
  }

  /// The manifest and its SHA-256; refuses an unfinished, damaged or missing export.
  static func readManifest(_ directory: URL) throws -> (ExportManifest, String) {
    let manifest: ExportManifest?
    do {
      manifest = try ExportManifest.read(directory: directory)
    } catch let error as ExportError {
      throw ParityError(
        error.message,
        nextStep: "run `cutover check-export --export-dir \(directory.path)`; \(error.nextStep ?? "")",
        exitStatus: .usage)
    }
    guard let manifest else {
      let journal = directory.appendingPathComponent(Journal.fileName).path
      let unfinished = FileManager.default.fileExists(atPath: journal)
      throw ParityError(
        unfinished
          ? "\(directory.path) holds an unfinished export (a journal, no \(ExportManifest.fileName))"
          : "\(directory.path) holds no cutover export (no \(ExportManifest.fileName))",
        nextStep: unfinished
          ? "run the same `cutover export` again to finish it, then `cutover check-export`, then verify"
          : "pass the --export-dir `cutover export` wrote", exitStatus: .usage)
    }
    let data: Data
    do {
      data = try Data(contentsOf: directory.appendingPathComponent(ExportManifest.fileName))
    } catch {
      throw ParityError(
        "cannot read the manifest in \(directory.path): \(error.localizedDescription)",
        nextStep: "check the export directory's permissions", exitStatus: .ioFailure)
    }
    return (manifest, HexDigest.string(SHA256.hash(data: data)))
  }

  /// SHA-256 over the names and contents of the files under `url`, in name order.
  static func checksum(_ name: String, _ url: URL) throws -> InputChecksum {
    var hasher = SHA256()
    let base = url.standardizedFileURL.resolvingSymlinksInPath().path
    guard FileManager.default.fileExists(atPath: base) else {
      return InputChecksum(name: name, path: url.relativePath, sha256: "absent")
    }
    let paths: [String]
    do {
      paths = try FileManager.default.subpathsOfDirectory(atPath: base).sorted()
    } catch {
      throw ParityError(
        "cannot read \(base): \(error.localizedDescription)", nextStep: "check its permissions",
        exitStatus: .ioFailure)
    }
    for path in paths {
      let full = (base as NSString).appendingPathComponent(path)
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue
      else { continue }
      hasher.update(data: Data(path.utf8))
      hasher.update(data: Data([0]))
      hasher.update(data: try Data(contentsOf: URL(fileURLWithPath: full)))
      hasher.update(data: Data([0]))
    }
    return InputChecksum(name: name, path: url.relativePath, sha256: HexDigest.string(hasher.finalize()))
  }
}
