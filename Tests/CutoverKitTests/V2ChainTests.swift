import CutoverKit
import Foundation
import Logging
import Testing

/// The v2 chain (`supabase/migrations_v2`) on the stand-in (`supabase/local`): it replays,
/// keeps every legacy table, serves the backend's statements (`supabase/schema/backend_contracts.md`)
/// and lets each role see only what its policies allow.
@Suite(.postgres, .timeLimit(.minutes(8)))
struct V2ChainTests {
  // MARK: replay and structure

  @Test func `both chains replay from scratch and v2 keeps every legacy table, column and name`()
    async throws
  {
    let db = try #require(TestDatabase.current)
    try await db.buildV2ChainForTest()
    let v2 = try await SchemaFacts.read(from: db)

    let legacyDB = try await TestDatabase.create(label: "v2 chain legacy side")
    let legacy: SchemaFacts
    do {
      try await legacyDB.buildLegacyFixture()
      legacy = try await SchemaFacts.read(from: legacyDB)
    } catch {
      try await legacyDB.drop()
      throw error
    }
    try await legacyDB.drop()

    // Every difference of the v2 catalog from the legacy replay, each one listed in
    // supabase/migrations_v2/README.md. "missing" lines are the legacy objects v2 changed.
    let differences = legacy.differences(from: v2)
    #expect(
      differences.sorted() == Self.expectedDifferences.sorted(),
      "\(differences.sorted().joined(separator: "\n"))")
    // The same against the committed facts of the legacy chain (legacy.json).
    let fromProduction = try SchemaFacts.legacy().differences(from: v2)
    #expect(fromProduction.sorted() == Self.expectedDifferences.sorted())
    #expect(v2.tables.count == 62)  // 58 in app, production's 4 in public
    #expect(legacy.tables.count == 51)
  }

  @Test func `every app table has RLS on and at least one policy`() async throws {
    let db = try #require(TestDatabase.current)
    try await db.buildV2ChainForTest()
    let offenders = try await db.execute(
      """
      SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'app' AND c.relkind = 'r'
         AND (NOT c.relrowsecurity OR NOT EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid))
       ORDER BY 1
      """)
    #expect(offenders.rows.isEmpty, "\(offenders.rows)")
    let tables = try await db.execute(
      "SELECT count(*) FROM pg_tables WHERE schemaname = 'app' AND rowsecurity")
    #expect(tables.scalar == "58")
    let servicePolicies = try await db.execute(
      """
      SELECT tablename FROM pg_policies
       WHERE schemaname = 'app' AND 'service_role' = ANY (roles)
         AND tablename IN ('seminar_sessions', 'seminar_recordings', 'livekit_webhook_jobs')
       ORDER BY 1
      """)
    #expect(
      servicePolicies.column("tablename") == [
        "livekit_webhook_jobs", "seminar_recordings", "seminar_sessions",
      ])
  }

  @Test func `RLS comes after every table: a table missing from 0005 fails the replay`() async throws {
    let db = try #require(TestDatabase.current)
    try await db.applyStandIn()
    let names = try V2ChainFiles.names()
    for name in names where name < "0005" {
      try await db.applyV2File(name)
    }
    try await db.runScript("CREATE TABLE app.forgotten (id int)")
    await #expect(throws: PostgresError.self) {
      try await db.applyV2File("0005_rls_base.sql")
    }
  }

  @Test func `livekit_webhook_jobs has the backend's columns`() async throws {
    let db = try #require(TestDatabase.current)
    try await db.buildV2ChainForTest()
    let columns = try await db.execute(
      """
      SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull::text,
             coalesce(pg_get_expr(d.adbin, d.adrelid), '')
        FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
       WHERE a.attrelid = 'app.livekit_webhook_jobs'::regclass AND a.attnum > 0 AND NOT a.attisdropped
       ORDER BY a.attnum
      """)
    let byName = Dictionary(
      uniqueKeysWithValues: columns.rows.compactMap { row -> (String, [String?])? in
        guard let name = row.first ?? nil else { return nil }
        return (name, Array(row.dropFirst()))
      })
    #expect(byName["id"] == ["uuid", "true", "gen_random_uuid()"])
    #expect(byName["attempt"] == ["integer", "true", "0"])
    #expect(byName["last_error"] == ["text", "false", ""])
    #expect(byName["last_attempt_at"] == ["timestamp with time zone", "false", ""])
    #expect(byName["next_run_at"] == ["timestamp with time zone", "false", "now()"])
    for legacyName in ["job_id", "attempts", "error", "last_attempted_at"] {
      #expect(byName[legacyName] == nil, "legacy column \(legacyName) still there")
    }
  }

  // MARK: triggers and buckets

  @Test func `every trigger moves updated_at on UPDATE`() async throws {
    let db = try #require(TestDatabase.current)
    try await db.buildV2ChainForTest()
    try await db.runScript(V2Fixture.sql)
    let tables = try await db.execute(
      """
      SELECT DISTINCT c.relname FROM pg_trigger t
        JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'app' AND NOT t.tgisinternal ORDER BY 1
      """
    ).column("relname").compactMap { $0 }
    #expect(tables.count == 32)
    let stale = try await db.withConnection { connection in
      var stale: [String] = []
      for table in tables {
        let name = QualifiedName(schema: "app", name: table).quoted
        try connection.execute("UPDATE \(name) SET updated_at = '2000-01-01'")
        let old = try connection.execute(
          "SELECT count(*) FROM \(name) WHERE updated_at < now() - interval '1 day'")
        if old.scalar != "0" { stale.append(table) }
      }
      return stale
    }
    #expect(stale.isEmpty, "updated_at not moved on \(stale)")

    // also when the update comes from a signed-in user through the API roles
    let moved = try await db.withConnection { connection in
      try connection.asRequest(role: "authenticated", sub: V2Fixture.teacher) { connection in
        try connection.execute(
          "UPDATE app.courses SET title = title || '!', updated_at = '2001-01-01' WHERE id = $1",
          [V2Fixture.course1])
        return try connection.execute(
          "SELECT (updated_at > '2001-01-02')::text FROM app.courses WHERE id = $1", [V2Fixture.course1]
        ).scalar
      }
    }
    #expect(moved == "true")
  }

  @Test func `the bucket migration run twice keeps each bucket once`() async throws {
    let db = try #require(TestDatabase.current)
    try await db.buildV2ChainForTest()
    try await db.runScript(
      "UPDATE storage.buckets SET public = true, file_size_limit = 1000 WHERE id = 'lesson-media'")
    try await db.applyV2File("0007_storage_buckets.sql")
    try await db.applyV2File("0007_storage_buckets.sql")
    let buckets = try await db.execute(
      "SELECT id, public::text, coalesce(file_size_limit::text, '') FROM storage.buckets ORDER BY id")
    #expect(
      buckets.rows == [
        ["course-media", "false", ""], ["lesson-media", "false", "1000"], ["public-media", "true", ""],
      ])
  }

  // MARK: quiz grading (backend_contracts.md, app.grade_quiz_and_issue_certificate)

  /// q1 single (1), q2 multi ([0,2]), q3 boolean (true), q4 boolean (false), q5 single (0).
  static func quizAnswers(_ q1: String, _ q2: String, _ q3: String, _ q4: String, _ q5: String) -> String {
    #"{"\#(V2Fixture.q1)":\#(q1),"\#(V2Fixture.q2)":\#(q2),"\#(V2Fixture.q3)":\#(q3),"\#(V2Fixture.q4)":\#(q4),"\#(V2Fixture.q5)":\#(q5)}"#
  }
  static let allRight = quizAnswers("1", "[0,2]", "true", "false", "0")

  @Test(arguments: QuizCaller.allCases)
  func `grading passes, fails and re-passes, issuing one certificate`(caller: QuizCaller) async throws {
    let db = try #require(TestDatabase.current)
    try await db.buildV2ChainForTest()
    try await db.runScript(V2Fixture.sql)
    let answers = [
      Self.quizAnswers("1", "[0,1]", "true", "true", "0"),  // 3/5
      Self.quizAnswers("1", "[2,0]", "true", "false", "1"),  // 4/5
      Self.allRight,  // 5/5 again
      "{}",  // nothing answered
    ]
    let (session, outcomes) = try await db.withBackendConnection { connection in
      // the backend's connection: the owner role, and no JWT claims anywhere in it
      let session = try connection.execute(
        "SELECT current_user::text, (auth.uid() IS NULL)::text, (auth.role() IS NULL)::text"
      ).rows
      let outcomes = try answers.map {
        try connection.grade(quiz: V2Fixture.quiz, user: V2Fixture.student, answers: $0, as: caller)
      }
      return (session, outcomes)
    }
    #expect(session == [["postgres", "true", "true"]])
    let shape = outcomes.map { $0.rows.first.map { Array($0.dropLast()) } }
    #expect(
      shape == [
        ["f", "60%", "3", "5", "80"], ["t", "80%", "4", "5", "80"], ["t", "100%", "5", "5", "80"],
        ["f", "0%", "0", "5", "80"],
      ])
    #expect(outcomes.allSatisfy { $0.columns == QuizCaller.columns && $0.rows.count == 1 })
    let certificateIDs = outcomes.map { $0.column("certificate_id").first ?? nil }
    let issued = try #require(certificateIDs[1])
    #expect(certificateIDs == [nil, issued, issued, nil])
    let certificates = try await db.execute(
      """
      SELECT id::text, course_id::text, title, status, (issued_at > now() - interval '1 minute')::text,
             (metadata = '{"score_percent": 80, "correct_count": 4, "question_count": 5, "pass_score": 80}')::text
        FROM app.certificates WHERE user_id = $1
      """, [V2Fixture.student])
    #expect(certificates.rows == [[issued, V2Fixture.course1, "Course One", "verified", "true", "true"]])
  }

  @Test(arguments: QuizCaller.allCases)
  func `a quiz that does not exist returns one failing row`(caller: QuizCaller) async throws {
    let db = try #require(TestDatabase.current)
    try await db.buildV2ChainForTest()
    try await db.runScript(V2Fixture.sql)
    let missing = "23000000-0000-0000-0000-0000000000ff"
    let outcome = try await db.withBackendConnection {
      try $0.grade(quiz: missing, user: V2Fixture.student, answers: Self.allRight, as: caller)
    }
    #expect(outcome.columns == QuizCaller.columns)
    #expect(outcome.rows == [["f", "0%", "0", "0", "0", nil]])
    let certificates = try await db.execute("SELECT count(*) FROM app.certificates")
    #expect(certificates.scalar == "1")  // the fixture's pending one only
  }

  @Test(arguments: QuizCaller.allCases)
  func `no entitlement check: a user without access to the course passes`(caller: QuizCaller) async throws {
    let db = try #require(TestDatabase.current)
    try await db.buildV2ChainForTest()
    try await db.runScript(V2Fixture.sql)
    let entitled = try await db.execute(
      "SELECT app.can_access_course($1, $2)::text", [V2Fixture.course1, V2Fixture.outsider])
    #expect(entitled.scalar == "false")
    let outcome = try await db.withBackendConnection {
      try $0.grade(quiz: V2Fixture.quiz, user: V2Fixture.outsider, answers: Self.allRight, as: caller)
    }
    #expect(outcome.column("passed") == ["t"])
    let certificate = try #require(outcome.column("certificate_id").first ?? nil)
    let owner = try await db.execute(
      "SELECT user_id::text, course_id::text FROM app.certificates WHERE id = $1", [certificate])
    #expect(owner.rows == [[V2Fixture.outsider, V2Fixture.course1]])
  }

  @Test(arguments: QuizCaller.allCases)
  func `a pass reuses the user's existing certificate for the course`(caller: QuizCaller) async throws {
    let db = try #require(TestDatabase.current)
    try await db.buildV2ChainForTest()
    try await db.runScript(V2Fixture.sql)
    // the fixture's outsider holds a pending certificate for course 3; a quiz of course 3
    let quiz = "23000000-0000-0000-0000-000000000003"
    try await db.execute(
      "INSERT INTO app.course_quizzes (id, course_id, title) VALUES ($1, $2, 'Q3')",
      [quiz, V2Fixture.course3])
    try await db.execute(
      "INSERT INTO app.quiz_questions (quiz_id, kind, prompt, correct) VALUES ($1, 'single', 'p', '0')",
      [quiz])
    let existing = try #require(
      try await db.execute("SELECT id::text FROM app.certificates WHERE user_id = $1", [V2Fixture.outsider])
        .scalar)
    let outcome = try await db.withBackendConnection {
      try $0.grade(quiz: quiz, user: V2Fixture.outsider, answers: #"{"\#(UUID())": 1}"#, as: caller)
    }
    #expect(outcome.rows.first.map { Array($0.dropLast()) } == ["f", "0%", "0", "1", "80"])
    let passedID = try await db.withBackendConnection { connection in
      let question = try connection.execute(
        "SELECT id::text FROM app.quiz_questions WHERE quiz_id = $1", [quiz])
      let id = try #require(question.scalar)
      return try connection.grade(
        quiz: quiz, user: V2Fixture.outsider, answers: #"{"\#(id)": 0}"#, as: caller
      )
      .column("certificate_id").first ?? nil
    }
    #expect(passedID == existing)
    let certificates = try await db.execute(
      "SELECT id::text, status FROM app.certificates WHERE user_id = $1", [V2Fixture.outsider])
    #expect(certificates.rows == [[existing, "pending"]])
  }

  @Test(arguments: QuizCaller.allCases)
  func `two passes at the same time issue one certificate`(caller: QuizCaller) async throws {
    let db = try #require(TestDatabase.current)
    try await db.buildV2ChainForTest()
    try await db.runScript(V2Fixture.sql)
    // The first request grades and holds its transaction open for 2 s; the second starts
    // 0.5 s later, so it grades while the first has issued but not committed.
    @Sendable func pass(after delay: String, holding hold: String) async throws -> String? {
      try await db.withBackendConnection { connection in
        try connection.execute("SELECT pg_sleep($1::float8)", [delay])
        let row = try connection.grade(
          quiz: V2Fixture.quiz, user: V2Fixture.student, answers: Self.allRight, as: caller, holding: hold)
        return row.column("certificate_id").first ?? nil
      }
    }
    async let first = pass(after: "0", holding: "2")
    async let second = pass(after: "0.5", holding: "0")
    let ids = try await [first, second]
    #expect(ids[0] != nil && ids[0] == ids[1])
    let certificates = try await db.execute(
      "SELECT count(*) FROM app.certificates WHERE user_id = $1", [V2Fixture.student])
    #expect(certificates.scalar == "1")
  }

  @Test func `the caller decides whom it grades`() async throws {
    let db = try #require(TestDatabase.current)
    try await db.buildV2ChainForTest()
    try await db.runScript(V2Fixture.sql)
    let three = "SELECT * FROM app.grade_quiz_and_issue_certificate($1, $2, $3::jsonb)"
    let two = "SELECT * FROM app.grade_quiz_and_issue_certificate($1, $2::jsonb)"
    let (quiz, student, outsider, answers) = (
      V2Fixture.quiz, V2Fixture.student, V2Fixture.outsider, Self.allRight
    )

    // A direct connection without claims: p_user_id, which it needs; the two-argument form
    // names the three-argument one.
    let (direct, twoWithoutClaims) = try await db.withBackendConnection { connection in
      try connection.execute("BEGIN")
      let outcome = (
        try connection.sqlState(of: three, [quiz, nil, answers]),
        try connection.failure(of: two, [quiz, answers])
      )
      try connection.execute("ROLLBACK")
      return outcome
    }
    #expect(direct == "22004")
    #expect(twoWithoutClaims?.sqlState == "42501")
    #expect(
      twoWithoutClaims?.message.contains(
        "app.grade_quiz_and_issue_certificate(p_quiz_id uuid, p_user_id uuid, p_answers jsonb)") == true,
      "\(String(describing: twoWithoutClaims))")

    // Whom each call graded (the owner of the certificate it returned), or its SQLSTATE.
    @Sendable func graded(
      role: String, sub: String?, jwtRole: String? = nil, _ sql: String, _ parameters: [String?]
    ) async throws -> String {
      try await db.withConnection { connection in
        try connection.asRequest(role: role, sub: sub, jwtRole: jwtRole) { connection in
          try connection.execute("SAVEPOINT call")
          let certificate: String?
          do {
            certificate = try connection.execute(sql, parameters).column("certificate_id").first ?? nil
          } catch let error as PostgresError {
            try connection.execute("ROLLBACK TO SAVEPOINT call")
            return error.sqlState ?? "?"
          }
          try connection.execute("RESET ROLE")
          let owner = try connection.execute(
            "SELECT user_id::text FROM app.certificates WHERE id = $1", [certificate])
          return owner.scalar ?? "no certificate"
        }
      }
    }
    // a signed-in user: auth.uid(), their own id or NULL; anyone else's id is refused
    #expect(
      try await graded(role: "authenticated", sub: student, three, [quiz, student, answers]) == student)
    #expect(try await graded(role: "authenticated", sub: student, three, [quiz, nil, answers]) == student)
    #expect(
      try await graded(role: "authenticated", sub: student, three, [quiz, outsider, answers]) == "42501")
    #expect(try await graded(role: "authenticated", sub: outsider, two, [quiz, answers]) == outsider)
    // a JWT role without a user
    #expect(try await graded(role: "authenticated", sub: nil, three, [quiz, student, answers]) == "42501")
    #expect(try await graded(role: "authenticated", sub: nil, two, [quiz, answers]) == "42501")
    // service_role: p_user_id, else auth.uid()
    #expect(
      try await graded(role: "service_role", sub: student, three, [quiz, outsider, answers]) == outsider)
    #expect(try await graded(role: "service_role", sub: student, three, [quiz, nil, answers]) == student)
    #expect(try await graded(role: "service_role", sub: student, two, [quiz, answers]) == student)
    #expect(try await graded(role: "service_role", sub: nil, three, [quiz, nil, answers]) == "22004")
    // anon may call neither form
    #expect(try await graded(role: "anon", sub: nil, three, [quiz, student, answers]) == "42501")
    #expect(try await graded(role: "anon", sub: nil, two, [quiz, answers]) == "42501")
    // every request above was rolled back
    let certificates = try await db.execute("SELECT count(*) FROM app.certificates")
    #expect(certificates.scalar == "1")
  }

  @Test func `score is the rounded percentage as text, passed at the quiz's pass_score`() async throws {
    let db = try #require(TestDatabase.current)
    try await db.buildV2ChainForTest()
    try await db.runScript(V2Fixture.sql)
    // quiz 2 of course 2, created as the backend does (pass_score left to its default)
    let quiz = "23000000-0000-0000-0000-000000000002"
    let questions = [
      "24000000-0000-0000-0000-000000000021", "24000000-0000-0000-0000-000000000022",
      "24000000-0000-0000-0000-000000000023",
    ]
    try await db.execute(
      "INSERT INTO app.course_quizzes (id, course_id, title) VALUES ($1, '20000000-0000-0000-0000-000000000002', 'Q2')",
      [quiz])
    for (position, id) in questions.enumerated() {
      try await db.execute(
        "INSERT INTO app.quiz_questions (id, quiz_id, position, kind, prompt, correct) VALUES ($1, $2, $3, 'single', 'p', '0')",
        [id, quiz, String(3 - position)])
    }
    let twoOfThree = #"{"\#(questions[0])": 0, "\#(questions[1])": 0, "\#(questions[2])": 1}"#
    let oneOfThree = #"{"\#(questions[0])": 0}"#
    let grade: @Sendable (String?) async throws -> [String?] = { answers in
      try await db.withBackendConnection { connection in
        let row = try connection.execute(
          "SELECT * FROM app.grade_quiz_and_issue_certificate($1, $2, $3::jsonb)",
          [quiz, V2Fixture.outsider, answers])
        return Array((row.rows.first ?? []).prefix(5))
      }
    }
    #expect(try await grade(twoOfThree) == ["f", "67%", "2", "3", "80"])  // the default pass_score
    #expect(try await grade(oneOfThree) == ["f", "33%", "1", "3", "80"])
    try await db.execute("UPDATE app.course_quizzes SET pass_score = 68 WHERE id = $1", [quiz])
    #expect(try await grade(twoOfThree) == ["f", "67%", "2", "3", "68"])
    try await db.execute("UPDATE app.course_quizzes SET pass_score = 67 WHERE id = $1", [quiz])
    #expect(try await grade(twoOfThree) == ["t", "67%", "2", "3", "67"])
    // answers that are not a JSON object answer nothing
    #expect(try await grade("[0, 0, 0]") == ["f", "0%", "0", "3", "67"])
    #expect(try await grade(nil) == ["f", "0%", "0", "3", "67"])
    // only the quiz's own questions count: quiz 1 still has 5
    let quiz1 = try await db.withBackendConnection {
      try $0.grade(quiz: V2Fixture.quiz, user: V2Fixture.student, answers: "{}", as: .backend)
    }
    #expect(quiz1.column("question_count") == ["5"])

    // Not possible in v2's tables, but the contract says what then: a NULL pass_score
    // counts as 0, a course without a title gives the certificate 'Course certificate'.
    try await db.runScript(
      """
      ALTER TABLE app.course_quizzes ALTER COLUMN pass_score DROP NOT NULL;
      ALTER TABLE app.courses ALTER COLUMN title DROP NOT NULL;
      DELETE FROM app.certificates WHERE course_id = '20000000-0000-0000-0000-000000000002';
      UPDATE app.course_quizzes SET pass_score = NULL WHERE id = '\(quiz)';
      UPDATE app.courses SET title = NULL WHERE id = '20000000-0000-0000-0000-000000000002';
      """)
    #expect(try await grade("{}") == ["t", "0%", "0", "3", "0"])
    let certificate = try await db.execute(
      "SELECT title, metadata ->> 'pass_score' FROM app.certificates WHERE user_id = $1 AND course_id = '20000000-0000-0000-0000-000000000002'",
      [V2Fixture.outsider])
    #expect(certificate.rows == [["Course certificate", "0"]])
  }

  @Test(arguments: [
    // single: the one index in correct; numbers and digit strings alike
    ("single", "1", "1", true), ("single", "1", #""1""#, true), ("single", "1", "1.0", true),
    ("single", "1", "[1]", true), ("single", "1", "2", false), ("single", "1", "[1, 2]", false),
    ("single", "1", #""one""#, false), ("single", "1", "-1", false), ("single", "1", "99999999999", false),
    ("single", #""1""#, "1", true),
    // multi: the same set of indexes, order and duplicates ignored (production never matches)
    ("multi", "[0, 2]", "[2, 0]", true), ("multi", "[0, 2]", "[0, 2, 2]", true),
    ("multi", "[0, 2]", #"["0", "2"]"#, true), ("multi", "[0, 2]", #""0,2""#, true),
    ("multi", "[0, 2]", #""[2, 0]""#, true), ("multi", "0,2", "[0, 2]", true),
    ("multi", "[0, 2]", "[0]", false), ("multi", "[0, 2]", "[0, 1, 2]", false),
    ("multi", "[0, 2]", #""0 and 2""#, false), ("multi", "[]", "[]", true), ("multi", "[]", "[0]", false),
    ("multi", "[1]", "1", true),
    // boolean: read leniently, true/t/1/yes are true
    ("boolean", "true", "true", true), ("boolean", "true", #""t""#, true), ("boolean", "true", "1", true),
    ("boolean", "true", #""yes""#, true), ("boolean", "true", #""YES""#, true),
    ("boolean", "true", #""1""#, true),
    ("boolean", "false", "false", true), ("boolean", "false", #""false""#, true),
    ("boolean", "false", #""no""#, true),
    ("boolean", "false", "0", true), ("boolean", "yes", "true", true), ("boolean", "t", "true", true),
    ("boolean", "false", "true", false), ("boolean", "true", #""no""#, false),
    ("boolean", "true", "0", false),
    ("boolean", "true", "null", false), ("boolean", "false", "[]", false),
  ])
  func `each answer kind is graded by its shape`(kind: String, correct: String, answer: String, right: Bool)
    async throws
  {
    let db = try #require(TestDatabase.current)
    try await db.buildV2ChainForTest()
    let result = try await db.execute(
      "SELECT app.quiz_answer_is_correct($1, $2, $3::jsonb)::text", [kind, correct, answer])
    #expect(result.scalar == (right ? "true" : "false"))
  }

  // MARK: the backend's statements

  @Test func `the backend's livekit job statements run as written`() async throws {
    let db = try #require(TestDatabase.current)
    try await db.buildV2ChainForTest()
    let outcome = try await db.withConnection { connection in
      try connection.execute("SET ROLE postgres")  // the backend's connection
      let inserted = try connection.execute(
        "INSERT INTO app.livekit_webhook_jobs (event, payload) VALUES ($1, $2::jsonb) RETURNING id, payload, attempt, next_run_at",
        ["room_finished", #"{"room":"r1"}"#])
      let first = try #require(inserted.column("id").first ?? nil)
      let second = try #require(
        try connection.execute(
          "INSERT INTO app.livekit_webhook_jobs (event, payload) VALUES ($1, $2::jsonb) RETURNING id, payload, attempt, next_run_at",
          ["room_started", #"{"room":"r2"}"#]
        ).scalar)
      try connection.execute("BEGIN")
      let claimed = try connection.execute(
        """
        WITH next AS (
          SELECT id FROM app.livekit_webhook_jobs
           WHERE status = 'pending' AND locked_at IS NULL AND next_run_at <= now()
           ORDER BY next_run_at
           LIMIT 1
           FOR UPDATE SKIP LOCKED
        )
        UPDATE app.livekit_webhook_jobs j
           SET status = 'processing', locked_at = now(), last_attempt_at = now(), updated_at = now()
          FROM next WHERE j.id = next.id
        RETURNING j.id, j.payload, j.attempt
        """)
      try connection.execute("COMMIT")
      let locked = try connection.execute(
        """
        UPDATE app.livekit_webhook_jobs SET locked_at = now(), status = 'processing'
         WHERE id = $1 AND (locked_at IS NULL OR locked_at < now() - interval '5 minutes')
           AND status IN ('pending', 'processing')
        RETURNING id
        """, [second])
      let reset = try connection.execute(
        """
        UPDATE app.livekit_webhook_jobs
           SET status = 'pending', locked_at = NULL, next_run_at = least(next_run_at, now())
         WHERE status = 'processing'
        """)
      let counts = try connection.execute(
        """
        SELECT count(*) FILTER (WHERE status IN ('pending', 'processing')) AS pending,
               count(*) FILTER (WHERE status = 'failed') AS failed
          FROM app.livekit_webhook_jobs
        """)
      try connection.execute(
        """
        UPDATE app.livekit_webhook_jobs
           SET attempt = $2, status = 'pending', locked_at = NULL, next_run_at = $3::timestamptz,
               last_error = $4, updated_at = now()
         WHERE id = $1
        """, [first, "1", "2030-01-01T00:00:00Z", "timeout"])
      try connection.execute(
        """
        UPDATE app.livekit_webhook_jobs
           SET attempt = $2, status = 'failed', locked_at = NULL, next_run_at = NULL, last_error = $3
         WHERE id = $1
        """, [first, "5", "gave up"])
      let failed = try connection.execute(
        "SELECT status, attempt::text, (next_run_at IS NULL)::text, last_error FROM app.livekit_webhook_jobs WHERE id = $1",
        [first])
      try connection.execute("BEGIN")
      let foreignStatus = try connection.sqlState(
        of: "UPDATE app.livekit_webhook_jobs SET status = 'done' WHERE id = $1", [second])
      try connection.execute("COMMIT")
      let deleted = try connection.execute("DELETE FROM app.livekit_webhook_jobs WHERE id = $1", [first])
      return (inserted, claimed, locked, reset, counts, failed, foreignStatus, deleted)
    }
    #expect(outcome.0.column("attempt") == ["0"])
    #expect(outcome.0.column("next_run_at").first.flatMap { $0 } != nil)
    #expect(outcome.1.rows.count == 1)
    #expect(outcome.1.column("attempt") == ["0"])
    #expect(outcome.2.rows.count == 1)
    #expect(outcome.3.affectedRows == 2)
    #expect(outcome.4.rows == [["2", "0"]])
    #expect(outcome.5.rows == [["failed", "5", "true", "gave up"]])
    #expect(outcome.6 == "23514")
    #expect(outcome.7.affectedRows == 1)
  }

  @Test func `the backend's subscription statements run as written`() async throws {
    let db = try #require(TestDatabase.current)
    try await db.buildV2ChainForTest()
    try await db.runScript(V2Fixture.sql)
    let upsert = """
      INSERT INTO app.subscriptions (user_id, subscription_id, status, customer_id, price_id, created_at, updated_at)
      VALUES ($1, $2, $3, $4, $5, now(), now())
      ON CONFLICT (subscription_id) DO UPDATE
        SET status = EXCLUDED.status, customer_id = EXCLUDED.customer_id,
            price_id = EXCLUDED.price_id, updated_at = EXCLUDED.updated_at
      """
    let columns = "id, user_id, subscription_id, status, customer_id, price_id, created_at, updated_at"
    let (bySubscription, byUser, memberships) = try await db.withConnection { connection in
      try connection.execute("SET ROLE postgres")
      try connection.execute(upsert, [V2Fixture.outsider, "sub_123", "incomplete", "cus_9", "price_1"])
      try connection.execute(upsert, [V2Fixture.outsider, "sub_123", "active", "cus_9", "price_2"])
      try connection.execute(
        "UPDATE app.subscriptions SET status = $2, customer_id = $3, price_id = $4, updated_at = now() WHERE subscription_id = $1",
        ["sub_123", "past_due", "cus_9", "price_2"])
      let bySubscription = try connection.execute(
        "SELECT \(columns) FROM app.subscriptions WHERE subscription_id = $1", ["sub_123"])
      let byUser = try connection.execute(
        "SELECT \(columns) FROM app.subscriptions WHERE user_id = $1 ORDER BY updated_at DESC LIMIT 1",
        [V2Fixture.outsider])
      let memberships = try connection.execute(
        """
        SELECT membership_id, user_id, plan_interval, price_id, stripe_customer_id,
               stripe_subscription_id, status, start_date, end_date
          FROM app.memberships WHERE user_id = $1
        """, [V2Fixture.student])
      return (bySubscription, byUser, memberships)
    }
    #expect(bySubscription.columns == columns.components(separatedBy: ", "))
    #expect(bySubscription.rows.count == 1)
    #expect(bySubscription.column("status") == ["past_due"])
    #expect(bySubscription.column("price_id") == ["price_2"])
    #expect(byUser.rows == bySubscription.rows)
    #expect(memberships.column("plan_interval") == ["month"])
  }

  // MARK: policy behaviour

  @Test func `anon sees only published, active and public rows`() async throws {
    let db = try #require(TestDatabase.current)
    try await db.buildV2ChainForTest()
    try await db.runScript(V2Fixture.sql + V2Fixture.storageObjects)
    let counts = try await db.withConnection { connection in
      try connection.asRequest(role: "anon", sub: nil) { connection in
        try connection.counts([
          "app.courses", "app.services", "app.sessions", "app.seminars", "app.course_bundles",
          "app.teacher_profile_media", "app.profiles", "app.reviews", "app.orders", "storage.objects",
          "storage.buckets",
        ])
      }
    }
    #expect(
      counts == [
        "app.courses": 2, "app.services": 1, "app.sessions": 1, "app.seminars": 1, "app.course_bundles": 1,
        "app.teacher_profile_media": 1, "app.profiles": 0, "app.reviews": 0, "app.orders": 0,
        "storage.objects": 1, "storage.buckets": 3,
      ])
  }

  @Test func `a user sees their own rows and nobody else's`() async throws {
    let db = try #require(TestDatabase.current)
    try await db.buildV2ChainForTest()
    try await db.runScript(V2Fixture.sql)
    let tables = [
      "app.profiles", "app.orders", "app.payments", "app.memberships", "app.subscriptions",
      "app.notifications", "app.messages", "app.follows", "app.purchases", "app.entitlements",
      "app.course_entitlements", "app.refresh_tokens", "app.stripe_customers", "app.certificates",
    ]
    let (student, outsider) = try await db.withConnection { connection in
      (
        try connection.asRequest(role: "authenticated", sub: V2Fixture.student) { try $0.counts(tables) },
        try connection.asRequest(role: "authenticated", sub: V2Fixture.outsider) { try $0.counts(tables) }
      )
    }
    #expect(
      student == [
        "app.profiles": 1, "app.orders": 1, "app.payments": 1, "app.memberships": 1, "app.subscriptions": 1,
        "app.notifications": 1, "app.messages": 1, "app.follows": 1, "app.purchases": 1,
        "app.entitlements": 1, "app.course_entitlements": 1, "app.refresh_tokens": 0,
        "app.stripe_customers": 0, "app.certificates": 0,
      ])
    #expect(
      outsider == [
        "app.profiles": 1, "app.orders": 1, "app.payments": 1, "app.memberships": 0, "app.subscriptions": 0,
        "app.notifications": 1, "app.messages": 1, "app.follows": 1, "app.purchases": 0,
        "app.entitlements": 0, "app.course_entitlements": 0, "app.refresh_tokens": 0,
        "app.stripe_customers": 0, "app.certificates": 0,
      ])
  }

  @Test func `course content and media reach entitled users and the course's teacher only`() async throws {
    let db = try #require(TestDatabase.current)
    try await db.buildV2ChainForTest()
    try await db.runScript(V2Fixture.sql + V2Fixture.storageObjects)
    let tables = [
      "app.lessons", "app.lesson_media", "app.modules", "app.quiz_questions", "app.live_events",
      "storage.objects",
    ]
    let (student, outsider, teacher) = try await db.withConnection { connection in
      (
        try connection.asRequest(role: "authenticated", sub: V2Fixture.student) { try $0.counts(tables) },
        try connection.asRequest(role: "authenticated", sub: V2Fixture.outsider) { try $0.counts(tables) },
        try connection.asRequest(role: "authenticated", sub: V2Fixture.teacher) { try $0.counts(tables) }
      )
    }
    // student: course 1 (enrolled) lessons and media — by course-id path, lesson-id path and
    // registered lesson_media path — and their own public file; never the quiz answers
    #expect(
      student == [
        "app.lessons": 2, "app.lesson_media": 1, "app.modules": 0, "app.quiz_questions": 0,
        "app.live_events": 2, "storage.objects": 4,
      ])
    // outsider: the intro lesson of a published course, public media only
    #expect(
      outsider == [
        "app.lessons": 1, "app.lesson_media": 0, "app.modules": 0, "app.quiz_questions": 0,
        "app.live_events": 0, "storage.objects": 1,
      ])
    #expect(
      teacher == [
        "app.lessons": 3, "app.lesson_media": 1, "app.modules": 2, "app.quiz_questions": 0,
        "app.live_events": 3, "storage.objects": 5,
      ])
  }

  @Test func `writes that would grant access or privileges are refused`() async throws {
    let db = try #require(TestDatabase.current)
    try await db.buildV2ChainForTest()
    try await db.runScript(V2Fixture.sql)
    let states = try await db.withConnection { connection in
      var states: [String: String?] = [:]
      try connection.asRequest(role: "authenticated", sub: V2Fixture.student) { connection in
        states["own display name"] = try connection.sqlState(
          of: "UPDATE app.profiles SET display_name = 'Sam' WHERE user_id = $1", [V2Fixture.student])
        states["own is_admin"] = try connection.sqlState(
          of: "UPDATE app.profiles SET is_admin = true WHERE user_id = $1", [V2Fixture.student])
        states["enrol in a paid course"] = try connection.sqlState(
          of: "INSERT INTO app.enrollments (user_id, course_id, source) VALUES ($1, $2, 'purchase')",
          [V2Fixture.student, V2Fixture.course3])
        states["paid order"] = try connection.sqlState(
          of: "INSERT INTO app.orders (user_id, amount_cents, status) VALUES ($1, 1, 'paid')",
          [V2Fixture.student])
        states["pending order"] = try connection.sqlState(
          of: "INSERT INTO app.orders (user_id, amount_cents) VALUES ($1, 100)", [V2Fixture.student])
        states["join a seminar"] = try connection.sqlState(
          of: "INSERT INTO app.seminar_attendees (seminar_id, user_id) VALUES ($1, $2)",
          [V2Fixture.draftSeminar, V2Fixture.student])
        states["read seminar sessions"] = try connection.sqlState(of: "SELECT * FROM app.seminar_sessions")
        states["read livekit jobs"] = try connection.sqlState(of: "SELECT * FROM app.livekit_webhook_jobs")
        states["own public folder"] = try connection.sqlState(
          of: "INSERT INTO storage.objects (bucket_id, name) VALUES ('public-media', $1)",
          ["\(V2Fixture.student)/b.png"])
        states["someone's public folder"] = try connection.sqlState(
          of: "INSERT INTO storage.objects (bucket_id, name) VALUES ('public-media', $1)",
          ["\(V2Fixture.outsider)/b.png"])
        states["course media as student"] = try connection.sqlState(
          of: "INSERT INTO storage.objects (bucket_id, name) VALUES ('course-media', $1)",
          ["\(V2Fixture.course1)/s.png"])
        return ()
      }
      try connection.asRequest(role: "authenticated", sub: V2Fixture.teacher) { connection in
        states["course media as teacher"] = try connection.sqlState(
          of: "INSERT INTO storage.objects (bucket_id, name) VALUES ('course-media', $1)",
          ["\(V2Fixture.course1)/t.png"])
        states["teacher payout split"] = try connection.sqlState(
          of: "UPDATE app.teachers SET payout_split_pct = 0")
        states["teacher creates a course"] = try connection.sqlState(
          of: "INSERT INTO app.courses (slug, title, created_by) VALUES ('t-new', 'New', $1)",
          [V2Fixture.teacher])
        return ()
      }
      try connection.asRequest(role: "authenticated", sub: V2Fixture.outsider) { connection in
        states["student creates a course"] = try connection.sqlState(
          of: "INSERT INTO app.courses (slug, title, created_by) VALUES ('o-new', 'New', $1)",
          [V2Fixture.outsider])
        states["register for a members' event"] = try connection.sqlState(
          of: "INSERT INTO app.live_event_registrations (event_id, user_id) VALUES ($1, $2)",
          [V2Fixture.membersEvent, V2Fixture.outsider])
        return ()
      }
      return states
    }
    #expect(
      states == [
        "own display name": nil, "own is_admin": "42501", "enrol in a paid course": "42501",
        "paid order": "42501", "pending order": nil, "join a seminar": "42501",
        "read seminar sessions": "42501", "read livekit jobs": "42501", "own public folder": nil,
        "someone's public folder": "42501", "course media as student": "42501",
        "course media as teacher": nil, "teacher payout split": "42501", "teacher creates a course": nil,
        "student creates a course": "42501", "register for a members' event": "42501",
      ])
  }

  @Test func `service_role reaches every row, by role or by JWT role`() async throws {
    let db = try #require(TestDatabase.current)
    try await db.buildV2ChainForTest()
    try await db.runScript(V2Fixture.sql + V2Fixture.storageObjects)
    let tables = ["app.refresh_tokens", "app.quiz_questions", "app.livekit_webhook_jobs", "storage.objects"]
    let (byRole, byClaim) = try await db.withConnection { connection in
      (
        try connection.asRequest(role: "service_role", sub: nil, jwtRole: "service_role") {
          try $0.counts(tables)
        },
        try connection.asRequest(role: "authenticated", sub: nil, jwtRole: "service_role") {
          try $0.counts(["app.refresh_tokens", "app.quiz_questions"])
        }
      )
    }
    #expect(
      byRole == [
        "app.refresh_tokens": 1, "app.quiz_questions": 5, "app.livekit_webhook_jobs": 1, "storage.objects": 6,
      ])
    #expect(byClaim == ["app.refresh_tokens": 1, "app.quiz_questions": 5])
  }

  @Test func `each role sees what it saw under the legacy policies, except where v2 must differ`()
    async throws
  {
    let db = try #require(TestDatabase.current)
    try await db.buildV2ChainForTest()
    try await db.runScript(V2Fixture.sql + V2Fixture.storageObjects)
    let legacyDB = try await TestDatabase.create(label: "v2 chain legacy policies")
    do {
      try await legacyDB.buildLegacyFixture()
      try await legacyDB.runScript(V2Fixture.legacySQL + V2Fixture.storageObjects)
    } catch {
      try await legacyDB.drop()
      throw error
    }
    let tables =
      try await legacyDB.execute(
        """
        SELECT 'app.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'app' AND c.relkind IN ('r', 'v') ORDER BY 1
        """
      ).rows.compactMap { $0.first ?? nil } + ["storage.objects"]
    let requests: [(label: String, role: String, sub: String?)] = [
      ("anon", "anon", nil), ("admin", "authenticated", V2Fixture.admin),
      ("teacher", "authenticated", V2Fixture.teacher), ("student", "authenticated", V2Fixture.student),
      ("outsider", "authenticated", V2Fixture.outsider),
    ]
    @Sendable func visibility(_ database: TestDatabase) async throws -> [String: String] {
      try await database.withConnection { connection in
        var seen: [String: String] = [:]
        for request in requests {
          try connection.asRequest(role: request.role, sub: request.sub) { connection in
            for table in tables {
              seen["\(request.label) \(table)"] = try connection.visibleRows(table)
            }
          }
        }
        return seen
      }
    }
    let v2 = try await visibility(db)
    let legacy = try await visibility(legacyDB)
    try await legacyDB.drop()
    #expect(v2.count == legacy.count)
    let changed = v2.keys.filter { v2[$0] != legacy[$0] }.sorted().map {
      "\($0): \(legacy[$0] ?? "-") -> \(v2[$0] ?? "-")"
    }
    // storage.objects: legacy had no storage policies (0008 is new). Lessons and lesson
    // media: the legacy reconstruction reads them through app.modules, which only teachers
    // see, so nobody else saw a lesson; v2 shows them to entitled users (and intro lessons
    // of published courses to every signed-in user). Bundle courses: production's
    // course_bundle_courses_admin (db pull) lets admins manage every bundle's courses.
    #expect(
      changed == [
        "admin app.course_bundle_courses: 0 -> 1",
        "admin app.lessons: 0 -> 1",
        "admin storage.objects: 0 -> 1",
        "anon storage.objects: 0 -> 1",
        "outsider app.lessons: 0 -> 1",
        "outsider storage.objects: 0 -> 1",
        "student app.lesson_media: 0 -> 1",
        "student app.lessons: 0 -> 2",
        "student storage.objects: 0 -> 4",
        "teacher storage.objects: 0 -> 5",
      ], "\(changed.joined(separator: "\n"))")
  }

  @Test func `production's tables: each role reaches what its policies and grants allow`() async throws {
    let db = try #require(TestDatabase.current)
    try await db.buildV2ChainForTest()
    try await db.runScript(V2Fixture.sql)
    let tables = [
      "app.classroom_messages", "app.classroom_presence", "app.lesson_packages", "app.music_tracks",
      "app.teacher_accounts", "app.welcome_cards", "public.subscription_plans", "public.coupons",
      "public.subscriptions", "public.user_certifications",
    ]
    let seen = try await db.withConnection { connection in
      [
        try connection.asRequest(role: "anon", sub: nil) { try $0.counts(tables) },
        try connection.asRequest(role: "authenticated", sub: V2Fixture.student) { try $0.counts(tables) },
        try connection.asRequest(role: "authenticated", sub: V2Fixture.outsider) { try $0.counts(tables) },
        try connection.asRequest(role: "authenticated", sub: V2Fixture.teacher) { try $0.counts(tables) },
      ]
    }
    let expected: [[String: Int]] = [
      // anon: active plans only
      [
        "app.classroom_messages": 0, "app.classroom_presence": 0, "app.lesson_packages": 0,
        "app.music_tracks": 0, "app.teacher_accounts": 0, "app.welcome_cards": 0,
        "public.subscription_plans": 1, "public.coupons": 0, "public.subscriptions": 0,
        "public.user_certifications": 0,
      ],
      // student: course 1's classroom, the members' track, active cards, own subscription
      [
        "app.classroom_messages": 1, "app.classroom_presence": 1, "app.lesson_packages": 0,
        "app.music_tracks": 1, "app.teacher_accounts": 0, "app.welcome_cards": 1,
        "public.subscription_plans": 1, "public.coupons": 0, "public.subscriptions": 1,
        "public.user_certifications": 0,
      ],
      // outsider: no classroom, no membership
      [
        "app.classroom_messages": 0, "app.classroom_presence": 0, "app.lesson_packages": 0,
        "app.music_tracks": 0, "app.teacher_accounts": 0, "app.welcome_cards": 1,
        "public.subscription_plans": 1, "public.coupons": 0, "public.subscriptions": 0,
        "public.user_certifications": 0,
      ],
      // teacher: their course's classroom and lesson package, own track, account, certification
      [
        "app.classroom_messages": 1, "app.classroom_presence": 1, "app.lesson_packages": 1,
        "app.music_tracks": 1, "app.teacher_accounts": 1, "app.welcome_cards": 1,
        "public.subscription_plans": 1, "public.coupons": 0, "public.subscriptions": 0,
        "public.user_certifications": 1,
      ],
    ]
    #expect(seen == expected)

    let course1 = V2Fixture.course1
    let writes = try await db.withConnection { connection in
      (
        try connection.asRequest(role: "authenticated", sub: V2Fixture.student) { connection in
          [
            try connection.sqlState(of: "UPDATE app.course_entitlements SET course_slug = 'c3'"),
            try connection.sqlState(of: "DELETE FROM app.classroom_messages"),
            try connection.sqlState(
              of: "INSERT INTO app.classroom_messages (course_id, user_id, message) VALUES ($1, $2, 'hej')",
              [course1, V2Fixture.student]),
            try connection.sqlState(of: "UPDATE app.classroom_presence SET last_seen = now()"),
            try connection.sqlState(
              of: "UPDATE app.classroom_presence SET user_id = $1", [V2Fixture.outsider]),
          ]
        },
        try connection.asRequest(role: "authenticated", sub: V2Fixture.outsider) { connection in
          try connection.sqlState(
            of: "INSERT INTO app.classroom_messages (course_id, user_id, message) VALUES ($1, $2, 'hej')",
            [course1, V2Fixture.outsider])
        },
        try connection.asRequest(role: "authenticated", sub: V2Fixture.teacher) { connection in
          try connection.sqlState(of: "UPDATE app.teacher_accounts SET stripe_account_id = 'acct_evil'")
        },
        try connection.asRequest(role: "anon", sub: nil) { connection in
          try connection.execute(
            "SELECT count(*) FROM public.rest_select_seminar($1)",
            [
              "28000000-0000-0000-0000-000000000001"
            ]
          ).scalar
        }
      )
    }
    // entitlements and Stripe accounts are not the user's to change; a classroom message is
    // written by a member as themselves, never rewritten or removed; presence moves last_seen only
    #expect(writes.0 == ["42501", "42501", nil, nil, "42501"])
    #expect(writes.1 == "42501")
    #expect(writes.2 == "42501")
    #expect(writes.3 == "1")
  }

  /// The differences of the v2 catalog from the legacy one (SchemaFacts's wording), each
  /// documented in supabase/migrations_v2/README.md.
  static let expectedDifferences: [String] = [
    "column app.live_events.starts_at: not_null false, expected true",
    "column app.livekit_webhook_jobs.next_run_at: not_null false, expected true",
    "constraint app.course_products: unexpected course_products_course_id_key [u] UNIQUE (course_id)",
    "constraint app.entitlements: unexpected entitlements_source_check [c] CHECK ((source = ANY (ARRAY['purchase'::text, 'subscription'::text, 'admin'::text])))",
    "constraint app.guest_claim_tokens: unexpected guest_claim_tokens_token_key [u] UNIQUE (token)",
    "constraint app.live_events: unexpected live_events_time_check [c] CHECK (((scheduled_at IS NOT NULL) OR (starts_at IS NOT NULL)))",
    "constraint app.livekit_webhook_jobs: missing livekit_webhook_jobs_pkey [p] PRIMARY KEY (job_id)",
    "constraint app.livekit_webhook_jobs: unexpected livekit_webhook_jobs_pkey [p] PRIMARY KEY (id)",
    "constraint app.livekit_webhook_jobs: unexpected livekit_webhook_jobs_status_check [c] CHECK ((status = ANY (ARRAY['pending'::text, 'processing'::text, 'failed'::text])))",
    "function app.can_access_course(p_course_id uuid, p_user_id uuid): unexpected",
    "function app.can_access_live_event(p_event_id uuid, p_user_id uuid): unexpected",
    "function app.can_access_seminar(p_seminar_id uuid): returns boolean security definer true, expected returns boolean security definer false",
    "function app.can_access_seminar(p_seminar_id uuid, p_user_id uuid): returns boolean security definer true, expected returns boolean security definer false",
    "function app.can_edit_course(p_course_id uuid, p_user_id uuid): unexpected",
    "function app.course_is_free_intro(p_course_id uuid): unexpected",
    "function app.course_is_published(p_course_id uuid): unexpected",
    "function app.grade_quiz_and_issue_certificate(p_quiz_id uuid, p_answers jsonb): unexpected",
    "function app.grade_quiz_and_issue_certificate(p_quiz_id uuid, p_user_id uuid, p_answers jsonb): unexpected",
    "function app.has_active_membership(p_user_id uuid): unexpected",
    "function app.has_course_classroom_access(p_course_id uuid, p_user_id uuid): unexpected",
    "function app.is_admin(p_user uuid): returns boolean security definer true, expected returns boolean security definer false",
    "function app.is_seminar_attendee(p_seminar_id uuid): returns boolean security definer true, expected returns boolean security definer false",
    "function app.is_seminar_attendee(p_seminar_id uuid, p_user_id uuid): returns boolean security definer true, expected returns boolean security definer false",
    "function app.is_seminar_host(p_seminar_id uuid): returns boolean security definer true, expected returns boolean security definer false",
    "function app.is_seminar_host(p_seminar_id uuid, p_user_id uuid): returns boolean security definer true, expected returns boolean security definer false",
    "function app.is_teacher(p_user_id uuid): unexpected",
    "function app.lesson_course_id(p_lesson_id uuid): unexpected",
    "function app.module_course_id(p_module_id uuid): unexpected",
    "function app.quiz_answer_is_correct(p_kind text, p_correct text, p_answer jsonb): unexpected",
    "function app.quiz_boolean(p_value jsonb): unexpected",
    "function app.quiz_course_id(p_quiz_id uuid): unexpected",
    "function app.quiz_indexes(p_value jsonb): unexpected",
    "function app.storage_object_course_id(p_bucket_id text, p_name text): unexpected",
    "function public.rest_insert_seminar(p_host_id uuid, p_title text, p_status app.seminar_status): unexpected",
    "function public.rest_select_seminar(p_seminar_id uuid): unexpected",
    "function public.rest_select_seminar_attendees(p_seminar_id uuid): unexpected",
    "function public.rest_update_seminar_description(p_seminar_id uuid, p_description text): unexpected",
    "index app.live_event_registrations: unexpected CREATE INDEX idx_live_event_registrations_event ON app.live_event_registrations USING btree (event_id)",
    "index app.live_event_registrations: unexpected CREATE INDEX idx_live_event_registrations_user ON app.live_event_registrations USING btree (user_id)",
    "index app.live_events: unexpected CREATE INDEX idx_live_events_access_type ON app.live_events USING btree (access_type)",
    "index app.live_events: unexpected CREATE INDEX idx_live_events_course ON app.live_events USING btree (course_id)",
    "index app.live_events: unexpected CREATE INDEX idx_live_events_scheduled_at ON app.live_events USING btree (scheduled_at)",
    "index app.live_events: unexpected CREATE INDEX idx_live_events_starts_at ON app.live_events USING btree (starts_at)",
    "index app.live_events: unexpected CREATE INDEX idx_live_events_teacher ON app.live_events USING btree (teacher_id)",
    "index app.livekit_webhook_jobs: unexpected CREATE INDEX idx_livekit_webhook_jobs_claim ON app.livekit_webhook_jobs USING btree (next_run_at) WHERE ((status = 'pending'::text) AND (locked_at IS NULL))",
    "policy app.course_bundle_courses: unexpected course_bundle_courses_admin (* to authenticated)",
    "policy app.course_bundle_courses: unexpected course_bundle_courses_service_role (* to public)",
    "policy app.course_bundles: unexpected course_bundles_admin (* to authenticated)",
    "policy app.course_bundles: unexpected course_bundles_service_role (* to public)",
    "policy app.course_entitlements: unexpected course_entitlements_owner_read (r to authenticated)",
    "policy app.course_entitlements: unexpected course_entitlements_owner_update (w to authenticated)",
    "policy app.course_entitlements: unexpected course_entitlements_service_role (* to public)",
    "policy app.live_event_registrations: unexpected service_role_full_access (* to public)",
    "policy app.live_events: unexpected service_role_full_access (* to public)",
    "policy app.livekit_webhook_jobs: unexpected livekit_jobs_service (* to public)",
    "policy app.livekit_webhook_jobs: unexpected livekit_webhook_jobs_service_role (* to service_role)",
    "policy app.livekit_webhook_jobs: unexpected service_role_full_access (* to public)",
    "policy app.reviews: unexpected reviews_public_read (r to authenticated)",
    "policy app.seminar_recordings: unexpected seminar_recordings_read (r to authenticated)",
    "policy app.seminar_recordings: unexpected seminar_recordings_service (* to public)",
    "policy app.seminar_recordings: unexpected seminar_recordings_service_role (* to service_role)",
    "policy app.seminar_recordings: unexpected service_role_full_access (* to public)",
    "policy app.seminar_sessions: unexpected seminar_sessions_host (* to authenticated)",
    "policy app.seminar_sessions: unexpected seminar_sessions_service (* to public)",
    "policy app.seminar_sessions: unexpected seminar_sessions_service_role (* to service_role)",
    "policy app.seminar_sessions: unexpected service_role_full_access (* to public)",
    "table app.classroom_messages: unexpected",
    "table app.classroom_presence: unexpected",
    "table app.lesson_packages: unexpected",
    "table app.lessons: columns [\"id\", \"module_id\", \"title\", \"content_markdown\", \"video_url\", \"duration_seconds\", \"is_intro\", \"position\", \"created_at\", \"updated_at\", \"price_amount_cents\", \"price_currency\"], expected [\"id\", \"module_id\", \"title\", \"content_markdown\", \"video_url\", \"duration_seconds\", \"is_intro\", \"position\", \"created_at\", \"updated_at\"]",
    "table app.live_events: columns [\"id\", \"teacher_id\", \"course_id\", \"title\", \"description\", \"access_type\", \"starts_at\", \"ends_at\", \"room_name\", \"is_published\", \"metadata\", \"created_at\", \"updated_at\", \"scheduled_at\"], expected [\"id\", \"teacher_id\", \"course_id\", \"title\", \"description\", \"access_type\", \"starts_at\", \"ends_at\", \"room_name\", \"is_published\", \"metadata\", \"created_at\", \"updated_at\"]",
    "table app.livekit_webhook_jobs: columns [\"id\", \"event\", \"payload\", \"status\", \"attempt\", \"last_error\", \"scheduled_at\", \"locked_at\", \"last_attempt_at\", \"created_at\", \"updated_at\", \"next_run_at\"], expected [\"job_id\", \"event\", \"payload\", \"status\", \"attempts\", \"error\", \"scheduled_at\", \"locked_at\", \"last_attempted_at\", \"created_at\", \"updated_at\", \"next_run_at\"]",
    "table app.livekit_webhook_jobs: rls true, expected false",
    "table app.music_tracks: unexpected",
    "table app.profiles: columns [\"user_id\", \"email\", \"display_name\", \"role\", \"role_v2\", \"bio\", \"photo_url\", \"is_admin\", \"created_at\", \"updated_at\", \"avatar_media_id\", \"stripe_customer_id\", \"last_login_at\", \"last_login_provider\", \"provider_avatar_url\", \"provider_email_verified\", \"provider_name\", \"provider_user_id\"], expected [\"user_id\", \"email\", \"display_name\", \"role\", \"role_v2\", \"bio\", \"photo_url\", \"is_admin\", \"created_at\", \"updated_at\", \"avatar_media_id\", \"stripe_customer_id\"]",
    "table app.seminar_recordings: rls true, expected false",
    "table app.seminar_sessions: rls true, expected false",
    "table app.subscriptions: unexpected",
    "table app.teacher_accounts: unexpected",
    "table app.welcome_cards: unexpected",
    "table public.coupons: unexpected",
    "table public.subscription_plans: unexpected",
    "table public.subscriptions: unexpected",
    "table public.user_certifications: unexpected",
    "trigger app.certificates: unexpected trg_certificates_touch → app.set_updated_at",
    "trigger app.course_bundles: unexpected trg_course_bundles_touch → app.set_updated_at",
    "trigger app.live_events: unexpected trg_live_events_touch → app.set_updated_at",
    "trigger app.media_objects: unexpected trg_media_objects_touch → app.set_updated_at",
    "trigger app.memberships: unexpected trg_memberships_touch → app.set_updated_at",
    "trigger app.quiz_questions: unexpected trg_quiz_questions_touch → app.set_updated_at",
    "trigger app.stripe_customers: unexpected trg_stripe_customers_touch → app.set_updated_at",
    "views app and public: unexpected app.course_enrollments_view",
    "views app and public: unexpected app.v_meditation_audio_library",
  ]
}

// MARK: - applying the chain

/// The files of `supabase/local` and `supabase/migrations_v2`.
private enum V2ChainFiles {
  static var packageRoot: URL {
    URL(fileURLWithPath: #filePath)
      .deletingLastPathComponent()  // CutoverKitTests
      .deletingLastPathComponent()  // Tests
      .deletingLastPathComponent()
  }

  /// The `.sql` files of `directory`, in the order a runner applies them.
  static func names(in directory: String = "supabase/migrations_v2") throws -> [String] {
    let folder = packageRoot.appendingPathComponent(directory)
    return try FileManager.default.contentsOfDirectory(atPath: folder.path)
      .filter { $0.hasSuffix(".sql") }
      .sorted()
  }

  static func text(of name: String, in directory: String = "supabase/migrations_v2") throws -> String {
    try String(
      contentsOf: packageRoot.appendingPathComponent(directory).appendingPathComponent(name), encoding: .utf8)
  }
}

extension TestDatabase {
  /// Applies the stand-in (`supabase/local`), each file as one implicit transaction.
  fileprivate func applyStandIn() async throws {
    let names = try V2ChainFiles.names(in: "supabase/local")
    #expect(!names.isEmpty)
    for name in names {
      let sql = try V2ChainFiles.text(of: name, in: "supabase/local")
      try await withConnection { try $0.runScript(sql, doing: "apply supabase/local/\(name)") }
    }
  }

  /// Applies one v2 file as one implicit transaction (`PQexec` of the whole file).
  fileprivate func applyV2File(_ name: String) async throws {
    let sql = try V2ChainFiles.text(of: name)
    try await withConnection { try $0.runScript(sql, doing: "apply supabase/migrations_v2/\(name)") }
  }

  /// `cutover migrate --local-stand-in` as `supabase_admin`: the stand-in, then every file
  /// of the v2 chain, each in its own transaction, recorded as the Supabase CLI does.
  fileprivate func buildV2ChainForTest() async throws {
    let runner = MigrationRunner(
      chain: V2ChainFiles.packageRoot.appendingPathComponent("supabase/migrations_v2"),
      localStandIn: V2ChainFiles.packageRoot.appendingPathComponent("supabase/local"))
    let outcome = try await runner.apply(to: try target, logger: Logger(label: "test.v2chain"))
    let applied = outcome.files(.applied).filter { $0.chain != MigrationRunner.standInChainName }
    #expect(applied.map(\.file) == (try V2ChainFiles.names()))
    #expect(outcome.files(.applied).count == outcome.files.count, "\(outcome.text)")
  }
}

extension TestDatabase {
  /// Runs `body` on a connection made the way the backend makes its own: logged in as
  /// `postgres` (the owner role of a Supabase project, an ordinary role on the stand-in),
  /// with no JWT claims.
  ///
  /// Roles are cluster-wide, so `postgres` gets the cluster's password once, under the lock
  /// the stand-in's role file takes (`supabase/local/0001_roles.sql`).
  fileprivate func withBackendConnection<T: Sendable>(
    _ body: @escaping @Sendable (PGConnection) throws -> T
  ) async throws -> T {
    let password = self.password
    try await withConnection { connection in
      try connection.execute("BEGIN")
      try connection.execute("LOCK TABLE pg_catalog.pg_authid IN SHARE ROW EXCLUSIVE MODE")
      let unset = try connection.execute(
        "SELECT (rolpassword IS NULL)::text FROM pg_catalog.pg_authid WHERE rolname = 'postgres'")
      if unset.scalar == "true" {
        try connection.execute("ALTER ROLE postgres PASSWORD \(try connection.quoteLiteral(password))")
      }
      try connection.execute("COMMIT")
    }
    let url = self.url(user: "postgres", password: password)
    return try await onDedicatedThread(named: "backend-\(name)") {
      try body(try PGConnection(try ConnectionTarget(url)))
    }
  }
}

/// The two ways the grading function is called (backend_contracts.md).
enum QuizCaller: String, CaseIterable, Sendable {
  /// The backend: a plain connection without JWT claims, the three-argument form.
  case backend = "backend connection, three arguments"
  /// An RPC made as the user: role `authenticated` with `request.jwt.claims`, the
  /// two-argument form.
  case signedIn = "signed-in user with claims, two arguments"

  /// The columns both forms return (production's).
  static let columns = [
    "passed", "score", "correct_count", "question_count", "pass_score", "certificate_id",
  ]
}

extension PGConnection {
  /// Runs `body` in a transaction as PostgREST would for a request: `role`, and JWT claims
  /// with `sub` and `jwtRole` (default: `role`); rolls back afterwards.
  fileprivate func asRequest<T>(
    role: String, sub: String?, jwtRole: String? = nil, _ body: (PGConnection) throws -> T
  ) throws -> T {
    try execute("BEGIN")
    let claims =
      sub.map { #"{"sub":"\#($0)","role":"\#(jwtRole ?? role)"}"# } ?? #"{"role":"\#(jwtRole ?? role)"}"#
    let result: T
    do {
      try execute("SELECT set_config('request.jwt.claims', $1, true)", [claims])
      try execute("SET LOCAL ROLE \(try quoteIdentifier(role))")
      result = try body(self)
    } catch {
      try execute("ROLLBACK")
      throw error
    }
    try execute("ROLLBACK")
    return result
  }

  /// Grades `answers` of `user` for `quiz` as `caller` calls the function, in one
  /// transaction that stays open `hold` seconds after the call, then commits.
  fileprivate func grade(
    quiz: String, user: String, answers: String?, as caller: QuizCaller, holding hold: String = "0"
  ) throws -> PGRows {
    try execute("BEGIN")
    do {
      let rows: PGRows
      switch caller {
      case .backend:
        rows = try execute(
          "SELECT * FROM app.grade_quiz_and_issue_certificate($1, $2, $3::jsonb)", [quiz, user, answers])
      case .signedIn:
        try execute(
          "SELECT set_config('request.jwt.claims', $1, true)", [#"{"sub":"\#(user)","role":"authenticated"}"#]
        )
        try execute("SET LOCAL ROLE authenticated")
        rows = try execute(
          "SELECT * FROM app.grade_quiz_and_issue_certificate($1, $2::jsonb)", [quiz, answers])
      }
      try execute("SELECT pg_sleep($1::float8)", [hold])
      try execute("COMMIT")
      return rows
    } catch {
      try execute("ROLLBACK")
      throw error
    }
  }

  /// Runs `sql` inside a savepoint: nil when it succeeds, else the error it failed with.
  fileprivate func failure(of sql: String, _ parameters: [String?] = []) throws -> PostgresError? {
    try execute("SAVEPOINT probe")
    do {
      try execute(sql, parameters)
      try execute("RELEASE SAVEPOINT probe")
      return nil
    } catch let error as PostgresError {
      try execute("ROLLBACK TO SAVEPOINT probe")
      return error
    }
  }

  /// Runs `sql` inside a savepoint: nil when it succeeds, else the SQLSTATE it failed with.
  fileprivate func sqlState(of sql: String, _ parameters: [String?] = []) throws -> String? {
    try execute("SAVEPOINT probe")
    do {
      try execute(sql, parameters)
      try execute("RELEASE SAVEPOINT probe")
      return nil
    } catch let error as PostgresError {
      try execute("ROLLBACK TO SAVEPOINT probe")
      return error.sqlState
    }
  }

  /// `count(*)` of `table` as the current role sees it, or `denied <SQLSTATE>`.
  fileprivate func visibleRows(_ table: String) throws -> String {
    let name = QualifiedName(parsing: table).quoted
    try execute("SAVEPOINT visible")
    do {
      let count = try execute("SELECT count(*) FROM \(name)").scalar ?? "?"
      try execute("RELEASE SAVEPOINT visible")
      return count
    } catch let error as PostgresError {
      try execute("ROLLBACK TO SAVEPOINT visible")
      return "denied \(error.sqlState ?? "?")"
    }
  }

  /// `count(*)` of each table (fixed names of this file) as the current role sees them.
  fileprivate func counts(_ tables: [String]) throws -> [String: Int] {
    var counts: [String: Int] = [:]
    for table in tables {
      let name = QualifiedName(parsing: table).quoted
      counts[table] = Int(try execute("SELECT count(*) FROM \(name)").scalar ?? "")
    }
    return counts
  }
}

// MARK: - data

/// Rows in every app table: users A (admin), T (teacher of courses 1–3), S (student: enrolled
/// in course 1, entitled, member, attendee of T's seminar), O (outsider).
private enum V2Fixture {
  static let admin = "00000000-0000-0000-0000-00000000000a"
  static let teacher = "00000000-0000-0000-0000-00000000000b"
  static let student = "00000000-0000-0000-0000-00000000000c"
  static let outsider = "00000000-0000-0000-0000-00000000000d"
  static let course1 = "20000000-0000-0000-0000-000000000001"
  static let course3 = "20000000-0000-0000-0000-000000000003"
  static let quiz = "23000000-0000-0000-0000-000000000001"
  static let q1 = "24000000-0000-0000-0000-000000000001"
  static let q2 = "24000000-0000-0000-0000-000000000002"
  static let q3 = "24000000-0000-0000-0000-000000000003"
  static let q4 = "24000000-0000-0000-0000-000000000004"
  static let q5 = "24000000-0000-0000-0000-000000000005"
  static let draftSeminar = "28000000-0000-0000-0000-000000000002"
  static let membersEvent = "2c000000-0000-0000-0000-000000000001"

  /// Objects in the three buckets.
  ///
  /// Course 1 by course-id path, a legacy path registered in app.lesson_media (course 1),
  /// course 3 by course/lesson path, lesson L2 (course 1) by lesson-id path, S's public
  /// file, and a path that maps to no course.
  /// The fixture's one row of app.subscriptions, a table the legacy chain does not have.
  static let subscriptionsRow =
    "INSERT INTO app.subscriptions (user_id,subscription_id,status) VALUES ('00000000-0000-0000-0000-00000000000c','sub_fixture','active');"

  /// The fixture's rows in production's tables that the legacy chain does not have
  /// (supabase/schema/production.json), schemas app and public.
  static let productionTablesRows = """
    INSERT INTO app.classroom_messages (course_id,user_id,message) VALUES ('20000000-0000-0000-0000-000000000001','00000000-0000-0000-0000-00000000000c','hej');
    INSERT INTO app.classroom_presence (course_id,user_id) VALUES ('20000000-0000-0000-0000-000000000001','00000000-0000-0000-0000-00000000000c');
    INSERT INTO app.lesson_packages (lesson_id,stripe_product_id,stripe_price_id,price_amount) VALUES ('22000000-0000-0000-0000-000000000002','prod_l2','price_l2',500);
    INSERT INTO app.music_tracks (teacher_id,title,storage_path,access_scope) VALUES ('00000000-0000-0000-0000-00000000000b','Track','music/t.mp3','membership');
    INSERT INTO app.teacher_accounts (user_id,stripe_account_id) VALUES ('00000000-0000-0000-0000-00000000000b','acct_1');
    INSERT INTO app.welcome_cards (image_path,day,month,created_by) VALUES ('cards/new-year.png',1,1,'00000000-0000-0000-0000-00000000000a');
    INSERT INTO public.subscription_plans (id,name,price_cents,"interval") VALUES ('2d000000-0000-0000-0000-000000000001','Monthly',9900,'month');
    INSERT INTO public.coupons (code,plan_id) VALUES ('WELCOME','2d000000-0000-0000-0000-000000000001');
    INSERT INTO public.subscriptions (user_id,plan_id) VALUES ('00000000-0000-0000-0000-00000000000c','2d000000-0000-0000-0000-000000000001');
    INSERT INTO public.user_certifications (user_id,area) VALUES ('00000000-0000-0000-0000-00000000000b','yoga');
    """

  /// The same rows for a legacy-chain database.
  static var legacySQL: String {
    sql.replacingOccurrences(of: subscriptionsRow, with: "").replacingOccurrences(
      of: productionTablesRows, with: "")
  }

  static let storageObjects = """
    INSERT INTO storage.objects (bucket_id, name) VALUES
     ('course-media', '20000000-0000-0000-0000-000000000001/cover.png'),
     ('lesson-media', 'legacy/file.mp4'),
     ('lesson-media', '20000000-0000-0000-0000-000000000003/22000000-0000-0000-0000-000000000003/x.mp4'),
     ('lesson-media', '22000000-0000-0000-0000-000000000002/y.mp4'),
     ('public-media', '00000000-0000-0000-0000-00000000000c/a.png'),
     ('course-media', 'unmapped/x.png');
    """

  static let sql = #"""
      -- one or more rows in every app table; users: A admin, T teacher, S student (entitled), O outsider
      INSERT INTO auth.users (id, email) VALUES
       ('00000000-0000-0000-0000-00000000000a','admin@x'),('00000000-0000-0000-0000-00000000000b','teacher@x'),
       ('00000000-0000-0000-0000-00000000000c','student@x'),('00000000-0000-0000-0000-00000000000d','outsider@x');
      INSERT INTO app.profiles (user_id,email,role,is_admin) VALUES
       ('00000000-0000-0000-0000-00000000000a','admin@x','admin',true),('00000000-0000-0000-0000-00000000000b','teacher@x','teacher',false),
       ('00000000-0000-0000-0000-00000000000c','student@x','student',false),('00000000-0000-0000-0000-00000000000d','outsider@x','student',false);
      INSERT INTO app.media_objects (id,owner_id,storage_path,storage_bucket) VALUES ('10000000-0000-0000-0000-000000000001','00000000-0000-0000-0000-00000000000b','legacy/file.mp4','lesson-media');
      INSERT INTO app.app_config DEFAULT VALUES;
      INSERT INTO app.courses (id,slug,title,created_by,is_published) VALUES
       ('20000000-0000-0000-0000-000000000001','c1','Course One','00000000-0000-0000-0000-00000000000b',true),
       ('20000000-0000-0000-0000-000000000002','c2','Course Two','00000000-0000-0000-0000-00000000000b',false),
       ('20000000-0000-0000-0000-000000000003','c3','Course Three','00000000-0000-0000-0000-00000000000b',true);
      INSERT INTO app.modules (id,course_id,title) VALUES ('21000000-0000-0000-0000-000000000001','20000000-0000-0000-0000-000000000001','M1'),
       ('21000000-0000-0000-0000-000000000003','20000000-0000-0000-0000-000000000003','M3');
      INSERT INTO app.lessons (id,module_id,title,is_intro,position) VALUES
       ('22000000-0000-0000-0000-000000000001','21000000-0000-0000-0000-000000000001','L1 intro',true,0),
       ('22000000-0000-0000-0000-000000000002','21000000-0000-0000-0000-000000000001','L2',false,1),
       ('22000000-0000-0000-0000-000000000003','21000000-0000-0000-0000-000000000003','L3',false,0);
      INSERT INTO app.lesson_media (lesson_id,kind,media_id,storage_path) VALUES ('22000000-0000-0000-0000-000000000002','video','10000000-0000-0000-0000-000000000001','legacy/file.mp4');
      INSERT INTO app.course_quizzes (id,course_id,title,pass_score) VALUES ('23000000-0000-0000-0000-000000000001','20000000-0000-0000-0000-000000000001','Q',80);
      INSERT INTO app.quiz_questions (id,course_id,quiz_id,position,kind,prompt,options,correct) VALUES
       ('24000000-0000-0000-0000-000000000001','20000000-0000-0000-0000-000000000001','23000000-0000-0000-0000-000000000001',1,'single','p1','["a","b","c"]','1'),
       ('24000000-0000-0000-0000-000000000002','20000000-0000-0000-0000-000000000001','23000000-0000-0000-0000-000000000001',2,'multi','p2','["a","b","c"]','[0,2]'),
       ('24000000-0000-0000-0000-000000000003','20000000-0000-0000-0000-000000000001','23000000-0000-0000-0000-000000000001',3,'boolean','p3','[]','true'),
       ('24000000-0000-0000-0000-000000000004','20000000-0000-0000-0000-000000000001','23000000-0000-0000-0000-000000000001',4,'boolean','p4','[]','false'),
       ('24000000-0000-0000-0000-000000000005','20000000-0000-0000-0000-000000000001','23000000-0000-0000-0000-000000000001',5,'single','p5','["x","y"]','0');
      INSERT INTO app.enrollments (user_id,course_id,source) VALUES ('00000000-0000-0000-0000-00000000000c','20000000-0000-0000-0000-000000000001','purchase');
      INSERT INTO app.services (id,provider_id,title,status) VALUES ('25000000-0000-0000-0000-000000000001','00000000-0000-0000-0000-00000000000b','Svc','active'),
       ('25000000-0000-0000-0000-000000000002','00000000-0000-0000-0000-00000000000b','Draft svc','draft');
      INSERT INTO app.sessions (id,teacher_id,title,visibility) VALUES ('26000000-0000-0000-0000-000000000001','00000000-0000-0000-0000-00000000000b','Sess','published'),
       ('26000000-0000-0000-0000-000000000002','00000000-0000-0000-0000-00000000000b','Hidden','draft');
      INSERT INTO app.session_slots (session_id,start_at,end_at) VALUES ('26000000-0000-0000-0000-000000000001',now(),now()+interval '1h'),
       ('26000000-0000-0000-0000-000000000002',now(),now()+interval '1h');
      INSERT INTO app.orders (id,user_id,course_id,service_id,amount_cents) VALUES
       ('27000000-0000-0000-0000-000000000001','00000000-0000-0000-0000-00000000000c','20000000-0000-0000-0000-000000000001',null,1000),
       ('27000000-0000-0000-0000-000000000002','00000000-0000-0000-0000-00000000000d',null,'25000000-0000-0000-0000-000000000001',500);
      INSERT INTO app.payments (order_id,provider,amount_cents) VALUES ('27000000-0000-0000-0000-000000000001','stripe',1000),('27000000-0000-0000-0000-000000000002','stripe',500);
      INSERT INTO app.payment_events (event_id,payload) VALUES ('evt_1','{}');
      INSERT INTO app.stripe_customers (user_id,customer_id) VALUES ('00000000-0000-0000-0000-00000000000c','cus_1');
      INSERT INTO app.reviews (course_id,reviewer_id,rating,visibility) VALUES ('20000000-0000-0000-0000-000000000001','00000000-0000-0000-0000-00000000000c',5,'public'),
       ('20000000-0000-0000-0000-000000000001','00000000-0000-0000-0000-00000000000d',2,'private');
      INSERT INTO app.certificates (user_id,course_id,title,status) VALUES ('00000000-0000-0000-0000-00000000000d','20000000-0000-0000-0000-000000000003','other','pending');
      INSERT INTO app.teachers (profile_id) VALUES ('00000000-0000-0000-0000-00000000000b');
      INSERT INTO app.teacher_approvals (user_id) VALUES ('00000000-0000-0000-0000-00000000000b');
      INSERT INTO app.teacher_directory (user_id) VALUES ('00000000-0000-0000-0000-00000000000b');
      INSERT INTO app.teacher_payout_methods (teacher_id,provider,reference) VALUES ('00000000-0000-0000-0000-00000000000b','stripe','acct');
      INSERT INTO app.teacher_permissions (profile_id) VALUES ('00000000-0000-0000-0000-00000000000b');
      INSERT INTO app.course_display_priorities (teacher_id) VALUES ('00000000-0000-0000-0000-00000000000b');
      INSERT INTO app.activities (activity_type,actor_id,subject_table) VALUES ('course_published','00000000-0000-0000-0000-00000000000b','courses');
      INSERT INTO app.auth_events (user_id,event) VALUES ('00000000-0000-0000-0000-00000000000c','login');
      INSERT INTO app.billing_logs (user_id,step) VALUES ('00000000-0000-0000-0000-00000000000c','x');
      INSERT INTO app.follows (follower_id,followee_id) VALUES ('00000000-0000-0000-0000-00000000000c','00000000-0000-0000-0000-00000000000b'),
       ('00000000-0000-0000-0000-00000000000d','00000000-0000-0000-0000-00000000000b');
      INSERT INTO app.messages (sender_id,recipient_id,content) VALUES ('00000000-0000-0000-0000-00000000000c','00000000-0000-0000-0000-00000000000b','hi'),
       ('00000000-0000-0000-0000-00000000000d','00000000-0000-0000-0000-00000000000b','yo');
      INSERT INTO app.notifications (user_id) VALUES ('00000000-0000-0000-0000-00000000000c'),('00000000-0000-0000-0000-00000000000d');
      INSERT INTO app.posts (author_id,content) VALUES ('00000000-0000-0000-0000-00000000000c','post');
      INSERT INTO app.refresh_tokens (user_id,jti,token_hash,expires_at) VALUES ('00000000-0000-0000-0000-00000000000c',gen_random_uuid(),'h',now()+interval '1d');
      INSERT INTO app.tarot_requests (requester_id,question) VALUES ('00000000-0000-0000-0000-00000000000c','q');
      INSERT INTO app.meditations (title,teacher_id,is_public) VALUES ('pub','00000000-0000-0000-0000-00000000000b',true),('priv','00000000-0000-0000-0000-00000000000b',false);
      INSERT INTO app.seminars (id,host_id,title,status) VALUES ('28000000-0000-0000-0000-000000000001','00000000-0000-0000-0000-00000000000b','Sem','scheduled'),
       ('28000000-0000-0000-0000-000000000002','00000000-0000-0000-0000-00000000000b','Draft sem','draft');
      INSERT INTO app.seminar_attendees (seminar_id,user_id,invite_status) VALUES ('28000000-0000-0000-0000-000000000001','00000000-0000-0000-0000-00000000000c','accepted');
      INSERT INTO app.seminar_sessions (id,seminar_id) VALUES ('29000000-0000-0000-0000-000000000001','28000000-0000-0000-0000-000000000001');
      INSERT INTO app.seminar_recordings (seminar_id,session_id,published) VALUES ('28000000-0000-0000-0000-000000000001','29000000-0000-0000-0000-000000000001',true),
       ('28000000-0000-0000-0000-000000000001','29000000-0000-0000-0000-000000000001',false);
      INSERT INTO app.livekit_webhook_jobs (event,payload) VALUES ('fixture','{}');
      INSERT INTO app.course_bundles (id,teacher_id,title,is_active) VALUES ('2a000000-0000-0000-0000-000000000001','00000000-0000-0000-0000-00000000000b','B',true);
      INSERT INTO app.course_bundle_courses (bundle_id,course_id) VALUES ('2a000000-0000-0000-0000-000000000001','20000000-0000-0000-0000-000000000001');
      INSERT INTO app.purchases (id,user_id,order_id) VALUES ('2b000000-0000-0000-0000-000000000001','00000000-0000-0000-0000-00000000000c','27000000-0000-0000-0000-000000000001');
      INSERT INTO app.entitlements (user_id,course_id,source) VALUES ('00000000-0000-0000-0000-00000000000c','20000000-0000-0000-0000-000000000001','purchase');
      INSERT INTO app.course_entitlements (user_id,course_slug) VALUES ('00000000-0000-0000-0000-00000000000c','c1');
      INSERT INTO app.guest_claim_tokens (token,purchase_id,course_id,expires_at) VALUES ('tok','2b000000-0000-0000-0000-000000000001','20000000-0000-0000-0000-000000000001',now()+interval '1d');
      INSERT INTO app.course_products (course_id,stripe_product_id,stripe_price_id,price_amount) VALUES ('20000000-0000-0000-0000-000000000001','prod','price',1000);
      INSERT INTO app.memberships (user_id,plan_interval,price_id) VALUES ('00000000-0000-0000-0000-00000000000c','month','price_m');
      INSERT INTO app.subscriptions (user_id,subscription_id,status) VALUES ('00000000-0000-0000-0000-00000000000c','sub_fixture','active');
      INSERT INTO app.live_events (id,teacher_id,course_id,title,access_type,starts_at,is_published) VALUES
       ('2c000000-0000-0000-0000-000000000001','00000000-0000-0000-0000-00000000000b',null,'Members event','membership',now(),true),
       ('2c000000-0000-0000-0000-000000000002','00000000-0000-0000-0000-00000000000b','20000000-0000-0000-0000-000000000001','Course event','course',now(),true),
       ('2c000000-0000-0000-0000-000000000003','00000000-0000-0000-0000-00000000000b',null,'Unpublished','membership',now(),false);
      INSERT INTO app.live_event_registrations (event_id,user_id) VALUES ('2c000000-0000-0000-0000-000000000001','00000000-0000-0000-0000-00000000000c');
      INSERT INTO app.teacher_profile_media (teacher_id,media_kind,external_url,is_published) VALUES ('00000000-0000-0000-0000-00000000000b','external','http://x',true);
      \#(productionTablesRows)
      -- every app table has at least one row
      DO $$ DECLARE r record; n bigint; BEGIN
        FOR r IN SELECT c.relname FROM pg_class c JOIN pg_namespace s ON s.oid=c.relnamespace WHERE s.nspname='app' AND c.relkind='r' LOOP
          EXECUTE format('select count(*) from app.%I', r.relname) INTO n;
          IF n = 0 THEN RAISE EXCEPTION 'fixture leaves app.% empty', r.relname; END IF;
        END LOOP; END $$;
    """#
}
