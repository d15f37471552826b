-- Legacy chain, step 8: table privileges for the API roles and row level security.
-- authenticated and service_role may write every table and anon may read it, as
-- Supabase's defaults do; RLS (and the policies of the next file) decide the rows.
-- The seminar sessions and recordings and the LiveKit webhook queue were never put under
-- RLS: only the backend (service_role) may touch them.

grant select on all tables in schema app to anon;
grant select, insert, update, delete on all tables in schema app to authenticated, service_role;
grant usage, select on all sequences in schema app to authenticated, service_role;

revoke all on app.livekit_webhook_jobs, app.seminar_sessions, app.seminar_recordings
  from anon, authenticated;

alter table app.activities enable row level security;
alter table app.app_config enable row level security;
alter table app.auth_events enable row level security;
alter table app.billing_logs enable row level security;
alter table app.certificates enable row level security;
alter table app.course_bundle_courses enable row level security;
alter table app.course_bundles enable row level security;
alter table app.course_display_priorities enable row level security;
alter table app.course_entitlements enable row level security;
alter table app.course_products enable row level security;
alter table app.course_quizzes enable row level security;
alter table app.courses enable row level security;
alter table app.enrollments enable row level security;
alter table app.entitlements enable row level security;
alter table app.follows enable row level security;
alter table app.guest_claim_tokens enable row level security;
alter table app.lesson_media enable row level security;
alter table app.lessons enable row level security;
alter table app.media_objects enable row level security;
alter table app.meditations enable row level security;
alter table app.memberships enable row level security;
alter table app.messages enable row level security;
alter table app.modules enable row level security;
alter table app.notifications enable row level security;
alter table app.orders enable row level security;
alter table app.payment_events enable row level security;
alter table app.payments enable row level security;
alter table app.posts enable row level security;
alter table app.profiles enable row level security;
alter table app.purchases enable row level security;
alter table app.quiz_questions enable row level security;
alter table app.refresh_tokens enable row level security;
alter table app.reviews enable row level security;
alter table app.seminar_attendees enable row level security;
alter table app.seminars enable row level security;
alter table app.services enable row level security;
alter table app.session_slots enable row level security;
alter table app.sessions enable row level security;
alter table app.stripe_customers enable row level security;
alter table app.tarot_requests enable row level security;
alter table app.teacher_approvals enable row level security;
alter table app.teacher_directory enable row level security;
alter table app.teacher_payout_methods enable row level security;
alter table app.teacher_permissions enable row level security;
alter table app.teacher_profile_media enable row level security;
alter table app.teachers enable row level security;
