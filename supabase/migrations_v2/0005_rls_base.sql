-- 0005_rls_base.sql — row level security on every table of schema app.
--
-- Rebuild plan Option B: RLS is enabled only after every table exists (0002, 0003), and
-- before any policy (0006). Legacy had RLS off on seminar_sessions, seminar_recordings
-- and livekit_webhook_jobs (their RLS migration ran before the tables existed); here
-- every table has it. The check at the end refuses to commit if any table of schemas app
-- and public (other than an extension's) was missed, so a table added to 0002/0003 without
-- a line here fails the replay.

ALTER TABLE app.activities ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.app_config ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.auth_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.billing_logs ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.certificates ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.classroom_messages ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.classroom_presence ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.course_bundle_courses ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.course_bundles ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.course_display_priorities ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.course_entitlements ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.course_products ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.course_quizzes ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.courses ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.enrollments ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.entitlements ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.follows ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.guest_claim_tokens ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.lesson_media ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.lesson_packages ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.lessons ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.live_event_registrations ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.live_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.livekit_webhook_jobs ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.media_objects ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.meditations ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.memberships ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.messages ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.modules ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.music_tracks ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.notifications ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.orders ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.payment_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.payments ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.posts ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.profiles ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.purchases ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.quiz_questions ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.refresh_tokens ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.reviews ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.seminar_attendees ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.seminar_recordings ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.seminar_sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.seminars ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.services ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.session_slots ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.stripe_customers ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.subscriptions ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.tarot_requests ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.teacher_accounts ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.teacher_approvals ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.teacher_directory ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.teacher_payout_methods ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.teacher_permissions ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.teacher_profile_media ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.teachers ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.welcome_cards ENABLE ROW LEVEL SECURITY;
-- schema public: production's four tables (the backend's)
ALTER TABLE public.coupons ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.subscription_plans ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.subscriptions ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.user_certifications ENABLE ROW LEVEL SECURITY;

DO $check$
DECLARE
  missing text;
BEGIN
  SELECT string_agg(format('%I.%I', n.nspname, c.relname), ', ' ORDER BY n.nspname, c.relname)
    INTO missing
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname IN ('app', 'public') AND c.relkind IN ('r', 'p') AND NOT c.relrowsecurity
     AND NOT EXISTS (SELECT 1 FROM pg_depend d
                      WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e');
  IF missing IS NOT NULL THEN
    RAISE EXCEPTION 'tables of schemas app and public without row level security: %', missing
      USING HINT = 'add ALTER TABLE … ENABLE ROW LEVEL SECURITY for them in 0005_rls_base.sql';
  END IF;
END
$check$;
