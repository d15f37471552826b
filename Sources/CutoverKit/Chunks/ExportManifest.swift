import Foundation

/// `manifest.json`: what an export holds, written from the journal when the export ends.
///
/// Versioned: `version: 1`, or `2` when a table was read in parts (`Table.parts`, chunks
/// numbered per part) — a reader of version 1 would misread those chunk numbers; the format
/// is documented in `docs/export-format.md`. Later stages read it (import, parity) and the
/// parity stage fills each table's `parity`.
public struct ExportManifest: Codable, Sendable, Equatable {
  /// The manifest's file name in the export directory.
  public static let fileName = "manifest.json"
  /// The newest format version this cutover writes (with split tables) and reads.
  public static let currentVersion = 2
  /// The versions this cutover reads.
  public static let readableVersions = 1...currentVersion

  /// The format version.
  public var version: Int
  /// The source database and the snapshot the export was taken in.
  public var source: Source
  /// The exported tables, in the order they were planned (largest first).
  public var tables: [Table]
  /// The rows sampled users and `anon` could see in each table, counted in the snapshot;
  /// absent when the export ran without a policy sample.
  public var policyBehaviour: PolicyBehaviourCounts?

  /// - Parameter version: `nil` for the lowest version that describes `tables` (2 when a
  ///   table has parts, else 1).
  public init(
    version: Int? = nil, source: Source, tables: [Table], policyBehaviour: PolicyBehaviourCounts? = nil
  ) {
    self.version = version ?? (tables.contains { $0.parts != nil } ? 2 : 1)
    self.source = source
    self.tables = tables
    self.policyBehaviour = policyBehaviour
  }

  /// The source database and its snapshot.
  public struct Source: Codable, Sendable, Equatable {
    /// `server_version`, for example "15.8".
    public var serverVersion: String
    /// `server_version_num`, for example 150008.
    public var serverVersionNumber: Int
    /// `pg_control_system().system_identifier`: which cluster; `nil` when the role may not
    /// read it.
    public var systemIdentifier: String?
    /// `current_database()`.
    public var database: String
    /// The exported snapshot every table was read in (`pg_export_snapshot()`).
    public var snapshot: String
    /// `pg_current_wal_lsn()` right after the snapshot was taken.
    public var walLSN: String
    /// When the export started and finished.
    public var startedAt: Date
    public var finishedAt: Date?
    /// The cutover version that wrote the export.
    public var cutoverVersion: String

    public init(
      serverVersion: String, serverVersionNumber: Int, systemIdentifier: String?,
      database: String, snapshot: String, walLSN: String, startedAt: Date,
      finishedAt: Date? = nil, cutoverVersion: String = CutoverVersion.current
    ) {
      self.serverVersion = serverVersion
      self.serverVersionNumber = serverVersionNumber
      self.systemIdentifier = systemIdentifier
      self.database = database
      self.snapshot = snapshot
      self.walLSN = walLSN
      self.startedAt = startedAt
      self.finishedAt = finishedAt
      self.cutoverVersion = cutoverVersion
    }

    /// Whether both describe the same database (cluster and name).
    public func isSameDatabase(as other: Source) -> Bool {
      database == other.database
        && (systemIdentifier == nil || other.systemIdentifier == nil
          || systemIdentifier == other.systemIdentifier)
    }

    /// `database` on cluster `systemIdentifier`, for messages.
    public var identity: String {
      "database \(database) (system identifier \(systemIdentifier ?? "unknown"))"
    }
  }

  /// A column as exported, in COPY order.
  public struct Column: Codable, Sendable, Equatable {
    public var name: String
    /// `format_type(atttypid, atttypmod)`, for example `character varying(40)`.
    public var type: String

    public init(name: String, type: String) {
      self.name = name
      self.type = type
    }
  }

  /// The source-side parity digest of a table, computed by the export in its snapshot
  /// (`SourceDigest`, `docs/parity.md`).
  public struct Parity: Codable, Sendable, Equatable {
    /// How `digest` was computed (for example `"sum-hashtextextended-v1"`).
    public var algorithm: String
    /// Rows counted in the snapshot.
    public var rows: Int64
    /// The digest, as text.
    public var digest: String

    /// The target table the digest is of (the mapping's); absent in older manifests.
    public var target: QualifiedName?
    /// The target columns digested, in order, each with the type it was compared as.
    public var columns: [ParityColumn]?
    /// The target's primary key columns the rows file names rows by; empty: by whole-row hash.
    public var key: [String]?
    /// The rows file (`<schema>.<table>.parity.zst`): per row its row hash and key, for
    /// narrowing a mismatch without the source.
    public var rowsFile: String?
    /// SHA-256 (hex) of `rowsFile`.
    public var rowsFileSHA256: String?
    /// The rows file's line format (`ParityRowsFile.format`); absent: 1, the first format,
    /// whose lines also carry per-column hashes.
    public var rowsFileFormat: Int?

