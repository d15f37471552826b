import Foundation

/// The run facts both renderings list: source, target, snapshot, times, versions, checksums.
struct ReportFacts {
  struct Fact {
    var name: String
    var value: String
  }

  var report: ParityReport
  var reportSHA256: String?

  var rows: [Fact] {
    var facts = [
      Fact(name: "Source", value: Self.describe(report.export.source)),
      Fact(name: "Target", value: Self.describe(report.target)),
      Fact(name: "Snapshot", value: report.export.snapshot),
      Fact(name: "Export started", value: ReportText.date(report.export.exportStartedAt)),
      Fact(
        name: "Export finished", value: report.export.exportFinishedAt.map(ReportText.date) ?? "not recorded"),
      Fact(name: "Verify started", value: ReportText.date(report.startedAt)),
      Fact(
        name: "Verify finished",
        value: ReportText.date(report.finishedAt) + " ("
          + ReportText.seconds(report.finishedAt.timeIntervalSince(report.startedAt)) + ")"),
      Fact(name: "cutover version", value: report.cutoverVersion),
      Fact(name: "Report version", value: String(report.version)),
      Fact(name: "Values shown", value: report.showsValues ? "yes (--show-values)" : "no"),
      Fact(name: "manifest.json SHA-256", value: report.export.manifestSHA256),
    ]
    for input in report.inputs {
      facts.append(Fact(name: "\(input.name) SHA-256", value: "\(input.sha256) (\(input.path))"))
    }
    for (phase, seconds) in report.phaseSeconds.sorted(by: { $0.key < $1.key }) {
      facts.append(Fact(name: "Time: \(phase)", value: ReportText.seconds(seconds)))
    }
    if let reportSHA256 {
      facts.append(Fact(name: "report.json SHA-256", value: reportSHA256))
    }
    return facts
  }

  /// "db on host:5432, PostgreSQL 15.8, system 7301…".
  static func describe(_ database: DatabaseReference) -> String {
    var text = database.database
    if let host = database.host { text += " on \(host)" }
    text += ", PostgreSQL \(database.serverVersion)"
    if let system = database.systemIdentifier { text += ", system identifier \(system)" }
    return text
  }
}
