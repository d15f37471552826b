import CutoverKit
import Foundation

/// What the catalogs cannot tell the fixture generator: value domains of free-text columns
/// (statuses, kinds), row-level shapes whose columns depend on each other, and table weights.
///
/// Loaded from a JSON data file (`supabase/fixture/domains.json`), keyed by
/// `schema.table` and `schema.table.column`, so no table name appears in code.
public struct ValueDomains: Sendable, Decodable {
  /// How many rows a table gets per unit of `--scale`.
  public struct Defaults: Sendable, Decodable {
    /// Rows per unit of scale of an ordinary table.
    public var rowsPerScale: Double
    /// Rows per unit of scale of a table whose weight is `heavy` (events, logs).
    public var heavyRowsPerScale: Double
    /// The fewest rows any table gets (before key capacities cap it).
    public var minimumRows: Int
    /// How often a nullable column is NULL, in percent.
    public var nullPercent: Int
  }

  /// Per-table settings.
  public struct TableDomain: Sendable, Decodable {
    /// `heavy` for tables that hold most of production's rows (events, logs).
    public var weight: String?
    /// Overrides the default rows per scale.
    public var rowsPerScale: Double?
    /// Row shapes: each variant gives coherent values (text form, `nil` for NULL) for some
    /// columns; row `i` takes variant `i % count`.
    public var variants: [[String: String?]]?
  }

  /// Per-column settings.
  public struct ColumnDomain: Sendable, Decodable {
    /// The values the column takes (text form, `nil` for NULL); every one appears.
    public var values: [String?]
  }

  public var defaults: Defaults
  public var tables: [String: TableDomain]
  public var columns: [String: ColumnDomain]

  /// Built-in defaults with no table or column entries.
  public static let empty = ValueDomains(
    defaults: Defaults(rowsPerScale: 4, heavyRowsPerScale: 400, minimumRows: 3, nullPercent: 10),
    tables: [:], columns: [:])

  public init(defaults: Defaults, tables: [String: TableDomain], columns: [String: ColumnDomain]) {
    self.defaults = defaults
    self.tables = tables
    self.columns = columns
  }

  /// Reads the data file at `url`.
  ///
  /// - Throws: `FixtureError` (exit 2) naming the file and what is wrong with it.
  public static func load(from url: URL) throws -> ValueDomains {
    let data: Data
    do {
      data = try Data(contentsOf: url)
    } catch {
      throw FixtureError(
        code: .configuration,
        message: "cannot read the value domains file \(url.path): \(error.localizedDescription)",
        nextStep:
          "pass --domains PATH (default supabase/fixture/domains.json, relative to the working directory)"
      )
    }
    do {
      return try JSONDecoder().decode(ValueDomains.self, from: data)
    } catch {
      throw FixtureError(
        code: .configuration, message: "the value domains file \(url.path) does not parse: \(error)",
        nextStep: "fix the JSON; its shape is described in supabase/fixture/README.md")
    }
  }

  /// The entry of table `table`, if any.
  public func table(_ table: QualifiedName) -> TableDomain? { tables[table.description] }

  /// The entry of column `column` of `table`, if any.
  public func column(_ table: QualifiedName, _ column: String) -> ColumnDomain? {
    columns["\(table).\(column)"]
  }
}
