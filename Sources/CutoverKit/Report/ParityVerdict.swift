/// Whether production may switch: green only when nothing differs that was not accepted.
public enum ParityVerdict: String, Codable, Sendable {
  case green
  case red
}
