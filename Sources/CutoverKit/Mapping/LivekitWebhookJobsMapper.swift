/// `app.livekit_webhook_jobs`: a status outside v2's check becomes `failed`, and the old
/// status is kept in `last_error` (`supabase/migrations_v2/README.md`).
///
/// Why Swift: `last_error`'s value depends on `status` — a declaration maps columns one by
/// one. Works on the resolved mapping, so it reads `error` or `last_error` (either shape).
/// The backend writes exactly `pending`, `processing`, `failed` (`backend_contracts.md`);
/// older code left `done`/`completed` and the like, which the workers' queries ignore.
public struct LivekitWebhookJobsMapper: SwiftRowMapper {
  /// The statuses v2's `livekit_webhook_jobs_status_check` allows.
  public static let statuses: Set<String> = ["pending", "processing", "failed"]

  private let status: Int
  private let error: Int
  private let statusSource: String
  private let errorSource: String

  public init?(mapping: TableMapping) {
    guard let status = mapping.sourceIndex(feeding: "status"),
      let error = mapping.sourceIndex(feeding: "last_error")
    else { return nil }
    self.status = status
    self.error = error
    statusSource = QualifiedName.quote(mapping.sourceColumns[status])
    errorSource = QualifiedName.quote(mapping.sourceColumns[error])
  }

  public var computedColumns: [String] { ["status", "last_error"] }

  public var sourceExpressions: [String] {
    let allowed = Self.statuses.sorted().map(SQLText.literal).joined(separator: ", ")
    let kept = "\(statusSource) IS NULL OR \(statusSource)::text IN (\(allowed))"
    return [
      "CASE WHEN \(kept) THEN \(statusSource)::text ELSE 'failed' END",
      "CASE WHEN \(kept) THEN \(errorSource)::text"
        + " ELSE 'legacy status ' || \(statusSource)::text || coalesce(': ' || \(errorSource)::text, '') END",
    ]
  }

  public func values(for row: CopyRowBuffer, into values: inout [String?]) {
    let status = row.text(self.status)
    let error = row.text(self.error)
    if let status, !Self.statuses.contains(status) {
      values[0] = "failed"
      values[1] = "legacy status \(status)" + (error.map { ": \($0)" } ?? "")
    } else {
      values[0] = status
      values[1] = error
    }
  }
}
