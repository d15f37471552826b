import Synchronization

/// The workers' failures; the cause is the first that is not only the echo of a stop.
final class ImportFailures: Sendable {
  private let errors = Mutex<[any Error]>([])

  func add(_ error: any Error) { errors.withLock { $0.append(error) } }

  /// The first real failure, else the first stop.
  var cause: (any Error)? {
    errors.withLock { errors in errors.first { !Self.isStop($0) } ?? errors.first }
  }

  /// Whether `error` only echoes a stop: ours, or the server's answer to our cancel.
  static func isStop(_ error: any Error) -> Bool {
    if let error = error as? ImportError { return error.code == .cancelled }
    if let error = error as? PostgresError { return error.sqlState == SQLState.queryCanceled }
    return false
  }
}
