import Foundation
import Logging

/// Applies a migration chain to a target and records it as the Supabase CLI does.
///
/// Files run in lexicographic order, each in its own transaction together with its ledger
/// rows (`MigrationLedger`), so a file is either applied and recorded or not at all. A file
/// that cannot run in a transaction (`MigrationFile.needsNoTransaction`: `ALTER TYPE … ADD
/// VALUE`, `CREATE INDEX CONCURRENTLY`, …) runs statement by statement in autocommit and is
/// recorded after its last statement; the outcome says so. A run resumes at the first file
/// the ledger does not record.
///
/// Refusals, before anything is written:
/// - the target holds *app tables cutover did not create* (`MigrationError.foreignTarget`,
///   exit 2): a table, partitioned table, view, materialized view or foreign table that is
///   not part of an extension, in a schema outside `MigrationRunner.platformSchemas` (system
///   schemas, the schemas Supabase manages and the stand-in creates, the ledgers'), while
///   `cutover.migration_checksums` records no file. A legacy database (app tables and a
///   CLI-written `schema_migrations`, no cutover checksums) is such a target.
/// - `--local-stand-in` on a target with an `auth` schema that cutover's
///   `cutover.stand_in_files` does not record (a Supabase project, or one prepared by other
///   means) (`.standInOnSupabase`, exit 2). When cutover recorded the stand-in, the recorded
///   files are skipped like applied migrations (so a failed run can be resumed).
/// - an applied file whose SHA-256 changed (`.checksumChanged`, exit 1), a recorded version
///   the chain does not have (`.unknownAppliedVersion`, exit 1), a file not applied that
///   sorts before an applied one (`.outOfOrder`, exit 1).
/// - another `cutover migrate` running on the same database (`.alreadyRunning`, exit 2):
///   a run holds the session advisory lock `hashtext('cutover migrate')`.
///
/// A dry run does the same checks, then runs every file in one transaction that it rolls
/// back. A file that needs no transaction cannot run there: it and every later file are
/// reported `notTried` (a later file may depend on it).
///
/// > Important: a file that runs outside a transaction and fails midway leaves its earlier
/// > statements committed, and is not recorded: the next run starts it from its first
/// > statement, so such files should be safe to repeat (`ADD VALUE IF NOT EXISTS`).
public struct MigrationRunner: Sendable {
  /// The chain directory (`supabase/migrations_v2`).
  public var chain: URL
  /// The stand-in directory (`supabase/local`), applied first when given.
  public var localStandIn: URL?

  /// The `chain` value of stand-in files in outcomes and progress.
  public static let standInChainName = "stand-in"

  /// Schemas whose tables never make a target foreign.
  ///
  /// PostgreSQL's, the ones a Supabase project (or the `supabase/local` stand-in) manages,
  /// and the ledgers'. Schemas starting with `pg_` are also excluded.
  public static let platformSchemas = [
    "information_schema", "auth", "storage", "extensions", "realtime", "_realtime", "graphql",
    "graphql_public", "vault", "pgsodium", "pgsodium_masks", "net", "supabase_functions",
    "cron", "pgbouncer", "_analytics", "pgtle", "supabase_migrations", "cutover",
  ]

  public init(chain: URL, localStandIn: URL? = nil) {
    self.chain = chain
    self.localStandIn = localStandIn
  }

  /// Applies the stand-in (when given) and the chain to `target`.
  ///
  /// Reads and checks every file before connecting. Runs on a thread of its own; `progress`
  /// is called there once per file, in order.
  ///
  /// - Throws: `MigrationError` for a refusal or a failing statement (file, line, server
  ///   message, SQLSTATE, hint), `PostgresError` when the target cannot be reached or the
  ///   ledger cannot be read or written.
  public func apply(
    to target: ConnectionTarget, dryRun: Bool = false, logger: Logger,
    progress: (@Sendable (MigrationProgress) -> Void)? = nil
  ) async throws -> MigrationOutcome {
    let chain = try MigrationChain(directory: self.chain)
    let standIn = try localStandIn.map { try MigrationChain(directory: $0) }
    logger.debug(
      "migration chain read",
      metadata: [
        "chain": "\(chain.path)", "files": "\(chain.files.count)",
        "standIn": "\(standIn?.path ?? "none")", "dryRun": "\(dryRun)",
      ])
    // Ctrl-C cancels the running statement on the server (its locks, and the migrate lock
    // with the session, go at once) instead of leaving it running behind a killed client.
    return try await withQueryCancellation { cancellation in
      try await onDedicatedThread(named: "cutover-migrate") {
        let connection = try PGConnection(target, applicationName: "cutover migrate")
        let session = MigrationSession(
          connection: connection, chain: chain, standIn: standIn, dryRun: dryRun,
          logger: logger, progress: progress, cancellation: cancellation)
        return try cancellation.watching(connection) { try session.run() }
      }
    }
  }
}

