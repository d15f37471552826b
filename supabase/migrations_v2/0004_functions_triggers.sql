-- 0004_functions_triggers.sql — functions, views and triggers of schema app.
--
-- Rebuild plan Option B, step 1: app.set_updated_at and the touch functions, the seminar
-- helpers (can_access_seminar / is_seminar_host / is_seminar_attendee, each with the
-- legacy (uuid) and (uuid, uuid) overloads), app.is_admin, the three legacy views,
-- app.grade_quiz_and_issue_certificate (shared/schema/backend_contracts.md), and every
-- trigger — each created after the function it calls.
--
-- Conventions:
-- * Functions that read tables on behalf of a policy or of the caller are SECURITY
--   DEFINER with `SET search_path = ''` and schema-qualified names, so policies calling
--   them neither recurse through other tables' policies nor depend on the caller's
--   search_path (legacy had them SECURITY INVOKER; listed as "changed" in the README).
-- * The caller is always auth.uid() (Supabase's request.jwt.claims), never a parameter
--   the client could choose, except in the legacy (…, p_user_id) overloads.
-- * Views are security_invoker, so the policies of the underlying tables apply to
--   whoever reads the view.

-- ---------------------------------------------------------------------------------------
-- updated_at maintenance
-- ---------------------------------------------------------------------------------------

CREATE FUNCTION app.set_updated_at() RETURNS trigger
LANGUAGE plpgsql
SET search_path = ''
AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app.set_updated_at() IS 'BEFORE UPDATE trigger: sets updated_at to now().';

-- also records who changed the priority (auth.uid(), kept when the change has no caller)

CREATE FUNCTION app.touch_course_display_priorities() RETURNS trigger
LANGUAGE plpgsql
SET search_path = ''
AS $$
BEGIN
  NEW.updated_at := now();
  NEW.updated_by := coalesce(auth.uid(), NEW.updated_by);
  RETURN NEW;
END
$$;

CREATE FUNCTION app.touch_course_entitlements() RETURNS trigger
LANGUAGE plpgsql
SET search_path = ''
AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END
$$;

CREATE FUNCTION app.touch_teacher_profile_media() RETURNS trigger
LANGUAGE plpgsql
SET search_path = ''
AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END
$$;

-- ---------------------------------------------------------------------------------------
-- access helpers (used by policies in 0006 and storage policies in 0008)
-- ---------------------------------------------------------------------------------------

CREATE FUNCTION app.is_admin(p_user uuid) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = ''
AS $$
  SELECT EXISTS (
    SELECT 1 FROM app.profiles p
     WHERE p.user_id = p_user
       AND (p.is_admin OR p.role = 'admin'::app.profile_role)
  );
$$;

CREATE FUNCTION app.is_seminar_host(p_seminar_id uuid, p_user_id uuid) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = ''
AS $$
  SELECT EXISTS (
    SELECT 1 FROM app.seminars s WHERE s.id = p_seminar_id AND s.host_id = p_user_id
  );
$$;

CREATE FUNCTION app.is_seminar_host(p_seminar_id uuid) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = ''
AS $$
  SELECT app.is_seminar_host(p_seminar_id, auth.uid());
$$;

CREATE FUNCTION app.is_seminar_attendee(p_seminar_id uuid, p_user_id uuid) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = ''
AS $$
  SELECT EXISTS (
    SELECT 1 FROM app.seminar_attendees a
     WHERE a.seminar_id = p_seminar_id AND a.user_id = p_user_id
       AND a.invite_status <> 'declined'
  );
$$;

CREATE FUNCTION app.is_seminar_attendee(p_seminar_id uuid) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = ''
AS $$
  SELECT app.is_seminar_attendee(p_seminar_id, auth.uid());
$$;

CREATE FUNCTION app.can_access_seminar(p_seminar_id uuid, p_user_id uuid) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = ''
AS $$
  SELECT p_user_id IS NOT NULL AND (
       app.is_seminar_host(p_seminar_id, p_user_id)
    OR app.is_seminar_attendee(p_seminar_id, p_user_id)
    OR app.is_admin(p_user_id)
  );
$$;
COMMENT ON FUNCTION app.can_access_seminar(uuid, uuid) IS
  'True when the user hosts or attends the seminar, or is an admin.';

CREATE FUNCTION app.can_access_seminar(p_seminar_id uuid) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = ''
AS $$
  SELECT app.can_access_seminar(p_seminar_id, auth.uid());
$$;

-- NEW: who may change a course's content (modules, lessons, lesson media, products, storage
-- media): its teacher, courses.created_by. (Admins edit courses themselves through the
-- courses policy, everything else through service_role.)
CREATE FUNCTION app.can_edit_course(p_course_id uuid, p_user_id uuid) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = ''
AS $$
  SELECT p_course_id IS NOT NULL AND p_user_id IS NOT NULL
     AND EXISTS (SELECT 1 FROM app.courses c WHERE c.id = p_course_id AND c.created_by = p_user_id);
