import CutoverKit
import Foundation

/// A small copy scenario many import, verify and parity tests share: `schema` built on the
/// source (with `data`) and on a fresh target, identity mappings of `tables`, and scratch
/// export and mapping directories — all removed, and the target dropped, when `body` ends.
struct IdentityCopy {
  let source: TestDatabase
  let target: TestDatabase
  let directory: URL
  let mappings: URL

  /// Runs `body` with the scenario set up; cleans up whether it throws or not.
  static func with(
    source: TestDatabase, schema: String, data: String, tables: [String], label: String,
    _ body: (IdentityCopy) async throws -> Void
  ) async throws {
    try await source.runScript(schema + "\n" + data)
    let target = try await TestDatabase.create(label: label)
    let slug = label.replacingOccurrences(of: " ", with: "-")
    let copy = IdentityCopy(
      source: source, target: target, directory: ImportTests.scratchDirectory(slug),
      mappings: ImportTests.scratchDirectory("\(slug)-mappings"))
    defer {
      try? FileManager.default.removeItem(at: copy.directory)
      try? FileManager.default.removeItem(at: copy.mappings)
    }
    do {
      try await target.runScript(schema)
      try MappingFixtures.writeIdentityMappings(tables, into: copy.mappings)
      try await body(copy)
    } catch {
      try await target.drop()
      throw error
    }
    try await target.drop()
  }

  /// Export options for the source into `directory`.
  func exportOptions() throws -> ExportOptions {
    ExportOptions(source: try ConnectionTarget(source.url, side: .source), directory: directory)
  }

  /// Export options that also take the source digests, resolved against the target's schema.
  func parityExportOptions() throws -> ExportOptions {
    var options = try exportOptions()
    options.parity = ParitySchema(
      mappings: mappings, chain: MappingFixtures.chain, localStandIn: nil, target: try target.target)
    return options
  }

  /// `cutover import` of the export into the target, as an operator types it.
  var importArguments: [String] {
    ["import", "--export-dir", directory.path, "--target", target.url, "--mappings", mappings.path]
  }
}
