import CutoverKit
import Foundation

/// Green and red parity reports built by hand, for the renderers' tests.
///
/// The red one carries hostile names (markup, quotes, pipes) and a user's e-mail address in
/// its differing values, so the tests can show both are handled: escaped, and hidden unless
/// the report `showsValues`.
enum ReportSamples {
  /// A table name that is also markup.
  static let scriptName = QualifiedName(schema: "app", name: "<script>alert(1)</script>")
  /// A table name with quotes, an ampersand, a pipe and Markdown emphasis.
  static let quotedName = QualifiedName(schema: "app", name: #"it's "quoted" & | *so* `odd`"#)
  /// A long name, to show that printed tables wrap rather than clip.
  static let longName = QualifiedName(
    schema: "analytics", name: "customer_lifetime_value_snapshots_partitioned_by_region_and_month_2026")
  /// A value that names a person: only a report that `showsValues` may print it.
  static let personalValue = "alice.personal@example.com"

  static let started = Date(timeIntervalSince1970: 1_777_600_000)

  /// A deterministic 64-hex digest for `seed` (distinct per seed, for finding it in output).
  static func digest(_ seed: Int) -> String {
    (0..<8).map {
      String(format: "%08x", UInt32(truncatingIfNeeded: (seed + 1) &* 2_654_435_761 &+ $0 &* 40_503))
    }
    .joined()
  }

  static func base(showsValues: Bool) -> ParityReport {
    ParityReport(
      export: ExportReference(
        manifestSHA256: digest(900), snapshot: "00000003-0000001B-1",
        source: DatabaseReference(
          database: "legacy_prod", systemIdentifier: "7301234567890123456", serverVersion: "15.8",
          host: "db.legacy.example.com:5432"),
        exportStartedAt: started, exportFinishedAt: started.addingTimeInterval(412)),
      target: DatabaseReference(
        database: "v2_prod", systemIdentifier: "7309876543210987654", serverVersion: "15.8",
        host: "db.v2.example.com:5432"),
      inputs: [
        InputChecksum(name: "v2 chain", path: "supabase/migrations_v2", sha256: digest(901)),
        InputChecksum(name: "mappings", path: "mappings", sha256: digest(902)),
      ],
      startedAt: started.addingTimeInterval(3_600), finishedAt: started.addingTimeInterval(3_725),
      showsValues: showsValues,
      notMoved: [
        "storage objects (bucket files)", "pg_cron jobs", "auth.audit_log_entries (skipped by mapping)",
      ],
      phaseSeconds: ["data": 98.5, "structure": 4.25, "security": 2.5, "policy behaviour": 19.75])
  }

  /// A matching table with `rows` rows, its digest seeded by `seed`.
  static func matching(_ name: QualifiedName, rows: Int64, seed: Int) -> TableParity {
    TableParity(
      source: QualifiedName(schema: "public", name: name.name), target: name, status: .match,
      sourceRows: rows,
      targetRows: rows, sourceDigest: digest(seed), targetDigest: digest(seed), algorithm: "sha256",
      bytes: rows * 97, seconds: Double(rows) / 50_000)
  }

  /// Every table, check and policy behaviour passes (one of each accepted with a reason).
  static func green() -> ParityReport {
    var report = base(showsValues: false)
    report.tables = [
      matching(QualifiedName(schema: "app", name: "profiles"), rows: 12_400, seed: 1),
      matching(QualifiedName(schema: "app", name: "orders"), rows: 310_000, seed: 2),
      matching(quotedName, rows: 7, seed: 3),
      matching(longName, rows: 1_250_000, seed: 4),
      TableParity(
        source: QualifiedName(schema: "public", name: "legacy_sessions"),
        target: QualifiedName(schema: "app", name: "sessions"), status: .skipped,
        reason: "mapping skips it: sessions are recreated at login"),
    ]
    report.checks = [
      ParityCheck(
        category: .structure, name: "index exists", subject: "app.orders_customer_idx", status: .pass,
        message: "present on the target"),
      ParityCheck(
        category: .security, name: "rls enabled", subject: "app.profiles", status: .pass,
        message: "enabled on both"),
      ParityCheck(
        category: .security, name: "grant", subject: "app.orders to authenticated", status: .accepted,
        message: "the target grants SELECT only",
        acceptedBecause: "v2 removes direct writes; the API writes orders"),
      ParityCheck(
        category: .coverage, name: "table covered", subject: "public.legacy_sessions", status: .pass,
        message: "skipped with a reason"),
    ]
    report.policyBehaviour = [
      PolicyBehaviourFinding(
        table: QualifiedName(schema: "app", name: "profiles"), subject: "anon", sourceRows: 0, targetRows: 0,
        status: .equal),
      PolicyBehaviourFinding(
        table: QualifiedName(schema: "app", name: "orders"), subject: "user 3f2c9a11 (stratum role=admin)",
        sourceRows: 310, targetRows: 310, status: .equal, note: "of the first 1000 rows by primary key"),
      PolicyBehaviourFinding(
        table: QualifiedName(schema: "app", name: "profiles"), subject: "user 3f2c9a11 (stratum role=admin)",
        sourceRows: 12_400, targetRows: 12_399, status: .accepted,
        acceptedBecause: "v2 hides the service account's own profile"),
    ]
    return report
  }

  /// Two tables differ (one named like a script), one could not be checked, a check fails and
  /// a policy behaviour differs; the rest matches, with row counts that sort differently
  /// from their names.
  static func red(showsValues: Bool = false) -> ParityReport {
    var report = base(showsValues: showsValues)
    let orders = TableParity(
      source: QualifiedName(schema: "public", name: "orders"),
      target: QualifiedName(schema: "app", name: "orders"),
      status: .differs, sourceRows: 310_000, targetRows: 309_998, sourceDigest: digest(10),
      targetDigest: digest(11),
      algorithm: "sha256", bytes: 30_070_000, seconds: 6.2,
      differences: [
        RowDifference(kind: .missing, key: ["id": "1042"]),
        RowDifference(kind: .missing, key: ["id": "1043"]),
        RowDifference(
          kind: .changed, key: ["id": "2001", "tenant": "7"], columns: ["email", "note"],
          sourceValues: ["email": personalValue, "note": "<b>vip</b> | \"x\""],
          targetValues: ["email": "alice@example.com", "note": nil]),
        RowDifference(kind: .extra, key: ["id": "<img src=x onerror=alert(2)>"]),
      ], differencesTruncated: true)
    let script = TableParity(
      source: QualifiedName(schema: "public", name: scriptName.name), target: scriptName, status: .differs,
      sourceRows: 40, targetRows: 41, sourceDigest: digest(12), targetDigest: digest(13), algorithm: "sha256",
      bytes: 4_000, seconds: 0.02, differences: [RowDifference(kind: .extra, key: ["id": "41"])])
    let unchecked = TableParity(
      source: QualifiedName(schema: "public", name: "events"),
      target: QualifiedName(schema: "app", name: "events"),
      status: .notChecked, sourceRows: 2_000_000, targetDigest: digest(14), algorithm: "sha256",
      bytes: 190_000_000,
      seconds: 31.5, reason: "the export has no source digest for this table; re-export with this cutover")
    report.tables = [
      matching(QualifiedName(schema: "app", name: "accounts"), rows: 900, seed: 20),
      orders,
      matching(quotedName, rows: 7, seed: 21),
      script,
      matching(QualifiedName(schema: "app", name: "invoices"), rows: 88_000, seed: 22),
      unchecked,
      matching(longName, rows: 1_250_000, seed: 23),
      TableParity(
        source: QualifiedName(schema: "public", name: "legacy_sessions"),
        target: QualifiedName(schema: "app", name: "sessions"), status: .skipped,
        reason: "mapping skips it: sessions are recreated at login"),
      matching(QualifiedName(schema: "app", name: "zones"), rows: 12, seed: 24),
    ]
    report.checks =
      green().checks + [
        ParityCheck(
          category: .structure, name: "foreign key valid", subject: "app.orders_account_fk", status: .fail,
          message: "2 rows of app.orders name an account that does not exist",
          nextStep: "load app.accounts fully, then run verify again"),
        ParityCheck(
          category: .security, name: "policy", subject: "policy <em>p</em> on \(scriptName)",
          status: .warning,
          message: "the target's policy text differs only in whitespace"),
      ]
    report.policyBehaviour =
      green().policyBehaviour + [
        PolicyBehaviourFinding(
          table: QualifiedName(schema: "app", name: "invoices"),
          subject: "user 9b7e0d42 (stratum role=member)",
          sourceRows: 14, targetRows: 88_000, status: .differs)
      ]
    return report
  }
}