$$;

-- NEW: who is entitled to a course's content: its teacher, and users holding an active
-- enrollment, an entitlement, or a course_entitlement (by slug) for it.
CREATE FUNCTION app.can_access_course(p_course_id uuid, p_user_id uuid) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = ''
AS $$
  SELECT p_course_id IS NOT NULL AND p_user_id IS NOT NULL AND (
       app.can_edit_course(p_course_id, p_user_id)
    OR EXISTS (SELECT 1 FROM app.enrollments e
                WHERE e.course_id = p_course_id AND e.user_id = p_user_id AND e.status = 'active')
    OR EXISTS (SELECT 1 FROM app.entitlements en
                WHERE en.course_id = p_course_id AND en.user_id = p_user_id)
    OR EXISTS (SELECT 1 FROM app.course_entitlements ce
                 JOIN app.courses c ON c.slug = ce.course_slug
                WHERE c.id = p_course_id AND ce.user_id = p_user_id)
  );
$$;

-- NEW: the course of a module, lesson or quiz (for policies on child tables; definer so
-- a policy does not depend on the caller seeing the parent row).
CREATE FUNCTION app.module_course_id(p_module_id uuid) RETURNS uuid
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = ''
AS $$
  SELECT m.course_id FROM app.modules m WHERE m.id = p_module_id;
$$;

CREATE FUNCTION app.lesson_course_id(p_lesson_id uuid) RETURNS uuid
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = ''
AS $$
  SELECT m.course_id FROM app.lessons l JOIN app.modules m ON m.id = l.module_id
   WHERE l.id = p_lesson_id;
$$;

CREATE FUNCTION app.quiz_course_id(p_quiz_id uuid) RETURNS uuid
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = ''
AS $$
  SELECT q.course_id FROM app.course_quizzes q WHERE q.id = p_quiz_id;
$$;

-- NEW: whether a course is published / a free intro course (for the reads of intro
-- lessons and free intro courses).
CREATE FUNCTION app.course_is_published(p_course_id uuid) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = ''
AS $$
  SELECT coalesce((SELECT c.is_published FROM app.courses c WHERE c.id = p_course_id), false);
$$;

CREATE FUNCTION app.course_is_free_intro(p_course_id uuid) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = ''
AS $$
  SELECT coalesce((SELECT c.is_free_intro FROM app.courses c WHERE c.id = p_course_id), false);
$$;

-- NEW: who may create courses: teachers (profiles.role teacher, role_v2 teacher, or a
-- row in app.teachers) and admins.
CREATE FUNCTION app.is_teacher(p_user_id uuid) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = ''
AS $$
  SELECT p_user_id IS NOT NULL AND (
       EXISTS (SELECT 1 FROM app.profiles p
                WHERE p.user_id = p_user_id
                  AND (p.role IN ('teacher'::app.profile_role, 'admin'::app.profile_role)
                       OR p.role_v2 = 'teacher'::app.user_role OR p.is_admin))
    OR EXISTS (SELECT 1 FROM app.teachers t WHERE t.profile_id = p_user_id)
  );
$$;

-- NEW: an active membership (status active, not ended).
CREATE FUNCTION app.has_active_membership(p_user_id uuid) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = ''
AS $$
  SELECT EXISTS (
    SELECT 1 FROM app.memberships m
     WHERE m.user_id = p_user_id AND m.status = 'active'
       AND (m.end_date IS NULL OR m.end_date > now())
  );
$$;

-- production's classroom helper (drift item 027_classroom, db pull: same signature, SECURITY
-- INVOKER there): who may read and write a course's classroom — the users entitled to its
-- content (app.can_access_course).
CREATE FUNCTION app.has_course_classroom_access(p_course_id uuid, p_user_id uuid) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = ''
AS $$
  SELECT app.can_access_course(p_course_id, p_user_id);
