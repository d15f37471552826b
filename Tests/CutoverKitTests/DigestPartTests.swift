import Testing

@testable import CutoverKit

/// The block ranges verify digests a large table in: every block in exactly one range.
struct DigestPartTests {
  @Test(arguments: [(1024, 2), (1025, 3), (5000, 4), (3, 4), (1, 1)])
  func `the ranges cover every block once, the last one open`(blocks: Int, parts: Int) {
    let ranges = DigestPart.ranges(blocks: Int64(blocks), parts: parts)
    #expect(ranges.count == parts)
    #expect(!ranges[0].contains(">="))
    #expect(!ranges[parts - 1].contains("<"))
    // Each block (and one past the end, added since the size was read) in exactly one range.
    for block in [0, blocks / 2, blocks - 1, blocks, blocks + 100] {
      let holding = ranges.filter { range in
        let bounds = range.split(separator: "'").enumerated().filter { $0.offset % 2 == 1 }.map {
          Int($0.element.dropFirst().prefix { $0 != "," }) ?? -1
        }
        let lower = range.contains(">=") ? bounds[0] : 0
        let upper = range.contains("<") ? bounds[bounds.count - 1] : Int.max
        return lower <= block && block < upper
      }
      #expect(holding.count == 1, "block \(block) of \(blocks) in \(parts): \(ranges)")
    }
  }
}