/// One run of the runner on one connection; blocking, on the runner's thread.
private final class MigrationSession {
  /// A file the run goes through, and what the ledger says of it.
  struct Step {
    var file: MigrationFile
    var chain: String
    var isStandIn: Bool
    /// Why it is not run again (already applied), or nil when it is to run.
    var skipReason: String?
  }

  let connection: PGConnection
  let ledger: MigrationLedger
  let chain: MigrationChain
  let standIn: MigrationChain?
  let dryRun: Bool
  let logger: Logger
  let progress: (@Sendable (MigrationProgress) -> Void)?
  let cancellation: QueryCancellation
  let clock = ContinuousClock()

  init(
    connection: PGConnection, chain: MigrationChain, standIn: MigrationChain?, dryRun: Bool,
    logger: Logger, progress: (@Sendable (MigrationProgress) -> Void)?, cancellation: QueryCancellation
  ) {
    self.cancellation = cancellation
    self.connection = connection
    self.ledger = MigrationLedger(connection: connection)
    self.chain = chain
    self.standIn = standIn
    self.dryRun = dryRun
    self.logger = logger
    self.progress = progress
  }

  func run() throws -> MigrationOutcome {
    let started = clock.now
    try lock()
    // Migrations may run long on a project whose roles carry short timeouts.
    try connection.execute("SET statement_timeout = 0")
    try connection.execute("SET idle_in_transaction_session_timeout = 0")
    let steps = try plan(try ledger.read())

    var files: [MigrationOutcome.File] = []
    if dryRun {
      try connection.execute("BEGIN")
      do {
        try ledger.create()
        files = try applyAll(steps)
      } catch {
        rollback(after: error)
        throw error
      }
      try connection.execute("ROLLBACK")
    } else {
      try ledger.create()
      files = try applyAll(steps)
    }
    return MigrationOutcome(
      target: connection.target.description, dryRun: dryRun, files: files,
      seconds: seconds(since: started))
  }

  /// Takes the session advisory lock that keeps two runs off one database.
  func lock() throws {
    let taken = try connection.execute(
      "SELECT pg_try_advisory_lock(hashtext($1)) AS taken", ["cutover migrate"],
      doing: "taking the migration lock"
    ).one().bool("taken")
    guard taken else {
      throw MigrationError(
        code: .alreadyRunning,
        message: "another cutover migrate is running on \(connection.target)",
        nextStep: "wait for it to finish, then run cutover migrate again")
    }
  }

  // MARK: - checks

  /// Checks the target against the chain and returns the files in the order they run.
  func plan(_ state: MigrationLedger.State) throws -> [Step] {
    var steps: [Step] = []
    if let standIn {
      steps += try planStandIn(standIn, recorded: state.standIn)
    }
    try refuseForeignTarget(state)
    var changed: [MigrationFile] = []
    var lastApplied: Int?
    for (index, file) in chain.files.enumerated() {
      var reason: String?
      if let checksum = state.checksums[file.version] {
        if checksum.sha256 != file.sha256 { changed.append(file) }
        // A renamed file with the same content is the same migration, said as such.
        reason =
          checksum.name == file.name
          ? "already applied" : "already applied (as \(file.version)_\(checksum.name).sql)"
      } else if state.versions[file.version] != nil {
        reason = "already in schema_migrations (recorded by another tool; no checksum to compare)"
      }
      if reason != nil { lastApplied = index }
      steps.append(Step(file: file, chain: chain.name, isStandIn: false, skipReason: reason))
    }
    if let first = changed.first {
      throw MigrationError(
        code: .checksumChanged,
        message: "applied file(s) changed since they were applied: "
          + changed.map(\.fileName).joined(separator: ", "),
        file: first.path,
        detail: changed.map { file in
          let applied = state.checksums[file.version]
          let renamed = applied.map { $0.name != file.name } ?? false
          return "\(file.fileName): "
            + (renamed
              ? "applied as \(file.version)_\(applied?.name ?? "?").sql, renamed and edited since; " : "")
            + "sha256 \(applied?.sha256 ?? "?") when applied, \(file.sha256) now"
        }.joined(separator: "; "),
        nextStep: "restore the applied content (git) and put the change in a new file with a "
          + "later version; an applied migration is never edited")
    }
    let known = Set(chain.files.map(\.version))
    let unknown = Set(state.versions.keys).union(state.checksums.keys).subtracting(known).sorted()
    if !unknown.isEmpty {
      throw MigrationError(
        code: .unknownAppliedVersion,
        message: "the target's ledger records version(s) \(unknown.prefix(10).joined(separator: ", "))"
          + (unknown.count > 10 ? " (and \(unknown.count - 10) more)" : "")
          + " that \(chain.path) does not have",
        nextStep: "check --chain: it must be the chain that built this target")
    }
    if let lastApplied {
      let missing = chain.files[..<lastApplied].filter {
        state.checksums[$0.version] == nil && state.versions[$0.version] == nil
      }
      if let first = missing.first {
        throw MigrationError(
          code: .outOfOrder,
          message: "\(missing.map(\.fileName).joined(separator: ", ")) not applied, but the later "
            + "\(chain.files[lastApplied].fileName) is",
          file: first.path,
          nextStep: "give the new file a version after \(chain.files[lastApplied].version)")
      }
    }
    return steps
  }

