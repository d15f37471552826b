import CutoverKit
import CutoverTestSupport
import Foundation
import Testing

/// One error shape (issue 11): every failure has a next step, users' values stay out of
/// messages unless asked for, and the exit codes follow the README.
@Suite(.postgres, .timeLimit(.minutes(8)))
struct ErrorShapeTests {
  @Test func `a unique violation names table and columns, not the values, unless asked`() async throws {
    let db = try #require(TestDatabase.current)
    try await db.runScript("CREATE SCHEMA app; CREATE TABLE app.people (id int, email text UNIQUE);")
    try await db.execute("INSERT INTO app.people VALUES (1, 'ann@example.com')")
    let error = await #expect(throws: PostgresError.self) {
      try await db.execute("INSERT INTO app.people VALUES ($1, $2)", ["2", "ann@example.com"])
    }
    let failure = try #require(error)
    #expect(failure.sqlState == SQLState.uniqueViolation)
    #expect(failure.description.contains("Key (email)=(…) already exists"), "\(failure.description)")
    #expect(!failure.description.contains("ann@example.com"))
    #expect(failure.description(showingValues: true).contains("Key (email)=(ann@example.com)"))
    #expect(failure.description.contains("people_email_key"))
  }

  @Test(arguments: [
    ("Key (email)=(ann@example.com) already exists.", "Key (email)=(…) already exists."),
    ("Key (a, b)=(1, x (y)) already exists.", "Key (a, b)=(…) already exists."),
    (
      "Key (user_id)=(5) is not present in table \"profiles\".",
      "Key (user_id)=(…) is not present in table \"profiles\"."
    ),
    ("Failing row contains (1, secret, null).", "Failing row contains (…)."),
    ("no values here", "no values here"),
  ])
  func `DETAIL values are hidden whatever their shape`(detail: String, shown: String) {
    #expect(ValueDisplay.hidingValues(inDetail: detail) == shown)
  }

  @Test func `the command line hides values by default and shows them with --show-values`() async throws {
    let db = try #require(TestDatabase.current)
    let chain = FileManager.default.temporaryDirectory.appendingPathComponent(
      "cutover-values-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: chain, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: chain) }
    try """
    CREATE SCHEMA app;
    CREATE TABLE app.people (id int, email text UNIQUE);
    INSERT INTO app.people SELECT g, 'bob' || '@example.com' FROM generate_series(1, 2) g;
    """.write(to: chain.appendingPathComponent("0001_people.sql"), atomically: true, encoding: .utf8)
    let hidden = try CutoverBinary.run(["migrate", "--target", db.url, "--chain", chain.path])
    #expect(hidden.status == 3, "\(hidden.output)")
    #expect(hidden.output.contains("Key (email)=(…)"), "\(hidden.output)")
    #expect(!hidden.output.contains("bob@example.com"), "\(hidden.output)")
    #expect(hidden.output.contains("next:"), "\(hidden.output)")
    let shown = try CutoverBinary.run(["migrate", "--target", db.url, "--chain", chain.path, "--show-values"])
    #expect(shown.output.contains("Key (email)=(bob@example.com)"), "\(shown.output)")
  }

  @Test(arguments: [
    ("postgresql://u@localhost:1/db?sslmode=bogus", "sslmode"),
    ("postgresql://u@localhost:1/db?nonsense=1", "nonsense"),
    ("postgresql://u:Secret@Tail-Part99@localhost:1/db", "%40"),
  ])
  func `a connection string libpq would refuse is a configuration error naming the parameter`(
    url: String, named: String
  ) throws {
    let result = try CutoverBinary.run(["doctor", "--source", url])
    #expect(result.status == 2, "\(result.output)")
    #expect(result.output.contains(named), "\(result.output)")
    #expect(result.output.contains("--source"), "\(result.output)")
    #expect(!result.output.contains("neither a postgresql"), "\(result.output)")
    #expect(!result.output.contains("Tail-Part99"), "\(result.output)")
  }

  @Test func `server errors a stage cannot foresee still get a next step`() {
    for state in [
      SQLState.insufficientPrivilege, SQLState.adminShutdown, SQLState.queryCanceled,
      SQLState.invalidParameterValue, SQLState.lockNotAvailable,
    ] {
      let error = PostgresError(code: .server, sqlState: state, message: "m", doing: "d")
      #expect(error.nextStep != nil, "\(state)")
      #expect(error.description.contains("next:"), "\(state)")
    }
  }
}

/// What doctor says about what it was not asked, or cannot find (issue 12).
@Suite(.postgres, .timeLimit(.minutes(8)))
struct DoctorSelectionTests {
  @Test func `doctor on a selection that holds no table is a usage error naming it`() async throws {
    let db = try #require(TestDatabase.current)
    try await db.runScript("CREATE SCHEMA app; CREATE TABLE app.t (id int);")
    let nope = try CutoverBinary.run(["doctor", "--source", db.url, "--schemas", "nope"])
    #expect(nope.status == 2, "\(nope.output)")
    #expect(nope.output.contains("not present: nope"), "\(nope.output)")
    #expect(!nope.output.contains("can read all 0 tables"), "\(nope.output)")
    let empty = try await TestDatabase.create(label: "empty")
    let bare = try CutoverBinary.run(["doctor", "--source", empty.url])
    try await empty.drop()
    #expect(bare.status == 2, "\(bare.output)")
    #expect(bare.output.contains("nothing to export"), "\(bare.output)")
  }

  @Test func `doctor estimates the export from its own selection and looks for a snapshot holder`()
    async throws
  {
    let db = try #require(TestDatabase.current)
    try await db.runScript("CREATE SCHEMA app; CREATE TABLE app.t (id int); INSERT INTO app.t SELECT 1;")
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "cutover-doctor-\(UUID().uuidString.prefix(8))")
    let result = try CutoverBinary.run(["doctor", "--source", db.url, "--export-dir", directory.path])
    #expect(result.output.contains("estimated export size"), "\(result.output)")
    #expect(result.output.contains("no snapshot holder process open"), "\(result.output)")
  }

  @Test func `doctor with only a target says the source was not checked`() async throws {
    let db = try #require(TestDatabase.current)
    let result = try CutoverBinary.run(["doctor", "--target", db.url])
    #expect(result.output.contains("not checked: the source"), "\(result.output)")
  }
}
