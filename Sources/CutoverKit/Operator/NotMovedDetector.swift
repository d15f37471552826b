/// Finds what lives in a Supabase database but is not rows cutover moves.
///
/// Storage files, pg_cron jobs, database webhooks, Vault secrets, realtime publications, auth
/// hooks: each is looked for in the catalogs and named only when present.
struct NotMovedDetector {
  let connection: PGConnection
  let catalog: Catalog

  /// One line per thing found, with its count and what the operator does.
  func detect() throws -> [String] {
    var lines: [String] = []
    if let objects = catalog.table(QualifiedName(schema: "storage", name: "objects")) {
      let size =
        objects.column("metadata") != nil
        ? "coalesce(sum(CASE WHEN metadata->>'size' ~ '^[0-9]+$' THEN (metadata->>'size')::numeric END), 0)::text"
        : "'0'"
      let row = try connection.execute(
        "SELECT count(*)::text AS files, \(size) AS bytes FROM storage.objects",
        doing: "counting storage files"
      ).one()
      let files = try row.string("files")
      if files != "0" {
        lines.append(
          "storage files: \(files) objects, \(try row.string("bytes")) bytes in buckets — their rows move, the files do not: copy them (S3 protocol) to the new project"
        )
      }
    }
    if let count = try countIfPresent("cron.job"), count > 0 {
      lines.append("pg_cron jobs: \(count) in cron.job — recreate them on the target (cron.schedule)")
    }
    if let count = try countIfPresent("supabase_functions.hooks"), count > 0 {
      lines.append(
        "database webhooks: \(count) in supabase_functions.hooks — recreate them in the new project")
    }
    let webhookTriggers = try connection.execute(
      """
      SELECT count(*)::text AS n FROM pg_catalog.pg_trigger t
        JOIN pg_catalog.pg_proc p ON p.oid = t.tgfoid
        JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
      WHERE NOT t.tgisinternal AND n.nspname = 'supabase_functions'
      """, doing: "looking for database webhook triggers"
    ).one().string("n")
    if webhookTriggers != "0" {
      lines.append(
        "database webhook triggers: \(webhookTriggers) call supabase_functions — recreate them in the new project"
      )
    }
    if let count = try countIfPresent("vault.secrets"), count > 0 {
      lines.append(
        "Vault secrets: \(count) in vault.secrets — they are encrypted with this project's key: set them again on the target"
      )
    }
    for row in try connection.execute(
      """
      SELECT p.pubname, count(pt.tablename)::text AS tables, p.puballtables
      FROM pg_catalog.pg_publication p LEFT JOIN pg_catalog.pg_publication_tables pt ON pt.pubname = p.pubname
      GROUP BY p.pubname, p.puballtables ORDER BY p.pubname
      """, doing: "listing publications")
    {
      let scope = try row.bool("puballtables") ? "all tables" : "\(try row.string("tables")) tables"
      lines.append(
        "publication \(try row.string("pubname")) (\(scope)) — realtime subscriptions: add the same tables to the target's publication"
      )
    }
    let hooks = try connection.execute(
      """
      SELECT n.nspname || '.' || p.proname AS name FROM pg_catalog.pg_proc p
        JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
      WHERE p.prorettype = 'jsonb'::regtype AND p.proargtypes::text = ('jsonb'::regtype::oid)::text
        AND n.nspname <> ALL ($1::text[])
        AND CASE WHEN EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'supabase_auth_admin')
          THEN pg_catalog.has_function_privilege('supabase_auth_admin', p.oid, 'EXECUTE') ELSE false END
        AND CASE WHEN EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'anon')
          THEN NOT pg_catalog.has_function_privilege('anon', p.oid, 'EXECUTE') ELSE true END
      ORDER BY 1
      """, [PostgresArray.literal(ExportTableSelection.platformSchemas)],
      doing: "looking for auth hook functions")
    for row in hooks {
      lines.append(
        "auth hook function \(try row.string("name")) — the hook itself is project configuration: enable it in the new project's Auth settings"
      )
    }
    return lines
  }

  /// `count(*)` of `table` when it exists, else nil.
  private func countIfPresent(_ table: String) throws -> Int64? {
    let present = try connection.execute(
      "SELECT to_regclass($1) IS NOT NULL AS present", [table], doing: "looking for \(table)"
    ).one().bool("present")
    guard present else { return nil }
    return try connection.execute(
      "SELECT count(*) AS n FROM \(QualifiedName(parsing: table).quoted)", doing: "counting \(table)"
    ).one().int64("n")
  }
}
