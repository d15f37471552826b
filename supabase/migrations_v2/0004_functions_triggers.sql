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
--   the client could choose, except in the legacy (…, p_user_id) overloads and in
--   production's grade_quiz_and_issue_certificate(p_quiz_id, p_user_id, p_answers), which
--   accepts p_user_id only from callers without a JWT user or from service_role.
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
-- quiz grading (shared/schema/backend_contracts.md; production's function, 3 arguments)
-- ---------------------------------------------------------------------------------------

-- The answer indexes a JSON value holds, as a set (sorted, without duplicates): a number or
-- a string of digits is one index; an array is its elements; a string holding a list
-- ("0,2", "[0, 2]") is the numbers in it. NULL when the value is not of that shape (then
-- the answer is wrong). Indexes have at most 9 digits, so no value can overflow integer.
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
  IF jsonb_typeof(p_value) = 'array' THEN
    v_items := p_value;
  ELSIF jsonb_typeof(p_value) = 'string'
        AND (p_value #>> '{}') ~ '^\s*(\[\s*\]|\[?\s*[0-9]{1,9}(\s*,\s*[0-9]{1,9})*\s*\]?)\s*$' THEN
    v_items := coalesce(
      (SELECT jsonb_agg(m[1]) FROM regexp_matches(p_value #>> '{}', '([0-9]+)', 'g') AS t(m)),
      '[]'::jsonb);
  ELSE
    v_items := jsonb_build_array(p_value);
  END IF;
  FOR v_item IN SELECT e FROM jsonb_array_elements(v_items) AS t(e) LOOP
    v_text := btrim(v_item #>> '{}');
    IF jsonb_typeof(v_item) NOT IN ('number', 'string') OR v_text !~ '^[0-9]{1,9}(\.0+)?$' THEN
      RETURN NULL;
    END IF;
    v_result := v_result || v_text::numeric::integer;
  END LOOP;
  RETURN ARRAY(SELECT DISTINCT x FROM unnest(v_result) AS u(x) ORDER BY x);
END
$$;

-- A boolean answer or key read leniently, as production reads it: true when its text is
-- true, t, 1 or yes (any case, spaces ignored), false for any other JSON scalar; NULL for
-- SQL NULL, JSON null, arrays and objects (then the answer is wrong).
CREATE FUNCTION app.quiz_boolean(p_value jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE
SET search_path = ''
AS $$
  SELECT CASE
           WHEN jsonb_typeof(p_value) IN ('boolean', 'string', 'number')
             THEN lower(btrim(p_value #>> '{}')) IN ('true', 't', '1', 'yes')
         END;
$$;

-- Whether one answer is right. `p_correct` is app.quiz_questions.correct: text holding
-- the JSON value (an index for single, a list of indexes for multi, true/false for
-- boolean; a bare word such as yes stored unquoted is read as a string). single: the
-- answer is exactly one index, equal to correct's; multi: the answer's set of indexes
-- equals correct's (order and duplicates ignored — production's parser never matches a
-- digit, so production marks every multi answer wrong; v2 does not copy that bug);
-- boolean: both read by app.quiz_boolean and equal. A missing answer is wrong; a kind
-- other than these three compares the JSON values as they are.
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
    v_correct := to_jsonb(p_correct);  -- a bare word such as yes stored unquoted
  END;

  CASE lower(p_kind)
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

-- Production's function (supabase/schema/production.json): grades p_answers, a JSON object
-- keyed by question id (uuid as text), against app.quiz_questions of the quiz and, on a
-- pass, issues the graded user's certificate for the quiz's course once.
--
-- Whom it grades depends on the caller's JWT claims (auth.role(), auth.uid()):
--   no JWT role (a direct connection, as the backend's DATABASE_URL) → p_user_id;
--   service_role → p_user_id, else auth.uid();
--   any other role → auth.uid(), which must be set; a p_user_id that differs is refused.
-- Refusals are 42501; nobody to grade (no p_user_id where it is needed) is 22004.
-- No entitlement check, as production: whoever it grades may pass any quiz.
-- score is round(correct × 100 / questions) as text with '%' ('67%'); passed when
-- score >= pass_score (NULL counts as 0, and is returned as 0). Answers that are not a JSON object answer
-- nothing. A quiz that does not exist returns one row (false, '0%', 0, 0, 0, NULL).
-- On a pass, under a transaction advisory lock per (user, course) — so two concurrent
-- passes issue one row — an existing app.certificates row of the user for the course is
-- reused (an issued one first), otherwise one is inserted: the course's title (or 'Course
-- certificate'), status 'verified', issued_at now(), metadata score_percent,
-- correct_count, question_count, pass_score. certificate_id is NULL unless passed.
CREATE FUNCTION app.grade_quiz_and_issue_certificate(
  p_quiz_id uuid, p_user_id uuid, p_answers jsonb
)
RETURNS TABLE (
  passed boolean,
  score text,
  correct_count integer,
  question_count integer,
  pass_score integer,
  certificate_id uuid
)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
#variable_conflict use_column
DECLARE
  v_role text := auth.role();
  v_uid uuid := auth.uid();
  v_answers jsonb := CASE WHEN jsonb_typeof(p_answers) = 'object' THEN p_answers
                          ELSE '{}'::jsonb END;
  v_user uuid;
  v_course uuid;
  v_pass_score integer;
  v_questions integer;
  v_correct integer;
  v_score integer;
  v_passed boolean;
  v_certificate uuid;
BEGIN
  IF v_role IS NULL THEN
    v_user := p_user_id;
  ELSIF v_role = 'service_role' THEN
    v_user := coalesce(p_user_id, v_uid);
  ELSE
    IF v_uid IS NULL THEN
      RAISE EXCEPTION 'grade_quiz_and_issue_certificate: JWT role % has no user (auth.uid() is NULL)', v_role
        USING ERRCODE = '42501', HINT = 'call it with the claims of a signed-in user';
    END IF;
    IF p_user_id IS NOT NULL AND p_user_id <> v_uid THEN
      RAISE EXCEPTION 'grade_quiz_and_issue_certificate: p_user_id % is not the authenticated user', p_user_id
        USING ERRCODE = '42501',
              HINT = 'a signed-in user can only grade themselves: pass their own id or NULL';
    END IF;
    v_user := v_uid;
  END IF;
  IF v_user IS NULL THEN
    RAISE EXCEPTION 'grade_quiz_and_issue_certificate: no user to grade (p_user_id is NULL and the call has no JWT user)'
      USING ERRCODE = '22004', HINT = 'pass the user''s id as p_user_id';
  END IF;

  SELECT q.course_id, coalesce(q.pass_score, 0) INTO v_course, v_pass_score
    FROM app.course_quizzes q WHERE q.id = p_quiz_id;
  IF NOT FOUND THEN
    RETURN QUERY SELECT false, '0%'::text, 0, 0, 0, NULL::uuid;
    RETURN;
  END IF;

  SELECT count(*)::integer,
         (count(*) FILTER (WHERE app.quiz_answer_is_correct(qq.kind, qq.correct,
                                                            v_answers -> (qq.id::text))))::integer
    INTO v_questions, v_correct
    FROM app.quiz_questions qq
   WHERE qq.quiz_id = p_quiz_id;
  v_score := CASE WHEN v_questions = 0 THEN 0
                  ELSE round(v_correct * 100.0 / v_questions)::integer END;
  v_passed := v_score >= v_pass_score;

  IF v_passed THEN
    PERFORM pg_advisory_xact_lock(hashtext('app.certificates'),
                                  hashtext(v_user::text || '/' || v_course::text));
    SELECT c.id INTO v_certificate
      FROM app.certificates c
     WHERE c.user_id = v_user AND c.course_id = v_course
     ORDER BY c.issued_at IS NULL, c.issued_at, c.created_at, c.id
     LIMIT 1;
    IF NOT FOUND THEN
      INSERT INTO app.certificates (user_id, course_id, title, status, issued_at, metadata)
      VALUES (v_user, v_course,
              coalesce((SELECT co.title FROM app.courses co WHERE co.id = v_course),
                       'Course certificate'),
              'verified', now(),
              jsonb_build_object('score_percent', v_score, 'correct_count', v_correct,
                                 'question_count', v_questions, 'pass_score', v_pass_score))
      RETURNING app.certificates.id INTO v_certificate;
    END IF;
  END IF;

  passed := v_passed;
  score := v_score::text || '%';
  correct_count := v_correct;
  question_count := v_questions;
  pass_score := v_pass_score;
  certificate_id := v_certificate;
  RETURN NEXT;
END
$$;
COMMENT ON FUNCTION app.grade_quiz_and_issue_certificate(uuid, uuid, jsonb) IS
  'Grades p_user_id''s (direct connections, service_role) or auth.uid()''s answers and issues the course certificate once on a pass.';

-- The form the backend calls today (`SELECT * FROM app.grade_quiz_and_issue_certificate($1,
-- $2::jsonb)`): grades auth.uid(), so it works for a caller that carries JWT claims (an RPC
-- made as the user) and fails (42501) on a connection without them, naming the
-- three-argument form. SECURITY INVOKER: it adds no privilege to the three-argument form.
CREATE FUNCTION app.grade_quiz_and_issue_certificate(p_quiz_id uuid, p_answers jsonb)
RETURNS TABLE (
  passed boolean,
  score text,
  correct_count integer,
  question_count integer,
  pass_score integer,
  certificate_id uuid
)
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_uid uuid := auth.uid();
BEGIN
  IF v_uid IS NULL THEN
    RAISE EXCEPTION 'app.grade_quiz_and_issue_certificate(p_quiz_id, p_answers) grades the JWT user (auth.uid()), and this call has no JWT claims: call app.grade_quiz_and_issue_certificate(p_quiz_id uuid, p_user_id uuid, p_answers jsonb) with the user''s id'
      USING ERRCODE = '42501',
            HINT = 'the backend connects without JWT claims: pass the user id it already has as the second argument';
  END IF;
  RETURN QUERY SELECT * FROM app.grade_quiz_and_issue_certificate(p_quiz_id, v_uid, p_answers);
END
$$;
COMMENT ON FUNCTION app.grade_quiz_and_issue_certificate(uuid, jsonb) IS
  'Grades auth.uid()''s answers (needs JWT claims; without them use the (p_quiz_id, p_user_id, p_answers) form).';

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
