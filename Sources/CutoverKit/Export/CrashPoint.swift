import Foundation
import Synchronization

/// A test hook: the export kills its own process (`SIGKILL`, no cleanup) at a chosen point, as
/// a crash would.
///
/// Only tests set one (the command line reads `CUTOVER_TEST_CRASH_AT` once: `mid-chunk:N`,
/// `between-chunks:N` or `before-manifest`).
public final class CrashPoint: Sendable {
  public enum Point: Sendable, Equatable {
    /// Once `N` chunks are sealed and the next one has rows written but is not sealed.
    case midChunk(Int)
    /// Right after the `N`th chunk is sealed and renamed.
    case betweenChunks(Int)
    /// After the journal records the finished export, before `manifest.json` is written.
    case beforeManifest
  }

  public let point: Point
  private let sealed = Atomic<Int>(0)

  public init(_ point: Point) { self.point = point }

  /// Parses `mid-chunk:N`, `between-chunks:N` or `before-manifest`.
  public convenience init?(parsing text: String) {
    let parts = text.split(separator: ":")
    switch (parts.first, parts.count > 1 ? Int(parts[1]) : nil) {
    case ("mid-chunk", let n?): self.init(.midChunk(n))
    case ("between-chunks", let n?): self.init(.betweenChunks(n))
    case ("before-manifest", _): self.init(.beforeManifest)
    default: return nil
    }
  }

  func chunkSealed() {
    let count = sealed.wrappingAdd(1, ordering: .relaxed).newValue
    if point == .betweenChunks(count) { crash() }
  }

  func rowsWritten(inOpenChunk rows: Int64) {
    if case .midChunk(let n) = point, rows >= 10, sealed.load(ordering: .relaxed) >= n { crash() }
  }

  func manifestNext() {
    if point == .beforeManifest { crash() }
  }

  private func crash() {
    kill(getpid(), SIGKILL)
  }
}
