import CutoverKit
import Foundation
import Testing

/// `cutover.toml`: every key read, errors with file and line, no URL ever.
struct ConfigTests {
  static let file = URL(fileURLWithPath: "/tmp/cutover.toml")

  @Test func `the example file parses with every key`() throws {
    let example = MappingFixtures.root.appendingPathComponent("cutover.example.toml")
    let config = try CutoverConfig.load(from: example)
    #expect(config.exportDirectory != nil)
    #expect(config.jobs == 2)
    #expect(config.policyBehaviour?.accepted.count == 6)
    #expect(config.policyBehaviour?.stratify == "app.profiles.role")
    let acceptance = try #require(config.policyBehaviour?.accepted.first)
    #expect(acceptance.location?.hasPrefix("cutover.example.toml:") == true)
  }

  @Test func `keys, tables and acceptances read with their lines`() throws {
    let text = """
      export_dir = "/srv/export"
      jobs = 4
      chunk_size = "16MiB"
      compression_level = 5
      local_stand_in = true
      application_roles = ["anon", "authenticated"]

      [switch]
      method = "env_file"
      env_file = "/etc/app.env"
      variable = "DATABASE_URL"

      [policy_behaviour]
      users = 9
      stratify = "app.profiles.role"
      include_anon = false
      rows_per_table = 250

      [[policy_behaviour.accept]]
      table = "app.a"
      subject = "anon"
      reason = "anon sees nothing in v2"

      [[policy_behaviour.accept]]
      table = "app.b"
      subject = "*"
      reason = "b is private now"
      """
    let config = try CutoverConfig.parse(text, file: Self.file)
    #expect(config.exportDirectory == "/srv/export")
    #expect(config.jobs == 4)
    #expect(config.chunkSize == "16MiB")
    #expect(config.compressionLevel == 5)
    #expect(config.localStandIn == true)
    #expect(config.applicationRoles == ["anon", "authenticated"])
    #expect(
      config.switchMethod
        == CutoverConfig.Switch(method: "env_file", envFile: "/etc/app.env", variable: "DATABASE_URL"))
    let policy = try #require(config.policyBehaviour)
    #expect(policy.users == 9 && policy.stratify == "app.profiles.role" && !policy.includeAnon)
    #expect(policy.rowsPerTable == 250)
    #expect(PolicySampleSettings().rowsPerTable == PolicySampleSettings.defaultRowsPerTable)
    #expect(
      policy.accepted == [
        PolicyAcceptance(
          table: "app.a", subject: "anon", reason: "anon sees nothing in v2", location: "cutover.toml:19"),
        PolicyAcceptance(
          table: "app.b", subject: "*", reason: "b is private now", location: "cutover.toml:24"),
      ])
  }

  @Test(arguments: [
    ("jobs = 2\nexport_dri = \"x\"\n", 2, "export_dri"),
    ("jobs = \"two\"\n", 1, "jobs"),
    ("[switch]\nmethod = \"env_file\"\nenv_fil = \"x\"\n", 3, "switch.env_fil"),
    (
      "[policy_behaviour]\nusers = 2\n\n[[policy_behaviour.accept]]\ntable = \"a.b\"\nsubject = \"anon\"\nreason = \"r\"\n[[policy_behaviour.accept]]\ntable = \"a.c\"\nsubject = \"nobody\"\nreason = \"r\"\n",
      10, "subject"
    ),
    ("export_dir = \"x\"\njobs = = 2\n", 2, "parse"),
    ("[report]\nshow_values = \"yes\"\n", 2, "report.show_values"),
  ])
  func `an unknown key, a wrong type or bad syntax names file and line, exit 2`(
    text: String, line: Int, mentions: String
  ) throws {
    let error = try #require(throws: ConfigError.self) { try CutoverConfig.parse(text, file: Self.file) }
    #expect(error.line == line, "\(error)")
    #expect(error.exitStatus == .usage)
    #expect(error.description.hasPrefix("/tmp/cutover.toml:\(line): "), "\(error)")
    #expect(error.description.contains(mentions), "\(error)")
  }

  @Test(arguments: [
    "source = \"postgresql://u:secret@h/db\"\n",
    "jobs = 2\n[switch]\nvariable = \"X\"\nhook = \"postgres://u:secret@h/db\"\n",
    "target_url = \"x\"\n",
    "export_dir = \"host=h dbname=d password=secret\"\n",
  ])
  func `a connection URL in the file is refused, without echoing it`(text: String) throws {
    let error = try #require(throws: ConfigError.self) { try CutoverConfig.parse(text, file: Self.file) }
    #expect(error.exitStatus == .usage)
    #expect(error.description.contains("SOURCE_DATABASE_URL"))
    #expect(!error.description.contains("secret"))
    #expect(error.line != nil)
  }
}
