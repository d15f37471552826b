/// A mapping file resolved against the real source and target tables: the COPY column lists
/// of both sides, where each target column's value comes from, and its SQL on the source side.
///
/// Made by `MappingResolver`; a `TableMapper` moves rows by it, and parity computes the same
/// rows on the source with `sourceSelectSQL` (double entry).
public struct TableMapping: Sendable {
  /// Where one target column's value comes from.
  public enum Output: Sendable, Hashable {
    /// The source column at `index` of `sourceColumns`, relabelled by `labels` (empty: as is).
    case source(index: Int, labels: [String: String])
    /// The same text in every row (nil is NULL).
    case constant(String?)
    /// Computed by the table's Swift mapper.
    case swift
  }

  /// One column of the target's COPY column list.
  public struct TargetColumn: Sendable {
    public var name: String
    /// The target's type (`format_type`).
    public var type: String
    public var output: Output
    /// The SQL expression over the source table that gives the same value, cast to `type`.
    public var sourceExpression: String
  }

  /// The kept rows: those whose source column at `index` has one of `keep`'s texts.
  public struct Filter: Sendable {
    public var index: Int
    public var keep: Set<String?>
    public var reason: String
    /// The same as a SQL condition on the source.
    public var sql: String
  }

  /// The mapping file (nil for a default: platform bookkeeping).
  public var file: String?
  public var source: QualifiedName
  public var target: QualifiedName
  /// The source's COPY columns, in the order an export writes them (generated ones left out).
  public var sourceColumns: [String]
  /// The target's COPY column list: target columns in order, those left to their default out.
  public var columns: [TargetColumn]
  /// Target columns left out of the COPY list: their `DEFAULT` (or NULL) fills them.
  public var defaulted: [String]
  public var filter: Filter?
  /// Which source shape was found ("old names, renamed: job_id→id, …").
  public var shape: String
  /// The Swift mapper's name, nil for the declarative mapper.
  public var swiftMapper: String?

  /// The index in `sourceColumns` that feeds target column `name` as is or relabelled.
  public func sourceIndex(feeding name: String) -> Int? {
    guard let column = columns.first(where: { $0.name == name }) else { return nil }
    if case .source(let index, _) = column.output { return index }
    return nil
  }

  /// `COPY target (columns) FROM STDIN`; without a column list for a table without columns
  /// (an empty list is a syntax error; each empty line is a row).
  public var copyInSQL: String {
    guard !columns.isEmpty else { return "COPY \(target.quoted) FROM STDIN" }
    return
      "COPY \(target.quoted) (\(columns.map { QualifiedName.quote($0.name) }.joined(separator: ", "))) FROM STDIN"
  }

  /// The target rows computed on the source: one expression per COPY column, the filter applied.
  public var sourceSelectSQL: String {
    let list = columns.map { "\($0.sourceExpression) AS \(QualifiedName.quote($0.name))" }
      .joined(separator: ", ")
    return "SELECT \(list) FROM \(source.quoted)" + (filter.map { " WHERE \($0.sql)" } ?? "")
  }

  /// One line for `plan`: how the table moves.
  public var summary: String {
    var parts: [String] = []
    if source != target { parts.append("into \(target)") }
    parts.append(swiftMapper.map { "Swift mapper \($0)" } ?? "declarative")
    parts.append(shape)
    if !defaulted.isEmpty { parts.append("defaults: \(defaulted.joined(separator: ", "))") }
    let constants = columns.filter { if case .constant = $0.output { true } else { false } }.map(\.name)
    if !constants.isEmpty { parts.append("constants: \(constants.joined(separator: ", "))") }
    let relabelled = columns.filter {
      if case .source(_, let labels) = $0.output { !labels.isEmpty } else { false }
    }.map(\.name)
    if !relabelled.isEmpty { parts.append("value maps: \(relabelled.joined(separator: ", "))") }
    if let filter { parts.append("filter on \(sourceColumns[filter.index]) (\(filter.reason))") }
    return parts.joined(separator: "; ")
  }
}
