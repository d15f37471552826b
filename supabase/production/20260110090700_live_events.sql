-- PRODUCTION DRIFT (drift item `live_events`, as the db pull recorded it; the legacy
-- chain's 20240311150000 file had guessed it): events are scheduled by scheduled_at (NOT
-- NULL) while starts_at became optional, the room name is required, the metadata column and
-- the access_type default are gone, hosts and registrants reference app.profiles, and the
-- registrations' uniqueness is an index of its own.

alter table app.live_events
  drop column room_name,
  drop column metadata;
alter table app.live_events
  alter column access_type drop default,
  alter column starts_at drop not null,
  add column room_name text not null,
  add column scheduled_at timestamptz not null;
alter table app.live_events
  drop constraint live_events_course_id_fkey,
  drop constraint live_events_teacher_id_fkey;
alter table app.live_events
  add constraint live_events_course_id_fkey foreign key (course_id) references app.courses(id),
  add constraint live_events_teacher_id_fkey
    foreign key (teacher_id) references app.profiles(user_id) on delete cascade;
create index idx_live_events_teacher on app.live_events (teacher_id);
create index idx_live_events_course on app.live_events (course_id);
create index idx_live_events_starts_at on app.live_events (starts_at);
create index idx_live_events_access_type on app.live_events (access_type);
create index idx_live_events_scheduled_at on app.live_events (scheduled_at);
create trigger trg_live_events_touch
  before update on app.live_events
  for each row execute function app.set_updated_at();

alter table app.live_event_registrations
  drop constraint live_event_registrations_event_id_user_id_key,
  drop constraint live_event_registrations_user_id_fkey;
alter table app.live_event_registrations
  add constraint live_event_registrations_user_id_fkey
    foreign key (user_id) references app.profiles(user_id) on delete cascade;
create index idx_live_event_registrations_event on app.live_event_registrations (event_id);
create index idx_live_event_registrations_user on app.live_event_registrations (user_id);
create unique index idx_live_event_registrations_unique
  on app.live_event_registrations (event_id, user_id);

create policy service_role_full_access on app.live_events
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');
create policy service_role_full_access on app.live_event_registrations
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');
