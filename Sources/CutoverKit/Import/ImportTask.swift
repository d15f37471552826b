/// One step of an import that a worker runs on its connection.
enum ImportTask: Sendable, CustomStringConvertible {
  /// Load a target table from its chunks, in one transaction.
  case load(ImportPlan.Unit)
  /// Re-create a dropped index.
  case index(DeferredObject)
  /// Re-create a dropped foreign key (`NOT VALID`), then validate it.
  case foreignKey(DeferredObject)
  /// Set the table's sequences past its columns' maxima and `ANALYZE` it.
  case finish(QualifiedName)

  var description: String {
    switch self {
    case .load(let unit): "loading \(unit.target)"
    case .index(let object), .foreignKey(let object): "re-creating \(object)"
    case .finish(let table): "sequences and ANALYZE of \(table)"
    }
  }

  /// Lower runs first among ready tasks: loads, then indexes, keys, the rest.
  var rank: Int {
    switch self {
    case .load: 0
    case .index: 1
    case .foreignKey: 2
    case .finish: 3
    }
  }
}
