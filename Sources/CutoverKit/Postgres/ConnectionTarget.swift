import CLibPQ
import Foundation

/// Where to connect: a `postgresql://` URL or a `key=value` conninfo, plus libpq's `PG*` variables.
///
/// The raw string holds the password, so it is private: `description` is the only text form
/// and it is redacted (user, host, port and database only).
public struct ConnectionTarget: Sendable, CustomStringConvertible {
  /// What the target is for, used in messages ("source", "target").
  public let role: String
  fileprivate let conninfo: String
  /// The parsed keywords, the password among them (kept for scrubbing messages).
  private let options: [String: String]
  /// A database that replaces the string's (`replacingDatabase(with:)`).
  private var databaseOverride: String?

  /// Parses `conninfo` without connecting.
  ///
  /// - Throws: `PostgresError` (`.invalidConnectionString`) naming `role`; the message never
  ///   repeats the string, which may hold a password.
  public init(_ conninfo: String, role: String = "database") throws {
    self.role = role
    self.conninfo = conninfo
    var errorMessage: UnsafeMutablePointer<CChar>?
    guard let parsed = PQconninfoParse(conninfo, &errorMessage) else {
      defer { if let errorMessage { PQfreemem(errorMessage) } }
      throw PostgresError(
        code: .invalidConnectionString,
        message: "the \(role) connection string is neither a postgresql:// URL nor key=value conninfo",
        hint:
          "write it as postgresql://USER@HOST:PORT/DATABASE?sslmode=… (password through the URL or PGPASSWORD)",
        doing: "parsing the \(role) connection string")
    }
    defer { PQconninfoFree(parsed) }
    var options: [String: String] = [:]
    var option = parsed
    while let keyword = option.pointee.keyword {
      if let value = option.pointee.val {
        options[String(cString: keyword)] = String(cString: value)
      }
      option = option.advanced(by: 1)
    }
    self.options = options
  }

  /// A keyword's value as written in the string, or the `PG*` variable libpq would use.
  func setting(_ keyword: String, environmentVariable: String) -> String? {
    options[keyword] ?? ProcessInfo.processInfo.environment[environmentVariable]
  }

  /// The database name this target connects to (libpq's default is the user name).
  public var database: String? {
    databaseOverride ?? setting("dbname", environmentVariable: "PGDATABASE") ?? user
  }

  /// The same server and credentials, connecting to database `name` (a scratch database).
  public func replacingDatabase(with name: String) -> ConnectionTarget {
    var copy = self
    copy.databaseOverride = name
    return copy
  }

  /// The user name, when the string or the environment names one.
  public var user: String? { setting("user", environmentVariable: "PGUSER") }

  /// The port, when given.
  public var port: String? { setting("port", environmentVariable: "PGPORT") }

  /// The host, or the socket directory.
  public var host: String? { setting("host", environmentVariable: "PGHOST") ?? options["hostaddr"] }

  /// `user@host:port/database`, with no password: the only text form of a target.
  public var description: String {
    var text = ""
    if let user { text += "\(user)@" }
    text += host ?? "localhost"
    if let port { text += ":\(port)" }
    text += "/\(database ?? "?")"
    if let sslmode = options["sslmode"] { text += "?sslmode=\(sslmode)" }
    return text
  }

  /// Removes every secret this target knows of from `text`.
  ///
  /// libpq's messages do not repeat the password, but a server or a proxy might; scrubbing
  /// here makes that impossible to leak by accident.
  public func redact(_ text: String) -> String {
    var secrets: [String] = []
    if let password = options["password"], !password.isEmpty { secrets.append(password) }
    if let password = ProcessInfo.processInfo.environment["PGPASSWORD"], !password.isEmpty {
      secrets.append(password)
    }
    if conninfo.count > 8 { secrets.append(conninfo) }
    var redacted = text
    for secret in secrets.sorted(by: { $0.count > $1.count }) {
      redacted = redacted.replacingOccurrences(of: secret, with: "********")
      if let encoded = secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics),
        encoded != secret
      {
        redacted = redacted.replacingOccurrences(of: encoded, with: "********")
      }
    }
    return redacted
  }

  /// Calls `body` with libpq's keyword/value arrays, the string as an expandable `dbname`.
  ///
  /// Defaults come first so that anything the string says wins (`PQconnectdbParams`
  /// processes keywords in order).
  func withConnectParameters<T>(
    applicationName: String,
    _ body: (UnsafePointer<UnsafePointer<CChar>?>, UnsafePointer<UnsafePointer<CChar>?>) -> T
  ) -> T {
    var pairs: [(String, String)] = [("application_name", applicationName)]
    if options["connect_timeout"] == nil,
      ProcessInfo.processInfo.environment["PGCONNECT_TIMEOUT"] == nil
    {
      pairs.append(("connect_timeout", "10"))
    }
    pairs.append(("dbname", conninfo))
    // Only the first dbname is expanded as a connection string; a later one is a plain name.
    if let databaseOverride { pairs.append(("dbname", databaseOverride)) }
    let keywords = pairs.map { strdup($0.0) }
    let values = pairs.map { strdup($0.1) }
    defer {
      keywords.forEach { free($0) }
      values.forEach { free($0) }
    }
    let keywordPointers = keywords.map { UnsafePointer($0) } + [nil]
    let valuePointers = values.map { UnsafePointer($0) } + [nil]
    return keywordPointers.withUnsafeBufferPointer { k in
      valuePointers.withUnsafeBufferPointer { v in
        body(k.baseAddress.unsafelyUnwrapped, v.baseAddress.unsafelyUnwrapped)
      }
    }
  }
}