$$;

-- NEW: who may see and register for a live event: its teacher; for a published event,
-- members (access_type membership) or users entitled to its course (access_type course).
CREATE FUNCTION app.can_access_live_event(p_event_id uuid, p_user_id uuid) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = ''
AS $$
  SELECT p_user_id IS NOT NULL AND EXISTS (
    SELECT 1 FROM app.live_events e
     WHERE e.id = p_event_id
       AND (   e.teacher_id = p_user_id
            OR (e.is_published AND (
                     (e.access_type = 'membership' AND app.has_active_membership(p_user_id))
                  OR (e.access_type = 'course' AND app.can_access_course(e.course_id, p_user_id)))))
  );
$$;

-- NEW: the course a storage object of bucket course-media or lesson-media belongs to.
-- Path convention for uploads: `<course_id>/…` (course-media) and
-- `<course_id>/<lesson_id>/…` or `<lesson_id>/…` (lesson-media): the first of the first two
-- path segments that is a course id, or a lesson id (resolved to its course), decides.
-- Objects uploaded under another layout are resolved through the app rows that reference
-- them: app.lesson_media (storage_bucket, storage_path) and app.media_objects
-- (storage_bucket, storage_path) used by a lesson_media row. NULL when none applies
-- (then only service_role reaches the object).
CREATE FUNCTION app.storage_object_course_id(p_bucket_id text, p_name text) RETURNS uuid
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_segment text;
  v_id uuid;
  v_course uuid;
BEGIN
  IF p_name IS NULL OR p_bucket_id IS NULL
     OR p_bucket_id NOT IN ('course-media', 'lesson-media') THEN
    RETURN NULL;
  END IF;

  FOREACH v_segment IN ARRAY (string_to_array(p_name, '/'))[1:2] LOOP
    CONTINUE WHEN v_segment IS NULL
      OR v_segment !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';
    v_id := v_segment::uuid;
    SELECT c.id INTO v_course FROM app.courses c WHERE c.id = v_id;
    IF FOUND THEN
      RETURN v_course;
    END IF;
    SELECT m.course_id INTO v_course
      FROM app.lessons l JOIN app.modules m ON m.id = l.module_id
     WHERE l.id = v_id;
    IF FOUND THEN
      RETURN v_course;
    END IF;
  END LOOP;

  SELECT m.course_id INTO v_course
    FROM app.lesson_media lm
    JOIN app.lessons l ON l.id = lm.lesson_id
    JOIN app.modules m ON m.id = l.module_id
    LEFT JOIN app.media_objects mo ON mo.id = lm.media_id
   WHERE (lm.storage_bucket = p_bucket_id AND lm.storage_path = p_name)
      OR (mo.storage_bucket = p_bucket_id AND mo.storage_path = p_name)
   LIMIT 1;
  RETURN v_course;
END
$$;

-- ---------------------------------------------------------------------------------------
-- views (legacy.json names them without definitions; these are the same reconstruction
-- as the legacy fixture's (supabase/migrations/20240212100000_functions_triggers_views.sql),
-- column for column — compare with pg_get_viewdef() on production after a `supabase db pull`)
-- ---------------------------------------------------------------------------------------

CREATE VIEW app.activities_feed WITH (security_invoker = true) AS
SELECT a.id,
       a.activity_type,
       a.actor_id,
       p.display_name AS actor_display_name,
       p.photo_url AS actor_photo_url,
       a.subject_table,
       a.subject_id,
       a.summary,
       a.metadata,
       a.occurred_at
  FROM app.activities a
  LEFT JOIN app.profiles p ON p.user_id = a.actor_id;

CREATE VIEW app.service_orders WITH (security_invoker = true) AS
SELECT o.id,
       o.user_id AS buyer_id,
       o.service_id,
       s.provider_id,
       s.title AS service_title,
       o.amount_cents,
       o.currency,
       o.status,
       o.stripe_checkout_id,
       o.stripe_payment_intent,
       o.created_at,
       o.updated_at
  FROM app.orders o
  JOIN app.services s ON s.id = o.service_id;

CREATE VIEW app.service_reviews WITH (security_invoker = true) AS
SELECT r.id,
       r.service_id,
       s.provider_id,
       s.title AS service_title,
       r.order_id,
       r.reviewer_id,
       r.rating,
       r.comment,
       r.created_at
  FROM app.reviews r
  JOIN app.services s ON s.id = r.service_id
 WHERE r.visibility = 'public'::app.review_visibility;

