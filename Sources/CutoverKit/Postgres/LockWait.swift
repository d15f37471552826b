import Foundation

/// Waiting on a lock another session holds or queues for, without queueing behind it: the
/// lock is tried at once, and while it cannot be taken the sessions in the way are named (on
/// the first miss, and in the refusal), up to `seconds`.
struct LockWait {
  var seconds: Double
  /// A stop asked meanwhile (Ctrl-C, another worker's failure) ends the wait at once.
  var stopped: () -> Bool = { false }

  /// Retries `take` every 250 ms until it returns true.
  ///
  /// `sessions` says who is in the way, `waiting` hears it once, `refused` makes the error
  /// thrown when the time is up.
  func run(
    take: () throws -> Bool, sessions: () throws -> String, waiting: (String) -> Void,
    refused: (String) -> any Error
  ) throws {
    let began = Date()
    var told = false
    while try !take() {
      let who = try sessions()
      guard Date().timeIntervalSince(began) < seconds, !stopped() else { throw refused(who) }
      if !told {
        waiting(who)
        told = true
      }
      usleep(250_000)
    }
  }

  /// The sessions whose `pg_locks` rows (`l`) match `condition`, as
  /// `pid 123 (application, state since 12:00:01)[ for table]`, comma-separated.
  ///
  /// `fallback` when none does (the session has just let go). A session not yet granted its
  /// lock is `waiting`.
  static func sessions(
    where condition: String, _ parameters: [String?] = [], fallback: String, on connection: PGConnection,
    doing: String
  ) throws -> String {
    try connection.execute(
      """
      SELECT coalesce(string_agg(DISTINCT format('pid %s (%s, %s since %s)', a.pid,
          coalesce(nullif(a.application_name, ''), a.usename), CASE WHEN l.granted THEN a.state ELSE 'waiting' END,
          to_char(a.state_change, 'HH24:MI:SS'))
        || CASE WHEN l.locktype = 'relation' THEN ' for ' || l.relation::regclass::text ELSE '' END, ', '),
        $\(parameters.count + 1)) AS who
      FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE \(condition)
      """, parameters + [fallback], doing: doing
    ).one().string("who")
  }
}
