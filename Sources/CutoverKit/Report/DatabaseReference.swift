/// A database named without its connection string (which may hold a password).
public struct DatabaseReference: Codable, Sendable, Equatable {
  /// `current_database()`.
  public var database: String
  /// `pg_control_system().system_identifier`; nil when the role may not read it.
  public var systemIdentifier: String?
  /// `server_version`.
  public var serverVersion: String
  /// Host and port as connected (never user or password), for example "db.example.com:5432".
  public var host: String?

  public init(database: String, systemIdentifier: String?, serverVersion: String, host: String? = nil) {
    self.database = database
    self.systemIdentifier = systemIdentifier
    self.serverVersion = serverVersion
    self.host = host
  }
}