-- production's two further views (db pull: names only; the same reconstruction as
-- supabase/production/20260110090900_quiz_grading_and_views.sql — compare with
-- pg_get_viewdef() on production)
CREATE VIEW app.course_enrollments_view WITH (security_invoker = true) AS
SELECT e.id,
       e.user_id,
       e.course_id,
       c.slug AS course_slug,
       c.title AS course_title,
       e.status,
       e.source,
       e.created_at
  FROM app.enrollments e
  JOIN app.courses c ON c.id = e.course_id;

CREATE VIEW app.v_meditation_audio_library WITH (security_invoker = true) AS
SELECT m.id,
       m.title,
       m.description,
       m.teacher_id,
       m.duration_seconds,
       COALESCE(m.audio_path, mo.storage_path) AS audio_path,
       mo.storage_bucket,
       m.is_public,
       m.created_at
  FROM app.meditations m
  LEFT JOIN app.media_objects mo ON mo.id = m.media_id;

-- ---------------------------------------------------------------------------------------
-- schema public: production's rest_* seminar functions (PostgREST RPCs; db pull: these
-- signatures, SECURITY INVOKER, so the seminars' policies apply to the caller)
-- ---------------------------------------------------------------------------------------

CREATE FUNCTION public.rest_insert_seminar(p_host_id uuid, p_title text, p_status app.seminar_status)
RETURNS app.seminars
LANGUAGE sql
SET search_path = ''
AS $$
  INSERT INTO app.seminars (host_id, title, status)
  VALUES (p_host_id, p_title, p_status)
  RETURNING *;
$$;

CREATE FUNCTION public.rest_select_seminar(p_seminar_id uuid) RETURNS SETOF app.seminars
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT * FROM app.seminars WHERE id = p_seminar_id;
$$;

CREATE FUNCTION public.rest_select_seminar_attendees(p_seminar_id uuid) RETURNS SETOF app.seminar_attendees
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT * FROM app.seminar_attendees WHERE seminar_id = p_seminar_id;
$$;

CREATE FUNCTION public.rest_update_seminar_description(p_seminar_id uuid, p_description text)
RETURNS jsonb
LANGUAGE sql
SET search_path = ''
AS $$
  UPDATE app.seminars SET description = p_description WHERE id = p_seminar_id
  RETURNING jsonb_build_object('id', id, 'description', description);
$$;

-- ---------------------------------------------------------------------------------------
-- quiz grading (NEW; shared/schema/backend_contracts.md)
-- ---------------------------------------------------------------------------------------

-- The answer indexes a JSON value holds, sorted and without duplicates: a number or a
-- string of digits is one index, an array is its elements. NULL when the value is not of
-- that shape (then the answer is wrong).
CREATE FUNCTION app.quiz_indexes(p_value jsonb) RETURNS integer[]
LANGUAGE plpgsql IMMUTABLE
SET search_path = ''
AS $$
DECLARE
  v_items jsonb;
  v_item jsonb;
  v_text text;
  v_result integer[] := '{}';