  /// The stand-in's files; refuses a target whose `auth` schema cutover did not make.
  func planStandIn(_ standIn: MigrationChain, recorded: [String: String]) throws -> [Step] {
    let hasAuth = try !CatalogReader(schemas: ["auth"]).schemaNames(on: connection).isEmpty
    if hasAuth && recorded.isEmpty {
      throw MigrationError(
        code: .standInOnSupabase,
        message: "\(connection.target) already has an auth schema (a Supabase project, or one "
          + "prepared by other means); --local-stand-in is only for a fresh local database",
        nextStep: "run without --local-stand-in")
    }
    let changed = standIn.files.filter { file in recorded[file.fileName].map { $0 != file.sha256 } ?? false }
    if let first = changed.first {
      throw MigrationError(
        code: .checksumChanged,
        message: "stand-in file(s) changed since cutover applied them: "
          + changed.map(\.fileName).joined(separator: ", "),
        file: first.path,
        nextStep: "rebuild the target from a fresh database, or restore the applied files")
    }
    return standIn.files.map { file in
      Step(
        file: file, chain: MigrationRunner.standInChainName, isStandIn: true,
        skipReason: recorded[file.fileName] == nil ? nil : "already applied")
    }
  }

  /// Refuses a target that holds app tables while cutover recorded no file.
  func refuseForeignTarget(_ state: MigrationLedger.State) throws {
    guard state.checksums.isEmpty else { return }
    let catalog = try CatalogReader(scope: .allSchemas(except: MigrationRunner.platformSchemas))
      .read(from: connection)
    let names = catalog.relations.filter { $0.fromExtension == nil }.map(\.name.description)
    guard !names.isEmpty else { return }
    let ledgerNote =
      state.versions.isEmpty
      ? "and no migration ledger"
      : "and a schema_migrations ledger that cutover did not write (\(state.versions.count) version(s))"
    throw MigrationError(
      code: .foreignTarget,
      message: "\(connection.target) holds \(names.count) app table(s) cutover did not create "
        + "(\(names.prefix(5).joined(separator: ", "))\(names.count > 5 ? ", …" : "")) \(ledgerNote)",
      nextStep: "point --target at a fresh, empty database (never at the legacy database)")
  }

  // MARK: - applying

  /// Runs every step in order and reports each one.
  func applyAll(_ steps: [Step]) throws -> [MigrationOutcome.File] {
    var files: [MigrationOutcome.File] = []
    var notTriedBecause: String?
    for (index, step) in steps.enumerated() {
      let started = clock.now
      var outcome = MigrationOutcome.File(
        chain: step.chain, file: step.file.fileName, version: step.file.version,
        name: step.file.name, sha256: step.file.sha256, status: .applied)
      if let reason = step.skipReason {
        outcome.status = .skipped
        outcome.reason = reason
      } else if dryRun, let reason = notTriedBecause {
        outcome.status = .notTried
        outcome.reason = reason
      } else if dryRun && step.file.needsNoTransaction {
        outcome.status = .notTried
        outcome.reason =
          "cannot run in the dry run's transaction: "
          + step.file.noTransactionReasons.joined(separator: ", ")
        notTriedBecause = "follows \(step.file.fileName), which was not tried"
      } else if step.file.needsNoTransaction {
        try runOutsideTransaction(step)
        outcome.status = .ranOutsideTransaction
        outcome.reason = step.file.noTransactionReasons.joined(separator: ", ")
      } else {
        try runInTransaction(step)
      }
      outcome.seconds = seconds(since: started)
      for notice in connection.drainNotices() {
        logger.debug("server notice", metadata: ["file": "\(step.file.path)", "notice": "\(notice)"])
      }
      logger.debug(
        "migration file done",
        metadata: ["file": "\(step.file.path)", "status": "\(outcome.status.rawValue)"])
      progress?(MigrationProgress(file: outcome, index: index + 1, count: steps.count))
      files.append(outcome)
    }
    return files
  }

