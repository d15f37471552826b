import Foundation
import Synchronization

/// Progress of an import: tables loaded, rows, bytes, rate and ETA, and the indexes and
/// foreign keys re-created, as the export shows its own.
///
/// Workers report events from their threads; rendered to `sink` (the command line passes
/// standard error) as one redrawn line on a terminal (`.live`), plain lines every few
/// seconds otherwise (`.plain`), or not at all (`.quiet`).
public final class ImportProgress: Sendable {
  private struct State {
    var tables = 0
    var loaded = 0
    var expectedBytes: Int64 = 0
    var rows: Int64 = 0
    var bytes: Int64 = 0
    var objects = 0
    var objectsDone = 0
    var active: [QualifiedName: (rows: Int64, bytes: Int64)] = [:]
    var start = Date()
  }

  private let line: ProgressLine
  private let state = Mutex(State())

  public init(style: ExportProgress.Style, sink: @escaping @Sendable (String) -> Void) {
    line = ProgressLine(stage: "import", style: style, sink: sink)
  }

  func planned(tables: Int, bytes: Int64, objects: Int) {
    state.withLock {
      $0.start = Date()
      $0.tables = tables
      $0.expectedBytes = bytes
      $0.objects = objects
    }
  }

  func started(_ table: QualifiedName) {
    state.withLock { $0.active[table] = (0, 0) }
    draw(force: false)
  }

  func advanced(_ table: QualifiedName, rows: Int64, bytes: Int64) {
    state.withLock {
      $0.rows += rows
      $0.bytes += bytes
      if let current = $0.active[table] { $0.active[table] = (current.rows + rows, current.bytes + bytes) }
    }
    draw(force: false)
  }

  func loaded(_ table: QualifiedName, skipped: Bool = false, bytes: Int64 = 0) {
    state.withLock {
      $0.active[table] = nil
      $0.loaded += 1
      if skipped { $0.expectedBytes -= bytes }
    }
    draw(force: false)
  }

  /// A table's load was rolled back (it starts over on the next run): its bytes no longer count.
  func abandoned(_ table: QualifiedName) {
    state.withLock { state in
      if let current = state.active.removeValue(forKey: table) {
        state.rows -= current.rows
        state.bytes -= current.bytes
      }
    }
  }

  func objectDone() {
    state.withLock { $0.objectsDone += 1 }
    draw(force: false)
  }

  /// Says something the operator must know even when progress is quiet, on its own line.
  func notice(_ text: String) { line.notice(text) }

  /// Draws a last time and ends the live line.
  func end() { line.end(render) }

  private func draw(force: Bool) { line.draw(force: force, render) }

  /// Tables, rows, bytes, rate, ETA and rebuilt objects; the tables loading now.
  private func render() -> (total: String, active: [String]) {
    let now = Date()
    return state.withLock { state in
      let elapsed = max(now.timeIntervalSince(state.start), 0.001)
      let perSecond = Double(state.bytes) / elapsed
      var line =
        "\(state.loaded)/\(state.tables) tables · \(state.rows) rows · \(ByteCount(state.bytes)) · "
        + "\(ByteCount(Int64(perSecond)))/s"
      if state.expectedBytes > state.bytes, perSecond > 0, state.loaded < state.tables {
        let seconds = Int(Double(state.expectedBytes - state.bytes) / perSecond)
        line += " · load ETA \(seconds / 60)m\(String(format: "%02d", seconds % 60))s"
      }
      if state.objects > 0 { line += " · indexes and keys \(state.objectsDone)/\(state.objects)" }
      return (line, state.active.keys.sorted().map { "loading \($0)" })
    }
  }
}
