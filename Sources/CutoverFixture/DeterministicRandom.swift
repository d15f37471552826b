/// A SplitMix64 generator: small, fast, and the same on every platform and run.
///
/// The fixture seeds one per (table, column, row), so a value depends only on the seed and
/// where it sits, never on which worker produced it or in which order. Swift's `Hasher` is
/// seeded per process and must not be used for this.
public struct DeterministicRandom: Sendable {
  private var state: UInt64

  /// A generator whose stream is fixed by `seed`.
  public init(seed: UInt64) { state = seed }

  /// A generator for one row of one column: `base` from `columnSeed`, mixed with the row.
  public init(base: UInt64, row: Int) {
    state = Self.mix(base ^ (UInt64(truncatingIfNeeded: row) &* 0x9E37_79B9_7F4A_7C15))
  }

  /// The next 64 random bits.
  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    return Self.mix(state)
  }

  /// A value in `0..<bound` (`bound` > 0); the slight modulo bias does not matter here.
  public mutating func next(below bound: Int) -> Int {
    precondition(bound > 0, "bound must be positive")
    return Int(next() % UInt64(bound))
  }

  /// True with probability `percent`/100.
  public mutating func chance(percent: Int) -> Bool { next(below: 100) < percent }

  /// SplitMix64's finalizer: a bijection on 64-bit values with good avalanche.
  public static func mix(_ value: UInt64) -> UInt64 {
    var z = value
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// FNV-1a of `text`'s UTF-8, a stable hash of names (tables, columns).
  public static func stableHash(_ text: String) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in text.utf8 {
      hash ^= UInt64(byte)
      hash &*= 0x0000_0100_0000_01b3
    }
    return hash
  }

  /// The seed base of one column: the run's seed, the table and the column, mixed.
  public static func columnSeed(seed: UInt64, table: String, column: String) -> UInt64 {
    mix(mix(seed ^ stableHash(table)) ^ stableHash(column))
  }
}