  /// Runs a file and records it in one transaction (the dry run's, when dry).
  func runInTransaction(_ step: Step) throws {
    if dryRun {
      try runStatements(of: step.file, outsideTransaction: false)
      try record(step)
      return
    }
    try connection.execute("BEGIN")
    do {
      try runStatements(of: step.file, outsideTransaction: false)
      try record(step)
      try connection.execute("COMMIT", doing: "committing \(step.file.path)")
    } catch {
      rollback(after: error)
      throw error
    }
  }

  /// Runs each statement of a file alone (autocommit), then records the file.
  func runOutsideTransaction(_ step: Step) throws {
    try runStatements(of: step.file, outsideTransaction: true)
    try connection.execute("BEGIN")
    do {
      try record(step)
      try connection.execute("COMMIT", doing: "recording \(step.file.path)")
    } catch {
      rollback(after: error)
      throw error
    }
  }

  func record(_ step: Step) throws {
    if step.isStandIn {
      try ledger.recordStandIn(step.file)
    } else {
      try ledger.record(step.file, chain: step.chain)
    }
  }

  /// Sends each statement of `file` on its own (simple query protocol); a server error
  /// becomes a `MigrationError` at the statement's line in the file.
  func runStatements(of file: MigrationFile, outsideTransaction: Bool) throws {
    for (index, statement) in file.statements.enumerated() where !statement.isCommentOnly {
      // A Ctrl-C between two statements has no server statement to cancel: stop here.
      if cancellation.isCancelled {
        throw MigrationError(
          code: .interrupted,
          message: "interrupted before line \(statement.codeLine) of \(file.fileName)"
            + (outsideTransaction
              ? "; the file runs outside a transaction, so its statements before this one stay"
              : "; \(file.fileName) was rolled back")
            + ", the files before it stay applied, and the migrate lock is released",
          file: file.path, line: statement.codeLine,
          nextStep: "run cutover migrate again: it resumes at \(file.fileName)")
      }
      logger.trace(
        "statement", metadata: ["file": "\(file.path)", "line": "\(statement.codeLine)"])
      do {
        try connection.runScript(statement.text, doing: "\(file.path):\(statement.codeLine)")
      } catch let error as PostgresError
        where error.code == .server && error.sqlState == SQLState.queryCanceled && cancellation.isCancelled
      {
        throw MigrationError(
          code: .interrupted,
          message: "interrupted: the server cancelled the statement of \(file.fileName) it was running"
            + (outsideTransaction
              ? "; the file runs outside a transaction, so its statements before this one stay"
              : "; \(file.fileName) was rolled back")
            + ", the files before it stay applied, and the migrate lock is released",
          file: file.path, line: statement.codeLine, statement: statement.summary,
          sqlState: error.sqlState,
          nextStep: "run cutover migrate again: it resumes at \(file.fileName)")
      } catch let error as PostgresError where error.code == .server {
        throw MigrationError(
          code: .statementFailed, message: error.message, file: file.path,
          line: statement.fileLine(atPosition: error.position), statement: statement.summary,
          sqlState: error.sqlState, detail: error.detail, hint: error.hint,
          nextStep: nextStep(after: file, failedAt: index, outsideTransaction: outsideTransaction))
      }
    }
  }

  /// What the operator does after a statement of `file` failed.
  func nextStep(after file: MigrationFile, failedAt index: Int, outsideTransaction: Bool) -> String {
    if dryRun {
      return "dry run: everything was rolled back; fix \(file.fileName) and run the dry run again"
    }
    if outsideTransaction {
      // Autocommit: nothing is rolled back, and an earlier run may have committed more.
      return "\(file.fileName) runs outside a transaction, one statement at a time: nothing was "
        + "rolled back — every statement of it that succeeded, in this run or an earlier one, is "
        + "committed and stays — and the file is not recorded, so the next run starts it again "
        + "from the top; make its statements safe to repeat (IF NOT EXISTS), fix the failing one "
        + "(line \(file.statements[index].codeLine)) and run cutover migrate again"
    }
    return "\(file.fileName) was rolled back and the files before it stay applied; fix it and run "
      + "cutover migrate again: it resumes at this file"
  }

  /// Rolls back after `error`, logging (not hiding) a failure to do so.
  func rollback(after error: any Error) {
    do {
      try connection.execute("ROLLBACK")
    } catch let rollbackError {
      logger.debug(
        "rollback failed",
        metadata: ["error": "\(rollbackError)", "after": "\(error)"])
    }
  }

  func seconds(since start: ContinuousClock.Instant) -> Double {
    let elapsed = (clock.now - start).components
    return Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
  }
}

@available(*, unavailable) extension MigrationSession: Sendable {}
