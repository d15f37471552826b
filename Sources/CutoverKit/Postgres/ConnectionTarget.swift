import CLibPQ
import Foundation

/// Where to connect: a `postgresql://` URL or a `key=value` conninfo, plus libpq's `PG*` variables.
///
/// The raw string holds the password, so it is private: `description` is the only text form
/// and it is redacted (user, host, port and database only).
public struct ConnectionTarget: Sendable, CustomStringConvertible {
  /// Which database of the cutover this is; `nil` for any other (a scratch database).
  public let side: Side?
  fileprivate let conninfo: String
  /// The parsed keywords, the password among them (kept for scrubbing messages).
  private let options: [String: String]
  /// A database that replaces the string's (`replacingDatabase(with:)`).
  private var databaseOverride: String?

  /// Parses `conninfo` without connecting.
  ///
  /// - Throws: `PostgresError` (`.invalidConnectionString`, exit 2) naming the side and what
  ///   is wrong (an unknown parameter, a value libpq does not accept); the message never
  ///   repeats the string, which may hold a password.
  public init(_ conninfo: String, side: Side? = nil) throws {
    self.side = side
    self.conninfo = conninfo
    let name = side.map { "\($0) connection string" } ?? "connection string"
    func invalid(_ what: String) -> PostgresError {
      PostgresError(
        code: .invalidConnectionString, message: "the \(name) \(what)",
        doing: "parsing the \(name)",
        nextStep:
          "write it as postgresql://USER@HOST:PORT/DATABASE?sslmode=… (password in the URL or PGPASSWORD)"
          + (side.map { " in \($0.option) or \($0.environmentVariable)" } ?? ""))
    }
    // libpq splits a URL's authority at its first `@`: an unencoded `@` in the password
    // would turn the rest of the password into the host name, and print it.
    if let scheme = ["postgresql://", "postgres://"].first(where: { conninfo.hasPrefix($0) }) {
      let authority = conninfo.dropFirst(scheme.count).prefix { $0 != "/" && $0 != "?" }
      if authority.filter({ $0 == "@" }).count > 1 {
        throw invalid(
          "has more than one `@` before the host: an `@` in the user name or password must be written %40")
      }
    }
    var errorMessage: UnsafeMutablePointer<CChar>?
    guard let parsed = PQconninfoParse(conninfo, &errorMessage) else {
      let reason = errorMessage.map { String(cString: $0) } ?? ""
      if let errorMessage { PQfreemem(errorMessage) }
      throw invalid(Self.safeReason(reason) ?? "is neither a postgresql:// URL nor key=value conninfo")
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
    for (keyword, allowed) in Self.enumeratedSettings {
      if let value = options[keyword], !allowed.contains(value) {
        throw invalid(
          "sets \(keyword) to a value libpq does not know (use one of \(allowed.joined(separator: ", ")))")
      }
    }
  }

  /// Settings whose values libpq would only refuse when connecting: a configuration error
  /// (exit 2) found here, not a connection failure (exit 3).
  private static let enumeratedSettings: [(String, [String])] = [
    ("sslmode", ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"]),
    ("gssencmode", ["disable", "prefer", "require"]),
    ("channel_binding", ["disable", "prefer", "require"]),
    ("target_session_attrs", ["any", "read-write", "read-only", "primary", "standby", "prefer-standby"]),
  ]

  /// libpq's parse error when it names only a parameter (never part of a value, which could
  /// be a password): "invalid URI query parameter: \"foo\"", "invalid connection option …".
  private static func safeReason(_ message: String) -> String? {
    let text = message.trimmingCharacters(in: .whitespacesAndNewlines)
    for prefix in ["invalid URI query parameter: ", "invalid connection option "] where text.hasPrefix(prefix)
    {
      let parameter = text.dropFirst(prefix.count)
      guard parameter.count < 64, !parameter.contains("=") else { return nil }
      return "has a parameter libpq does not know: \(parameter)"
    }
    return nil
  }

  /// "the source", "the target", or "the database", for messages.
  public var sideName: String { side.map { "the \($0)" } ?? "the database" }

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
    // A secret of a few characters would be found inside ordinary words and its pattern of
    // stars would give it away; libpq never repeats a password, so only longer ones are
    // worth scrubbing from what a server or proxy might say.
    if let password = options["password"], password.count >= 4 { secrets.append(password) }
    if let password = ProcessInfo.processInfo.environment["PGPASSWORD"], password.count >= 4 {
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
