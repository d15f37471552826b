/// Which users the policy-behaviour check looks through (config `[policy_behaviour]`).
///
/// Users are taken from `auth.users`; `stratify` names a column (for example
/// `app.profiles.role`) whose values each get a share of the sample, so a rare role is not
/// left out. Never code: every database's roles differ.
public struct PolicySampleSettings: Sendable, Equatable {
  /// How many users to sample in all.
  public var users: Int
  /// `schema.table.column` to spread the sample across, joined to `auth.users` by `id`
  /// (`stratify_key` names the joining column when it is not the table's primary key).
  public var stratify: String?
  /// The column of the stratify table holding the user id (default: `id`).
  public var stratifyKey: String
  /// Also count what `anon` sees.
  public var includeAnon: Bool
  /// Per-session statement timeout, milliseconds.
  public var statementTimeoutMilliseconds: Int
  /// Rows counted per table: each table's first rows by primary key (0: every row).
  ///
  /// Counting under policies runs them per row, for every subject, on both sides; a bound
  /// keeps the check's cost the same at any data size. Tables without a primary key are
  /// counted whole.
  public var rowsPerTable: Int
  /// The acceptances of deliberate differences, with their reasons.
  public var accepted: [PolicyAcceptance]

  public init(
    users: Int = 5, stratify: String? = nil, stratifyKey: String = "id", includeAnon: Bool = true,
    statementTimeoutMilliseconds: Int = 30_000, rowsPerTable: Int = PolicySampleSettings.defaultRowsPerTable,
    accepted: [PolicyAcceptance] = []
  ) {
    self.users = users
    self.stratify = stratify
    self.stratifyKey = stratifyKey
    self.includeAnon = includeAnon
    self.statementTimeoutMilliseconds = statementTimeoutMilliseconds
    self.rowsPerTable = rowsPerTable
    self.accepted = accepted
  }

  /// A thousand rows: with random keys (UUIDs) a uniform sample in which a policy difference
  /// touching one row in a few hundred shows almost surely; policies that look into other
  /// tables under their own row security cost milliseconds per row (the legacy fixture's
  /// `lesson_media`: 0.7 ms at 8000 lessons), so more rows soon cost more than the copy.
  public static let defaultRowsPerTable = 1_000
}
