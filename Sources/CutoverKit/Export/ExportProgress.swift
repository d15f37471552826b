import Foundation
import Synchronization

/// Progress of an export: rows, bytes, rate and ETA per table and in total.
///
/// Workers report events from their threads; the reporter renders them to `sink` (the
/// command line passes standard error): `.live` redraws one line with `\r` (on a
/// terminal), `.plain` writes lines every few seconds (logs, CI), `.quiet` nothing.
public final class ExportProgress: Sendable {
  /// How progress is shown.
  public enum Style: Sendable {
    /// One line redrawn in place, at most `width` characters.
    case live(width: Int)
    /// Plain lines every `interval` seconds.
    case plain(interval: Double)
    /// Nothing.
    case quiet
  }

  private struct TableState {
    var estimatedRows: Int64
    var rows: Int64 = 0
    var bytes: Int64 = 0
    var started: Date?
    var finished: Date?
  }

  private struct State {
    var tables: [QualifiedName: TableState] = [:]
    var order: [QualifiedName] = []
    var start = Date()
  }

  private let line: ProgressLine
  private let state = Mutex(State())

  public init(style: Style, sink: @escaping @Sendable (String) -> Void) {
    line = ProgressLine(stage: "export", style: style, sink: sink)
  }

  /// `.live` when standard error is a terminal (and `TERM` is not `dumb`), else `.plain`.
  public static func style(forTerminalOn fd: Int32 = 2) -> Style {
    let term = ProcessInfo.processInfo.environment["TERM"] ?? ""
    guard isatty(fd) == 1, term != "dumb", !term.isEmpty else { return .plain(interval: 5) }
    var size = winsize()
    let width = ioctl(fd, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 20 ? Int(size.ws_col) : 100
    return .live(width: width)
  }

  func planned(_ plans: [TablePlan]) {
    state.withLock { state in
      state.start = Date()
      state.order = plans.map(\.name)
      for plan in plans { state.tables[plan.name] = TableState(estimatedRows: plan.estimatedRows) }
    }
  }

  func started(_ table: QualifiedName) {
    state.withLock { $0.tables[table]?.started = Date() }
    draw(force: false)
  }

  func advanced(_ table: QualifiedName, rows: Int64, bytes: Int64) {
    state.withLock {
      $0.tables[table]?.rows += rows
      $0.tables[table]?.bytes += bytes
    }
    draw(force: false)
  }

  func finished(_ table: QualifiedName) {
    state.withLock { $0.tables[table]?.finished = Date() }
    draw(force: false)
  }

  /// Says something the operator must know even when progress is quiet (an earlier attempt
  /// removed, a manifest rebuilt), as its own line.
  func notice(_ text: String) { line.notice(text) }

  /// Draws a last time and ends the live line.
  func end() { line.end(render) }

  private func draw(force: Bool) { line.draw(force: force, render) }

  private func render() -> (total: String, active: [String]) {
    let now = Date()
    return state.withLock { Self.lines($0, now: now) }
  }

  private static func lines(_ state: State, now: Date) -> (total: String, active: [String]) {
    let elapsed = max(now.timeIntervalSince(state.start), 0.001)
    var rows: Int64 = 0
    var bytes: Int64 = 0
    var estimated: Int64 = 0
    var done = 0
    var active: [String] = []
    for name in state.order {
      guard let table = state.tables[name] else { continue }
      rows += table.rows
      bytes += table.bytes
      estimated += max(table.estimatedRows, table.rows)
      if table.finished != nil {
        done += 1
      } else if let started = table.started {
        let seconds = max(now.timeIntervalSince(started), 0.001)
        active.append(
          "\(name) \(table.rows) rows\(percent(table.rows, of: table.estimatedRows)) "
            + "\(ByteCount(table.bytes)) \(rate(table.bytes, seconds))"
            + eta(done: table.rows, of: table.estimatedRows, perSecond: Double(table.rows) / seconds))
      }
    }
    // Estimates are only estimates: once every table is done, show the facts alone.
    let allDone = done == state.order.count
    let total =
      "\(done)/\(state.order.count) tables · \(rows) rows\(allDone ? "" : percent(rows, of: estimated)) · "
      + "\(ByteCount(bytes)) · \(rate(bytes, elapsed))"
      + (allDone ? "" : eta(done: rows, of: estimated, perSecond: Double(rows) / elapsed))
    return (total, active)
  }

  private static func percent(_ done: Int64, of total: Int64) -> String {
    total > 0 ? " (\(min(done * 100 / total, 100))%)" : ""
  }

  private static func rate(_ bytes: Int64, _ seconds: Double) -> String {
    ByteCount(Int64(Double(bytes) / seconds)).description + "/s"
  }

  private static func eta(done: Int64, of total: Int64, perSecond: Double) -> String {
    guard total > done, perSecond > 0 else { return "" }
    let seconds = Int(Double(total - done) / perSecond)
    return seconds >= 3600
      ? " ETA \(seconds / 3600)h\(seconds % 3600 / 60)m"
      : " ETA \(seconds / 60)m\(String(format: "%02d", seconds % 60))s"
  }
}
