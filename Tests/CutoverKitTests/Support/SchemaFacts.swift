import CutoverKit
import Foundation
import Testing

/// The facts of a schema file in `supabase/schema/` — `legacy.json` (schema `app` as the
/// legacy chain leaves it) or `production.json` (schemas `app` and `public` as `supabase db
/// pull` recorded production) — and the same facts read from a database's catalogs in the
/// same shape, with the comparison that names each difference.
struct SchemaFacts: Decodable, Sendable {
  struct Column: Decodable, Sendable {
    var name: String
    var type: String
    var `default`: String?
    var notNull: Bool
    var generated: String?
  }
  struct Constraint: Decodable, Sendable, Hashable {
    var name: String
    var type: String
    var definition: String
  }
  struct Policy: Decodable, Sendable {
    var name: String
    var command: String
    var roles: [String]
  }
  struct Trigger: Decodable, Sendable {
    var name: String
    var function: String
  }
  struct Table: Decodable, Sendable {
    var schema: String
    var name: String
    var rls: Bool
    var columns: [Column]
    var constraints: [Constraint]?
    var indexes: [String]?
    var policies: [Policy]?
    var triggers: [Trigger]?
  }
  struct EnumType: Decodable, Sendable {
    var name: String
    var labels: [String]
  }
  struct Function: Decodable, Sendable {
    var name: String
    var args: String
    var returns: String
    var securityDefiner: Bool
  }

  var tables: [Table]
  var enums: [EnumType]
  var functions: [Function]
  var views: [String]
  var storageBuckets: [String]
  /// What the app uses of Supabase (checked against the stand-in).
  var supabaseObjectsReferenced: [String]?

  /// legacy.json's keys are snake_case (`not_null`, `security_definer`, `storage_buckets`).
  static var decoder: JSONDecoder {
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    return decoder
  }

  /// `<package root>/supabase/schema/legacy.json`: the legacy chain as it replays.
  static func legacy() throws -> SchemaFacts { try load("legacy.json") }

  /// `<package root>/supabase/schema/production.json`: production as `supabase db pull` recorded it.
  static func production() throws -> SchemaFacts { try load("production.json") }

