extension StructureChecks {
  /// The target's migration ledger lists every file of the chain, each with the checksum of
  /// the file as it is now; versions the chain lacks are warnings.
  public static func ledger(chain: MigrationChain, state: MigrationLedger.State) -> [ParityCheck] {
    var checks: [ParityCheck] = []
    for file in chain.files {
      let subject = "\(MigrationLedger.schemaMigrations) \(file.fileName)"
      guard state.versions[file.version] != nil else {
        checks.append(
          ParityCheck(
            category: .structure, name: "migration ledger", subject: subject, status: .fail,
            message: "\(file.fileName) is not recorded as applied on the target",
            nextStep: "apply the chain to the target with `cutover migrate` (it resumes)"))
        continue
      }
      guard let recorded = state.checksums[file.version] else {
        checks.append(
          ParityCheck(
            category: .structure, name: "migration ledger", subject: subject, status: .fail,
            message: "\(file.fileName) is applied but \(MigrationLedger.checksums) has no checksum for it",
            nextStep: "the target was not migrated by cutover: migrate a fresh target with `cutover migrate`")
        )
        continue
      }
      if recorded.sha256 != file.sha256 {
        checks.append(
          ParityCheck(
            category: .structure, name: "migration ledger", subject: subject, status: .fail,
            message:
              "\(file.fileName) was applied with SHA-256 \(recorded.sha256); the file in \(chain.path) is now \(file.sha256)",
            nextStep: "restore the file as it was applied, or migrate a fresh target with the chain as it is")
        )
      }
    }
    let known = Set(chain.files.map(\.version))
    for version in state.versions.keys.sorted() where !known.contains(version) {
      checks.append(
        ParityCheck(
          category: .structure, name: "migration ledger",
          subject: "\(MigrationLedger.schemaMigrations) \(version)", status: .warning,
          message: "the target records migration \(version), which \(chain.path) does not hold",
          nextStep: "check that the target was migrated with this chain"))
    }
    if !checks.contains(where: { $0.status == .fail }) {
      checks.append(
        ParityCheck(
          category: .structure, name: "migration ledger", subject: "\(MigrationLedger.schemaMigrations)",
          status: .pass,
          message: "all \(chain.files.count) files of \(chain.path) recorded, each with its file's checksum"))
    }
    return checks
  }
}
