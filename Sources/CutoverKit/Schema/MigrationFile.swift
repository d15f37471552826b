import Crypto
import Foundation

/// One `.sql` file of a migration chain: its identity, checksum and statements.
///
/// For `0003_tables_extended.sql` the version is `0003` (the digits before the first `_`)
/// and the name `tables_extended` (the rest without `.sql`), as the Supabase CLI reads them.
public struct MigrationFile: Sendable, Hashable {
  /// Where the file was read from.
  public var url: URL
  /// The path as the operator gave it (`supabase/migrations_v2/0003_tables_extended.sql`).
  public var path: String
  /// The file name, `0003_tables_extended.sql`.
  public var fileName: String
  /// The digits before the first `_`: the key of `supabase_migrations.schema_migrations`.
  public var version: String
  /// The rest of the file name without `.sql`.
  public var name: String
  /// The SHA-256 of the file's bytes, lowercase hex.
  public var sha256: String
  /// The statements in order, as recorded in the ledger.
  public var statements: [MigrationStatement]
  /// Why the file must run outside a transaction (each statement alone, autocommit), with
  /// the line of each statement that needs it; empty when it runs in one transaction.
  public var noTransactionReasons: [String]

  /// Whether the file must run outside a transaction block.
  public var needsNoTransaction: Bool { !noTransactionReasons.isEmpty }

  /// Reads and parses a file.
  ///
  /// - Parameter path: how to show the file in messages; defaults to the URL's path.
  /// - Throws: `MigrationError` when the name has no version (`.badFileName`, exit 2), the
  ///   file cannot be read (`.unreadableFile`, exit 3) or is not UTF-8 (`.notUTF8`, exit 2).
  public init(url: URL, path: String? = nil) throws {
    let fileName = url.lastPathComponent
    let path = path ?? url.path
    guard let parsed = Self.parseName(fileName) else {
      throw MigrationError(
        code: .badFileName, message: "the file name has no version: expected DIGITS_name.sql",
        file: path,
        nextStep: "rename it like 0010_add_column.sql (the digits are the version the ledger records)")
    }
    let data: Data
    do {
      data = try Data(contentsOf: url)
    } catch {
      throw MigrationError(
        code: .unreadableFile, message: "cannot read the file: \(error.localizedDescription)",
        file: path, nextStep: "check that it exists and is readable")
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw MigrationError(
        code: .notUTF8, message: "the file is not valid UTF-8", file: path,
        nextStep: "save it as UTF-8")
    }
    self.init(
      url: url, path: path, version: parsed.version, name: parsed.name,
      sha256: Self.sha256(of: data), text: text)
  }

  /// Builds a file from text already read (tests, generated chains).
  public init(url: URL, path: String, version: String, name: String, sha256: String, text: String) {
    self.url = url
    self.path = path
    self.fileName = url.lastPathComponent
    self.version = version
    self.name = name
    self.sha256 = sha256
    self.statements = MigrationStatementSplitter.split(text)
    self.noTransactionReasons = statements.compactMap { statement in
      Self.noTransactionReason(for: statement.skeleton).map { "\($0) (line \(statement.codeLine))" }
    }
  }

  /// `0003_tables_extended.sql` → (`0003`, `tables_extended`); nil without leading digits, an `_`
  /// after them, or the `.sql` suffix.
  ///
  /// As the CLI's pattern `^([0-9]+)_(.*)\.sql$`.
  public static func parseName(_ fileName: String) -> (version: String, name: String)? {
    guard fileName.hasSuffix(".sql"), let underscore = fileName.firstIndex(of: "_") else {
      return nil
    }
    let version = fileName[..<underscore]
    guard !version.isEmpty, version.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
    let name = fileName[fileName.index(after: underscore)...].dropLast(4)
    return (String(version), String(name))
  }

  /// The lowercase hex SHA-256 of `data`.
  public static func sha256(of data: Data) -> String {
    SHA256.hash(data: data).map { byte in
      let hex = String(byte, radix: 16)
      return byte < 16 ? "0" + hex : hex
    }.joined()
  }

  /// Why a statement cannot run inside a transaction block, or nil.
  ///
  /// Looks at the statement's skeleton (comments removed, strings and bodies blanked, upper
  /// case), so a keyword inside a string or a function body does not count.
  /// `ALTER TYPE … ADD VALUE` may run in a transaction since PostgreSQL 12, but the new
  /// label cannot be used before that transaction commits, so such a file runs statement
  /// by statement. A file with its own `BEGIN`/`COMMIT` controls its transactions itself.
  public static func noTransactionReason(for skeleton: String) -> String? {
    let words = skeleton.split(separator: " ").map(String.init)
    func starts(with prefix: String...) -> Bool {
      words.count >= prefix.count && Array(words.prefix(prefix.count)) == prefix
    }
    if starts(with: "ALTER", "TYPE"), skeleton.contains(" ADD VALUE ") { return "ALTER TYPE … ADD VALUE" }
    if starts(with: "CREATE", "INDEX", "CONCURRENTLY")
      || starts(with: "CREATE", "UNIQUE", "INDEX", "CONCURRENTLY")
    {
      return "CREATE INDEX CONCURRENTLY"
    }
    if starts(with: "DROP", "INDEX", "CONCURRENTLY") { return "DROP INDEX CONCURRENTLY" }
    if starts(with: "REINDEX"), words.contains("CONCURRENTLY") { return "REINDEX … CONCURRENTLY" }
    if starts(with: "VACUUM") { return "VACUUM" }
    if starts(with: "CREATE", "DATABASE") { return "CREATE DATABASE" }
    if starts(with: "DROP", "DATABASE") { return "DROP DATABASE" }
    if starts(with: "ALTER", "SYSTEM") { return "ALTER SYSTEM" }
    if starts(with: "CREATE", "TABLESPACE") || starts(with: "DROP", "TABLESPACE") {
      return "\(words[0]) TABLESPACE"
    }
    if let first = words.first,
      ["BEGIN", "COMMIT", "END", "ROLLBACK", "ABORT"].contains(first)
        || starts(with: "START", "TRANSACTION")
    {
      return "its own transaction control (\(first))"
    }
    return nil
  }
}
