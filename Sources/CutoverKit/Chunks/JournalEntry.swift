import Foundation

/// One line of the journal as read back: its kind, time, and the payload still encoded.
public struct JournalEntry: Sendable {
  /// The record kind (`JournalPayload.kind`).
  public var kind: String
  /// When the record was appended.
  public var at: Date
  /// The whole JSON line, decoded on demand by `decode`.
  public var line: Data
  /// 1-based line number in `journal.jsonl`, for messages.
  public var lineNumber: Int

  private struct Header: Decodable {
    var kind: String
    var at: Date
  }

  private struct Envelope<Payload: JournalPayload>: Decodable {
    var payload: Payload
  }

  /// Parses a line; `nil` when it is not a journal record.
  init?(line: Data, lineNumber: Int) {
    guard let header = try? Self.decoder.decode(Header.self, from: line) else { return nil }
    self.kind = header.kind
    self.at = header.at
    self.line = line
    self.lineNumber = lineNumber
  }

  /// The payload, when this entry is of `type`'s kind; `nil` for other kinds.
  /// - Throws: `JournalError` naming the line when the kind matches but the payload does not
  ///   decode.
  public func decode<Payload: JournalPayload>(_ type: Payload.Type) throws -> Payload? {
    guard kind == Payload.kind else { return nil }
    do {
      return try Self.decoder.decode(Envelope<Payload>.self, from: line).payload
    } catch {
      throw JournalError(
        file: Journal.fileName, line: lineNumber,
        reason: "(\(kind)) does not decode: \(DecodingProblem.describe(error))")
    }
  }

  static let decoder: JSONDecoder = {
    let decoder = JSONDecoder()
    decoder.dateDecodingStrategy = .iso8601
    return decoder
  }()
}
