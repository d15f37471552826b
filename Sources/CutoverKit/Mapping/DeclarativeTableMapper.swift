/// The mapper of a declarative mapping (and, with a `SwiftRowMapper`, of a Swift one): each
/// target column is a source field copied as its escaped bytes, relabelled, a constant, or a
/// value the Swift mapper computes.
public struct DeclarativeTableMapper: TableMapper {
  public let mapping: TableMapping
  private let swift: (any SwiftRowMapper)?
  /// For each target column: the source index, or -1 (constant or Swift).
  private let plan: [Step]
  private let filter: TableMapping.Filter?
  private let computedValues: CopyValueScratch

  private enum Step {
    case copy(Int)
    case relabel(Int, [String: [UInt8]])
    case constant([UInt8]?)
    case computed(Int)
  }

  public init(mapping: TableMapping, swift: (any SwiftRowMapper)? = nil) {
    self.mapping = mapping
    self.swift = swift
    self.filter = mapping.filter
    var computedIndex: [String: Int] = [:]
    for (index, name) in (swift?.computedColumns ?? []).enumerated() { computedIndex[name] = index }
    plan = mapping.columns.map { column in
      switch column.output {
      case .source(let index, let labels):
        labels.isEmpty ? .copy(index) : .relabel(index, labels.mapValues(CopyTextEncoder.escaped))
      case .constant(let text): .constant(text.map(CopyTextEncoder.escaped))
      case .swift: .computed(computedIndex[column.name] ?? 0)
      }
    }
    computedValues = CopyValueScratch(count: swift?.computedColumns.count ?? 0)
  }

  public func map(
    _ row: CopyRowBuffer, into encoder: inout CopyTextEncoder,
    flush: (UnsafeRawBufferPointer) throws -> Void
  ) throws -> Bool {
    if let filter, !filter.keep.contains(row.text(filter.index)) { return false }
    if let swift { swift.values(for: row, into: &computedValues.values) }
    for (position, step) in plan.enumerated() {
      if position > 0 {
        try encoder.ensureRoom(1, flush: flush)
        encoder.append(byte: 0x09)
      }
      switch step {
      case .copy(let index):
        try row.withField(index) { try Self.append($0, to: &encoder, flush: flush) }
      case .relabel(let index, let labels):
        if let text = row.text(index), let label = labels[text] {
          try encoder.append(raw: label, flush: flush)
        } else {
          try row.withField(index) { try Self.append($0, to: &encoder, flush: flush) }
        }
      case .constant(let bytes):
        try Self.append(bytes, to: &encoder, flush: flush)
      case .computed(let index):
        try Self.append(computedValues.values[index].map(CopyTextEncoder.escaped), to: &encoder, flush: flush)
      }
    }
    return true
  }

  /// Appends already escaped bytes of any length.
  static func append(
    _ bytes: UnsafeRawBufferPointer, to encoder: inout CopyTextEncoder,
    flush: (UnsafeRawBufferPointer) throws -> Void
  ) throws {
    var rest = bytes
    while !rest.isEmpty {
      if encoder.room == 0 { try encoder.flush(flush) }
      let count = min(rest.count, encoder.room)
      encoder.append(ascii: UnsafeRawBufferPointer(rebasing: rest[0..<count]))
      rest = UnsafeRawBufferPointer(rebasing: rest[count...])
    }
  }

  /// Appends an escaped value, or `\N` for nil.
  static func append(
    _ bytes: [UInt8]?, to encoder: inout CopyTextEncoder, flush: (UnsafeRawBufferPointer) throws -> Void
  ) throws {
    guard let bytes else {
      try encoder.ensureRoom(2, flush: flush)
      encoder.appendNull()
      return
    }
    try encoder.append(raw: bytes, flush: flush)
  }
}

/// The reused array a Swift mapper writes one row's computed values into.
final class CopyValueScratch {
  var values: [String?]
  init(count: Int) { values = Array(repeating: nil, count: count) }
}

@available(*, unavailable) extension CopyValueScratch: Sendable {}
