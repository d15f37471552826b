/// The foreign-key graph of a set of tables and the order they load in: levels, parents first.
///
/// A table's level is one more than its highest parent's, so the tables of one level can
/// load at the same time once the levels before them are loaded. Foreign keys that make the
/// graph cyclic are *set aside*: every self-reference, and in each cycle one edge — a
/// deferrable one where the cycle has one, else one whose columns are all nullable, else
/// any (ties by table and constraint name, so the choice is stable). A load honours the
/// levels for every edge that is not set aside; the set-aside ones it loads under
/// `session_replication_role = replica` and validates afterwards.
///
/// Partitions are not nodes: a key that references a partition counts as referencing its
/// partitioned root. Keys to tables outside the graph are listed in `outside`.
public struct DependencyGraph: Sendable {
  /// One foreign key, child (referencing) to parent (referenced).
  public struct Edge: Sendable, Hashable, CustomStringConvertible {
    public var child: QualifiedName
    public var parent: QualifiedName
    /// The constraint's name (on `child`).
    public var constraint: String
    public var columns: [String]
    /// Whether every column of the key may be NULL (the row can load before its parent).
    public var nullable: Bool
    public var deferrable: Bool

    /// `child.constraint → parent`.
    public var description: String { "\(child).\(constraint) → \(parent)" }
  }

  /// Why an edge was set aside.
  public enum Reason: String, Sendable, Hashable {
    /// The table references itself.
    case selfReference
    /// The edge was removed to break a cycle between several tables.
    case cycle
  }

  /// An edge the levels do not honour, and why.
  public struct SetAsideEdge: Sendable, Hashable, CustomStringConvertible {
    public var edge: Edge
    public var reason: Reason
    public var description: String { "\(edge) (\(reason.rawValue))" }
  }

  /// The tables by level, each level sorted by name; level 0 references no table of the graph.
  public private(set) var levels: [[QualifiedName]]
  /// Every edge between two tables of the graph.
  public private(set) var edges: [Edge]
  /// Edges set aside to make the rest acyclic, with why.
  public private(set) var setAside: [SetAsideEdge]
  /// Foreign keys that reference a table outside the graph.
  public private(set) var outside: [Edge]
  /// The groups of tables that reference each other in a cycle (strongly connected, more
  /// than one table), each sorted, in order of their first table.
  public private(set) var cycles: [[QualifiedName]]

  private var levelOf: [QualifiedName: Int]

  /// Builds the graph of `tables` (typically `Catalog.loadableTables`); `catalog` resolves
  /// partitions to their roots when given.
  public init(tables: [CatalogTable], catalog: Catalog? = nil) {
    let nodes = Set(tables.map(\.name))
    func root(_ name: QualifiedName) -> QualifiedName {
      var current = name
      var seen: Set<QualifiedName> = []
      while !nodes.contains(current), seen.insert(current).inserted,
        let parent = catalog?.table(current)?.partitionOf
      {
        current = parent
      }
      return nodes.contains(current) ? current : name
    }
    var edges: [Edge] = []
    var outside: [Edge] = []
    for table in tables.sorted(by: { $0.name < $1.name }) {
      for key in table.foreignKeys.sorted(by: { $0.name < $1.name }) {
        let edge = Edge(
          child: table.name, parent: root(key.referenced), constraint: key.name, columns: key.columns,
          nullable: table.allNullable(key.columns), deferrable: key.deferrable)
        if nodes.contains(edge.parent) { edges.append(edge) } else { outside.append(edge) }
      }
    }
    self.edges = edges
    self.outside = outside

    var setAside = edges.filter { $0.child == $0.parent }.map {
      SetAsideEdge(edge: $0, reason: .selfReference)
    }
    var kept = edges.filter { $0.child != $0.parent }
    let components = Self.stronglyConnected(nodes: nodes.sorted(), edges: kept).filter { $0.count > 1 }
    self.cycles = components.map { $0.sorted() }.sorted { $0.lexicographicallyPrecedes($1) }
    for component in components {
      let members = Set(component)
      while let cycle = Self.findCycle(
        in: kept.filter { members.contains($0.child) && members.contains($0.parent) })
      {
        guard let broken = cycle.min(by: { Self.breakRank($0) < Self.breakRank($1) }) else { break }
        setAside.append(SetAsideEdge(edge: broken, reason: .cycle))
        kept.removeAll { $0 == broken }
      }
    }
    self.setAside = setAside

    // Longest path from the roots: a table's level is one more than its highest parent's.
    var parents: [QualifiedName: Set<QualifiedName>] = [:]
    for edge in kept { parents[edge.child, default: []].insert(edge.parent) }
    var levelOf: [QualifiedName: Int] = [:]
    func level(_ node: QualifiedName) -> Int {
      if let known = levelOf[node] { return known }
      let value = (parents[node] ?? []).map { level($0) + 1 }.max() ?? 0
      levelOf[node] = value
      return value
    }
    for node in nodes { _ = level(node) }
    var levels: [[QualifiedName]] = Array(repeating: [], count: (levelOf.values.max() ?? -1) + 1)
    for (node, value) in levelOf { levels[value].append(node) }
    self.levels = levels.map { $0.sorted() }
    self.levelOf = levelOf
  }

