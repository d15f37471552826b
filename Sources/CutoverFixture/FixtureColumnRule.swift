/// How the generator makes one column's value for a row: a pure function of the run's
/// seed, the column and the row number, so any worker can make any row.
enum FixtureColumnRule: Sendable {
  /// Cycles through fixed values (enum labels, a CHECK list, a domains-file list): value
  /// `(row + offset) % count`, so every value appears once there are enough rows. `nil` is NULL.
  case choices([[UInt8]?], offset: Int)
  /// The table's row variants (domains file): value of variant `row % count`.
  case variant([[UInt8]?])
  /// The value of foreign key `foreignKey` (index into the table's plans), column `position`.
  case foreignKey(foreignKey: Int, position: Int)
  case uuid
  /// Text from the pools; `unique` appends `#row`, `maxLength` cuts, `huge` allows the
  /// 100 KB value on a few rows.
  case text(pool: [[UInt8]], unique: Bool, huge: Bool)
  case integer(minimum: Int64, maximum: Int64, unique: Bool)
  /// `numeric(p,s)` (limits known) or plain `numeric` (`precision` nil).
  case numeric(precision: Int?, scale: Int)
  case float
  case boolean
  case timestamp(withZone: Bool, unique: Bool)
  case date
  case time
  case json
  case textArray
  case integerArray
  case inet
  /// A type the generator does not know, in a nullable column.
  case null
}
