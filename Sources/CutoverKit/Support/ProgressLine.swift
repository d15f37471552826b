import Foundation
import Synchronization

/// A long stage's progress on the operator's screen: when to draw, the redrawn live line and
/// how it ends, plain lines for logs, and notices.
///
/// Shared by export and import, which only say what their line holds (`render`). On a
/// terminal (`.live`) one line is redrawn with `\r` at most five times a second; otherwise
/// (`.plain`) lines are written every few seconds, each prefixed with the stage's name.
final class ProgressLine: Sendable {
  private let stage: String
  private let style: ExportProgress.Style
  private let sink: @Sendable (String) -> Void
  private let pacing = Mutex((lastDraw: Date.distantPast, drewLive: false))

  init(stage: String, style: ExportProgress.Style, sink: @escaping @Sendable (String) -> Void) {
    self.stage = stage
    self.style = style
    self.sink = sink
  }

  /// Draws when due (or `force`d): `render` gives the total and the active items.
  func draw(force: Bool, _ render: () -> (total: String, active: [String])) {
    let now = Date()
    let text: String? = pacing.withLock { pacing in
      let interval: Double
      switch style {
      case .quiet: return nil
      case .live: interval = 0.2
      case .plain(let every): interval = every
      }
      guard force || now.timeIntervalSince(pacing.lastDraw) >= interval else { return nil }
      pacing.lastDraw = now
      let lines = render()
      if case .live(let width) = style {
        pacing.drewLive = true
        let line = ([lines.total] + lines.active).joined(separator: " │ ")
        return "\r\u{1B}[K" + String(line.prefix(max(width - 1, 20)))
      }
      return (lines.active + [lines.total]).map { "\(stage): \($0)" }.joined(separator: "\n") + "\n"
    }
    if let text { sink(text) }
  }

  /// Says something the operator must know even when progress is quiet, as its own line
  /// (ending a live line first).
  func notice(_ text: String) {
    let endLive = pacing.withLock { pacing -> Bool in
      defer { pacing.drewLive = false }
      return pacing.drewLive
    }
    if case .live = style, endLive { sink("\n") }
    sink("\(stage): \(text)\n")
  }

  /// Draws a last time and ends the live line.
  func end(_ render: () -> (total: String, active: [String])) {
    draw(force: true, render)
    if case .live = style, pacing.withLock({ $0.drewLive }) { sink("\n") }
  }
}
