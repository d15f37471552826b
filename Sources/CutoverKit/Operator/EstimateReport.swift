import Foundation

/// `cutover plan --estimate`: each step's time and the production downtime window predicted
/// from the latest run's recorded rates, scaled by the source's size now.
///
/// Per step: tables' recorded seconds are scaled by their size ratio (`EstimateSourceSize`),
/// the part of the step's wall time its tables' work explains (their seconds over the jobs)
/// scales by the time-weighted ratio, the rest (connections, catalog reads, index builds of
/// empty tables) stays as it was — except whole-data phases a step records apart
/// (`RunStep.growingSecondsFigure`: the export's digests and policy sample, verify's policy
/// counts), which scale by the same ratio. Steps without per-table rates (doctor, plan, migrate) are
/// predicted at their recorded time. The downtime window is freeze → switch: export, import
/// and verify of a final run, the time the import ran beside the export counted once (that
/// overlap scaled as the export).
public struct EstimateReport: Codable, Sendable {
  public struct Step: Codable, Sendable {
    public var step: RunStep
    public var recordedSeconds: Double
    public var predictedSeconds: Double
    /// The size ratio its tables were scaled by (1 for fixed-cost steps).
    public var scale: Double
    public var note: String?
  }

  /// The run the rates come from.
  public var run: String
  public var directory: String
  public var steps: [Step]
  /// Export + import + verify, less their overlap: the source is frozen this long in production.
  public var downtimeSeconds: Double
  /// The predicted time the import runs beside the export (counted once in the window).
  public var overlapSeconds: Double?
  public var notes: [String]

  /// Builds the estimate from the latest run in `directory` and the source's sizes now.
  /// - Throws: `RunError` (`.usage`) when the directory holds no run with recorded steps.
  public static func make(directory: URL, sizesNow: [String: EstimateSourceSize]) throws -> EstimateReport {
    let state = try RunJournalState(directory: directory)
    guard let started = state.started, !state.finished.isEmpty else {
      throw RunError(
        .usage, "\(directory.path) holds no run to estimate from",
        nextStep:
          "rehearse first (`cutover run --export-dir \(directory.path)`), then `cutover plan --estimate`")
    }
    var steps: [Step] = []
    var notes: [String] = []
    for step in started.steps {
      guard let record = state.finished[step], record.outcome != "failed" else { continue }
      let wall = record.seconds
      let jobs = max(1, record.figures["jobs"] ?? 1)
      let busy = record.rates.reduce(0) { $0 + $1.seconds }
      guard !record.rates.isEmpty, busy > 0 else {
        steps.append(
          Step(step: step, recordedSeconds: wall, predictedSeconds: wall, scale: 1, note: "fixed cost"))
        continue
      }
      var scaled = 0.0
      for rate in record.rates {
        let names = rate.table.split(separator: ",").map(String.init)
        let then = EstimateSourceSize(bytes: rate.sourceBytes ?? 0, tuples: rate.sourceTuples ?? -1)
        let nowParts = names.compactMap { sizesNow[$0] }
        let now = EstimateSourceSize(
          bytes: nowParts.reduce(0) { $0 + $1.bytes },
          tuples: nowParts.allSatisfy { $0.tuples >= 0 } ? nowParts.reduce(0) { $0 + $1.tuples } : -1)
        scaled += rate.seconds * (nowParts.isEmpty ? 0 : then.ratio(to: now))
      }
      let ratio = scaled / busy
      // Besides its tables' own seconds, a step's whole-data phases (the export's digests and
      // policy sample, verify's policy counts) grow with the data too, by the same ratio.
      let growing = record.figures[RunStep.growingSecondsFigure] ?? 0
      let variable = min(1, (busy / jobs + growing) / max(wall, 0.001))
      let predicted = wall * ((1 - variable) + variable * ratio)
      steps.append(
        Step(step: step, recordedSeconds: wall, predictedSeconds: predicted, scale: ratio, note: nil))
    }
    if state.finished[.verify]?.outcome == "placeholder" {
      notes.append(
        "verify was a placeholder in that run (not built): its time is not known and the window lacks it")
    }
    let exported = Set((state.finished[.export]?.rates ?? []).map(\.table))
    let added = sizesNow.keys.filter { !exported.contains($0) && (sizesNow[$0]?.bytes ?? 0) > 64 << 10 }
    if !added.isEmpty && state.finished[.export] != nil {
      notes.append(
        "\(added.count) source table(s) larger than 64 KiB were not in that run's export (not counted): \(added.sorted().prefix(5).joined(separator: ", "))"
      )
    }
    // The import loads beside the export (`RunPipeline`): their common time runs once.
    var overlap = 0.0
    if let export = state.finished[.export], let load = state.finished[.import],
      let predicted = steps.first(where: { $0.step == .export }), export.seconds > 0
    {
      let recorded = max(
        0, min(export.finishedAt, load.finishedAt).timeIntervalSince(max(export.startedAt, load.startedAt)))
      let importPredicted = steps.first { $0.step == .import }?.predictedSeconds ?? 0
      overlap = min(
        recorded * predicted.predictedSeconds / export.seconds, predicted.predictedSeconds, importPredicted)
    }
    let downtime =
      steps.filter { RunStep.downtime.contains($0.step) }.reduce(0) { $0 + $1.predictedSeconds } - overlap
    return EstimateReport(
      run: started.run, directory: directory.path, steps: steps, downtimeSeconds: downtime,
      overlapSeconds: overlap, notes: notes)
  }

  /// The estimate in words.
  public var text: String {
    var lines = ["estimate from run \(run) in \(directory), scaled by the source's size now:"]
    for step in steps {
      lines.append(
        "  \(step.step.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \(Self.duration(step.predictedSeconds).padding(toLength: 10, withPad: " ", startingAt: 0)) (was \(Self.duration(step.recordedSeconds)), ×\(String(format: "%.2f", step.scale)))\(step.note.map { " \($0)" } ?? "")"
      )
    }
    lines.append(
      "production downtime window (freeze → switch: export, import, verify): \(Self.duration(downtimeSeconds))"
        + ((overlapSeconds ?? 0) > 0
          ? " (the \(Self.duration(overlapSeconds ?? 0)) the import runs beside the export counted once)"
          : "")
    )
    lines += notes.map { "note: \($0)" }
    return lines.joined(separator: "\n")
  }

  static func duration(_ seconds: Double) -> String {
    if seconds < 120 { return String(format: "%.1f s", seconds) }
    let minutes = Int(seconds / 60)
    return minutes < 120 ? "\(minutes) min \(Int(seconds) % 60) s" : "\(minutes / 60) h \(minutes % 60) min"
  }
}
