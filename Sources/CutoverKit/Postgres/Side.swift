/// Which database of the cutover a connection is: the legacy source or the v2 target.
///
/// Decides the words of every message about a connection — the option and environment
/// variable to fix, which command to run next — so no message is built from free text.
public enum Side: String, Sendable, Hashable, Codable, CustomStringConvertible {
  case source
  case target

  /// `--source` / `--target`.
  public var option: String { "--\(rawValue)" }

  /// `SOURCE_DATABASE_URL` / `TARGET_DATABASE_URL`.
  public var environmentVariable: String { "\(rawValue.uppercased())_DATABASE_URL" }

  public var description: String { rawValue }
}
