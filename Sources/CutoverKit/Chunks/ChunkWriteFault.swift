import Foundation
import Synchronization

/// A test hook that makes one chunk write fail as a full disk does (`ENOSPC`).
///
/// Counts the writes of compressed data into chunk files across every writer that shares it;
/// the `failing`th fails before anything is written. Only tests set one
/// (`ExportOptions.writeFault`).
public final class ChunkWriteFault: Sendable {
  private let remaining: Atomic<Int>

  /// - Parameter failing: the 1-based write that fails.
  public init(failing: Int) { remaining = Atomic(failing) }

  /// Throws `ChunkError` `.io` (`ENOSPC`, naming `file`) on the chosen write.
  func check(file: String) throws {
    if remaining.wrappingSubtract(1, ordering: .relaxed).newValue == 0 {
      throw ChunkError.io("writing the chunk", file: file, errno: ENOSPC)
    }
  }
}
