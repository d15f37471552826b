import Foundation

/// How much disk an export needs, estimated from the catalog before any table is read.
///
/// The tables' on-disk size (`pg_relation_size`, from page counts) is close to their COPY
/// text; zstd compresses COPY text of application data (text, jsonb, uuids) 3.3× at level 1
/// and more above, so half the on-disk size leaves a wide margin, plus one chunk of COPY text
/// per worker for the frames being written. Only tables still to export count (a resume keeps
/// the rest). Compared with the free space near the export directory (`statvfs`).
public struct ExportSizeEstimate: Sendable, Equatable {
  /// On-disk bytes of the tables still to export.
  public var tableBytes: Int64
  /// The estimated export size.
  public var bytes: Int64
  /// Bytes free near the export directory; `nil` when it cannot be told.
  public var available: Int64?

  init(plans: [TablePlan], jobs: Int, chunkSize: Int, directory: URL) {
    tableBytes = plans.reduce(0) { $0 + max($1.estimatedBytes, 0) }
    bytes = tableBytes / 2 + Int64(jobs) * Int64(chunkSize)
    available = DiskSpace.available(near: directory.path)
  }

  /// Whether the estimate fits (true when the free space cannot be told).
  public var fits: Bool { available.map { $0 >= bytes } ?? true }

  /// One line for the progress stream.
  public var text: String {
    let free = available.map { "\(ByteCount($0)) free" } ?? "free space unknown"
    return
      "estimated export size \(ByteCount(bytes)) (half of \(ByteCount(tableBytes)) of tables on disk, plus a chunk per worker); \(free)"
  }
}
