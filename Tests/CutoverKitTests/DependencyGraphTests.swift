import CutoverKit
import Foundation
import Testing

/// `DependencyGraph` on real catalogs: levels parents first, self-references and cycles set
/// aside at the edge a load can live without, partitions folded into their roots — and on
/// the legacy fixture, every kept foreign key pointing to a lower level.
@Suite(.postgres, .timeLimit(.minutes(8)))
struct DependencyGraphTests {
  static func name(_ table: String) -> QualifiedName { QualifiedName(schema: "g", name: table) }

  /// Creates schema `g` from `sql` and builds the graph of its loadable tables.
  static func graph(_ sql: String) async throws -> DependencyGraph {
    let db = try #require(TestDatabase.current)
    try await db.runScript("CREATE SCHEMA g;\n" + sql)
    let catalog = try await db.withConnection { try CatalogReader(schemas: ["g"]).read(from: $0) }
    return DependencyGraph(catalog: catalog)
  }

  /// Every kept edge goes from a lower level to a higher one; every table is placed once.
  static func checkParentsFirst(_ graph: DependencyGraph, tables: Int) {
    #expect(graph.order.count == tables)
    #expect(Set(graph.order).count == tables)
    for edge in graph.keptEdges {
      let parent = graph.level(of: edge.parent) ?? -1
      let child = graph.level(of: edge.child) ?? -1
      #expect(parent < child, "\(edge): parent level \(parent), child level \(child)")
    }
  }

  @Test func `a chain with a composite key and a self-reference loads parents first`() async throws {
    let graph = try await Self.graph(
      """
      CREATE TABLE g.tenants (id int, region text, PRIMARY KEY (id, region));
      CREATE TABLE g.users (
        id int PRIMARY KEY, tenant int NOT NULL, region text NOT NULL,
        invited_by int REFERENCES g.users (id),
        FOREIGN KEY (tenant, region) REFERENCES g.tenants (id, region));
      CREATE TABLE g.posts (id int PRIMARY KEY, author int NOT NULL REFERENCES g.users (id));
      CREATE TABLE g.loose (id int);
      """)
    #expect(
      graph.levels == [
        [Self.name("loose"), Self.name("tenants")], [Self.name("users")], [Self.name("posts")],
      ])
    #expect(graph.setAside.count == 1)
    let selfReference = try #require(graph.setAside.first)
    #expect(selfReference.reason == .selfReference)
    #expect(selfReference.edge.child == Self.name("users") && selfReference.edge.parent == Self.name("users"))
    #expect(selfReference.edge.nullable)
    #expect(graph.cycles.isEmpty)
    let composite = try #require(graph.edges.first { $0.parent == Self.name("tenants") })
    #expect(composite.columns == ["tenant", "region"])
    #expect(!composite.nullable)
    Self.checkParentsFirst(graph, tables: 4)
  }

  @Test func `a two-table cycle is broken at its nullable edge`() async throws {
    let graph = try await Self.graph(
      """
      CREATE TABLE g.profiles (id int PRIMARY KEY, avatar int);
      CREATE TABLE g.media (id int PRIMARY KEY, owner int NOT NULL REFERENCES g.profiles (id));
      ALTER TABLE g.profiles ADD CONSTRAINT profiles_avatar_fkey FOREIGN KEY (avatar) REFERENCES g.media (id);
      """)
    #expect(graph.cycles == [[Self.name("media"), Self.name("profiles")]])
    #expect(graph.setAside.map(\.edge.constraint) == ["profiles_avatar_fkey"])
    #expect(graph.setAside.map(\.reason) == [.cycle])
    #expect(graph.levels == [[Self.name("profiles")], [Self.name("media")]])
    Self.checkParentsFirst(graph, tables: 2)
  }

  @Test func `a three-table cycle is broken at its deferrable edge, even when another is nullable`()
    async throws
  {
    let graph = try await Self.graph(
      """
      CREATE TABLE g.a (id int PRIMARY KEY, b_id int);
      CREATE TABLE g.b (id int PRIMARY KEY, c_id int NOT NULL);
      CREATE TABLE g.c (id int PRIMARY KEY, a_id int NOT NULL);
      ALTER TABLE g.a ADD FOREIGN KEY (b_id) REFERENCES g.b (id);
      ALTER TABLE g.b ADD FOREIGN KEY (c_id) REFERENCES g.c (id);
      ALTER TABLE g.c ADD CONSTRAINT c_a FOREIGN KEY (a_id) REFERENCES g.a (id) DEFERRABLE;
      CREATE TABLE g.child (id int, c_id int NOT NULL REFERENCES g.c (id));
      """)
    #expect(graph.cycles == [[Self.name("a"), Self.name("b"), Self.name("c")]])
    #expect(graph.setAside.map(\.edge.constraint) == ["c_a"])
    #expect(graph.levels.map { $0.map(\.name) } == [["c"], ["b", "child"], ["a"]])
    Self.checkParentsFirst(graph, tables: 4)
  }

  @Test func `a cycle of NOT NULL keys is still broken, at the first edge by name`() async throws {
    let graph = try await Self.graph(
      """
      CREATE TABLE g.x (id int PRIMARY KEY, y_id int NOT NULL);
      CREATE TABLE g.y (id int PRIMARY KEY, z_id int NOT NULL);
      CREATE TABLE g.z (id int PRIMARY KEY, x_id int NOT NULL, x_again int NOT NULL);
      ALTER TABLE g.x ADD CONSTRAINT x_y FOREIGN KEY (y_id) REFERENCES g.y (id);
      ALTER TABLE g.y ADD CONSTRAINT y_z FOREIGN KEY (z_id) REFERENCES g.z (id);
      ALTER TABLE g.z ADD CONSTRAINT z_x FOREIGN KEY (x_id) REFERENCES g.x (id);
      ALTER TABLE g.z ADD CONSTRAINT z_x_again FOREIGN KEY (x_again) REFERENCES g.x (id);
      """)
    #expect(graph.setAside.map(\.edge.constraint) == ["x_y"])
    #expect(graph.levels.map { $0.map(\.name) } == [["x"], ["z"], ["y"]])
    Self.checkParentsFirst(graph, tables: 3)
  }

  @Test func `partitions fold into their root, inheritance children stay, outside keys are listed`()
    async throws
  {
    let graph = try await Self.graph(
      """
      CREATE TABLE g.days (day date PRIMARY KEY) PARTITION BY RANGE (day);
      CREATE TABLE g.days_2024 PARTITION OF g.days FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
      CREATE TABLE g.notes (id int, day date REFERENCES g.days (day));
      CREATE TABLE g.events (id int PRIMARY KEY);
      CREATE TABLE g.clicks (url text) INHERITS (g.events);
      CREATE TABLE g.marks (click int REFERENCES g.events (id), other_schema oid);
      CREATE SCHEMA h; CREATE TABLE h.elsewhere (id int PRIMARY KEY);
      ALTER TABLE g.marks ADD COLUMN far int REFERENCES h.elsewhere (id);
      """)
    #expect(!graph.order.contains(Self.name("days_2024")))
    #expect(graph.edges.contains { $0.child == Self.name("notes") && $0.parent == Self.name("days") })
    #expect(
      graph.edges.filter { $0.child == Self.name("notes") }.count == 1, "the partitions' copies are left out")
    #expect(graph.order.contains(Self.name("clicks")))
    #expect(graph.outside.map(\.parent) == [QualifiedName(schema: "h", name: "elsewhere")])
    #expect(graph.level(of: Self.name("marks")) == 1)
    Self.checkParentsFirst(graph, tables: 5)
  }

  @Test func `the legacy fixture: every table placed, parents before children`() async throws {
    let db = try #require(TestDatabase.current)
    try await db.buildLegacyFixture()
    let catalog = try await db.withConnection {
      try CatalogReader(schemas: ["app", "auth", "storage"]).read(from: $0)
    }
    let graph = DependencyGraph(catalog: catalog)
    #expect(Set(graph.order) == Set(catalog.loadableTables.map(\.name)))
    #expect(catalog.loadableTables.filter { $0.name.schema == "app" }.count == 51)
    #expect(graph.outside.isEmpty, "\(graph.outside)")
    #expect(graph.levels.count > 2)
    for aside in graph.setAside where aside.reason == .cycle {
      #expect(aside.edge.nullable || aside.edge.deferrable, "\(aside) has NOT NULL, non-deferrable columns")
    }
    Self.checkParentsFirst(graph, tables: catalog.loadableTables.count)
  }
}

