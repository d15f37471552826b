import Foundation

/// Which export a report checked: the manifest's SHA-256 pins it, the rest is for people.
public struct ExportReference: Codable, Sendable, Equatable {
  /// SHA-256 (hex) of `manifest.json` as it was when the report was made.
  public var manifestSHA256: String
  /// The snapshot the export was read in.
  public var snapshot: String
  /// The source database (name, cluster, server version).
  public var source: DatabaseReference
  public var exportStartedAt: Date
  public var exportFinishedAt: Date?

  public init(
    manifestSHA256: String, snapshot: String, source: DatabaseReference, exportStartedAt: Date,
    exportFinishedAt: Date?
  ) {
    self.manifestSHA256 = manifestSHA256
    self.snapshot = snapshot
    self.source = source
    self.exportStartedAt = exportStartedAt
    self.exportFinishedAt = exportFinishedAt
  }
}