    public init(
      algorithm: String, rows: Int64, digest: String, target: QualifiedName? = nil,
      columns: [ParityColumn]? = nil, key: [String]? = nil, rowsFile: String? = nil,
      rowsFileSHA256: String? = nil, rowsFileFormat: Int? = nil
    ) {
      self.rowsFileFormat = rowsFileFormat
      self.algorithm = algorithm
      self.rows = rows
      self.digest = digest
      self.target = target
      self.columns = columns
      self.key = key
      self.rowsFile = rowsFile
      self.rowsFileSHA256 = rowsFileSHA256
    }
  }

  /// One digested target column and the type its value was compared as (the target's type,
  /// or `text` for an enum or a type the source does not have).
  public struct ParityColumn: Codable, Sendable, Equatable {
    public var name: String
    public var comparedAs: String

    public init(name: String, comparedAs: String) {
      self.name = name
      self.comparedAs = comparedAs
    }
  }

  /// One part of a split table: its range, its COPY statement and its totals; its chunks are
  /// the table's `chunks` with the same `part`.
  public struct Part: Codable, Sendable, Equatable {
    public var number: Int
    public var method: TablePart.Method
    /// The SQL condition selecting the part's rows.
    public var predicate: String
    /// The exact statement the part's rows were read with.
    public var copyQuery: String
    public var rows: Int64
    public var bytes: Int64
    public var compressedBytes: Int64
    public var chunks: Int
    public var seconds: Double

    public init(
      number: Int, method: TablePart.Method, predicate: String, copyQuery: String, rows: Int64, bytes: Int64,
      compressedBytes: Int64, chunks: Int, seconds: Double
    ) {
      self.number = number
      self.method = method
      self.predicate = predicate
      self.copyQuery = copyQuery
      self.rows = rows
      self.bytes = bytes
      self.compressedBytes = compressedBytes
      self.chunks = chunks
      self.seconds = seconds
    }
  }

  /// One exported table.
  public struct Table: Codable, Sendable, Equatable {
    public var name: QualifiedName
    /// The exported columns in COPY order (generated columns left out).
    public var columns: [Column]
    public var rows: Int64
    /// Uncompressed COPY text bytes.
    public var bytes: Int64
    public var compressedBytes: Int64
    /// The chunks in order (part by part for a split table); none for an empty table.
    public var chunks: [ChunkRecord]
    /// The exact statement the rows were read with (for a split table, the whole table's;
    /// each part's is in `parts`).
    public var copyQuery: String
    /// Seconds the table took to export (for a split table, its longest part).
    public var seconds: Double
    /// Filled by the parity stage; `nil` until then.
    public var parity: Parity?
    /// The parts of a table read in ranges; `nil` (absent) for a table read whole.
    public var parts: [Part]?

    public init(
      name: QualifiedName, columns: [Column], rows: Int64, bytes: Int64, compressedBytes: Int64,
      chunks: [ChunkRecord], copyQuery: String, seconds: Double, parity: Parity? = nil, parts: [Part]? = nil
    ) {
      self.parts = parts
      self.name = name
      self.columns = columns
      self.rows = rows
      self.bytes = bytes
      self.compressedBytes = compressedBytes
      self.chunks = chunks
      self.copyQuery = copyQuery
      self.seconds = seconds
      self.parity = parity
    }
  }

  /// The manifest of `directory`, `nil` when it has none.
  /// - Throws: `ExportError` when it cannot be read or is of another version.
  public static func read(directory: URL) throws -> ExportManifest? {
    let url = directory.appendingPathComponent(fileName)
    guard FileManager.default.fileExists(atPath: url.path) else { return nil }
    let data: Data
    do {
      data = try Data(contentsOf: url)
    } catch {
      throw ExportError(
        .io, "cannot read \(url.path): \(error.localizedDescription)",
        nextStep: "check the export directory's permissions and disk")
    }
    let manifest: ExportManifest
    do {
      manifest = try JournalEntry.decoder.decode(ExportManifest.self, from: data)
    } catch {
      throw ExportError(
        .damagedManifest, "\(url.path) is not a manifest cutover wrote: \(DecodingProblem.describe(error))",
        nextStep: "restore the export directory from a good copy, or export again into a new --export-dir")
    }
    guard readableVersions.contains(manifest.version) else {
      throw ExportError(
        .usage,
        "\(url.path) has format version \(manifest.version); this cutover reads versions 1 to \(currentVersion)",
        nextStep: "use the cutover version that wrote it (\(manifest.source.cutoverVersion)) or export again")
    }
    return manifest
  }

  /// Writes `manifest.json` into `directory` (temporary name, fsync, rename, mode 0600).
  public func write(directory: URL) throws {
    let data = try JSONOutput.encoder().encode(self)
    try DurableFile.write(data, to: directory.appendingPathComponent(Self.fileName))
  }
}