/// `DependencyGraph` on hand-made tables: properties no database is needed for.
struct DependencyGraphShapeTests {
  static func table(_ name: String, _ keys: [(String, String, nullable: Bool)]) -> CatalogTable {
    CatalogTable(
      name: QualifiedName(schema: "s", name: name), kind: .ordinary, owner: "o",
      columns: keys.enumerated().map { index, key in
        CatalogColumn(name: key.0, position: index + 1, type: "int", baseType: "int4", notNull: !key.nullable)
      },
      foreignKeys: keys.map { key in
        CatalogForeignKey(
          name: "\(name)_\(key.0)", columns: [key.0], referenced: QualifiedName(schema: "s", name: key.1),
          referencedColumns: ["id"])
      })
  }

  @Test func `two cycles through one table are both broken, and levels stay parents first`() {
    let graph = DependencyGraph(tables: [
      Self.table("hub", [("left", "l", nullable: false), ("right", "r", nullable: false)]),
      Self.table("l", [("hub", "hub", nullable: true)]),
      Self.table("r", [("hub", "hub", nullable: true)]),
      Self.table("leaf", [("l", "l", nullable: false), ("r", "r", nullable: false)]),
    ])
    #expect(graph.cycles.map { $0.map(\.name) } == [["hub", "l", "r"]])
    #expect(Set(graph.setAside.map(\.edge.constraint)) == ["l_hub", "r_hub"])
    #expect(graph.levels.map { $0.map(\.name) } == [["l", "r"], ["hub", "leaf"]])
    for edge in graph.keptEdges {
      #expect((graph.level(of: edge.parent) ?? 99) < (graph.level(of: edge.child) ?? -1))
    }
  }

  @Test func `the same catalog in another order gives the same graph`() {
    let tables = [
      Self.table("a", [("b", "b", nullable: true)]), Self.table("b", [("c", "c", nullable: true)]),
      Self.table("c", [("a", "a", nullable: true)]), Self.table("d", [("a", "a", nullable: false)]),
    ]
    let first = DependencyGraph(tables: tables)
    let second = DependencyGraph(tables: tables.reversed())
    #expect(first.levels == second.levels)
    #expect(first.setAside == second.setAside)
    #expect(first.setAside.map(\.edge.constraint) == ["a_b"])
  }

  @Test func `an empty set of tables has no levels`() {
    let graph = DependencyGraph(tables: [])
    #expect(graph.levels.isEmpty && graph.order.isEmpty && graph.setAside.isEmpty)
  }
}
