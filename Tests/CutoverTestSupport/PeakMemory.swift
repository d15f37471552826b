import Foundation

/// This process's peak resident memory, for bounded-memory checks and stage summaries.
public enum PeakMemory {
  /// `VmHWM` from `/proc/self/status`, in bytes (0 where the file does not exist).
  public static func residentHighWaterMark() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else {
      return 0
    }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
      let digits = line.filter(\.isNumber)
      return (Int(digits) ?? 0) * 1024
    }
    return 0
  }
}
