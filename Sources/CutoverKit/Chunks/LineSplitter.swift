import Foundation

/// Cuts a stream of buffers into newline-terminated lines.
///
/// A line cut by the end of one buffer is carried over to the next. A line is passed without
/// its newline; an unterminated tail at the end of the stream is never passed (chunks and rows
/// files end every line).
struct LineSplitter {
  /// The start of a line cut by the end of a buffer.
  private var carried: [UInt8] = []

  /// Passes each complete line of `buffer` (joined with what earlier buffers left) to `body`.
  mutating func feed(
    _ buffer: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) throws -> Void
  ) rethrows {
    guard let base = buffer.baseAddress else { return }
    var start = 0
    while start < buffer.count {
      guard let hit = memchr(base + start, 0x0A, buffer.count - start) else {
        carried.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[start...]))
        return
      }
      let end = UnsafeRawPointer(hit) - base
      if carried.isEmpty {
        try body(UnsafeRawBufferPointer(rebasing: buffer[start..<end]))
      } else {
        carried.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[start..<end]))
        try carried.withUnsafeBytes { try body($0) }
        carried.removeAll(keepingCapacity: true)
      }
      start = end + 1
    }
  }
}
