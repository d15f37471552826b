import Foundation

/// What `MigrationRunner.apply` did with each file, in the order it went through them.
///
/// Encoded as `cutover migrate --json` prints it.
public struct MigrationOutcome: Sendable, Codable {
  /// What happened to one file.
  public enum Status: String, Sendable, Codable {
    /// Ran in its own transaction, recorded in the same transaction.
    case applied
    /// Already recorded in the ledger with the same SHA-256: not run again.
    case skipped
    /// Needed no transaction: each statement ran alone (autocommit), then it was recorded.
    case ranOutsideTransaction
    /// Dry run: not run (it cannot run inside the dry run's transaction, or follows one that
    /// could not).
    case notTried
  }

  /// One file's result.
  public struct File: Sendable, Codable, Hashable {
    /// `stand-in` for `supabase/local`, else the chain directory's name (`migrations_v2`).
    public var chain: String
    /// The file name, `0003_tables_extended.sql`.
    public var file: String
    public var version: String
    public var name: String
    public var sha256: String
    public var status: Status
    /// Why it was skipped, ran outside a transaction or was not tried.
    public var reason: String?
    /// Wall time spent on it, in seconds.
    public var seconds: Double

    public init(
      chain: String, file: String, version: String, name: String, sha256: String,
      status: Status, reason: String? = nil, seconds: Double = 0
    ) {
      self.chain = chain
      self.file = file
      self.version = version
      self.name = name
      self.sha256 = sha256
      self.status = status
      self.reason = reason
      self.seconds = seconds
    }

    /// `0003_tables_extended.sql  applied  0.12 s`, and the reason when there is one.
    public var line: String {
      let label: String
      switch status {
      case .applied: label = "applied"
      case .skipped: label = "skipped"
      case .ranOutsideTransaction: label = "applied outside a transaction"
      case .notTried: label = "not tried"
      }
      var text = "\(chain)/\(file)  \(label)  \(String(format: "%.2f s", seconds))"
      if let reason { text += "  (\(reason))" }
      return text
    }
  }

  /// The redacted target (`user@host:port/database`).
  public var target: String
  /// Whether everything was rolled back.
  public var dryRun: Bool
  public var files: [File]
  /// Wall time of the whole run, in seconds.
  public var seconds: Double

  public init(target: String, dryRun: Bool, files: [File], seconds: Double) {
    self.target = target
    self.dryRun = dryRun
    self.files = files
    self.seconds = seconds
  }

  /// The files with a given status.
  public func files(_ status: Status) -> [File] { files.filter { $0.status == status } }

  /// The summary `cutover migrate` prints on stdout.
  public var text: String {
    let applied = files(.applied).count + files(.ranOutsideTransaction).count
    var lines: [String] = []
    if dryRun {
      lines.append(
        "dry run on \(target): \(files(.applied).count) file(s) ran and were rolled back, "
          + "\(files(.skipped).count) already applied, \(files(.notTried).count) not tried "
          + "(\(String(format: "%.2f s", seconds))); nothing was changed")
    } else {
      lines.append(
        "migrated \(target): \(applied) file(s) applied, \(files(.skipped).count) already applied "
          + "(\(String(format: "%.2f s", seconds)))")
    }
    for file in files(.ranOutsideTransaction) {
      lines.append("  ran outside a transaction: \(file.chain)/\(file.file) (\(file.reason ?? ""))")
    }
    for file in files(.notTried) {
      lines.append("  not tried: \(file.chain)/\(file.file) (\(file.reason ?? ""))")
    }
    return lines.joined(separator: "\n")
  }
}
