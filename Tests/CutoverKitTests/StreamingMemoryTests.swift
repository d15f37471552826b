import CutoverKit
import CutoverTestSupport
import Foundation
import Testing

/// Streaming stays bounded: 200+ MB of COPY text goes out of one connection and into
/// another while the process's peak resident memory (VmHWM) grows by less than 64 MB.
///
/// Measured in a child process (an exit test), where the test runner's own allocations
/// cannot blur the figure.
@Suite(.postgres)
struct StreamingMemoryTests {
  @Test(.timeLimit(.minutes(8)))
  func `COPY out and back in of 200 MB keeps peak memory growth under 64 MB`() async throws {
    let db = try #require(TestDatabase.current)
    try await db.execute("CREATE TABLE sink (id int, payload text)")
    let url = db.url
    let result = await #expect(processExitsWith: .success, observing: [\.standardOutputContent]) {
      [url = url as String] in
      let before = PeakMemory.residentHighWaterMark()
      let source = try PGConnection(try ConnectionTarget(url, side: .source))
      let target = try PGConnection(try ConnectionTarget(url, side: .target))
      var bytes = 0
      // 210,000 rows of ~1 KB each: about 215 MB of COPY text.
      try target.copyIn("COPY sink FROM STDIN") { writer in
        try source.copyOut(
          "COPY (SELECT g, repeat(md5(g::text), 32) FROM generate_series(1, 210000) g) TO STDOUT"
        ) { row in
          bytes += row.count
          try writer.write(row)
        }
      }
      let after = PeakMemory.residentHighWaterMark()
      print("bytes=\(bytes) before=\(before) after=\(after)")
      guard bytes >= 200_000_000, after - before < 64 << 20 else { exit(1) }
    }
    let output = String(decoding: result?.standardOutputContent ?? [], as: UTF8.self)
    #expect(output.contains("bytes="), "\(output)")
    print("streaming memory: \(output)")
    let count = try await db.execute("SELECT count(*) FROM sink").scalar
    #expect(count == "210000")
  }
}
