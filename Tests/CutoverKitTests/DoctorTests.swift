import CutoverKit
import CutoverTestSupport
import Foundation
import InMemoryLogging
import Logging
import Testing

struct ServerVersionTests {
  @Test(arguments: [150000, 150018, 159999])
  func `PostgreSQL 15 is accepted`(number: Int) {
    #expect(ServerVersion(number: number).refusal == nil)
  }

  @Test(arguments: [90624, 110020, 140012, 160004, 170000, 0])
  func `other major versions are refused with the version named`(number: Int) throws {
    let refusal = try #require(ServerVersion(number: number).refusal)
    if number > 0 {
      #expect(refusal.contains("needs PostgreSQL 15"))
    }
    if number == 140012 { #expect(refusal.contains("14.12")) }
    if number == 90624 { #expect(refusal.contains("9.6")) }
  }
}

@Suite(.postgres)
struct DoctorTests {
  @Test func `doctor passes a superuser on both sides and prints JSON`() async throws {
    let db = try #require(TestDatabase.current)
    try await db.runScript(
      "CREATE SCHEMA app; CREATE TABLE app.t (id int); ALTER TABLE app.t ENABLE ROW LEVEL SECURITY")
    let outcome = try CutoverBinary.run(["doctor", "--source", db.url, "--target", db.url, "--json"])
    #expect(outcome.status == 0, "\(outcome.output)")
    let report = try JSONDecoder().decode(DoctorReport.self, from: Data(outcome.output.utf8))
    #expect(report.checks.allSatisfy { $0.status != .failed })
    let names = Set(report.checks.map { "\($0.side) \($0.name)" })
    for expected in [
      "source connect", "source server-version", "source session-pooling", "source timeouts",
      "source read-access", "source row-level-security", "source snapshot", "target create-schemas",
      "target session-replication-role",
    ] {
      #expect(names.contains(expected), "missing \(expected)")
    }
    #expect(!outcome.output.contains(db.password))
  }

  @Test func `doctor as a non-superuser names exactly what is missing`() async throws {
    let db = try #require(TestDatabase.current)
    let role = "limited_\(UUID().uuidString.prefix(6).lowercased())"
    let password = "Limited-\(UUID().uuidString)"
    try await db.createRole(role, password: password)
    try await db.runScript(
      """
      CREATE SCHEMA app;
      CREATE TABLE app.readable (id int);
      CREATE TABLE app.secret (id int);
      CREATE TABLE app.guarded (id int);
      ALTER TABLE app.guarded ENABLE ROW LEVEL SECURITY;
      GRANT USAGE ON SCHEMA app TO \(role);
      GRANT SELECT ON app.readable, app.guarded TO \(role);
      """)
    let url = db.url(user: role, password: password)
    let report = await Doctor(
      source: try ConnectionTarget(url, side: .source),
      target: try ConnectionTarget(url, side: .target),
      schemas: ["app"]
    ).run(logger: Logger(label: "test"))
    let failed = report.checks.filter { $0.status == .failed }
    #expect(
      Set(failed.map { "\($0.side) \($0.name)" }) == [
        "source read-access", "source row-level-security", "target create-schemas",
        "target session-replication-role",
      ])
    let read = try #require(failed.first { $0.name == "read-access" })
    #expect(read.detail.contains("app.secret"))
    #expect(!read.detail.contains("app.readable"))
    let rls = try #require(failed.first { $0.name == "row-level-security" })
    #expect(rls.detail.contains("app.guarded"))
    let replication = try #require(failed.first { $0.name == "session-replication-role" })
    #expect(
      replication.nextStep?.contains("GRANT SET ON PARAMETER session_replication_role TO \(role)") == true)
    #expect(report.exitStatus == .checkFailed)

    // The grant the doctor asks for is enough.
    try await db.execute("GRANT SET ON PARAMETER session_replication_role TO \(role)")
    let again = await Doctor(source: nil, target: try ConnectionTarget(url, side: .target))
      .run(logger: Logger(label: "test"))
    #expect(again.checks.first { $0.name == "session-replication-role" }?.status == .ok)
  }

