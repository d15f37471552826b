import CutoverKit
import Foundation
import Testing

/// Security checks on a real cutover: RLS, policies and grants as the v2 chain defines them;
/// each break turns the verdict red, named.
@Suite(.postgres, .timeLimit(.minutes(15)))
struct SecurityChecksTests {
  /// Verifies a copy of the clean cutover after `script` broke it.
  static func report(after script: String, label: String) async throws -> ParityReport {
    let cutover = try await ParityCutover.shared.value
    let copy = try await cutover.copy(label)
    try await copy.runScript(script)
    let report = try await cutover.report(copy, accepted: try ParityCutover.acceptances())
    try await copy.drop()
    return report
  }

  static func failedSecurity(_ report: ParityReport) -> [String] {
    report.checks.filter { $0.status == .fail && $0.category == .security }.map {
      "\($0.name): \($0.subject)"
    }
  }

  @Test
  func `a clean fixture cutover has the chain's RLS, policies, grants and default privileges`() async throws {
    let report = try await Self.report(after: "SELECT 1", label: "security clean")
    #expect(Self.failedSecurity(report).isEmpty, "\(Self.failedSecurity(report))")
    #expect(report.checks.contains { $0.name == "rls, policies and grants" && $0.status == .pass })
    #expect(report.verdict == .green, "\(report.failures)")
  }

  @Test
  func `RLS disabled on one table turns the verdict red`() async throws {
    let report = try await Self.report(
      after: "ALTER TABLE app.orders DISABLE ROW LEVEL SECURITY", label: "rls disabled")
    #expect(report.verdict == .red)
    #expect(Self.failedSecurity(report) == ["rls enabled: app.orders"])
  }

  @Test
  func `one policy dropped turns the verdict red`() async throws {
    let report = try await Self.report(
      after: "DROP POLICY orders_user_read ON app.orders", label: "policy dropped")
    #expect(report.verdict == .red)
    #expect(Self.failedSecurity(report) == ["policy exists: policy orders_user_read on app.orders"])
  }

  @Test
  func `a grant to anon added turns the verdict red`() async throws {
    let report = try await Self.report(after: "GRANT INSERT ON app.orders TO anon", label: "anon grant")
    #expect(report.verdict == .red)
    #expect(Self.failedSecurity(report) == ["grant: app.orders INSERT TO anon"])
    let check = try #require(report.checks.first { $0.name == "grant" })
    #expect(check.nextStep == "REVOKE INSERT ON \"app\".\"orders\" FROM anon")
  }

  @Test
  func `a default privilege to anon added turns the verdict red`() async throws {
    let report = try await Self.report(
      after: "ALTER DEFAULT PRIVILEGES IN SCHEMA app GRANT DELETE ON TABLES TO anon", label: "anon default")
    #expect(report.verdict == .red)
    #expect(Self.failedSecurity(report).count == 1)
    #expect(Self.failedSecurity(report).first?.hasPrefix("default privilege: FOR ROLE ") == true)
  }

  @Test
  func `a policy compared field by field names what differs`() {
    let chain = CatalogPolicy(
      name: "p", command: "SELECT", roles: ["authenticated"], using: "(user_id = ( SELECT auth.uid() AS uid))"
    )
    var target = chain
    target.using = "true"
    target.roles = ["anon", "authenticated"]
    #expect(
      SecurityChecks.differences(chain, target) == [
        "roles anon, authenticated (chain: authenticated)",
        "USING true (chain: (user_id = ( SELECT auth.uid() AS uid)))",
      ])
  }
}