  /// `<package root>/supabase/schema/<file>`, a committed copy of a schema's facts.
  static func load(_ file: String) throws -> SchemaFacts {
    let url = URL(fileURLWithPath: #filePath)
      .deletingLastPathComponent()  // Support
      .deletingLastPathComponent()  // CutoverKitTests
      .deletingLastPathComponent()  // Tests
      .deletingLastPathComponent()  // package root
      .appendingPathComponent("supabase/schema")
      .appendingPathComponent(file)
      .standardizedFileURL
    return try decoder.decode(SchemaFacts.self, from: try Data(contentsOf: url))
  }

  /// Reads schemas `app` and `public` (and the storage buckets) from `db` in the facts' shape.
  static func read(from db: TestDatabase) async throws -> SchemaFacts {
    let json = try #require(try await db.execute(catalogQuery).scalar)
    return try decoder.decode(SchemaFacts.self, from: Data(json.utf8))
  }

  /// The differences of `actual` from these facts, one readable line each.
  func differences(from actual: SchemaFacts) -> [String] {
    var out: [String] = []
    func compare(_ kind: String, _ table: String, _ expected: Set<String>, _ actual: Set<String>) {
      out += expected.subtracting(actual).sorted().map { "\(kind) \(table): missing \($0)" }
      out += actual.subtracting(expected).sorted().map { "\(kind) \(table): unexpected \($0)" }
    }
    func describe(_ value: String?) -> String { value ?? "nil" }
    let expectedTables = Dictionary(uniqueKeysWithValues: tables.map { ("\($0.schema).\($0.name)", $0) })
    let actualTables = Dictionary(
      uniqueKeysWithValues: actual.tables.map { ("\($0.schema).\($0.name)", $0) })
    out += Set(expectedTables.keys).subtracting(actualTables.keys).sorted().map { "table \($0): missing" }
    out += Set(actualTables.keys).subtracting(expectedTables.keys).sorted().map { "table \($0): unexpected" }
    for key in Set(expectedTables.keys).intersection(actualTables.keys).sorted() {
      guard let want = expectedTables[key], let have = actualTables[key] else { continue }
      if want.rls != have.rls { out.append("table \(key): rls \(have.rls), expected \(want.rls)") }
      let wantNames = want.columns.map(\.name)
      let haveNames = have.columns.map(\.name)
      if wantNames != haveNames {
        out.append("table \(key): columns \(haveNames), expected \(wantNames)")
      }
      let haveColumns = Dictionary(uniqueKeysWithValues: have.columns.map { ($0.name, $0) })
      for column in want.columns {
        guard let found = haveColumns[column.name] else { continue }
        let place = "column \(key).\(column.name)"
        if found.type != column.type { out.append("\(place): type \(found.type), expected \(column.type)") }
        if found.default != column.default {
          out.append("\(place): default \(describe(found.default)), expected \(describe(column.default))")
        }
        if found.notNull != column.notNull {
          out.append("\(place): not_null \(found.notNull), expected \(column.notNull)")
        }
        if found.generated != column.generated {
          out.append(
            "\(place): generated \(describe(found.generated)), expected \(describe(column.generated))")
        }
      }
      let constraint = { (c: Constraint) in "\(c.name) [\(c.type)] \(c.definition)" }
      compare(
        "constraint", key, Set((want.constraints ?? []).map(constraint)),
        Set((have.constraints ?? []).map(constraint)))
      compare("index", key, Set(want.indexes ?? []), Set(have.indexes ?? []))
      let policy = { (p: Policy) in
        "\(p.name) (\(p.command) to \(p.roles.sorted().joined(separator: ", ")))"
      }
      compare(
        "policy", key, Set((want.policies ?? []).map(policy)), Set((have.policies ?? []).map(policy)))
      let trigger = { (t: Trigger) in "\(t.name) → \(t.function)" }
      compare(
        "trigger", key, Set((want.triggers ?? []).map(trigger)), Set((have.triggers ?? []).map(trigger)))
    }
    let haveEnums = Dictionary(uniqueKeysWithValues: actual.enums.map { ($0.name, $0.labels) })
    let wantEnums = Dictionary(uniqueKeysWithValues: enums.map { ($0.name, $0.labels) })
    for name in Set(wantEnums.keys).union(haveEnums.keys).sorted() where wantEnums[name] != haveEnums[name] {
      let show = { (labels: [String]?) in labels.map { "[\($0.joined(separator: ", "))]" } ?? "none" }
      out.append("enum \(name): labels \(show(haveEnums[name])), expected \(show(wantEnums[name]))")
    }
    let signature = { (f: Function) in "\(f.name)(\(f.args))" }
    let body = { (f: Function) in "returns \(f.returns) security definer \(f.securityDefiner)" }
    let wantFunctions = Dictionary(functions.map { (signature($0), body($0)) }) { first, _ in first }
    let haveFunctions = Dictionary(actual.functions.map { (signature($0), body($0)) }) { first, _ in first }
    for name in Set(wantFunctions.keys).union(haveFunctions.keys).sorted()
    where wantFunctions[name] != haveFunctions[name] {
      switch (haveFunctions[name], wantFunctions[name]) {
      case (nil, _): out.append("function \(name): missing")
      case (_, nil): out.append("function \(name): unexpected")
      case (let have?, let want?): out.append("function \(name): \(have), expected \(want)")
      }
    }
    compare("views", "app and public", Set(views), Set(actual.views))
    compare("storage buckets", "storage", Set(storageBuckets), Set(actual.storageBuckets))
    return out
  }

  /// Schemas `app` and `public` in the facts' shape, as one JSON document.
  ///
  /// The primary keys' indexes are left out of `indexes` as the facts do, no
  /// trigger/policy/index list is `[]` or null. Constraint definitions name tables of the
  /// connection's `search_path` (`public` on Supabase and the stand-in) unqualified, as
  /// `db pull` read them.
  static let catalogQuery = """
    SELECT json_build_object(
      'tables', (
        SELECT coalesce(json_agg(json_build_object(
          'schema', n.nspname,
          'name', c.relname,
          'rls', c.relrowsecurity,
          'columns', (
            SELECT json_agg(json_build_object(
              'name', a.attname,
              'type', format_type(a.atttypid, a.atttypmod),
              'default', CASE WHEN a.attgenerated = '' THEN pg_get_expr(ad.adbin, ad.adrelid) END,
              'not_null', a.attnotnull,
              'generated', CASE WHEN a.attgenerated <> '' THEN pg_get_expr(ad.adbin, ad.adrelid) END
            ) ORDER BY a.attnum)
            FROM pg_attribute a
            LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
            WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped),
          'constraints', (
            SELECT json_agg(json_build_object(
              'name', k.conname, 'type', k.contype, 'definition', pg_get_constraintdef(k.oid)))
            FROM pg_constraint k WHERE k.conrelid = c.oid),
          'indexes', (
            SELECT json_agg(pg_get_indexdef(i.indexrelid))
            FROM pg_index i WHERE i.indrelid = c.oid AND NOT i.indisprimary),
          'policies', (
            SELECT json_agg(json_build_object(
              'name', p.polname,
              'command', p.polcmd,
              'roles', (SELECT json_agg(CASE WHEN r = 0 THEN 'public' ELSE pg_get_userbyid(r)::text END)
                        FROM unnest(p.polroles) r)))
            FROM pg_policy p WHERE p.polrelid = c.oid),
          'triggers', (
            SELECT json_agg(json_build_object('name', t.tgname, 'function', t.tgfoid::regproc::text))
            FROM pg_trigger t WHERE t.tgrelid = c.oid AND NOT t.tgisinternal)
        )), '[]'::json)
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname IN ('app', 'public') AND c.relkind IN ('r', 'p')),
      'enums', (
        SELECT coalesce(json_agg(json_build_object(
          'name', n.nspname || '.' || t.typname,
          'labels', (SELECT json_agg(e.enumlabel ORDER BY e.enumsortorder)
                     FROM pg_enum e WHERE e.enumtypid = t.oid))), '[]'::json)
        FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE n.nspname IN ('app', 'public') AND t.typtype = 'e'),
      'functions', (
        SELECT coalesce(json_agg(json_build_object(
          'name', n.nspname || '.' || p.proname,
          'args', pg_get_function_identity_arguments(p.oid),
          'returns', pg_get_function_result(p.oid),
          'security_definer', p.prosecdef)), '[]'::json)
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname IN ('app', 'public')),
      'views', (
        SELECT coalesce(json_agg(n.nspname || '.' || c.relname), '[]'::json)
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname IN ('app', 'public') AND c.relkind IN ('v', 'm')),
      'storage_buckets', (
        SELECT coalesce(json_agg(b.id || CASE WHEN b.public THEN ' (public)' ELSE ' (private)' END),
                        '[]'::json)
        FROM storage.buckets b)
    )::text
    """
}
