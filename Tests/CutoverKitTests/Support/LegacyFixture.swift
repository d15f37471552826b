import CutoverKit
import CutoverTestSupport
import Foundation

extension TestDatabase {
  /// Builds the legacy fixture in this database: the Supabase stand-in, then the legacy chain.
  ///
  /// Applies `supabase/local/*.sql`, then `supabase/migrations/*.sql`, each list in
  /// lexicographic order and each file as one implicit transaction (`PQexec` of the whole
  /// file), as the cluster superuser `supabase_admin` — as a rehearsal does. The stand-in's
  /// roles are cluster-wide and created only when missing, so any number of databases of one
  /// cluster (also at the same time) can be built this way.
  ///
  /// > Important: the stand-in sets the database's `search_path` and `postgres`'s database
  /// > privileges with `ALTER DATABASE`/`GRANT … ON DATABASE`, which `CREATE DATABASE …
  /// > TEMPLATE` does not copy: a copy of a fixture template lacks them.
  ///
  /// - Throws: `TestSupportError` when a directory cannot be read, `PostgresError` naming the
  ///   file whose statement failed.
  func buildLegacyFixture() async throws {
    let packageRoot = URL(fileURLWithPath: #filePath)
      .deletingLastPathComponent()  // Support
      .deletingLastPathComponent()  // CutoverKitTests
      .deletingLastPathComponent()  // Tests
      .deletingLastPathComponent()
    var scripts: [(path: String, sql: String)] = []
    for directory in ["supabase/local", "supabase/migrations"] {
      let folder = packageRoot.appendingPathComponent(directory)
      let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        .filter { $0.hasSuffix(".sql") }
        .sorted()
      guard !names.isEmpty else {
        throw TestSupportError("no .sql files in \(folder.path): the legacy fixture needs them")
      }
      for name in names {
        let sql = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
        scripts.append((path: "\(directory)/\(name)", sql: sql))
      }
    }
    let files = scripts
    try await withConnection { connection in
      for file in files {
        try connection.runScript(file.sql, doing: "apply \(file.path)")
      }
    }
  }
}
