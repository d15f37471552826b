import CutoverKit
import Foundation
import Testing

/// A fresh database on the test cluster, made for one test and dropped after it.
struct TestDatabase: Sendable {
  /// The database of the running test (set by the `.postgres` trait).
  @TaskLocal static var current: TestDatabase?

  var name: String
  var cluster: TestCluster.Running

  /// The superuser (`supabase_admin`) URL, password included: for tests only.
  var url: String { cluster.url(database: name) }

  /// A URL for another role on this database.
  func url(user: String, password: String) -> String {
    cluster.url(database: name, user: user, password: password)
  }

  /// The cluster superuser's password, for redaction tests.
  var password: String { cluster.password }

  var target: ConnectionTarget {
    get throws { try ConnectionTarget(url, side: .target) }
  }

  /// Opens a superuser connection on a thread of its own and runs `body` with it.
  func withConnection<T: Sendable>(_ body: @escaping @Sendable (PGConnection) throws -> T)
    async throws -> T
  {
    let url = self.url
    return try await onDedicatedThread(named: "test-\(name)") {
      let connection = try PGConnection(try ConnectionTarget(url))
      return try body(connection)
    }
  }

  /// Runs one statement as the superuser and returns its rows.
  @discardableResult
  func execute(_ sql: String, _ parameters: [String?] = []) async throws -> PGRows {
    try await withConnection { try $0.execute(sql, parameters) }
  }

  /// Runs a multi-statement script as the superuser.
  func runScript(_ sql: String) async throws {
    try await withConnection { try $0.runScript(sql, doing: "test script") }
  }

  /// The cluster's maintenance database, for CREATE/DROP DATABASE.
  static func admin(_ cluster: TestCluster.Running) -> TestDatabase {
    TestDatabase(name: "postgres", cluster: cluster)
  }

  /// Makes a new empty database (or a copy of `template`) with a unique name.
  static func create(label: String, template: String? = nil) async throws -> TestDatabase {
    let cluster = try await TestCluster.shared.start()
    let slug = label.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "_" }.prefix(30)
    let name = "t_\(String(slug))_\(UUID().uuidString.prefix(8).lowercased())"
    var sql = "CREATE DATABASE \(QualifiedName.quote(name))"
    if let template { sql += " TEMPLATE \(QualifiedName.quote(template))" }
    let statement = sql
    try await catalogChanges.run { try await admin(cluster).execute(statement) }
    return TestDatabase(name: name, cluster: cluster)
  }

  /// Drops this database, ending any sessions a failed test left open.
  func drop() async throws {
    let admin = Self.admin(cluster)
    let statement = "DROP DATABASE IF EXISTS \(QualifiedName.quote(name)) WITH (FORCE)"
    try await Self.catalogChanges.run { try await admin.execute(statement) }
  }

  /// Bounds the run's concurrent `CREATE`/`DROP DATABASE` (see `AsyncLimiter`).
  private static let catalogChanges = AsyncLimiter(limit: 4)

  /// Creates a login role with a password (roles are cluster-wide: names must be unique).
  func createRole(_ role: String, password: String, attributes: String = "") async throws {
    try await withConnection { connection in
      try connection.execute(
        "CREATE ROLE \(QualifiedName.quote(role)) LOGIN \(attributes) PASSWORD \(try connection.quoteLiteral(password))"
      )
      return ()
    }
  }
}

/// Gives each test a fresh database on the per-run cluster: `@Test(.postgres)`.
struct PostgresTrait: TestTrait, SuiteTrait, TestScoping {
  /// A template database to copy, built once per run by `TestCluster.template`.
  var template: (@Sendable () async throws -> String)?

  var isRecursive: Bool { true }

  func provideScope(
    for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
  ) async throws {
    guard !test.isSuite else {
      try await function()
      return
    }
    let templateName = try await template?()
    let database = try await TestDatabase.create(label: test.name, template: templateName)
    try await TestDatabase.$current.withValue(database) { try await function() }
    try await database.drop()
  }
}

extension Trait where Self == PostgresTrait {
  /// A fresh, empty database for each test.
  static var postgres: Self { PostgresTrait(template: nil) }
}
