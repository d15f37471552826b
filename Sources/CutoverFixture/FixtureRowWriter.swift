import CutoverKit

/// Writes the COPY text of a plan's rows; every value is a pure function of the seed, the
/// table, the column and the row number.
///
/// Foreign-key values are the parent's key values of the parent row the key picks, made
/// by the same functions, so children never need to read their parents back.
struct FixtureRowWriter: Sendable {
  let plan: FixturePlan

  private static let specialTimes = [
    "infinity", "-infinity", "0044-03-15 12:00:00.000001", "9999-12-31 23:59:59.999999",
    "0001-01-01 00:00:00 BC", "1970-01-01 00:00:00", "2000-02-29 23:59:59.999999",
  ]
  private static let specialStamps = specialTimes.map { Array($0.utf8) }
  private static let specialZonedStamps = specialTimes.map { time -> [UInt8] in
    guard time.first?.isNumber == true else { return Array(time.utf8) }
    if time.hasSuffix(" BC") { return Array((time.dropLast(3) + "+00 BC").utf8) }
    return Array((time + "+00").utf8)
  }
  private static let plainNumerics = [
    "123456789012345678901234567890.123456789012345678901234567890", "-0.000000000000000000000000000001",
    "0", "10", "3.14159",
    "-99999999999999999999.9999", "0.5", "1e-20", "1000000000000000000000000000000000000000",
  ].map { Array($0.utf8) }
  private static let floats = [
    "0", "-0", "NaN", "Infinity", "-Infinity", "1e-310", "1.7976931348623157e308", "3.14",
  ]
  .map { Array($0.utf8) }
  private static let specialDates = [
    "infinity", "-infinity", "0044-03-15", "9999-12-31", "0001-01-01 BC", "2000-02-29",
  ]
  .map { Array($0.utf8) }

  /// Writes rows `range` of table `table` through `encoder`, handing full buffers to `flush`.
  func writeRows(
    table: Int, range: Range<Int>, encoder: inout CopyTextEncoder,
    flush: (UnsafeRawBufferPointer) throws -> Void
  ) throws {
    let columns = plan.tables[table].columns
    for row in range {
      for index in columns.indices {
        if index > 0 { encoder.append(byte: 0x09) }
        try encoder.ensureRoom(512, flush: flush)
        try writeValue(table: table, column: index, row: row, encoder: &encoder, flush: flush)
      }
      try encoder.endRow(flush)
    }
  }

  /// The parent row foreign key `key` of `table` picks for `row`, or nil for NULL.
  func parentRow(table: Int, key: Int, row: Int) -> Int? {
    let tablePlan = plan.tables[table]
    let foreignKey = tablePlan.foreignKeys[key]
    let parentRows = plan.tables[foreignKey.parent].rows
    guard parentRows > 0 else { return nil }
    if let position = foreignKey.injectivePosition {
      var divisor = 1
      var previous = 0
      for (index, groupKey) in tablePlan.injectiveGroup.enumerated() {
        let count = max(plan.tables[tablePlan.foreignKeys[groupKey].parent].rows, 1)
        let component = (row / divisor + previous) % count
        if index == position { return component }
        previous = component
        let (product, overflow) = divisor.multipliedReportingOverflow(by: count)
        divisor = overflow ? Int.max : product
      }
      return row % parentRows
    }
    var random = DeterministicRandom(base: foreignKey.seed, row: row)
    if foreignKey.nullPercent > 0
      && (row == Self.forcedNullRow(seed: foreignKey.seed, rows: tablePlan.rows)
        || random.chance(percent: foreignKey.nullPercent))
    {
      return nil
    }
    // Skewed: half the rows pick among the first tenth of the parents (busy parents).
    if random.chance(percent: 50) { return random.next(below: max(parentRows / 10, 1)) }
    return random.next(below: parentRows)
  }

  /// The one row among the first ten where a nullable column is always NULL, so that every
  /// nullable column holds a NULL even at the smallest scale.
  static func forcedNullRow(seed: UInt64, rows: Int) -> Int {
    Int((seed >> 7) % UInt64(max(min(rows, 10), 1)))
  }

