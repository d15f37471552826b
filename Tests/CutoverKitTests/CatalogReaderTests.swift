import CutoverKit
import Foundation
import Testing

/// `CatalogReader` on real databases: odd shapes in one schema, and the legacy fixture
/// read back and compared with every fact of `supabase/schema/legacy.json`.
@Suite(.postgres, .timeLimit(.minutes(8)))
struct CatalogReaderTests {
  /// One schema with the shapes a catalog reader gets wrong: composite and deferrable keys,
  /// a self-reference, identity, serial and generated columns, a partial expression unique
  /// index, a NOT VALID check, forced RLS with policies, table and column grants,
  /// inheritance, partitions, a view, an extension's table, and names that need quoting.
  static let oddSchema = """
    CREATE SCHEMA odd;
    CREATE TYPE odd.mood AS ENUM ('calm', 'odd label', '');
    CREATE TABLE odd.tenants (
      id int, region text, name varchar(40) NOT NULL UNIQUE, PRIMARY KEY (id, region));
    CREATE TABLE odd.members (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      tenant int NOT NULL,
      region text NOT NULL,
      manager bigint REFERENCES odd.members (id),
      email text NOT NULL,
      email_lower text GENERATED ALWAYS AS (lower(email)) STORED,
      score numeric(5,2) DEFAULT 0 CHECK (score >= 0),
      tags text[],
      mood odd.mood,
      CONSTRAINT members_tenant_fkey FOREIGN KEY (tenant, region) REFERENCES odd.tenants (id, region)
        DEFERRABLE INITIALLY DEFERRED);
    CREATE UNIQUE INDEX members_email_lower ON odd.members (lower(email)) WHERE manager IS NULL;
    ALTER TABLE odd.members ADD CONSTRAINT score_small CHECK (score < 1000) NOT VALID;
    ALTER TABLE odd.members ENABLE ROW LEVEL SECURITY;
    ALTER TABLE odd.members FORCE ROW LEVEL SECURITY;
    CREATE POLICY members_read ON odd.members AS RESTRICTIVE FOR SELECT TO pg_monitor, pg_read_all_stats
      USING (tenant > 0);
    CREATE POLICY members_write ON odd.members FOR INSERT WITH CHECK (tenant = 1);
    GRANT SELECT, UPDATE ON odd.members TO pg_monitor WITH GRANT OPTION;
    GRANT SELECT (email) ON odd.members TO PUBLIC;
    CREATE TABLE odd.serials (id serial PRIMARY KEY, label text);
    INSERT INTO odd.serials (label) VALUES ('a'), ('b'), ('c');
    CREATE TABLE odd.events (id int, at timestamptz);
    CREATE TABLE odd.click_events (url text) INHERITS (odd.events);
    CREATE TABLE odd.measures (day date NOT NULL, value int) PARTITION BY RANGE (day);
    CREATE TABLE odd.measures_2024 PARTITION OF odd.measures
      FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
    CREATE VIEW odd.member_emails AS SELECT email FROM odd.members;
    CREATE TABLE odd."we""ird {x}" ("a,b" int PRIMARY KEY, "NULL" text UNIQUE);
    CREATE TABLE odd.ext_owned (id int);
    CREATE EXTENSION citext;
    ALTER EXTENSION citext ADD TABLE odd.ext_owned;
    ANALYZE odd.serials;
    """

  static func name(_ table: String) -> QualifiedName { QualifiedName(schema: "odd", name: table) }

  static func readOdd() async throws -> Catalog {
    let db = try #require(TestDatabase.current)
    try await db.runScript(oddSchema)
    return try await db.withConnection { try CatalogReader(schemas: ["odd", "absent"]).read(from: $0) }
  }