BEGIN
  IF p_value IS NULL THEN
    RETURN NULL;
  END IF;
  v_items := CASE WHEN jsonb_typeof(p_value) = 'array' THEN p_value
                  ELSE jsonb_build_array(p_value) END;
  FOR v_item IN SELECT e FROM jsonb_array_elements(v_items) AS t(e) LOOP
    v_text := btrim(v_item #>> '{}');
    IF jsonb_typeof(v_item) NOT IN ('number', 'string') OR v_text !~ '^[0-9]+(\.0+)?$' THEN
      RETURN NULL;
    END IF;
    v_result := v_result || v_text::numeric::integer;
  END LOOP;
  RETURN ARRAY(SELECT DISTINCT x FROM unnest(v_result) AS u(x) ORDER BY x);
END
$$;

-- A JSON boolean, or the strings "true" / "false"; NULL otherwise.
CREATE FUNCTION app.quiz_boolean(p_value jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE
SET search_path = ''
AS $$
  SELECT CASE
           WHEN jsonb_typeof(p_value) = 'boolean' THEN (p_value #>> '{}')::boolean
           WHEN jsonb_typeof(p_value) = 'string' AND lower(btrim(p_value #>> '{}')) IN ('true', 'false')
             THEN lower(btrim(p_value #>> '{}'))::boolean
         END;
$$;

-- Whether one answer is right. `p_correct` is app.quiz_questions.correct: text holding
-- the JSON value (an index for single, a list of indexes for multi, true/false for
-- boolean). Unknown kinds compare the JSON values as they are.
CREATE FUNCTION app.quiz_answer_is_correct(p_kind text, p_correct text, p_answer jsonb)
RETURNS boolean
LANGUAGE plpgsql IMMUTABLE
SET search_path = ''
AS $$
DECLARE
  v_correct jsonb;
  v_expected integer[];
  v_given integer[];
BEGIN
  IF p_answer IS NULL OR jsonb_typeof(p_answer) = 'null' OR p_correct IS NULL THEN
    RETURN false;
  END IF;
  BEGIN
    v_correct := p_correct::jsonb;
  EXCEPTION WHEN invalid_text_representation THEN
    v_correct := to_jsonb(p_correct);  -- a bare word such as true or 2 stored unquoted
  END;

  CASE p_kind
    WHEN 'single' THEN
      v_expected := app.quiz_indexes(v_correct);
      v_given := app.quiz_indexes(p_answer);
      RETURN coalesce(cardinality(v_given) = 1 AND v_given = v_expected, false);
    WHEN 'multi' THEN
      v_expected := app.quiz_indexes(v_correct);
      v_given := app.quiz_indexes(p_answer);
      RETURN coalesce(v_given = v_expected, false);
    WHEN 'boolean' THEN
      RETURN coalesce(app.quiz_boolean(p_answer) = app.quiz_boolean(v_correct), false);
    ELSE
      RETURN p_answer = v_correct;
  END CASE;
END
$$;

-- Grades the caller's answers to a quiz and, on a pass, issues the caller's certificate
-- for the quiz's course in app.certificates — once: a user holds at most one issued
-- certificate (issued_at set) per course; later passes return it with
-- certificate_issued = false.
--
-- Called by the backend as `SELECT * FROM app.grade_quiz_and_issue_certificate($1, $2::jsonb)`
-- with the quiz id and the answers, a JSON object keyed by question id (uuid as text).
-- The caller is auth.uid(); they must be entitled to the course (app.can_access_course).
-- score is the percentage of questions answered right, rounded down; passed when a quiz
-- with at least one question reaches app.course_quizzes.pass_score.
-- Errors: 42501 no caller / not entitled; 22023 answers not a JSON object; P0002 no quiz.
CREATE FUNCTION app.grade_quiz_and_issue_certificate(p_quiz_id uuid, p_answers jsonb)
RETURNS TABLE (
  quiz_id uuid,
  course_id uuid,
  passed boolean,
  score integer,
  pass_score integer,
  correct_count integer,
  question_count integer,
  certificate_id uuid,
  certificate_issued boolean
)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
#variable_conflict use_column
DECLARE
  v_user uuid := auth.uid();
  v_quiz app.course_quizzes%ROWTYPE;
  v_course_title text;
  v_certificate uuid;
BEGIN
  IF v_user IS NULL THEN
    RAISE EXCEPTION 'grade_quiz_and_issue_certificate: no authenticated user'
      USING ERRCODE = '42501', HINT = 'call it with the user''s JWT claims (auth.uid())';
  END IF;
  IF p_answers IS NULL OR jsonb_typeof(p_answers) <> 'object' THEN
    RAISE EXCEPTION 'grade_quiz_and_issue_certificate: answers must be a JSON object keyed by question id'
      USING ERRCODE = '22023';
  END IF;

  SELECT q.* INTO v_quiz FROM app.course_quizzes q WHERE q.id = p_quiz_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'grade_quiz_and_issue_certificate: quiz % does not exist', p_quiz_id
      USING ERRCODE = 'P0002';
  END IF;
  IF NOT app.can_access_course(v_quiz.course_id, v_user) THEN
    RAISE EXCEPTION 'grade_quiz_and_issue_certificate: user is not entitled to the quiz''s course'
      USING ERRCODE = '42501';
  END IF;

  quiz_id := v_quiz.id;
  course_id := v_quiz.course_id;
  pass_score := v_quiz.pass_score;

  SELECT count(*)::integer,
         (count(*) FILTER (WHERE app.quiz_answer_is_correct(qq.kind, qq.correct,
                                                            p_answers -> (qq.id::text))))::integer
    INTO question_count, correct_count
    FROM app.quiz_questions qq
   WHERE qq.quiz_id = v_quiz.id;

  score := CASE WHEN question_count = 0 THEN 0
                ELSE floor(100.0 * correct_count / question_count)::integer END;
  passed := question_count > 0 AND score >= v_quiz.pass_score;
  certificate_issued := false;

  IF passed THEN
    -- one issuer at a time per (user, course), so two concurrent passes issue one row
    PERFORM pg_advisory_xact_lock(hashtext('app.certificates'),
                                  hashtext(v_user::text || '/' || v_quiz.course_id::text));
    SELECT c.id INTO v_certificate
      FROM app.certificates c
     WHERE c.user_id = v_user AND c.course_id = v_quiz.course_id AND c.issued_at IS NOT NULL
     ORDER BY c.issued_at
     LIMIT 1;
    IF v_certificate IS NULL THEN
      SELECT c.title INTO v_course_title FROM app.courses c WHERE c.id = v_quiz.course_id;
      INSERT INTO app.certificates (user_id, course_id, title, status, issued_at, metadata)
      VALUES (v_user, v_quiz.course_id, v_course_title, 'verified', now(),
              jsonb_build_object('source', 'quiz', 'quiz_id', v_quiz.id,
                                 'score', score, 'pass_score', v_quiz.pass_score))
      RETURNING id INTO v_certificate;
      certificate_issued := true;
    END IF;
  ELSE
    SELECT c.id INTO v_certificate
      FROM app.certificates c
     WHERE c.user_id = v_user AND c.course_id = v_quiz.course_id AND c.issued_at IS NOT NULL
     ORDER BY c.issued_at
     LIMIT 1;
  END IF;
  certificate_id := v_certificate;
  RETURN NEXT;
END
$$;
COMMENT ON FUNCTION app.grade_quiz_and_issue_certificate(uuid, jsonb) IS
  'Grades auth.uid()''s answers (JSON object keyed by question id) and issues the course certificate once on a pass.';

-- ---------------------------------------------------------------------------------------
-- triggers (legacy names; each after its function)
-- ---------------------------------------------------------------------------------------

CREATE TRIGGER trg_course_display_priorities_touch BEFORE UPDATE ON app.course_display_priorities
  FOR EACH ROW EXECUTE FUNCTION app.touch_course_display_priorities();
CREATE TRIGGER trg_course_entitlements_touch BEFORE UPDATE ON app.course_entitlements
  FOR EACH ROW EXECUTE FUNCTION app.touch_course_entitlements();
CREATE TRIGGER trg_teacher_profile_media_touch BEFORE UPDATE ON app.teacher_profile_media
  FOR EACH ROW EXECUTE FUNCTION app.touch_teacher_profile_media();

CREATE TRIGGER trg_course_products_updated BEFORE UPDATE ON app.course_products
  FOR EACH ROW EXECUTE FUNCTION app.set_updated_at();
CREATE TRIGGER trg_courses_touch BEFORE UPDATE ON app.courses
  FOR EACH ROW EXECUTE FUNCTION app.set_updated_at();
CREATE TRIGGER trg_lessons_touch BEFORE UPDATE ON app.lessons
  FOR EACH ROW EXECUTE FUNCTION app.set_updated_at();
CREATE TRIGGER trg_livekit_webhook_jobs_touch BEFORE UPDATE ON app.livekit_webhook_jobs
  FOR EACH ROW EXECUTE FUNCTION app.set_updated_at();
CREATE TRIGGER trg_modules_touch BEFORE UPDATE ON app.modules
  FOR EACH ROW EXECUTE FUNCTION app.set_updated_at();
CREATE TRIGGER trg_orders_touch BEFORE UPDATE ON app.orders
  FOR EACH ROW EXECUTE FUNCTION app.set_updated_at();
CREATE TRIGGER trg_payments_touch BEFORE UPDATE ON app.payments
  FOR EACH ROW EXECUTE FUNCTION app.set_updated_at();
CREATE TRIGGER trg_profiles_touch BEFORE UPDATE ON app.profiles
  FOR EACH ROW EXECUTE FUNCTION app.set_updated_at();
CREATE TRIGGER trg_seminar_recordings_touch BEFORE UPDATE ON app.seminar_recordings
  FOR EACH ROW EXECUTE FUNCTION app.set_updated_at();
CREATE TRIGGER trg_seminar_sessions_touch BEFORE UPDATE ON app.seminar_sessions
  FOR EACH ROW EXECUTE FUNCTION app.set_updated_at();
CREATE TRIGGER trg_seminars_touch BEFORE UPDATE ON app.seminars
  FOR EACH ROW EXECUTE FUNCTION app.set_updated_at();
CREATE TRIGGER trg_services_touch BEFORE UPDATE ON app.services
  FOR EACH ROW EXECUTE FUNCTION app.set_updated_at();
CREATE TRIGGER trg_session_slots_touch BEFORE UPDATE ON app.session_slots
  FOR EACH ROW EXECUTE FUNCTION app.set_updated_at();
CREATE TRIGGER trg_sessions_touch BEFORE UPDATE ON app.sessions
  FOR EACH ROW EXECUTE FUNCTION app.set_updated_at();
CREATE TRIGGER trg_teacher_approvals_touch BEFORE UPDATE ON app.teacher_approvals
  FOR EACH ROW EXECUTE FUNCTION app.set_updated_at();
CREATE TRIGGER trg_teacher_payout_methods_touch BEFORE UPDATE ON app.teacher_payout_methods
  FOR EACH ROW EXECUTE FUNCTION app.set_updated_at();
CREATE TRIGGER trg_teachers_touch BEFORE UPDATE ON app.teachers
  FOR EACH ROW EXECUTE FUNCTION app.set_updated_at();

-- NEW: the tables that have updated_at but had no trigger in legacy.
CREATE TRIGGER trg_certificates_touch BEFORE UPDATE ON app.certificates
  FOR EACH ROW EXECUTE FUNCTION app.set_updated_at();
CREATE TRIGGER trg_course_bundles_touch BEFORE UPDATE ON app.course_bundles
  FOR EACH ROW EXECUTE FUNCTION app.set_updated_at();
CREATE TRIGGER trg_live_events_touch BEFORE UPDATE ON app.live_events
  FOR EACH ROW EXECUTE FUNCTION app.set_updated_at();
CREATE TRIGGER trg_media_objects_touch BEFORE UPDATE ON app.media_objects
  FOR EACH ROW EXECUTE FUNCTION app.set_updated_at();
CREATE TRIGGER trg_memberships_touch BEFORE UPDATE ON app.memberships
  FOR EACH ROW EXECUTE FUNCTION app.set_updated_at();
CREATE TRIGGER trg_quiz_questions_touch BEFORE UPDATE ON app.quiz_questions
  FOR EACH ROW EXECUTE FUNCTION app.set_updated_at();
CREATE TRIGGER trg_stripe_customers_touch BEFORE UPDATE ON app.stripe_customers
  FOR EACH ROW EXECUTE FUNCTION app.set_updated_at();
CREATE TRIGGER trg_subscriptions_touch BEFORE UPDATE ON app.subscriptions
  FOR EACH ROW EXECUTE FUNCTION app.set_updated_at();

-- production's (db pull): the remote-only app tables and schema public's tables.
CREATE TRIGGER trg_lesson_packages_updated BEFORE UPDATE ON app.lesson_packages
  FOR EACH ROW EXECUTE FUNCTION app.set_updated_at();
CREATE TRIGGER trg_music_tracks_updated_at BEFORE UPDATE ON app.music_tracks
  FOR EACH ROW EXECUTE FUNCTION app.set_updated_at();
CREATE TRIGGER trg_teacher_accounts_updated BEFORE UPDATE ON app.teacher_accounts
  FOR EACH ROW EXECUTE FUNCTION app.set_updated_at();
CREATE TRIGGER trg_welcome_cards_updated_at BEFORE UPDATE ON app.welcome_cards
  FOR EACH ROW EXECUTE FUNCTION app.set_updated_at();
CREATE TRIGGER trg_subscription_plans_touch BEFORE UPDATE ON public.subscription_plans
  FOR EACH ROW EXECUTE FUNCTION app.set_updated_at();
CREATE TRIGGER trg_coupons_touch BEFORE UPDATE ON public.coupons
  FOR EACH ROW EXECUTE FUNCTION app.set_updated_at();
CREATE TRIGGER trg_public_subscriptions_touch BEFORE UPDATE ON public.subscriptions
  FOR EACH ROW EXECUTE FUNCTION app.set_updated_at();
