import CutoverKit
import Foundation
import Logging
import Testing

/// The chain's catalog is built once in a scratch database and then read from the cache,
/// until anything it depends on changes; a damaged entry is built again.
@Suite(.postgres, .timeLimit(.minutes(5)))
struct ChainCatalogCacheTests {
  static let logger = Logger(label: "test.chain-cache", factory: { _ in SwiftLogNoOpLogHandler() })

  @Test
  func `the chain's catalog is built once, reused, and built again when the chain or the entry changes`()
    async throws
  {
    let db = try #require(TestDatabase.current)
    let server = try ConnectionTarget(db.url, side: .target)
    let root = FileManager.default.temporaryDirectory.appendingPathComponent(
      "cutover-cache-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: root) }
    let chain = root.appendingPathComponent("chain")
    try FileManager.default.createDirectory(at: chain, withIntermediateDirectories: true)
    try "CREATE SCHEMA app; CREATE TABLE app.t (id int PRIMARY KEY, note text);\n".write(
      to: chain.appendingPathComponent("0001_t.sql"), atomically: true, encoding: .utf8)
    let cache = ChainCatalogCache(directory: root.appendingPathComponent("cache"))
    func load() async throws -> (StructureChecks.Expected, Bool) {
      try await cache.load(chain: chain, localStandIn: nil, server: server, logger: Self.logger)
    }
    func encoded(_ expected: StructureChecks.Expected) throws -> Data {
      let encoder = JSONEncoder()
      encoder.outputFormatting = .sortedKeys
      return try encoder.encode(expected)
    }

    let (built, first) = try await load()
    #expect(!first)
    #expect(built.catalog.table(QualifiedName(schema: "app", name: "t"))?.primaryKey?.columns == ["id"])
    let entries = try FileManager.default.contentsOfDirectory(
      at: root.appendingPathComponent("cache"), includingPropertiesForKeys: nil)
    #expect(entries.count == 1 && entries[0].lastPathComponent.hasSuffix(".json"))
    let mode = try FileManager.default.attributesOfItem(atPath: entries[0].path)[.posixPermissions] as? Int
    #expect(mode == 0o600)

    let (again, second) = try await load()
    #expect(second)
    #expect(try encoded(again) == encoded(built))

    // A changed chain file is another key: built again, and the new column is there.
    try "CREATE SCHEMA app; CREATE TABLE app.t (id int PRIMARY KEY, note text, extra int);\n".write(
      to: chain.appendingPathComponent("0001_t.sql"), atomically: true, encoding: .utf8)
    let (changed, third) = try await load()
    #expect(!third)
    #expect(changed.catalog.table(QualifiedName(schema: "app", name: "t"))?.column("extra") != nil)

    // A damaged entry is not read: built again, and the entry is whole once more.
    for entry in try FileManager.default.contentsOfDirectory(
      at: root.appendingPathComponent("cache"), includingPropertiesForKeys: nil)
    {
      try Data("{\"catalog\": ".utf8).write(to: entry)
    }
    let (rebuilt, fourth) = try await load()
    #expect(!fourth)
    #expect(try encoded(rebuilt) == encoded(changed))
    #expect(try await load().1)

    // No directory, no cache.
    let none = ChainCatalogCache(directory: nil)
    let (_, cached) = try await none.load(
      chain: chain, localStandIn: nil, server: server, logger: Self.logger)
    #expect(!cached)
  }
}
