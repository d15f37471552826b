import CutoverKit
import Foundation
import Testing

struct MigrationStatementSplitterTests {
  @Test func `splits at top-level semicolons, trims, drops empty pieces and keeps start lines`() {
    let sql = "CREATE TABLE a (id int);\n\n  INSERT INTO a VALUES (1);;\nSELECT 1"
    let statements = MigrationStatementSplitter.split(sql)
    #expect(statements.map(\.text) == ["CREATE TABLE a (id int)", "INSERT INTO a VALUES (1)", "SELECT 1"])
    #expect(statements.map(\.line) == [1, 3, 4])
  }

  @Test(arguments: [
    ("$$", "$$"), ("$body$", "$body$"), ("$fn_1$", "$fn_1$"),
  ])
  func `keeps dollar-quoted function bodies whole`(open: String, close: String) {
    let sql = """
      CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS \(open)
      BEGIN
        PERFORM 1; -- a ; in a body
        RETURN 2;
      END;
      \(close);
      SELECT f();
      """
    let statements = MigrationStatementSplitter.split(sql)
    #expect(statements.count == 2)
    #expect(statements.first?.text.hasSuffix(close) == true)
    #expect(statements.last?.text == "SELECT f()")
    #expect(statements.last?.line == 7)
  }

  @Test func `a different tag inside a dollar quote does not close it`() {
    let sql = "DO $outer$ BEGIN EXECUTE $inner$ SELECT 1; $inner$; END $outer$; SELECT $1, a$b$c FROM t;"
    let statements = MigrationStatementSplitter.split(sql)
    #expect(
      statements.map(\.text) == [
        "DO $outer$ BEGIN EXECUTE $inner$ SELECT 1; $inner$; END $outer$",
        "SELECT $1, a$b$c FROM t",
      ])
  }

  @Test(arguments: [
    "SELECT 'a;b'", "SELECT 'it''s; fine'", "SELECT \"odd;name\" FROM t",
    "SELECT \"with \"\";\"\" quotes\"", "SELECT E'\\';still inside'", "SELECT e'\\\\'",
    "SELECT U&'d\\0061t;a'",
  ])
  func `quoted semicolons do not split`(statement: String) {
    let statements = MigrationStatementSplitter.split(statement + ";\nSELECT 2;")
    #expect(statements.map(\.text) == [statement, "SELECT 2"])
    #expect(statements.last?.line == 2)
  }

  @Test func `a backslash ends a standard string (standard_conforming_strings)`() {
    let statements = MigrationStatementSplitter.split("SELECT 'a\\'; SELECT 2;")
    #expect(statements.map(\.text) == ["SELECT 'a\\'", "SELECT 2"])
  }

  @Test func `comments hide semicolons, nested block comments included, and stay with their statement`() {
    let sql = """
      -- header; with a semicolon
      /* outer /* inner; */ still comment; */
      CREATE TABLE t (id int); -- trailing; comment
      SELECT 1 /* ; */ + 2;
      -- only a comment at the end;
      """
    let statements = MigrationStatementSplitter.split(sql)
    #expect(statements.count == 3)
    #expect(statements[0].line == 1)
    #expect(statements[0].codeLine == 3)
    #expect(statements[0].text.hasSuffix("CREATE TABLE t (id int)"))
    #expect(statements[0].skeleton == "CREATE TABLE T (ID INT)")
    #expect(statements[1].text == "-- trailing; comment\nSELECT 1 /* ; */ + 2")
    #expect(statements[1].codeLine == 4)
    #expect(statements[2].isCommentOnly)
  }

  @Test func `BEGIN ATOMIC bodies are one statement`() {
    let sql = """
      CREATE FUNCTION add(a int, b int) RETURNS int LANGUAGE sql
      BEGIN ATOMIC
        SELECT CASE WHEN a > 0 THEN a ELSE 0 END + b;
      END;
      SELECT add(1, 2);
      """
    let statements = MigrationStatementSplitter.split(sql)
    #expect(statements.count == 2)
    #expect(statements.first?.text.hasSuffix("END") == true)
    #expect(statements.last?.text == "SELECT add(1, 2)")
  }

  @Test func `skeletons blank strings and bodies so keywords inside them do not count`() throws {
    let statements = MigrationStatementSplitter.split(
      "ALTER TYPE app.mood ADD VALUE 'great'; SELECT 'ALTER TYPE x ADD VALUE'; DO $$ BEGIN VACUUM; END $$;")
    #expect(statements.map(\.skeleton) == ["ALTER TYPE APP.MOOD ADD VALUE ''", "SELECT ''", "DO $$"])
    #expect(MigrationFile.noTransactionReason(for: statements[0].skeleton) == "ALTER TYPE … ADD VALUE")
    #expect(MigrationFile.noTransactionReason(for: statements[1].skeleton) == nil)
    #expect(MigrationFile.noTransactionReason(for: statements[2].skeleton) == nil)
  }

  @Test(arguments: [
    ("create index concurrently i on t (a)", true), ("CREATE UNIQUE INDEX CONCURRENTLY i ON t (a)", true),
    ("DROP INDEX CONCURRENTLY i", true), ("REINDEX (VERBOSE) TABLE CONCURRENTLY t", true),
    ("VACUUM ANALYZE t", true), ("CREATE DATABASE x", true), ("ALTER SYSTEM SET work_mem = '1MB'", true),
    ("COMMIT", true), ("CREATE INDEX i ON t (a)", false), ("REINDEX TABLE t", false),
    ("CREATE TABLE concurrently (a int)", false), ("COMMENT ON TABLE t IS 'VACUUM'", false),
  ])
  func `detects statements that cannot run in a transaction`(sql: String, expected: Bool) throws {
    let statement = try #require(MigrationStatementSplitter.split(sql).first)
    #expect((MigrationFile.noTransactionReason(for: statement.skeleton) != nil) == expected)
  }

  @Test func `maps a server error position to the file line`() throws {
    let sql = "SELECT 1;\n\n-- note\nSELECT\n  1,\n  nope(2);"
    let statement = try #require(MigrationStatementSplitter.split(sql).last)
    #expect(statement.line == 3)
    #expect(statement.codeLine == 4)
    let position = try #require(statement.text.range(of: "nope")).lowerBound
    let offset =
      statement.text.unicodeScalars.distance(
        from: statement.text.unicodeScalars.startIndex, to: position) + 1
    #expect(statement.fileLine(atPosition: offset) == 6)
    #expect(statement.fileLine(atPosition: nil) == 4)
  }

  @Test func `file names give version and name as the CLI reads them`() {
    #expect(
      MigrationFile.parseName("0003_tables_extended.sql").map { [$0.version, $0.name] } == [
        "0003", "tables_extended",
      ])
    #expect(MigrationFile.parseName("20240101120000_core_schema.sql")?.name == "core_schema")
    #expect(MigrationFile.parseName("0003_a_b.sql")?.name == "a_b")
    #expect(MigrationFile.parseName("README.md") == nil)
    #expect(MigrationFile.parseName("abc_x.sql") == nil)
    #expect(MigrationFile.parseName("0003.sql") == nil)
  }
}
