-- 0009_grants.sql — privileges of Supabase's roles on schema app.
--
-- On Supabase, RLS decides which rows a role reaches and table privileges decide which
-- statements it may run at all (PostgREST connects as authenticator and switches to
-- anon / authenticated / service_role). The v2 grants:
--   postgres       all privileges (it owns app on Supabase; here the chain may be applied
--                  by supabase_admin), may create in schema app.
--   service_role   all privileges on every table, sequence and routine (BYPASSRLS too).
--   authenticated  SELECT, INSERT, UPDATE, DELETE on every table — the policies of 0006
--                  decide the rows — except: app.profiles UPDATE only of display_name,
--                  bio, photo_url, avatar_media_id (no self-promotion through role,
--                  role_v2, is_admin, email or Stripe ids); app.teachers SELECT only
--                  (Stripe Connect state and payout split are written by service_role).
--                  EXECUTE on the app routines (policies call the helpers as the caller).
--   anon           SELECT on every table (RLS leaves it the public-read rows only), EXECUTE
--                  on the helpers; not app.grade_quiz_and_issue_certificate (either form:
--                  anon has no user to grade).
--   The backend-only tables livekit_webhook_jobs, seminar_sessions, seminar_recordings:
--                  no privilege for anon and authenticated (as legacy).
-- Same as legacy's grants (20240219100000_row_level_security.sql in the legacy chain)
-- except the two authenticated restrictions above, and routines no longer executable by
-- PUBLIC (only by the API roles).
-- Default privileges give tables, sequences and routines created later in schema app by
-- postgres (or by the role applying this chain) the same grants as above.

GRANT USAGE ON SCHEMA app TO anon, authenticated, service_role;
GRANT ALL ON SCHEMA app TO postgres;

GRANT ALL ON ALL TABLES IN SCHEMA app TO postgres, service_role;
GRANT ALL ON ALL SEQUENCES IN SCHEMA app TO postgres, service_role;
GRANT ALL ON ALL ROUTINES IN SCHEMA app TO postgres, service_role;

GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA app TO authenticated;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA app TO authenticated;

REVOKE INSERT, UPDATE, DELETE ON app.profiles FROM authenticated;
GRANT UPDATE (display_name, bio, photo_url, avatar_media_id) ON app.profiles TO authenticated;
REVOKE INSERT, UPDATE, DELETE ON app.teachers FROM authenticated;
-- production's tables (db pull): users must not rewrite their entitlements (course_slug),
-- their Stripe Connect account, others' classroom messages or presence rows.
REVOKE INSERT, UPDATE, DELETE ON app.course_entitlements, app.teacher_accounts FROM authenticated;
REVOKE UPDATE, DELETE ON app.classroom_messages FROM authenticated;
REVOKE UPDATE, DELETE ON app.classroom_presence FROM authenticated;
GRANT UPDATE (last_seen) ON app.classroom_presence TO authenticated;

GRANT SELECT ON ALL TABLES IN SCHEMA app TO anon;

REVOKE ALL ON app.livekit_webhook_jobs, app.seminar_sessions, app.seminar_recordings
  FROM anon, authenticated;

-- Routines: PostgreSQL grants EXECUTE to PUBLIC by default; narrow that to the API roles.
REVOKE EXECUTE ON ALL ROUTINES IN SCHEMA app FROM PUBLIC;
GRANT EXECUTE ON ALL ROUTINES IN SCHEMA app TO anon, authenticated;
REVOKE EXECUTE ON FUNCTION app.grade_quiz_and_issue_certificate(uuid, uuid, jsonb),
  app.grade_quiz_and_issue_certificate(uuid, jsonb) FROM anon;

-- Later objects. FOR ROLE postgres covers migrations run on Supabase (as postgres); the
-- unqualified form covers the role applying this chain (supabase_admin on the stand-in).
ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA app
  GRANT ALL ON TABLES TO service_role;
ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA app
  GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO authenticated;
ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA app
  GRANT SELECT ON TABLES TO anon;
ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA app
  GRANT ALL ON SEQUENCES TO service_role;
ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA app
  GRANT USAGE, SELECT ON SEQUENCES TO authenticated;
ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA app
  GRANT EXECUTE ON ROUTINES TO authenticated, service_role;

DO $defaults$
BEGIN
  IF current_user <> 'postgres' THEN
    EXECUTE 'ALTER DEFAULT PRIVILEGES IN SCHEMA app GRANT ALL ON TABLES TO postgres, service_role';
    EXECUTE 'ALTER DEFAULT PRIVILEGES IN SCHEMA app GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO authenticated';
    EXECUTE 'ALTER DEFAULT PRIVILEGES IN SCHEMA app GRANT SELECT ON TABLES TO anon';
    EXECUTE 'ALTER DEFAULT PRIVILEGES IN SCHEMA app GRANT ALL ON SEQUENCES TO postgres, service_role';
    EXECUTE 'ALTER DEFAULT PRIVILEGES IN SCHEMA app GRANT USAGE, SELECT ON SEQUENCES TO authenticated';
    EXECUTE 'ALTER DEFAULT PRIVILEGES IN SCHEMA app GRANT EXECUTE ON ROUTINES TO postgres, authenticated, service_role';
  END IF;
END
$defaults$;

-- Schema public: production's four tables and rest_* functions (db pull), granted as the
-- app tables are (Supabase's default privileges in public would give the API roles ALL;
-- RLS decides the rows either way).
REVOKE ALL ON public.subscription_plans, public.coupons, public.subscriptions,
  public.user_certifications FROM anon, authenticated;
GRANT ALL ON public.subscription_plans, public.coupons, public.subscriptions,
  public.user_certifications TO postgres, service_role;
GRANT SELECT ON public.subscription_plans, public.coupons, public.subscriptions,
  public.user_certifications TO anon;
GRANT SELECT, INSERT, UPDATE, DELETE ON public.subscription_plans, public.coupons,
  public.subscriptions, public.user_certifications TO authenticated;
REVOKE EXECUTE ON FUNCTION public.rest_insert_seminar(uuid, text, app.seminar_status),
  public.rest_select_seminar(uuid), public.rest_select_seminar_attendees(uuid),
  public.rest_update_seminar_description(uuid, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.rest_insert_seminar(uuid, text, app.seminar_status),
  public.rest_select_seminar(uuid), public.rest_select_seminar_attendees(uuid),
  public.rest_update_seminar_description(uuid, text) TO anon, authenticated, service_role, postgres;