  /// Writes one value (escaped) of column `column` of table `table` for `row`.
  func writeValue(
    table: Int, column: Int, row: Int, encoder: inout CopyTextEncoder,
    flush: (UnsafeRawBufferPointer) throws -> Void
  ) throws {
    let columnPlan = plan.tables[table].columns[column]
    var random = DeterministicRandom(base: columnPlan.seed, row: row)
    switch columnPlan.rule {
    case .foreignKey(let key, let position):
      guard let parentRow = parentRow(table: table, key: key, row: row) else { return encoder.appendNull() }
      let foreignKey = plan.tables[table].foreignKeys[key]
      try writeValue(
        table: foreignKey.parent, column: foreignKey.parentColumns[position], row: parentRow,
        encoder: &encoder, flush: flush)
      return
    case .choices(let values, let offset):
      if row >= values.count, columnPlan.nullPercent > 0, random.chance(percent: columnPlan.nullPercent) {
        return encoder.appendNull()
      }
      guard let value = values[(row + offset) % values.count] else { return encoder.appendNull() }
      return try encoder.append(raw: value, flush: flush)
    case .variant(let values):
      guard let value = values[row % values.count] else { return encoder.appendNull() }
      return try encoder.append(raw: value, flush: flush)
    case .null:
      return encoder.appendNull()
    default:
      break
    }
    if case .text(_, _, true) = columnPlan.rule, row % 1_000_000 == 1 {
      return try encoder.append(raw: plan.pools.huge, flush: flush)
    }
    if columnPlan.nullPercent > 0
      && (row == Self.forcedNullRow(seed: columnPlan.seed, rows: plan.tables[table].rows)
        || random.chance(percent: columnPlan.nullPercent))
    {
      return encoder.appendNull()
    }
    switch columnPlan.rule {
    case .uuid:
      let high = random.next()
      let low = random.next()
      encoder.append(hex: high >> 32, digits: 8)
      encoder.append(byte: 0x2D)
      encoder.append(hex: (high >> 16) & 0xFFFF, digits: 4)
      encoder.append(byte: 0x2D)
      encoder.append(hex: 0x4000 | (high & 0x0FFF), digits: 4)
      encoder.append(byte: 0x2D)
      encoder.append(hex: 0x8000 | ((low >> 48) & 0x3FFF), digits: 4)
      encoder.append(byte: 0x2D)
      encoder.append(hex: low & 0xFFFF_FFFF_FFFF, digits: 12)
    case .text(let pool, let unique, _):
      try encoder.append(raw: pool[random.next(below: pool.count)], flush: flush)
      if unique {
        try encoder.ensureRoom(32, flush: flush)
        encoder.append(byte: 0x23)  // #
        encoder.append(integer: Int64(row))
      }
    case .integer(let minimum, let maximum, let unique):
      if unique { return encoder.append(integer: minimum + Int64(row)) }
      let value: Int64
      switch random.next(below: 8) {
      case 0: value = minimum
      case 1: value = maximum
      case 2: value = 0
      case 3: value = 1
      case 4: value = -1
      default:
        let low = max(minimum, -1000)
        let high = min(maximum, 100_000)
        value = low <= high ? low + Int64(random.next(below: Int(high - low) + 1)) : minimum
      }
      encoder.append(integer: min(max(value, minimum), maximum))
    case .numeric(let precision, let scale):
      guard let precision else {
        // The first rows take the list in order, so even a tiny table holds the extremes.
        let pick = row < Self.plainNumerics.count ? row : random.next(below: Self.plainNumerics.count)
        try encoder.append(raw: Self.plainNumerics[pick], flush: flush)
        return
      }
      try encoder.ensureRoom(precision + 16, flush: flush)  // numeric allows 1000 digits
      writeNumeric(precision: precision, scale: scale, random: &random, encoder: &encoder)
    case .float:
      try encoder.append(raw: Self.floats[random.next(below: Self.floats.count)], flush: flush)
    case .boolean:
      encoder.append(byte: random.chance(percent: 50) ? 0x74 : 0x66)
    case .timestamp(let withZone, let unique):
      if unique {
        writeTimestamp(
          seconds: 1_609_459_200 + Int64(row), micros: (row &* 7919) % 1_000_000, encoder: &encoder)
      } else if random.chance(percent: 8) {
        let specials = withZone ? Self.specialZonedStamps : Self.specialStamps
        try encoder.append(raw: specials[random.next(below: specials.count)], flush: flush)
        return
      } else {
        let seconds = 1_577_836_800 + Int64(random.next(below: 220_000_000))
        writeTimestamp(seconds: seconds, micros: random.next(below: 1_000_000), encoder: &encoder)
      }
      if withZone {
        encoder.append(byte: 0x2B)
        encoder.append(byte: 0x30)
        encoder.append(byte: 0x30)
      }
    case .date:
      if random.chance(percent: 10) {
        try encoder.append(raw: Self.specialDates[random.next(below: Self.specialDates.count)], flush: flush)
      } else {
        writeDate(days: 18262 + random.next(below: 2600), encoder: &encoder)
      }
    case .time:
      let micros = random.next(below: 86_400_000_000)
      writeClock(secondOfDay: micros / 1_000_000, micros: micros % 1_000_000, encoder: &encoder)
    case .json:
      try encoder.append(raw: plan.pools.json[random.next(below: plan.pools.json.count)], flush: flush)
    case .textArray:
      try encoder.append(
        raw: plan.pools.textArrays[random.next(below: plan.pools.textArrays.count)], flush: flush)
    case .integerArray:
      try encoder.append(
        raw: plan.pools.integerArrays[random.next(below: plan.pools.integerArrays.count)], flush: flush)
    case .inet:
      try encoder.append(raw: plan.pools.inet[random.next(below: plan.pools.inet.count)], flush: flush)
    case .foreignKey, .choices, .variant, .null:
      break
    }
  }

