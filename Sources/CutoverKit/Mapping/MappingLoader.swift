import Foundation
import Yams

/// Reads the mapping files of a directory (`*.yaml`, one per table) into `MappingFile`s.
///
/// YAML through Yams: its syntax errors and every node carry a line, so both a file that does
/// not parse and a key cutover does not know are reported as `file:line`. Unknown keys are
/// errors (a typo must not silently map nothing). Every file is read and all errors are
/// collected; the first few are thrown together.
public struct MappingLoader: Sendable {
  /// The keys a mapping file may have at its top level.
  public static let topLevelKeys = [
    "source", "target", "renamed", "dropped", "added", "values", "filter", "skip", "empty_when_absent",
  ]

  public var directory: URL

  public init(directory: URL) { self.directory = directory }

  /// Loads every `*.yaml` file of the directory, sorted by name.
  ///
  /// - Throws: `MappingLoadFailure` (exit 2) listing every file and line that does not
  ///   parse, with an unknown key or a value of the wrong kind, or two files for one table.
  public func load() throws -> [MappingFile] {
    let names: [String]
    do {
      names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
    } catch {
      throw MappingLoadFailure(errors: [
        MappingError(
          .unreadable, file: directory.path, line: nil, "cannot list the mappings directory: \(error)",
          nextStep: "pass --mappings with the directory holding the mapping files (mappings/)")
      ])
    }
    var files: [MappingFile] = []
    var errors: [MappingError] = []
    var seen: [QualifiedName: String] = [:]
    for name in names {
      let path = directory.lastPathComponent + "/" + name
      do {
        let text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
        let file = try Self.parse(text, path: path)
        if let other = seen[file.source.value] {
          errors.append(
            MappingError(
              .duplicate, file: path, line: file.source.line,
              "a second mapping for \(file.source.value) (also \(other))",
              nextStep: "keep one file per source table"))
        }
        seen[file.source.value] = path
        files.append(file)
      } catch let error as MappingError {
        errors.append(error)
      } catch {
        errors.append(
          MappingError(
            .unreadable, file: path, line: nil, "cannot read: \(error)",
            nextStep: "check the file's permissions and that it is UTF-8"))
      }
    }
    guard errors.isEmpty else { throw MappingLoadFailure(errors: errors) }
    return files
  }

  /// Parses one file's text.
  /// - Throws: `MappingError` with the file and line.
  public static func parse(_ text: String, path: String) throws -> MappingFile {
    let root: Node?
    do {
      root = try Yams.compose(yaml: text)
    } catch let error as YamlError {
      throw syntaxError(error, path: path)
    }
    guard let root, let mapping = root.mapping else {
      throw MappingError(
        .invalidValue, file: path, line: root?.mark?.line ?? 1,
        "a mapping file is a YAML mapping of keys (source, target, renamed, …)",
        nextStep: "start the file with `source: schema.table`")
    }
    let reader = NodeReader(path: path)
    var values: [String: (key: Node, value: Node)] = [:]
    for (key, value) in mapping {
      let name = try reader.string(key)
      guard topLevelKeys.contains(name) else {
        throw MappingError(
          .unknownKey, file: path, line: key.mark?.line, "unknown key `\(name)`",
          nextStep: "use one of \(topLevelKeys.joined(separator: ", ")) (mappings/README.md)")
      }
      guard values[name] == nil else {
        throw MappingError(
          .duplicate, file: path, line: key.mark?.line, "key `\(name)` appears twice",
          nextStep: "merge the two entries")
      }
      values[name] = (key, value)
    }
    guard let sourceEntry = values["source"] else {
      throw MappingError(
        .invalidValue, file: path, line: 1, "no `source:` key", nextStep: "add `source: schema.table`")
    }
    let source = try reader.tableName(sourceEntry.value)
    let target = try values["target"].map { try reader.tableName($0.value) } ?? source
    var file = MappingFile(path: path, source: source, target: target)
    if let entry = values["renamed"] {
      for (key, value) in try reader.pairs(entry.value) {
        file.renamed.append(
          .init(.init(from: try reader.string(key), to: try reader.string(value)), line: reader.line(key)))
      }
    }
    if let entry = values["dropped"] {
      for (key, value) in try reader.pairs(entry.value) {
        file.dropped.append(
          .init(
            .init(column: try reader.string(key), reason: try reader.reason(value)), line: reader.line(key)))
      }
    }
    if let entry = values["added"] {
      for (key, value) in try reader.pairs(entry.value) {
        file.added.append(
          .init(.init(column: try reader.string(key), fill: try reader.fill(value)), line: reader.line(key)))
      }
    }
    if let entry = values["values"] {
      for (key, value) in try reader.pairs(entry.value) {
        var labels: [String: String] = [:]
        for (old, new) in try reader.pairs(value) { labels[try reader.string(old)] = try reader.string(new) }
        file.valueMaps.append(
          .init(.init(column: try reader.string(key), labels: labels), line: reader.line(key)))
      }
    }
    if let entry = values["filter"] {
      file.filter = .init(try reader.filter(entry.value), line: reader.line(entry.key))
    }
    if let entry = values["skip"] {
      file.skip = .init(try reader.reason(entry.value), line: reader.line(entry.key))
    }
    if let entry = values["empty_when_absent"] {
      file.emptyWhenAbsent = .init(try reader.reason(entry.value), line: reader.line(entry.key))
    }
    return file
  }

