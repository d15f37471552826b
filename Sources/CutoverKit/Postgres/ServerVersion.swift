/// The PostgreSQL server versions cutover supports, checked on every connection it relies on.
public struct ServerVersion: Sendable, Equatable, CustomStringConvertible {
  /// `server_version_num`, for example 150018 for 15.18.
  public let number: Int

  public init(number: Int) { self.number = number }

  /// The supported major version: Supabase runs PostgreSQL 15, and the v2 chain, the
  /// catalog queries and `has_parameter_privilege` are written for it.
  public static let supportedMajor = 15

  public var major: Int { number / 10000 }
  public var minor: Int { number % 10000 }

  public var description: String { "\(major).\(minor)" }

  /// Why this version is refused, or `nil` when it is supported.
  public var refusal: String? {
    if number <= 0 { return "the server did not report its version" }
    if number < 100_000 {
      return
        "PostgreSQL \(number / 10000).\((number / 100) % 100) is not supported: cutover needs PostgreSQL \(Self.supportedMajor)"
    }
    guard major == Self.supportedMajor else {
      return "PostgreSQL \(self) is not supported: cutover needs PostgreSQL \(Self.supportedMajor) "
        + "(Supabase's version); upgrade or rehearse on a \(Self.supportedMajor).x server"
    }
    return nil
  }
}
