import CutoverKit
import CutoverTestSupport
import Foundation
import Testing

/// The mapping file format: what parses, and that every error names the file and line.
struct MappingLoaderTests {
  @Test func `a full mapping file parses with every entry's line`() throws {
    let text = """
      # a comment
      source: app.jobs
      target: app.queue
      renamed:
        job_id: id
      dropped:
        legacy_flag: nothing reads it since 2023
      added:
        origin: {constant: legacy}
        note: {constant: ~}
        created_at: {default: true}
        key_copy: {copy_of: job_id}
      values:
        status: {done: failed}
      filter:
        column: status
        keep: [pending, ~]
        reason: finished jobs are deleted by the backend anyway
      """
    let file = try MappingLoader.parse(text, path: "mappings/app.jobs.yaml")
    #expect(file.source.value == QualifiedName(schema: "app", name: "jobs"))
    #expect(file.source.line == 2)
    #expect(file.target.value == QualifiedName(schema: "app", name: "queue"))
    #expect(file.renamed.map(\.value) == [.init(from: "job_id", to: "id")])
    #expect(file.renamed.first?.line == 5)
    #expect(file.dropped.first?.value.reason == "nothing reads it since 2023")
    #expect(
      file.added.map(\.value.fill) == [
        .constant("legacy"), .constant(nil), .targetDefault, .copyOf("job_id"),
      ])
    #expect(file.valueMaps.first?.value.labels == ["done": "failed"])
    #expect(file.filter?.value.keep == ["pending", nil])
    #expect(file.filter?.line == 15)
  }

  @Test(arguments: [
    ("source: app.a\nrenamd:\n  x: y\n", 2, "unknown key `renamd`"),
    ("source: app.a\nadded:\n  x: {constnt: 1}\n", 3, "unknown key `constnt`"),
    ("source: app.a\nfilter:\n  column: s\n  keep: [a]\n  reason: r\n  why: r\n", 6, "unknown key `why`"),
    ("source: app.a\nrenamed:\n  x: y\n   z: w\n", 4, "not valid YAML"),
    ("source: app.a\nskip: \"unterminated\n", 2, "not valid YAML"),
    ("source: profiles\n", 1, "is not schema.table"),
    ("source: app.a\nskip: ''\n", 2, "an empty reason"),
    ("target: app.a\n", 1, "no `source:` key"),
  ])
  func `errors name the file and line`(text: String, line: Int, message: String) throws {
    let error = try #require(throws: MappingError.self) {
      try MappingLoader.parse(text, path: "mappings/x.yaml")
    }
    #expect(error.line == line, "\(error)")
    #expect(error.description.hasPrefix("mappings/x.yaml:\(line): "), "\(error)")
    #expect(error.description.contains(message), "\(error)")
    #expect(error.exitStatus == .usage)
  }

  @Test func `the repository's mappings load: one file per table, every file's table in its name`() throws {
    let files = try MappingLoader(directory: MappingFixtures.mappings).load()
    #expect(files.count >= 60)
    for file in files {
      #expect(file.path == "mappings/\(file.source.value).yaml")
    }
  }

  @Test func `plan exits 2 naming every file and line that does not load, before connecting`() throws {
    let directory = try MappingFixtures.mappingsCopy()
    defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
    try "source: app.profiles\nrenamed:\n  a: b\n  bogus_key_here\n".write(
      to: directory.appendingPathComponent("app.profiles.yaml"), atomically: true, encoding: .utf8)
    try "source: app.courses\nskipp: typo\n".write(
      to: directory.appendingPathComponent("app.courses.yaml"), atomically: true, encoding: .utf8)
    let outcome = try CutoverBinary.run([
      "plan", "--source", "postgresql://nobody@127.0.0.1:1/none", "--mappings", directory.path,
    ])
    #expect(outcome.status == 2, "\(outcome.output)")
    #expect(outcome.output.contains("mappings/app.courses.yaml:2: unknown key `skipp`"), "\(outcome.output)")
    #expect(outcome.output.contains("mappings/app.profiles.yaml:4:"), "\(outcome.output)")
  }
}
