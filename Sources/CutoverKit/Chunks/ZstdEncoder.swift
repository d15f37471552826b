import CZstd
import Foundation

/// Streaming zstd compression into frames with the frame checksum on.
///
/// One encoder is used by one thread and makes any number of frames in turn: `compress`
/// feeds a frame, `finishFrame` ends it, and the next `compress` starts the next frame.
/// The output buffer is allocated once and reused; `write` sees it only during the call.
/// The corresponding C functions are `ZSTD_createCCtx` and `ZSTD_compressStream2`.
public final class ZstdEncoder {
  private let context: OpaquePointer
  private let output: UnsafeMutableRawBufferPointer
  /// The file the frames go to, named in every error.
  public var file: String
  /// The compression level (1…19 are sensible; 3 is zstd's default).
  public let level: Int32
  /// libzstd's worker threads (0: compress on the calling thread).
  public let workers: Int32

  /// Makes an encoder.
  /// - Parameters:
  ///   - level: zstd level, checked against `ZSTD_minCLevel()…ZSTD_maxCLevel()`.
  ///   - workers: libzstd worker threads; when this libzstd has no thread support the
  ///     encoder falls back to 0 (same output format, one thread).
  ///   - file: the file being written, for messages.
  /// - Throws: `ChunkError` (`.compression`) when libzstd refuses a parameter.
  public init(level: Int32 = 3, workers: Int32 = 0, file: String = "?") throws {
    guard let context = ZSTD_createCCtx() else {
      throw ChunkError(code: .compression, file: file, message: "ZSTD_createCCtx failed (out of memory)")
    }
    self.context = context
    self.output = .allocate(byteCount: ZSTD_CStreamOutSize(), alignment: 16)
    self.file = file
    self.level = level
    var acceptedWorkers = workers
    if workers > 0, ZSTD_isError(ZSTD_CCtx_setParameter(context, ZSTD_c_nbWorkers, workers)) != 0 {
      acceptedWorkers = 0
    }
    self.workers = acceptedWorkers
    try check(ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, level), "setting level \(level)")
    try check(ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, 1), "turning the frame checksum on")
  }

  deinit {
    ZSTD_freeCCtx(context)
    output.deallocate()
  }

  /// How many libzstd worker threads help at `level` for chunks of `chunkSize` bytes.
  ///
  /// At low levels one core compresses faster than a server sends COPY text, so extra
  /// threads only cost memory; from level 6 and chunks of several MiB they pay off. The
  /// export's own connections (`jobs`) already use one core each.
  public static func helpfulWorkers(level: Int, chunkSize: Int, jobs: Int) -> Int32 {
    guard level >= 6, chunkSize >= 8 << 20 else { return 0 }
    let cores = ProcessInfo.processInfo.activeProcessorCount
    let spare = cores / max(jobs, 1)
    return spare >= 2 ? Int32(min(spare, 4)) : 0
  }

  /// Compresses `input` into the current frame, passing compressed output to `write`.
  public func compress(
    _ input: UnsafeRawBufferPointer, write: (UnsafeRawBufferPointer) throws -> Void
  ) throws {
    guard let base = input.baseAddress, input.count > 0 else { return }
    var source = ZSTD_inBuffer(src: base, size: input.count, pos: 0)
    while source.pos < source.size {
      var sink = ZSTD_outBuffer(dst: output.baseAddress, size: output.count, pos: 0)
      try check(ZSTD_compressStream2(context, &sink, &source, ZSTD_e_continue), "compressing")
      if sink.pos > 0 { try write(UnsafeRawBufferPointer(rebasing: output[0..<sink.pos])) }
    }
  }

  /// Ends the current frame (writing its checksum); the next `compress` starts a new one.
  public func finishFrame(write: (UnsafeRawBufferPointer) throws -> Void) throws {
    var source = ZSTD_inBuffer(src: nil, size: 0, pos: 0)
    var remaining = 1
    while remaining != 0 {
      var sink = ZSTD_outBuffer(dst: output.baseAddress, size: output.count, pos: 0)
      remaining = try check(ZSTD_compressStream2(context, &sink, &source, ZSTD_e_end), "ending the frame")
      if sink.pos > 0 { try write(UnsafeRawBufferPointer(rebasing: output[0..<sink.pos])) }
    }
  }

  /// Drops a half-made frame (after a failure) so the encoder can start a clean one.
  public func abandonFrame() {
    _ = ZSTD_CCtx_reset(context, ZSTD_reset_session_only)
  }

  @discardableResult
  private func check(_ code: Int, _ doing: String) throws -> Int {
    if ZSTD_isError(code) != 0 {
      throw ChunkError(
        code: .compression, file: file,
        message: "zstd failed \(doing): \(String(cString: ZSTD_getErrorName(code)))",
        nextStep: "check free memory; a level above 19 needs much more of it")
    }
    return code
  }
}

@available(*, unavailable) extension ZstdEncoder: Sendable {}
