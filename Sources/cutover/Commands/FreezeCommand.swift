import ArgumentParser
import CutoverCommandLine
import CutoverKit
import Foundation
import Logging

/// `cutover freeze`: stops every application write to the exported tables on the source.
struct FreezeCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "freeze",
    abstract: "Stops every application write on the source (recorded, reversible with unfreeze).",
    discussion: """
      Puts a guard trigger (BEFORE INSERT/UPDATE/DELETE/TRUNCATE, per statement) on every \
      table an export reads, which refuses writes from every role, owners and BYPASSRLS roles \
      included, and ends the open sessions of PostgREST's, GoTrue's and storage's roles, the \
      application's roles and the tables' owners (not cutover's own). What changed is \
      recorded in the export directory (freeze.json and the journal). Running it again is \
      harmless. Exit 1 when a write path cannot be closed (a table cutover may not alter, \
      another superuser that can log in); 2 for an application role that does not exist.
      """)

  @OptionGroup var source: SourceOption
  @OptionGroup var directory: ExportDirectoryOptions

  @Option(
    name: .customLong("application-role"),
    help: "A role the application logs in as (config application_roles); repeat for several.")
  var applicationRoles: [String] = []

  @Option(
    name: .customLong("platform-superuser"),
    help: "A superuser that is the platform's own, not the application's (supabase_admin on Supabase).")
  var platformSuperusers: [String] = []

  @Option(help: "How long to wait for each table's lock behind application transactions.")
  var lockTimeout = "10s"

  mutating func validate() throws {
    try source.requireGiven()
  }

  func run() async throws {
    let outcome = try await Freeze(
      source: try source.connectionTarget(), exportDirectory: directory.url,
      applicationRoles: applicationRoles,
      platformSuperusers: platformSuperusers, lockTimeout: lockTimeout
    ).run(logger: Logger(label: "cutover.freeze"))
    print(outcome.text)
  }
}
