-- 0006_policies.sql — row level security policies for every table of schema app.
--
-- Rebuild plan Option B: policies come after RLS is on (0005) and after the helper
-- functions they call (0004). legacy.json lists each legacy policy's name, command and
-- roles but not its expressions, so every legacy policy is kept under its legacy name,
-- command and roles, with its expression written here from the name and the table's
-- columns. Policies marked NEW did not exist in legacy (the README lists them).
--
-- Read visibility follows the legacy policies as far as their names, commands and roles
-- tell (and as the legacy fixture reconstructs them); write checks that would let a user
-- grant themselves access (self-enrolment in any course, joining any seminar) are tightened
-- and marked. No policy widens what a role could see in legacy, except NEW
-- `reviews_public_read` (splits a read legacy `reviews_user` already allowed).
--
-- Families:
-- * service: `<table>_service…` and `service_role_full_access` (roles public) admit
--   requests whose JWT role is service_role; the NEW `<table>_service_role` policies on
--   seminar_sessions, seminar_recordings and livekit_webhook_jobs are granted TO
--   service_role directly (subscriptions_service_role, as production has it, to public). (Supabase's service_role also has BYPASSRLS.)
--   Those three late tables stay backend-only, as in legacy (no anon/authenticated
--   policy; 0009 revokes the API roles' privileges on them).
-- * self: rows of the caller, auth.uid() = user_id / owner column.
-- * owner/teacher: rows of courses the caller teaches (app.can_edit_course:
--   courses.created_by), of their seminars, sessions, services, bundles.
-- * public read: published / active / public rows, for anon and authenticated.
-- * entitled read: course content for users entitled to the course
--   (app.can_access_course), attendee lists for seminar hosts (app.is_seminar_host), live
--   events for members or entitled users (app.can_access_live_event).
-- auth.uid() and auth.role() are wrapped in (SELECT …) so they are evaluated once per
-- statement, not once per row.

-- app.activities
CREATE POLICY activities_read ON app.activities AS PERMISSIVE FOR SELECT TO authenticated
  USING (true);
CREATE POLICY activities_service ON app.activities AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');
CREATE POLICY service_role_full_access ON app.activities AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');

-- app.app_config
CREATE POLICY service_role_full_access ON app.app_config AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');

-- app.auth_events
CREATE POLICY auth_events_service ON app.auth_events AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');
CREATE POLICY service_role_full_access ON app.auth_events AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');

-- app.billing_logs
CREATE POLICY billing_logs_service ON app.billing_logs AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');
CREATE POLICY service_role_full_access ON app.billing_logs AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');

-- app.certificates
CREATE POLICY certificates_service ON app.certificates AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');
CREATE POLICY service_role_full_access ON app.certificates AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');

-- app.course_bundle_courses
CREATE POLICY course_bundle_courses_owner ON app.course_bundle_courses AS PERMISSIVE FOR ALL TO public
  USING (EXISTS (SELECT 1 FROM app.course_bundles b WHERE b.id = bundle_id AND b.teacher_id = (SELECT auth.uid())))
  WITH CHECK (EXISTS (SELECT 1 FROM app.course_bundles b WHERE b.id = bundle_id AND b.teacher_id = (SELECT auth.uid())));
-- production's (db pull: name, command, roles; expression written here)
CREATE POLICY course_bundle_courses_admin ON app.course_bundle_courses AS PERMISSIVE FOR ALL TO authenticated
  USING (app.is_admin((SELECT auth.uid()))) WITH CHECK (app.is_admin((SELECT auth.uid())));
CREATE POLICY course_bundle_courses_service_role ON app.course_bundle_courses AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');

-- app.course_bundles
CREATE POLICY course_bundles_owner_write ON app.course_bundles AS PERMISSIVE FOR ALL TO public
  USING (teacher_id = (SELECT auth.uid()))
  WITH CHECK (teacher_id = (SELECT auth.uid()));
CREATE POLICY course_bundles_public_read ON app.course_bundles AS PERMISSIVE FOR SELECT TO public
  USING (is_active OR teacher_id = (SELECT auth.uid()));
-- production's (db pull: name, command, roles; expression written here)
CREATE POLICY course_bundles_admin ON app.course_bundles AS PERMISSIVE FOR ALL TO authenticated
  USING (app.is_admin((SELECT auth.uid()))) WITH CHECK (app.is_admin((SELECT auth.uid())));
CREATE POLICY course_bundles_service_role ON app.course_bundles AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');

-- app.course_display_priorities
CREATE POLICY course_display_owner ON app.course_display_priorities AS PERMISSIVE FOR ALL TO authenticated
  USING (teacher_id = (SELECT auth.uid()))
  WITH CHECK (teacher_id = (SELECT auth.uid()));
CREATE POLICY course_display_service ON app.course_display_priorities AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');
CREATE POLICY service_role_full_access ON app.course_display_priorities AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');

-- app.course_entitlements
CREATE POLICY course_entitlements_self_read ON app.course_entitlements AS PERMISSIVE FOR SELECT TO authenticated
  USING (user_id = (SELECT auth.uid()));
-- production's (db pull: name, command, roles; expression written here)
-- (0009 leaves authenticated SELECT only on course_entitlements: a user changing their own
-- row's course_slug would grant themselves a course, so owner_update never applies to them)
CREATE POLICY course_entitlements_owner_read ON app.course_entitlements AS PERMISSIVE FOR SELECT TO authenticated
  USING (user_id = (SELECT auth.uid()));
CREATE POLICY course_entitlements_owner_update ON app.course_entitlements AS PERMISSIVE FOR UPDATE TO authenticated
  USING (user_id = (SELECT auth.uid())) WITH CHECK (user_id = (SELECT auth.uid()));
CREATE POLICY course_entitlements_service_role ON app.course_entitlements AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');
CREATE POLICY service_role_full_access ON app.course_entitlements AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');

-- app.course_products
CREATE POLICY course_products_owner ON app.course_products AS PERMISSIVE FOR ALL TO authenticated
  USING (app.can_edit_course(course_id, (SELECT auth.uid())))
  WITH CHECK (app.can_edit_course(course_id, (SELECT auth.uid())));
CREATE POLICY course_products_service_role ON app.course_products AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');

-- app.course_quizzes
CREATE POLICY quizzes_service ON app.course_quizzes AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');
CREATE POLICY service_role_full_access ON app.course_quizzes AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');

-- app.courses
CREATE POLICY courses_owner_write ON app.courses AS PERMISSIVE FOR ALL TO authenticated
  USING (created_by = (SELECT auth.uid()) OR app.is_admin((SELECT auth.uid())))
  WITH CHECK ((created_by = (SELECT auth.uid()) AND app.is_teacher((SELECT auth.uid()))) OR app.is_admin((SELECT auth.uid())));
CREATE POLICY courses_public_read ON app.courses AS PERMISSIVE FOR SELECT TO public
  USING (is_published OR created_by = (SELECT auth.uid()));
CREATE POLICY courses_service_role ON app.courses AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');
CREATE POLICY service_role_full_access ON app.courses AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');

-- app.enrollments
-- users see their enrollments; they may enrol themselves only in published free intro
-- courses (legacy, reconstructed, let them enrol in any course, which grants access:
-- tightened)
CREATE POLICY enrollments_user ON app.enrollments AS PERMISSIVE FOR ALL TO authenticated
  USING (user_id = (SELECT auth.uid()))
  WITH CHECK (user_id = (SELECT auth.uid()) AND source = 'free_intro'::app.enrollment_source AND EXISTS (SELECT 1 FROM app.courses c WHERE c.id = course_id AND c.is_free_intro AND c.is_published));
CREATE POLICY enrollments_service ON app.enrollments AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');
CREATE POLICY service_role_full_access ON app.enrollments AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');

-- app.entitlements
CREATE POLICY entitlements_student ON app.entitlements AS PERMISSIVE FOR SELECT TO authenticated
  USING (user_id = (SELECT auth.uid()));
CREATE POLICY entitlements_teacher ON app.entitlements AS PERMISSIVE FOR SELECT TO authenticated
  USING (app.can_edit_course(course_id, (SELECT auth.uid())));
CREATE POLICY entitlements_service_role ON app.entitlements AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');

-- app.follows
CREATE POLICY follows_user ON app.follows AS PERMISSIVE FOR ALL TO authenticated
  USING (follower_id = (SELECT auth.uid()) OR followee_id = (SELECT auth.uid()))
  WITH CHECK (follower_id = (SELECT auth.uid()));
CREATE POLICY service_role_full_access ON app.follows AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');

-- app.guest_claim_tokens
CREATE POLICY guest_claim_tokens_service_role ON app.guest_claim_tokens AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');

-- app.lesson_media
CREATE POLICY lesson_media_select ON app.lesson_media AS PERMISSIVE FOR SELECT TO authenticated
  USING (app.can_access_course(app.lesson_course_id(lesson_id), (SELECT auth.uid())) OR EXISTS (SELECT 1 FROM app.lessons l WHERE l.id = lesson_id AND (l.is_intro OR app.course_is_free_intro(app.lesson_course_id(l.id))) AND app.course_is_published(app.lesson_course_id(l.id))));
CREATE POLICY lesson_media_write ON app.lesson_media AS PERMISSIVE FOR ALL TO authenticated
  USING (app.can_edit_course(app.lesson_course_id(lesson_id), (SELECT auth.uid())))
  WITH CHECK (app.can_edit_course(app.lesson_course_id(lesson_id), (SELECT auth.uid())));
CREATE POLICY lesson_media_service ON app.lesson_media AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');
CREATE POLICY service_role_full_access ON app.lesson_media AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');

-- app.lessons
-- entitled users read every lesson; any signed-in user reads intro lessons, and all
-- lessons of free intro courses, of published courses
CREATE POLICY lessons_select ON app.lessons AS PERMISSIVE FOR SELECT TO authenticated
  USING (app.can_access_course(app.module_course_id(module_id), (SELECT auth.uid())) OR ((is_intro OR app.course_is_free_intro(app.module_course_id(module_id))) AND app.course_is_published(app.module_course_id(module_id))));
CREATE POLICY lessons_write ON app.lessons AS PERMISSIVE FOR ALL TO authenticated
  USING (app.can_edit_course(app.module_course_id(module_id), (SELECT auth.uid())))
  WITH CHECK (app.can_edit_course(app.module_course_id(module_id), (SELECT auth.uid())));
CREATE POLICY lessons_service_role ON app.lessons AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');
CREATE POLICY service_role_full_access ON app.lessons AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');

-- app.live_event_registrations
CREATE POLICY live_event_registrations_read ON app.live_event_registrations AS PERMISSIVE FOR SELECT TO authenticated
  USING (user_id = (SELECT auth.uid()) OR EXISTS (SELECT 1 FROM app.live_events e WHERE e.id = event_id AND e.teacher_id = (SELECT auth.uid())));
-- a user registers only for events they may see (tightened: legacy checked only user_id)
CREATE POLICY live_event_registrations_write ON app.live_event_registrations AS PERMISSIVE FOR ALL TO authenticated
  USING (user_id = (SELECT auth.uid()))
  WITH CHECK (user_id = (SELECT auth.uid()) AND app.can_access_live_event(event_id, (SELECT auth.uid())));
CREATE POLICY live_event_registrations_service ON app.live_event_registrations AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');
-- production's (db pull: name, command, roles; expression written here)
CREATE POLICY service_role_full_access ON app.live_event_registrations AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');

-- app.live_events
CREATE POLICY live_events_access ON app.live_events AS PERMISSIVE FOR SELECT TO authenticated
  USING (app.can_access_live_event(id, (SELECT auth.uid())));
CREATE POLICY live_events_host_rw ON app.live_events AS PERMISSIVE FOR ALL TO authenticated
  USING (teacher_id = (SELECT auth.uid()))
  WITH CHECK (teacher_id = (SELECT auth.uid()));
CREATE POLICY live_events_service ON app.live_events AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');
-- production's (db pull: name, command, roles; expression written here)
CREATE POLICY service_role_full_access ON app.live_events AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');

-- app.livekit_webhook_jobs
CREATE POLICY livekit_webhook_jobs_service_role ON app.livekit_webhook_jobs AS PERMISSIVE FOR ALL TO service_role
  USING (true) WITH CHECK (true);  -- NEW
-- production's (db pull: name, command, roles; expression written here)
CREATE POLICY livekit_jobs_service ON app.livekit_webhook_jobs AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');
CREATE POLICY service_role_full_access ON app.livekit_webhook_jobs AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');

-- app.media_objects
CREATE POLICY media_owner_rw ON app.media_objects AS PERMISSIVE FOR ALL TO authenticated
  USING (owner_id = (SELECT auth.uid()))
  WITH CHECK (owner_id = (SELECT auth.uid()));
CREATE POLICY media_service_role ON app.media_objects AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');
CREATE POLICY service_role_full_access ON app.media_objects AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');

-- app.meditations
CREATE POLICY meditations_service ON app.meditations AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');
CREATE POLICY service_role_full_access ON app.meditations AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');

-- app.memberships
CREATE POLICY memberships_self ON app.memberships AS PERMISSIVE FOR SELECT TO authenticated
  USING (user_id = (SELECT auth.uid()));
CREATE POLICY memberships_service ON app.memberships AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');
CREATE POLICY service_role_full_access ON app.memberships AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');

-- app.messages
CREATE POLICY messages_user ON app.messages AS PERMISSIVE FOR ALL TO authenticated
  USING (sender_id = (SELECT auth.uid()) OR recipient_id = (SELECT auth.uid()))
  WITH CHECK (sender_id = (SELECT auth.uid()));
CREATE POLICY service_role_full_access ON app.messages AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');

-- app.modules
CREATE POLICY modules_course_owner ON app.modules AS PERMISSIVE FOR ALL TO authenticated
  USING (app.can_edit_course(course_id, (SELECT auth.uid())))
  WITH CHECK (app.can_edit_course(course_id, (SELECT auth.uid())));
CREATE POLICY modules_service_role ON app.modules AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');
CREATE POLICY service_role_full_access ON app.modules AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');

-- app.notifications
CREATE POLICY notifications_user ON app.notifications AS PERMISSIVE FOR ALL TO authenticated
  USING (user_id = (SELECT auth.uid()))
  WITH CHECK (user_id = (SELECT auth.uid()));
CREATE POLICY service_role_full_access ON app.notifications AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');

-- app.orders
CREATE POLICY orders_user_read ON app.orders AS PERMISSIVE FOR SELECT TO authenticated
  USING (user_id = (SELECT auth.uid()));
-- a user may open their own pending order; payment state is written by service_role
CREATE POLICY orders_user_write ON app.orders AS PERMISSIVE FOR INSERT TO authenticated
  WITH CHECK (user_id = (SELECT auth.uid()) AND status = 'pending'::app.order_status);
CREATE POLICY orders_service ON app.orders AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');
CREATE POLICY service_role_full_access ON app.orders AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');

-- app.payment_events
CREATE POLICY payment_events_service ON app.payment_events AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');
CREATE POLICY service_role_full_access ON app.payment_events AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');

-- app.payments
CREATE POLICY payments_read ON app.payments AS PERMISSIVE FOR SELECT TO authenticated
  USING (EXISTS (SELECT 1 FROM app.orders o WHERE o.id = order_id AND o.user_id = (SELECT auth.uid())));
CREATE POLICY payments_service ON app.payments AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');
CREATE POLICY service_role_full_access ON app.payments AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');

-- app.posts
CREATE POLICY posts_author ON app.posts AS PERMISSIVE FOR ALL TO authenticated
  USING (author_id = (SELECT auth.uid()))
  WITH CHECK (author_id = (SELECT auth.uid()));
CREATE POLICY posts_service ON app.posts AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');
CREATE POLICY service_role_full_access ON app.posts AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');

-- app.profiles
CREATE POLICY profiles_self_read ON app.profiles AS PERMISSIVE FOR SELECT TO public
  USING (user_id = (SELECT auth.uid()));
-- which columns a user may update is limited by column grants in 0009 (not role, is_admin,
-- email, stripe ids)
CREATE POLICY profiles_self_write ON app.profiles AS PERMISSIVE FOR UPDATE TO authenticated
  USING (user_id = (SELECT auth.uid()))
  WITH CHECK (user_id = (SELECT auth.uid()));
CREATE POLICY service_role_full_access ON app.profiles AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');

-- app.purchases
CREATE POLICY purchases_owner_read ON app.purchases AS PERMISSIVE FOR SELECT TO authenticated
  USING (user_id = (SELECT auth.uid()));
CREATE POLICY purchases_service_role ON app.purchases AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');

-- app.quiz_questions
CREATE POLICY quiz_questions_service ON app.quiz_questions AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');
CREATE POLICY service_role_full_access ON app.quiz_questions AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');

-- app.refresh_tokens
CREATE POLICY refresh_tokens_service ON app.refresh_tokens AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');
CREATE POLICY service_role_full_access ON app.refresh_tokens AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');

-- app.reviews
CREATE POLICY reviews_user ON app.reviews AS PERMISSIVE FOR ALL TO authenticated
  USING (reviewer_id = (SELECT auth.uid()))
  WITH CHECK (reviewer_id = (SELECT auth.uid()));
-- legacy reviews_user also let signed-in users read public reviews; that read is split out
-- so reviews_user (ALL) covers only own reviews
CREATE POLICY reviews_public_read ON app.reviews AS PERMISSIVE FOR SELECT TO authenticated
  USING (visibility = 'public'::app.review_visibility);  -- NEW
CREATE POLICY reviews_service ON app.reviews AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');
CREATE POLICY service_role_full_access ON app.reviews AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');

-- app.seminar_attendees
CREATE POLICY attendees_read ON app.seminar_attendees AS PERMISSIVE FOR SELECT TO authenticated
  USING (user_id = (SELECT auth.uid()) OR app.is_seminar_host(seminar_id, (SELECT auth.uid())));
-- the host manages the attendee list (invitations); join/leave bookkeeping is written by
-- service_role. Legacy (reconstructed) also let users insert themselves into any seminar,
-- which would grant seminar access: not kept
CREATE POLICY attendees_write ON app.seminar_attendees AS PERMISSIVE FOR ALL TO authenticated
  USING (app.is_seminar_host(seminar_id, (SELECT auth.uid())))
  WITH CHECK (app.is_seminar_host(seminar_id, (SELECT auth.uid())));
CREATE POLICY attendees_service ON app.seminar_attendees AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');
CREATE POLICY service_role_full_access ON app.seminar_attendees AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');

-- app.seminar_recordings
CREATE POLICY seminar_recordings_service_role ON app.seminar_recordings AS PERMISSIVE FOR ALL TO service_role
  USING (true) WITH CHECK (true);  -- NEW
-- production's (db pull: name, command, roles; expression written here)
-- (0009 grants the API roles nothing on this table, so seminar_recordings_read applies
-- only if a grant is added: published recordings of seminars the user may access)
CREATE POLICY seminar_recordings_read ON app.seminar_recordings AS PERMISSIVE FOR SELECT TO authenticated
  USING (published AND app.can_access_seminar(seminar_id, (SELECT auth.uid())));
CREATE POLICY seminar_recordings_service ON app.seminar_recordings AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');
CREATE POLICY service_role_full_access ON app.seminar_recordings AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');

-- app.seminar_sessions
CREATE POLICY seminar_sessions_service_role ON app.seminar_sessions AS PERMISSIVE FOR ALL TO service_role
  USING (true) WITH CHECK (true);  -- NEW
-- production's (db pull: name, command, roles; expression written here)
-- (0009 grants the API roles nothing on this table, so seminar_sessions_host applies only
-- if a grant is added: the seminar's host)
CREATE POLICY seminar_sessions_host ON app.seminar_sessions AS PERMISSIVE FOR ALL TO authenticated
  USING (app.is_seminar_host(seminar_id, (SELECT auth.uid())))
  WITH CHECK (app.is_seminar_host(seminar_id, (SELECT auth.uid())));
CREATE POLICY seminar_sessions_service ON app.seminar_sessions AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');
CREATE POLICY service_role_full_access ON app.seminar_sessions AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');

-- app.seminars
CREATE POLICY seminars_host_rw ON app.seminars AS PERMISSIVE FOR ALL TO authenticated
  USING (host_id = (SELECT auth.uid()))
  WITH CHECK (host_id = (SELECT auth.uid()));
CREATE POLICY seminars_public_read ON app.seminars AS PERMISSIVE FOR SELECT TO public
  USING (status IN ('scheduled'::app.seminar_status, 'live'::app.seminar_status, 'ended'::app.seminar_status) OR host_id = (SELECT auth.uid()));
CREATE POLICY seminars_service ON app.seminars AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');
CREATE POLICY service_role_full_access ON app.seminars AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');

-- app.services
CREATE POLICY services_owner_rw ON app.services AS PERMISSIVE FOR ALL TO authenticated
  USING (provider_id = (SELECT auth.uid()))
  WITH CHECK (provider_id = (SELECT auth.uid()));
CREATE POLICY services_public_read ON app.services AS PERMISSIVE FOR SELECT TO public
  USING ((status = 'active'::app.service_status AND active) OR provider_id = (SELECT auth.uid()));
CREATE POLICY services_service ON app.services AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');
CREATE POLICY service_role_full_access ON app.services AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');

-- app.session_slots
CREATE POLICY session_slots_owner ON app.session_slots AS PERMISSIVE FOR ALL TO authenticated
  USING (EXISTS (SELECT 1 FROM app.sessions s WHERE s.id = session_id AND s.teacher_id = (SELECT auth.uid())))
  WITH CHECK (EXISTS (SELECT 1 FROM app.sessions s WHERE s.id = session_id AND s.teacher_id = (SELECT auth.uid())));
CREATE POLICY session_slots_service ON app.session_slots AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');
CREATE POLICY service_role_full_access ON app.session_slots AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');

-- app.sessions
CREATE POLICY sessions_owner ON app.sessions AS PERMISSIVE FOR ALL TO authenticated
  USING (teacher_id = (SELECT auth.uid()))
  WITH CHECK (teacher_id = (SELECT auth.uid()));
CREATE POLICY sessions_public_read ON app.sessions AS PERMISSIVE FOR SELECT TO public
  USING (visibility = 'published'::app.session_visibility OR teacher_id = (SELECT auth.uid()));
CREATE POLICY sessions_service ON app.sessions AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');
CREATE POLICY service_role_full_access ON app.sessions AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');

-- app.stripe_customers
CREATE POLICY stripe_customers_service ON app.stripe_customers AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');
CREATE POLICY service_role_full_access ON app.stripe_customers AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');

-- app.subscriptions
CREATE POLICY subscriptions_self_read ON app.subscriptions AS PERMISSIVE FOR SELECT TO authenticated
  USING (user_id = (SELECT auth.uid()));  -- NEW
-- production has both (db pull), subscriptions_service_role to public: JWT role service_role
CREATE POLICY subscriptions_service_role ON app.subscriptions AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');  -- NEW

-- app.tarot_requests
CREATE POLICY tarot_service ON app.tarot_requests AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');
CREATE POLICY service_role_full_access ON app.tarot_requests AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');

-- app.teacher_approvals
CREATE POLICY teacher_approvals_service ON app.teacher_approvals AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');
CREATE POLICY service_role_full_access ON app.teacher_approvals AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');

-- app.teacher_directory
CREATE POLICY teacher_directory_service ON app.teacher_directory AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');
CREATE POLICY service_role_full_access ON app.teacher_directory AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');

-- app.teacher_payout_methods
CREATE POLICY payout_teacher ON app.teacher_payout_methods AS PERMISSIVE FOR ALL TO authenticated
  USING (teacher_id = (SELECT auth.uid()))
  WITH CHECK (teacher_id = (SELECT auth.uid()));
CREATE POLICY payout_service ON app.teacher_payout_methods AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');
CREATE POLICY service_role_full_access ON app.teacher_payout_methods AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');

-- app.teacher_permissions
CREATE POLICY teacher_meta_service ON app.teacher_permissions AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');
CREATE POLICY service_role_full_access ON app.teacher_permissions AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');

-- app.teacher_profile_media
CREATE POLICY tpm_public_read ON app.teacher_profile_media AS PERMISSIVE FOR SELECT TO public
  USING (is_published OR teacher_id = (SELECT auth.uid()));
CREATE POLICY tpm_teacher ON app.teacher_profile_media AS PERMISSIVE FOR ALL TO authenticated
  USING (teacher_id = (SELECT auth.uid()))
  WITH CHECK (teacher_id = (SELECT auth.uid()));
CREATE POLICY service_role_full_access ON app.teacher_profile_media AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');

-- app.teachers
-- grants in 0009 leave authenticated SELECT only on app.teachers (Stripe Connect state is
-- written by service_role)
CREATE POLICY teachers_owner ON app.teachers AS PERMISSIVE FOR ALL TO authenticated
  USING (profile_id = (SELECT auth.uid()))
  WITH CHECK (profile_id = (SELECT auth.uid()));
CREATE POLICY teachers_service ON app.teachers AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');
CREATE POLICY service_role_full_access ON app.teachers AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');

-- ---------------------------------------------------------------------------------------
-- production's remote-only app tables and schema public's tables (db pull: names, commands
-- and roles; expressions written here with the helpers above). Grants in 0009 narrow what
-- authenticated may write where a FOR ALL policy would otherwise let a user change others'
-- rows or their own payout/entitlement state.
-- ---------------------------------------------------------------------------------------

-- app.classroom_messages (0009: authenticated SELECT, INSERT only)
CREATE POLICY classroom_messages_access ON app.classroom_messages AS PERMISSIVE FOR ALL TO authenticated
  USING (app.has_course_classroom_access(course_id, (SELECT auth.uid())))
  WITH CHECK (user_id = (SELECT auth.uid()) AND app.has_course_classroom_access(course_id, (SELECT auth.uid())));
CREATE POLICY classroom_messages_service ON app.classroom_messages AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');

-- app.classroom_presence (0009: authenticated SELECT, INSERT, UPDATE (last_seen) only)
CREATE POLICY classroom_presence_access ON app.classroom_presence AS PERMISSIVE FOR ALL TO authenticated
  USING (app.has_course_classroom_access(course_id, (SELECT auth.uid())))
  WITH CHECK (user_id = (SELECT auth.uid()) AND app.has_course_classroom_access(course_id, (SELECT auth.uid())));
CREATE POLICY classroom_presence_service ON app.classroom_presence AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');

-- app.lesson_packages
CREATE POLICY lesson_packages_owner ON app.lesson_packages AS PERMISSIVE FOR ALL TO authenticated
  USING (app.can_edit_course(app.lesson_course_id(lesson_id), (SELECT auth.uid())))
  WITH CHECK (app.can_edit_course(app.lesson_course_id(lesson_id), (SELECT auth.uid())));
CREATE POLICY lesson_packages_service_role ON app.lesson_packages AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');

-- app.music_tracks
CREATE POLICY music_tracks_entitled_read ON app.music_tracks AS PERMISSIVE FOR SELECT TO authenticated
  USING (is_published AND (
         (access_scope = 'membership' AND app.has_active_membership((SELECT auth.uid())))
      OR (access_scope = 'course' AND app.can_access_course(course_id, (SELECT auth.uid())))));
CREATE POLICY music_tracks_owner ON app.music_tracks AS PERMISSIVE FOR ALL TO authenticated
  USING (teacher_id = (SELECT auth.uid()))
  WITH CHECK (teacher_id = (SELECT auth.uid()) AND app.is_teacher((SELECT auth.uid()))
              AND (course_id IS NULL OR app.can_edit_course(course_id, (SELECT auth.uid()))));
CREATE POLICY music_tracks_service ON app.music_tracks AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');

-- app.teacher_accounts (0009: authenticated SELECT only — the Stripe account is written by
-- service_role, as app.teachers' payout state)
CREATE POLICY teacher_accounts_self ON app.teacher_accounts AS PERMISSIVE FOR ALL TO authenticated
  USING (user_id = (SELECT auth.uid()))
  WITH CHECK (user_id = (SELECT auth.uid()));
CREATE POLICY teacher_accounts_service_role ON app.teacher_accounts AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');

-- app.welcome_cards
CREATE POLICY welcome_cards_active_read ON app.welcome_cards AS PERMISSIVE FOR SELECT TO authenticated
  USING (is_active);
CREATE POLICY welcome_cards_manage ON app.welcome_cards AS PERMISSIVE FOR ALL TO authenticated
  USING (app.is_admin((SELECT auth.uid()))) WITH CHECK (app.is_admin((SELECT auth.uid())));
CREATE POLICY welcome_cards_owner_read ON app.welcome_cards AS PERMISSIVE FOR SELECT TO authenticated
  USING (created_by = (SELECT auth.uid()));
CREATE POLICY welcome_cards_service_role ON app.welcome_cards AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');

-- public.subscription_plans (active plans are public, as production's public_read)
CREATE POLICY subscription_plans_public_read ON public.subscription_plans AS PERMISSIVE FOR SELECT TO public
  USING (is_active);
CREATE POLICY subscription_plans_service_role ON public.subscription_plans AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');

-- public.coupons (backend only)
CREATE POLICY coupons_service_role ON public.coupons AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');

-- public.subscriptions
CREATE POLICY public_subscriptions_self_read ON public.subscriptions AS PERMISSIVE FOR SELECT TO authenticated
  USING (user_id = (SELECT auth.uid()));
CREATE POLICY public_subscriptions_service_role ON public.subscriptions AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');

-- public.user_certifications
CREATE POLICY user_certifications_self_read ON public.user_certifications AS PERMISSIVE FOR SELECT TO authenticated
  USING (user_id = (SELECT auth.uid()));
CREATE POLICY user_certifications_service_role ON public.user_certifications AS PERMISSIVE FOR ALL TO public
  USING ((SELECT auth.role()) = 'service_role') WITH CHECK ((SELECT auth.role()) = 'service_role');