  /// Builds the graph of a catalog's loadable tables.
  public init(catalog: Catalog) { self.init(tables: catalog.loadableTables, catalog: catalog) }

  /// Every table, level by level (a valid load order).
  public var order: [QualifiedName] { levels.flatMap { $0 } }

  /// The level of `table`, nil when it is not in the graph.
  public func level(of table: QualifiedName) -> Int? { levelOf[table] }

  /// The edges a load must honour: all but the set-aside ones.
  public var keptEdges: [Edge] {
    let aside = Set(setAside.map(\.edge))
    return edges.filter { !aside.contains($0) }
  }

  /// Deferrable first, then nullable, then by name.
  private static func breakRank(_ edge: Edge) -> (Int, QualifiedName, String) {
    (edge.deferrable ? 0 : edge.nullable ? 1 : 2, edge.child, edge.constraint)
  }

  /// Tarjan's strongly connected components, iterative, over sorted nodes and edges.
  private static func stronglyConnected(nodes: [QualifiedName], edges: [Edge]) -> [[QualifiedName]] {
    var successors: [QualifiedName: [QualifiedName]] = [:]
    for edge in edges { successors[edge.child, default: []].append(edge.parent) }
    var index = 0
    var indexOf: [QualifiedName: Int] = [:]
    var lowLink: [QualifiedName: Int] = [:]
    var stack: [QualifiedName] = []
    var onStack: Set<QualifiedName> = []
    var components: [[QualifiedName]] = []
    for start in nodes where indexOf[start] == nil {
      var work: [(node: QualifiedName, next: Int)] = [(start, 0)]
      indexOf[start] = index
      lowLink[start] = index
      index += 1
      stack.append(start)
      onStack.insert(start)
      while let (node, next) = work.last {
        let following = successors[node] ?? []
        if next < following.count {
          work[work.count - 1].next += 1
          let successor = following[next]
          if indexOf[successor] == nil {
            indexOf[successor] = index
            lowLink[successor] = index
            index += 1
            stack.append(successor)
            onStack.insert(successor)
            work.append((successor, 0))
          } else if onStack.contains(successor) {
            lowLink[node] = min(lowLink[node] ?? 0, indexOf[successor] ?? 0)
          }
          continue
        }
        work.removeLast()
        if let parent = work.last?.node {
          lowLink[parent] = min(lowLink[parent] ?? 0, lowLink[node] ?? 0)
        }
        if lowLink[node] == indexOf[node] {
          var component: [QualifiedName] = []
          while let member = stack.popLast() {
            onStack.remove(member)
            component.append(member)
            if member == node { break }
          }
          components.append(component)
        }
      }
    }
    return components
  }

  /// One cycle among `edges` as the list of its edges, or nil when there is none.
  private static func findCycle(in edges: [Edge]) -> [Edge]? {
    var outgoing: [QualifiedName: [Edge]] = [:]
    for edge in edges { outgoing[edge.child, default: []].append(edge) }
    var state: [QualifiedName: Bool] = [:]  // false: on the path, true: finished
    var path: [Edge] = []
    func visit(_ node: QualifiedName) -> [Edge]? {
      state[node] = false
      for edge in outgoing[node] ?? [] {
        switch state[edge.parent] {
        case .none:
          path.append(edge)
          if let cycle = visit(edge.parent) { return cycle }
          path.removeLast()
        case .some(false):
          let start = path.firstIndex { $0.child == edge.parent } ?? path.endIndex
          return Array(path[start...]) + [edge]
        case .some(true):
          continue
        }
      }
      state[node] = true
      return nil
    }
    for node in Set(edges.map(\.child)).sorted() where state[node] == nil {
      if let cycle = visit(node) { return cycle }
    }
    return nil
  }
}
