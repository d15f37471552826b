import ArgumentParser
import CutoverCommandLine
import CutoverKit
import Foundation
import Logging

/// `cutover migrate`: applies the v2 chain (and optionally the local stand-in) to the target.
struct MigrateCommand: AsyncParsableCommand, ShowsValues {
  static let configuration = CommandConfiguration(
    commandName: "migrate",
    abstract: "Applies a migration chain to the target and records it as the Supabase CLI does.",
    discussion: """
      Files run in lexicographic order, each in its own transaction (files with ALTER TYPE … \
      ADD VALUE, CREATE INDEX CONCURRENTLY and the like run statement by statement outside \
      one, and the output says so). Each file is recorded in \
      supabase_migrations.schema_migrations and its SHA-256 in cutover.migration_checksums; \
      a second run resumes at the first file not applied. One progress line per file goes \
      to standard error.

      App tables cutover did not create: tables, views and foreign tables outside PostgreSQL's \
      and Supabase's own schemas (auth, storage, extensions, realtime, … and the ledgers'), \
      not part of an extension, on a target whose cutover.migration_checksums records no \
      file. --local-stand-in records the stand-in files in cutover.stand_in_files, never in \
      schema_migrations. --dry-run stops trying files at the first one that cannot run in a \
      transaction.

      Exit 1 when an applied file changed since it was applied; 2 when the target holds app \
      tables cutover did not create, or --local-stand-in meets an auth schema cutover did \
      not make; 3 when the server rejects a statement (reported with file, line, SQLSTATE \
      and hint) or cannot be reached.
      """)

  @OptionGroup var values: ShowValuesOption

  @OptionGroup var target: TargetOption

  @Option(help: "The migration chain's directory.")
  var chain = "supabase/migrations_v2"

  @Flag(help: "First apply the Supabase stand-in (for a plain local PostgreSQL, not a Supabase project).")
  var localStandIn = false

  @Option(help: "The stand-in's directory, with --local-stand-in (default supabase/local).")
  var standInDir: String?

  @Flag(help: "Run everything in one transaction and roll it back.")
  var dryRun = false

  @Flag(help: "Print the outcome as JSON.")
  var json = false

  mutating func validate() throws {
    try target.requireGiven()
    if standInDir != nil && !localStandIn {
      throw ValidationError("--stand-in-dir needs --local-stand-in")
    }
  }

  func run() async throws {
    let runner = MigrationRunner(
      chain: URL(fileURLWithPath: chain),
      localStandIn: localStandIn ? URL(fileURLWithPath: standInDir ?? "supabase/local") : nil)
    let outcome = try await runner.apply(
      to: try target.connectionTarget(), dryRun: dryRun,
      logger: Logger(label: "cutover.migrate")
    ) { progress in
      FileHandle.standardError.write(Data("\(progress.line)\n".utf8))
    }
    print(json ? try JSONOutput.encode(outcome) : outcome.text)
  }
}