  /// Each bad connection string fails at `connect` with exit 3 and libpq's reason, no password.
  @Test(arguments: ConnectionFault.allCases)
  func `a wrong connection is refused clearly with exit 3`(fault: ConnectionFault) async throws {
    let db = try #require(TestDatabase.current)
    let url = fault.url(for: db)
    let outcome = try CutoverBinary.run(["doctor", "--source", url])
    #expect(outcome.status == 3, "\(outcome.output)")
    #expect(outcome.output.contains("FAIL  source connect"))
    #expect(outcome.output.contains(fault.expectedReason), "\(outcome.output)")
    #expect(outcome.output.contains("cutover doctor"))
    #expect(!outcome.output.contains(db.password))
    #expect(!outcome.output.contains("wrong-password-secret"))
  }

  @Test func `logs, errors and output never hold the password`() async throws {
    let db = try #require(TestDatabase.current)
    try await db.runScript("CREATE SCHEMA app; CREATE TABLE app.t (id int);")
    let handler = InMemoryLogHandler()
    var logger = Logger(label: "redaction") { _ in handler }
    logger.logLevel = .trace
    let badPassword = db.url.replacingOccurrences(of: db.password, with: "wrong-password-secret")
    let report = await Doctor(
      source: try ConnectionTarget(db.url, side: .source),
      target: try ConnectionTarget(badPassword, side: .target)
    ).run(logger: logger)
    #expect(!handler.entries.isEmpty)
    var texts = handler.entries.map { "\($0.message) \($0.metadata)" }
    texts.append(report.text)
    texts.append(try JSONOutput.encode(report))
    do {
      _ = try PGConnection(try ConnectionTarget(badPassword, side: .target))
    } catch {
      texts.append("\(error)")
    }
    texts.append("\(try ConnectionTarget(db.url, side: .source))")
    let environmentRun = try CutoverBinary.run(
      ["doctor"], environment: ["SOURCE_DATABASE_URL": db.url, "CUTOVER_LOG_LEVEL": "trace"])
    texts.append(environmentRun.output)
    #expect(environmentRun.status == 0, "\(environmentRun.output)")
    for text in texts {
      #expect(!text.contains(db.password), "password leaked in: \(text)")
      #expect(!text.contains("wrong-password-secret"), "password leaked in: \(text)")
    }
    #expect(texts.contains { $0.contains("password authentication failed") })
  }

  @Test func `a malformed connection string is a usage error that does not echo it`() throws {
    let outcome = try CutoverBinary.run(["doctor", "--source", "postgresql://u:s3cret-pass@[bad"])
    #expect(outcome.status == 2, "\(outcome.output)")
    #expect(!outcome.output.contains("s3cret-pass"))
    #expect(outcome.output.contains("source connection string"))
  }
}

/// The ways an operator gets a connection string wrong.
enum ConnectionFault: String, CaseIterable, Sendable, CustomTestStringConvertible {
  case host, port, password, database, sslmode

  var testDescription: String { "wrong \(rawValue)" }

  func url(for db: TestDatabase) -> String {
    let port = db.cluster.port
    switch self {
    case .host:
      return
        "postgresql://supabase_admin:\(db.password)@no-such-host.invalid:\(port)/\(db.name)?connect_timeout=3"
    case .port:
      return db.url.replacingOccurrences(of: ":\(port)/", with: ":1/")
    case .password:
      return db.url.replacingOccurrences(of: db.password, with: "wrong-password-secret")
    case .database:
      return db.url.replacingOccurrences(of: "/\(db.name)?", with: "/no_such_database?")
    case .sslmode:
      return db.url.replacingOccurrences(of: "sslmode=disable", with: "sslmode=require")
    }
  }

  var expectedReason: String {
    switch self {
    case .host: "could not translate host name"
    case .port: "Connection refused"
    case .password: "password authentication failed"
    case .database: "does not exist"
    case .sslmode: "server does not support SSL"
    }
  }
}
