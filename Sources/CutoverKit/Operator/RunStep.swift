/// One step of `cutover run`, in the order it runs them.
public enum RunStep: String, Codable, Sendable, CaseIterable, Comparable {
  /// The step-record figure holding the seconds of a step's phases that read all the data
  /// apart from its per-table rates (`EstimateReport` scales them with the data).
  public static let growingSecondsFigure = "growingSeconds"

  case doctor
  case plan
  /// Final mode only: stop application writes on the source before the export.
  case freeze
  case export
  case migrate
  case `import`
  case verify

  /// The steps of a dry run (rehearsal, staging) or, with `final`, of the production run.
  ///
  /// The target is migrated first, outside the write freeze (it needs nothing of the
  /// source); the freeze comes right before the export; the import runs beside the export
  /// (`RunPipeline`), loading each table once the export has sealed it.
  public static func steps(final: Bool) -> [RunStep] {
    final
      ? [.doctor, .plan, .migrate, .freeze, .export, .import, .verify]
      : [.doctor, .plan, .migrate, .export, .import, .verify]
  }

  /// The steps of the production downtime window (freeze → switch): what runs after the
  /// freeze and before `cutover switch`.
  public static let downtime: [RunStep] = [.export, .import, .verify]

  public static func < (lhs: RunStep, rhs: RunStep) -> Bool {
    let order = RunStep.allCases
    return (order.firstIndex(of: lhs) ?? 0) < (order.firstIndex(of: rhs) ?? 0)
  }
}