  @Test func `tables, kinds, inheritance, partitions, views and extension members`() async throws {
    let catalog = try await Self.readOdd()
    #expect(catalog.schemas == ["odd"])
    #expect(
      catalog.relations.map(\.name.name) == [
        "click_events", "events", "ext_owned", "measures", "measures_2024", "member_emails", "members",
        "serials", "tenants", "we\"ird {x}",
      ])
    #expect(catalog.table(Self.name("member_emails"))?.kind == .view)
    #expect(!catalog.tables.contains { $0.name.name == "member_emails" })
    let measures = try #require(catalog.table(Self.name("measures")))
    #expect(measures.kind == .partitioned)
    #expect(measures.children == [Self.name("measures_2024")])
    let partition = try #require(catalog.table(Self.name("measures_2024")))
    #expect(partition.kind == .ordinary)
    #expect(partition.partitionOf == Self.name("measures"))
    #expect(partition.inherits.isEmpty)
    #expect(partition.partitionBound == "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')")
    #expect(!catalog.loadableTables.contains { $0.name == partition.name })
    let events = try #require(catalog.table(Self.name("events")))
    #expect(events.children == [Self.name("click_events")])
    let clicks = try #require(catalog.table(Self.name("click_events")))
    #expect(clicks.inherits == [Self.name("events")])
    #expect(clicks.partitionOf == nil)
    #expect(clicks.columns.map(\.name) == ["id", "at", "url"])
    #expect(catalog.table(Self.name("ext_owned"))?.fromExtension == "citext")
    #expect(catalog.table(Self.name("members"))?.fromExtension == nil)
    #expect(catalog.relations.allSatisfy { $0.owner == "supabase_admin" })
    let serials = try #require(catalog.table(Self.name("serials")))
    #expect(serials.estimatedRows == 3)
    #expect(serials.pages >= 1)
    #expect(serials.bytes >= 8192)
    #expect(catalog.table(Self.name("tenants"))?.estimatedRows == nil, "never analyzed")
  }

  @Test func `columns: types, defaults, generated, identity, serial, enums and arrays`() async throws {
    let catalog = try await Self.readOdd()
    let members = try #require(catalog.table(Self.name("members")))
    #expect(
      members.columns.map(\.name) == [
        "id", "tenant", "region", "manager", "email", "email_lower", "score", "tags", "mood",
      ])
    #expect(members.columns.map(\.position) == Array(1...9))
    let id = try #require(members.column("id"))
    #expect(id.identity == .always)
    #expect(id.type == "bigint")
    #expect(id.notNull)
    #expect(id.defaultExpression == nil)
    #expect(id.ownedSequence == Self.name("members_id_seq"))
    let generated = try #require(members.column("email_lower"))
    #expect(generated.generatedExpression == "lower(email)")
    #expect(generated.defaultExpression == nil)
    #expect(members.copiedColumns.map(\.name).contains("email_lower") == false)
    let score = try #require(members.column("score"))
    #expect(score.type == "numeric(5,2)")
    #expect(score.defaultExpression == "0")
    #expect(score.numericPrecision == 5 && score.numericScale == 2)
    let tags = try #require(members.column("tags"))
    #expect(tags.isArray && tags.baseType == "text" && tags.type == "text[]")
    #expect(members.column("mood")?.enumLabels == ["calm", "odd label", ""])
    #expect(members.column("mood")?.type == "odd.mood")
    let tenants = try #require(catalog.table(Self.name("tenants")))
    #expect(tenants.column("name")?.maxLength == 40)
    let serial = try #require(catalog.table(Self.name("serials"))?.column("id"))
    #expect(serial.defaultExpression == "nextval('odd.serials_id_seq'::regclass)")
    #expect(serial.identity == nil)
    #expect(serial.ownedSequence == Self.name("serials_id_seq"))
  }

  @Test func `keys, checks, foreign keys and indexes`() async throws {
    let catalog = try await Self.readOdd()
    let tenants = try #require(catalog.table(Self.name("tenants")))
    #expect(tenants.primaryKey?.columns == ["id", "region"])
    #expect(tenants.uniqueConstraints.map(\.columns) == [["name"]])
    let members = try #require(catalog.table(Self.name("members")))
    #expect(
      members.primaryKey == CatalogKey(name: "members_pkey", columns: ["id"], definition: "PRIMARY KEY (id)"))
    let composite = try #require(members.foreignKeys.first { $0.name == "members_tenant_fkey" })
    #expect(composite.columns == ["tenant", "region"])
    #expect(composite.referenced == Self.name("tenants"))
    #expect(composite.referencedColumns == ["id", "region"])
    #expect(composite.deferrable && composite.initiallyDeferred && composite.validated)
    #expect(composite.definition.hasPrefix("FOREIGN KEY (tenant, region) REFERENCES odd.tenants(id, region)"))
    let selfReference = try #require(members.foreignKeys.first { $0.columns == ["manager"] })
    #expect(selfReference.referenced == members.name)
    #expect(!selfReference.deferrable)
    #expect(
      members.checks.map(\.name).sorted() == ["members_score_check", "score_small"])
    #expect(members.checks.first { $0.name == "score_small" }?.validated == false)
    #expect(
      members.checks.first { $0.name == "members_score_check" }?.definition
        == "CHECK ((score >= (0)::numeric))")
    let partial = try #require(members.indexes.first { $0.name == "members_email_lower" })
    #expect(partial.isUnique && partial.isPartial && !partial.isPrimary && partial.constraint == nil)
    #expect(partial.columns == ["manager", "email"], "no key column: referenced ones by position")
    #expect(partial.definition.contains("WHERE (manager IS NULL)"))
    let primary = try #require(members.indexes.first { $0.isPrimary })
    #expect(primary.constraint == "members_pkey")
    #expect(primary.columns == ["id"])
    #expect(members.uniqueColumnSets == [["id"], ["manager", "email"]])
    #expect(members.indexedColumns.isSuperset(of: ["id", "email", "manager"]))
    let weird = try #require(catalog.table(Self.name("we\"ird {x}")))
    #expect(weird.primaryKey?.columns == ["a,b"])
    #expect(weird.uniqueConstraints.map(\.columns) == [["NULL"]])
    #expect(weird.indexes.map(\.columns).sorted { $0[0] < $1[0] } == [["NULL"], ["a,b"]])
  }

  @Test func `sequences, row-level security, policies and grants`() async throws {
    let catalog = try await Self.readOdd()
    let serial = try #require(catalog.sequence(Self.name("serials_id_seq")))
    #expect(serial.dataType == "integer")
    #expect(serial.ownedByTable == Self.name("serials") && serial.ownedByColumn == "id")
    #expect(!serial.isIdentity)
    #expect(serial.lastValue == 3)
    #expect(serial.maximum == Int64(Int32.max))
    let identity = try #require(catalog.sequence(Self.name("members_id_seq")))
    #expect(identity.isIdentity && identity.dataType == "bigint" && identity.lastValue == nil)

    let members = try #require(catalog.table(Self.name("members")))
    #expect(members.rowSecurityEnabled && members.rowSecurityForced)
    #expect(catalog.table(Self.name("tenants"))?.rowSecurityEnabled == false)
    #expect(
      members.policies == [
        CatalogPolicy(
          name: "members_read", command: "SELECT", permissive: false,
          roles: ["pg_monitor", "pg_read_all_stats"],
          using: "(tenant > 0)"),
        CatalogPolicy(name: "members_write", command: "INSERT", withCheck: "(tenant = 1)"),
      ])
    let grants = Set(members.grants.filter { $0.grantee != "supabase_admin" })
    #expect(
      grants == [
        CatalogGrant(grantee: "pg_monitor", privilege: "SELECT", grantor: "supabase_admin", grantable: true),
        CatalogGrant(grantee: "pg_monitor", privilege: "UPDATE", grantor: "supabase_admin", grantable: true),
        CatalogGrant(grantee: "PUBLIC", privilege: "SELECT", column: "email", grantor: "supabase_admin"),
      ])
    #expect(members.grants.contains { $0.grantee == "supabase_admin" && $0.privilege == "TRUNCATE" })
    #expect(catalog.table(Self.name("tenants"))?.grants == [], "a table never granted on lists none")
  }

  @Test func `every schema but the excluded ones, and no schema at all`() async throws {
    let db = try #require(TestDatabase.current)
    try await db.runScript("CREATE SCHEMA one; CREATE TABLE one.t (id int); CREATE SCHEMA two;")
    let (all, none) = try await db.withConnection { connection in
      (
        try CatalogReader(scope: .allSchemas(except: ["public", "two"])).read(from: connection),
        try CatalogReader(schemas: ["nothing_here"]).read(from: connection)
      )
    }
    #expect(all.schemas == ["one"])
    #expect(all.relations.map(\.name) == [QualifiedName(schema: "one", name: "t")])
    #expect(none.schemas.isEmpty && none.relations.isEmpty && none.sequences.isEmpty)
  }

  @Test func `the legacy fixture read back matches every table fact of legacy.json`() async throws {
    let db = try #require(TestDatabase.current)
    try await db.buildLegacyFixture()
    let expected = try SchemaFacts.legacy()
    let catalog = try await db.withConnection { try CatalogReader(schemas: ["app"]).read(from: $0) }
    let expectedTriggers = Dictionary(
      uniqueKeysWithValues: expected.tables.map { ("\($0.schema).\($0.name)", $0.triggers) })
    let commands = ["SELECT": "r", "INSERT": "a", "UPDATE": "w", "DELETE": "d", "ALL": "*"]
    var actual = expected
    actual.tables = catalog.tables.map { table in
      var constraints: [SchemaFacts.Constraint] = table.checks.map {
        .init(name: $0.name, type: "c", definition: $0.definition)
      }
      constraints += table.foreignKeys.map { .init(name: $0.name, type: "f", definition: $0.definition) }
      constraints += table.uniqueConstraints.map {
        .init(name: $0.name, type: "u", definition: $0.definition)
      }
      if let key = table.primaryKey {
        constraints.append(.init(name: key.name, type: "p", definition: key.definition))
      }
      let indexes = table.indexes.filter { !$0.isPrimary }.map(\.definition)
      let policies = table.policies.map { policy in
        SchemaFacts.Policy(name: policy.name, command: commands[policy.command] ?? "?", roles: policy.roles)
      }
      return SchemaFacts.Table(
        schema: table.name.schema, name: table.name.name, rls: table.rowSecurityEnabled,
        columns: table.columns.map { column in
          SchemaFacts.Column(
            name: column.name, type: column.type, default: column.defaultExpression, notNull: column.notNull,
            generated: column.generatedExpression)
        },
        constraints: constraints.isEmpty ? nil : constraints, indexes: indexes.isEmpty ? nil : indexes,
        policies: policies.isEmpty ? nil : policies,
        triggers: expectedTriggers[table.name.description] ?? nil)
    }
    actual.views = catalog.relations.filter { $0.kind == .view || $0.kind == .materializedView }
      .map(\.name.description)
    let differences = expected.differences(from: actual)
    #expect(
      differences.isEmpty,
      "\(differences.count) differences from legacy.json:\n\(differences.joined(separator: "\n"))")
    #expect(catalog.tables.count == 51)
  }
}
