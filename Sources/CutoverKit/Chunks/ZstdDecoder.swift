import CZstd

/// Streaming zstd decompression of exactly one frame, its checksum verified.
///
/// Feed the compressed bytes in any split with `decompress`, then call `finish`: it throws
/// `.truncated` when the input ended inside the frame, so a cut-off file never passes as a
/// shorter one. Data after the frame's end is `.corrupt` (a chunk is one frame). The output
/// buffer is allocated once and reused; `emit` sees it only during the call. The
/// corresponding C functions are `ZSTD_createDCtx` and `ZSTD_decompressStream`.
///
/// > Important: bytes reach `emit` before the frame checksum (at the frame's end) is
/// > checked; treat them as provisional until `finish` returns.
public final class ZstdDecoder {
  private let context: OpaquePointer
  private let output: UnsafeMutableRawBufferPointer
  /// The file being read, named in every error.
  public var file: String
  private var frameDone = false
  private var sawInput = false

  /// Makes a decoder.
  ///
  /// - Throws: `ChunkError` (`.compression`) when libzstd has no memory.
  public init(file: String = "?") throws {
    guard let context = ZSTD_createDCtx() else {
      throw ChunkError(code: .compression, file: file, message: "ZSTD_createDCtx failed (out of memory)")
    }
    self.context = context
    self.output = .allocate(byteCount: ZSTD_DStreamOutSize(), alignment: 16)
    self.file = file
  }

  deinit {
    ZSTD_freeDCtx(context)
    output.deallocate()
  }

  /// The input buffer size libzstd recommends.
  public static var recommendedInputSize: Int { ZSTD_DStreamInSize() }

  /// Starts over for a new file (after `finish` or a failure).
  public func reset(file: String) {
    _ = ZSTD_DCtx_reset(context, ZSTD_reset_session_only)
    self.file = file
    frameDone = false
    sawInput = false
  }

  /// Decompresses `input`, passing decompressed bytes to `emit`.
  /// - Throws: `ChunkError` `.corrupt` for undecodable data, a checksum mismatch, or bytes
  ///   after the frame; whatever `emit` throws.
  public func decompress(
    _ input: UnsafeRawBufferPointer, emit: (UnsafeRawBufferPointer) throws -> Void
  ) throws {
    guard let base = input.baseAddress, input.count > 0 else { return }
    sawInput = true
    var source = ZSTD_inBuffer(src: base, size: input.count, pos: 0)
    while true {
      if frameDone {
        if source.pos < source.size {
          throw ChunkError(
            code: .corrupt, file: file,
            message: "data follows the end of the zstd frame (a chunk is exactly one frame)",
            nextStep: "re-export the table, or restore the file from a good copy of the export")
        }
        return
      }
      var sink = ZSTD_outBuffer(dst: output.baseAddress, size: output.count, pos: 0)
      let result = ZSTD_decompressStream(context, &sink, &source)
      if ZSTD_isError(result) != 0 {
        throw ChunkError(
          code: .corrupt, file: file,
          message: "the zstd data is corrupt: \(String(cString: ZSTD_getErrorName(result)))",
          nextStep: "re-export, or restore the file from a good copy of the export")
      }
      if sink.pos > 0 { try emit(UnsafeRawBufferPointer(rebasing: output[0..<sink.pos])) }
      if result == 0 { frameDone = true; continue }
      // More output may be pending while the output buffer came back full.
      if source.pos == source.size && sink.pos < sink.size { return }
    }
  }

  /// Checks that the frame ended (and so that its checksum was verified).
  /// - Throws: `ChunkError` `.truncated` when the input stopped inside the frame.
  public func finish() throws {
    guard frameDone else {
      throw ChunkError(
        code: .truncated, file: file,
        message: sawInput
          ? "the file ends inside its zstd frame (truncated)"
          : "the file is empty (truncated: no zstd frame)",
        nextStep: "the file was cut short by an interrupted write or copy: re-export, or restore it")
    }
  }
}

@available(*, unavailable) extension ZstdDecoder: Sendable {}
