-- PRODUCTION DRIFT (confirmed by the db pull): the legacy unique indexes of
-- course_products.course_id and guest_claim_tokens.token became constraints (same names,
-- same rows allowed), a check on entitlements.source, and the policies production added — among them RLS and policies on the seminar sessions
-- and recordings, which the legacy chain left without RLS.

alter table app.course_products
  add constraint course_products_course_id_key unique using index course_products_course_id_key;
alter table app.entitlements
  add constraint entitlements_source_check check (source in ('purchase', 'subscription', 'admin'));
alter table app.guest_claim_tokens
  add constraint guest_claim_tokens_token_key unique using index guest_claim_tokens_token_key;

create policy course_bundle_courses_admin on app.course_bundle_courses
  for all
  to authenticated
  using (app.is_admin(auth.uid()))
  with check (app.is_admin(auth.uid()));
create policy course_bundle_courses_service_role on app.course_bundle_courses
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');
create policy course_bundles_admin on app.course_bundles
  for all
  to authenticated
  using (app.is_admin(auth.uid()))
  with check (app.is_admin(auth.uid()));
create policy course_bundles_service_role on app.course_bundles
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');

create policy course_entitlements_owner_read on app.course_entitlements
  for select
  to authenticated
  using (user_id = auth.uid());
create policy course_entitlements_owner_update on app.course_entitlements
  for update
  to authenticated
  using (user_id = auth.uid())
  with check (user_id = auth.uid());
create policy course_entitlements_service_role on app.course_entitlements
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');

alter table app.seminar_sessions enable row level security;
alter table app.seminar_recordings enable row level security;
create policy seminar_sessions_host on app.seminar_sessions
  for all
  to authenticated
  using (app.is_seminar_host(seminar_id, auth.uid()))
  with check (app.is_seminar_host(seminar_id, auth.uid()));
create policy seminar_sessions_service on app.seminar_sessions
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');
create policy service_role_full_access on app.seminar_sessions
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');
create policy seminar_recordings_read on app.seminar_recordings
  for select
  to authenticated
  using (published and app.can_access_seminar(seminar_id, auth.uid()));
create policy seminar_recordings_service on app.seminar_recordings
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');
create policy service_role_full_access on app.seminar_recordings
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');