  /// A Yams syntax error as a `MappingError` with its line.
  private static func syntaxError(_ error: YamlError, path: String) -> MappingError {
    var line: Int?
    var problem = "\(error)"
    switch error {
    case .scanner(let context, let text, let mark, _), .parser(let context, let text, let mark, _),
      .composer(let context, let text, let mark, _):
      // libyaml marks where it noticed the problem; the context marks where it began.
      line = context?.mark.line ?? mark.line
      problem = context.map { "\($0.text): \(text)" } ?? text
    default: break
    }
    return MappingError(
      .syntax, file: path, line: line, "not valid YAML: \(problem)",
      nextStep: "fix the YAML at that line (indentation, a missing `:` or quote)")
  }
}

/// Reads typed values out of Yams nodes, throwing `MappingError`s with the node's line.
private struct NodeReader {
  let path: String

  func line(_ node: Node) -> Int { node.mark?.line ?? 1 }

  func fail(_ node: Node, _ message: String, _ next: String) -> MappingError {
    MappingError(.invalidValue, file: path, line: line(node), message, nextStep: next)
  }

  func string(_ node: Node) throws -> String {
    guard let scalar = node.scalar else {
      throw fail(node, "expected a plain value here, found a list or mapping", "write a single value")
    }
    return scalar.string
  }

  func reason(_ node: Node) throws -> String {
    let text = try string(node).trimmingCharacters(in: .whitespacesAndNewlines)
    guard !text.isEmpty else {
      throw fail(node, "an empty reason", "say why, in words an operator reviewing the plan understands")
    }
    return text
  }

  func tableName(_ node: Node) throws -> MappingFile.Located<QualifiedName> {
    let text = try string(node)
    let parts = text.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
      throw fail(node, "`\(text)` is not schema.table", "write the table schema-qualified, e.g. app.profiles")
    }
    return .init(QualifiedName(schema: String(parts[0]), name: String(parts[1])), line: line(node))
  }

  func pairs(_ node: Node) throws -> [(Node, Node)] {
    guard let mapping = node.mapping else {
      throw fail(
        node, "expected a mapping of `name: value` lines", "write one `name: value` per line, indented")
    }
    return mapping.map { ($0.key, $0.value) }
  }

  func fill(_ node: Node) throws -> MappingFile.Fill {
    let entries = try pairs(node)
    guard entries.count == 1, let (key, value) = entries.first else {
      throw fail(node, "an added column takes exactly one of constant, default, copy_of", "keep one of them")
    }
    switch try string(key) {
    case "constant": return .constant(value.null != nil ? nil : try string(value))
    case "default":
      guard value.bool == true else {
        throw fail(
          value, "`default:` takes `true`", "write `default: true` to let the target's DEFAULT fill it")
      }
      return .targetDefault
    case "copy_of": return .copyOf(try string(value))
    case let other:
      throw MappingError(
        .unknownKey, file: path, line: line(key), "unknown key `\(other)` for an added column",
        nextStep: "use constant, default or copy_of")
    }
  }

  func filter(_ node: Node) throws -> MappingFile.Filter {
    var column: String?
    var keep: [String?]?
    var reason: String?
    for (key, value) in try pairs(node) {
      switch try string(key) {
      case "column": column = try string(value)
      case "keep":
        guard let items = value.sequence else {
          throw fail(value, "`keep:` is a list of values", "write `keep: [a, b]`")
        }
        keep = try items.map { $0.null != nil ? nil : try string($0) }
      case "reason": reason = try self.reason(value)
      case let other:
        throw MappingError(
          .unknownKey, file: path, line: line(key), "unknown key `\(other)` in filter",
          nextStep: "a filter has column, keep and reason")
      }
    }
    guard let column, let keep, let reason else {
      throw fail(node, "a filter needs column, keep and reason", "add the missing key")
    }
    return .init(column: column, keep: keep, reason: reason)
  }
}