  /// `numeric(p,s)`: the limits `±9…9.9…9`, zero, the smallest step, or a random value.
  private func writeNumeric(
    precision: Int, scale: Int, random: inout DeterministicRandom, encoder: inout CopyTextEncoder
  ) {
    let integerDigits = max(precision - scale, 0)
    func digits(_ count: Int, _ body: (Int) -> UInt8) {
      for index in 0..<count { encoder.append(byte: body(index)) }
    }
    switch random.next(below: 6) {
    case 0, 1:
      if random.chance(percent: 50) { encoder.append(byte: 0x2D) }
      if integerDigits == 0 { encoder.append(byte: 0x30) } else { digits(integerDigits) { _ in 0x39 } }
      if scale > 0 {
        encoder.append(byte: 0x2E)
        digits(scale) { _ in 0x39 }
      }
    case 2:
      encoder.append(byte: 0x30)
    case 3:
      encoder.append(byte: 0x30)
      if scale > 0 {
        encoder.append(byte: 0x2E)
        digits(scale) { $0 == scale - 1 ? 0x31 : 0x30 }
      }
    default:
      if random.chance(percent: 30) { encoder.append(byte: 0x2D) }
      if integerDigits == 0 {
        encoder.append(byte: 0x30)
      } else {
        let count = 1 + random.next(below: integerDigits)
        digits(count) { index in
          index == 0 ? 0x31 + UInt8(random.next(below: 9)) : 0x30 + UInt8(random.next(below: 10))
        }
      }
      if scale > 0 {
        encoder.append(byte: 0x2E)
        digits(scale) { _ in 0x30 + UInt8(random.next(below: 10)) }
      }
    }
  }

  /// `YYYY-MM-DD HH:MM:SS.ffffff` (UTC) from Unix seconds.
  private func writeTimestamp(seconds: Int64, micros: Int, encoder: inout CopyTextEncoder) {
    let days = Int(seconds / 86_400)
    writeDate(days: days, encoder: &encoder)
    encoder.append(byte: 0x20)
    writeClock(secondOfDay: Int(seconds % 86_400), micros: micros, encoder: &encoder)
  }

  /// `HH:MM:SS.ffffff`.
  private func writeClock(secondOfDay: Int, micros: Int, encoder: inout CopyTextEncoder) {
    encoder.append(zeroPadded: secondOfDay / 3600, width: 2)
    encoder.append(byte: 0x3A)
    encoder.append(zeroPadded: (secondOfDay / 60) % 60, width: 2)
    encoder.append(byte: 0x3A)
    encoder.append(zeroPadded: secondOfDay % 60, width: 2)
    encoder.append(byte: 0x2E)
    encoder.append(zeroPadded: micros, width: 6)
  }

  /// `YYYY-MM-DD` from days since 1970-01-01 (Howard Hinnant's civil_from_days).
  private func writeDate(days: Int, encoder: inout CopyTextEncoder) {
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let dayOfEra = z - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let monthPart = (5 * dayOfYear + 2) / 153
    let day = dayOfYear - (153 * monthPart + 2) / 5 + 1
    let month = monthPart < 10 ? monthPart + 3 : monthPart - 9
    let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    encoder.append(zeroPadded: year, width: 4)
    encoder.append(byte: 0x2D)
    encoder.append(zeroPadded: month, width: 2)
    encoder.append(byte: 0x2D)
    encoder.append(zeroPadded: day, width: 2)
  }
}
