/// One parsed mapping file (`mappings/<schema>.<table>.yaml`), every entry with its line.
///
/// The file says how one source table's rows become target rows: columns not named map to
/// the column of the same name. Nothing here is checked against a database; `MappingResolver`
/// does that.
public struct MappingFile: Sendable {
  /// A value and the 1-based line it was written on.
  public struct Located<Value: Sendable>: Sendable {
    public var value: Value
    public var line: Int
    public init(_ value: Value, line: Int) {
      self.value = value
      self.line = line
    }
  }

  /// A column renamed: `from` in the source (legacy shape), `to` in the target.
  public struct Rename: Sendable, Hashable {
    public var from: String
    public var to: String
    public init(from: String, to: String) {
      self.from = from
      self.to = to
    }
  }

  /// A source column that is not moved, and why.
  public struct Drop: Sendable {
    public var column: String
    public var reason: String
  }

  /// How a target column the source does not have is filled.
  public enum Fill: Sendable, Hashable {
    /// The same text for every row (`nil` is NULL).
    case constant(String?)
    /// Left out of the COPY column list: the target's `DEFAULT` applies.
    case targetDefault
    /// The value of another source column (also mapped elsewhere), with the table's value map.
    case copyOf(String)
  }

  /// A target column the source lacks, and its fill.
  public struct Added: Sendable {
    public var column: String
    public var fill: Fill
  }

  /// Text relabels of one column (`old → new`), such as an enum label renamed.
  public struct ValueMap: Sendable {
    public var column: String
    public var labels: [String: String]
  }

  /// Rows kept: those whose column's value is one of the listed texts (a `~` item keeps NULL).
  public struct Filter: Sendable {
    public var column: String
    public var keep: [String?]
    public var reason: String
  }

  /// The file's path as given to the loader.
  public var path: String
  public var source: Located<QualifiedName>
  public var target: Located<QualifiedName>
  public var renamed: [Located<Rename>] = []
  public var dropped: [Located<Drop>] = []
  public var added: [Located<Added>] = []
  public var valueMaps: [Located<ValueMap>] = []
  public var filter: Located<Filter>?
  /// `skip: reason`: the table is not moved.
  public var skip: Located<String>?
  /// `empty_when_absent: reason`: a source without the table is fine, the target starts empty.
  public var emptyWhenAbsent: Located<String>?

  public init(path: String, source: Located<QualifiedName>, target: Located<QualifiedName>) {
    self.path = path
    self.source = source
    self.target = target
  }

  /// `path:line`.
  public func place(_ line: Int) -> String { "\(path):\(line)" }
}
