-- PRODUCTION DRIFT, not part of the original legacy chain: production has the tables
-- app.live_events and app.live_event_registrations, created there by hand (remote-only:
-- no migration of the legacy chain ever created them). This file reproduces that drift
-- exactly as production has it (columns, keys, RLS and policy names from legacy.json) so
-- that the rehearsal fixture matches production; a fresh replay of the original chain
-- would not have them.

create table app.live_events (
  id uuid primary key default gen_random_uuid(),
  teacher_id uuid not null references auth.users(id) on delete cascade,
  course_id uuid references app.courses(id) on delete set null,
  title text not null,
  description text,
  access_type text not null default 'membership' check (access_type in ('membership', 'course')),
  starts_at timestamptz not null,
  ends_at timestamptz,
  room_name text,
  is_published boolean not null default false,
  metadata jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table app.live_event_registrations (
  id uuid primary key default gen_random_uuid(),
  event_id uuid not null references app.live_events(id) on delete cascade,
  user_id uuid not null references auth.users(id) on delete cascade,
  created_at timestamptz not null default now(),
  unique (event_id, user_id)
);

alter table app.live_events enable row level security;
alter table app.live_event_registrations enable row level security;

grant select on app.live_events, app.live_event_registrations to anon;
grant select, insert, update, delete on app.live_events, app.live_event_registrations
  to authenticated, service_role;

-- app.live_event_registrations
create policy live_event_registrations_read on app.live_event_registrations
  for select
  to authenticated
  using (user_id = auth.uid()
    or exists (select 1 from app.live_events e
               where e.id = live_event_registrations.event_id and e.teacher_id = auth.uid()));
create policy live_event_registrations_service on app.live_event_registrations
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');
create policy live_event_registrations_write on app.live_event_registrations
  for all
  to authenticated
  using (user_id = auth.uid())
  with check (user_id = auth.uid());

-- app.live_events
create policy live_events_access on app.live_events
  for select
  to authenticated
  using (teacher_id = auth.uid()
    or (is_published and (
      (access_type = 'membership' and exists (
         select 1 from app.memberships ms
         where ms.user_id = auth.uid() and ms.status = 'active'
           and (ms.end_date is null or ms.end_date > now())))
      or (access_type = 'course' and exists (
         select 1 from app.enrollments e
         where e.user_id = auth.uid() and e.course_id = live_events.course_id)))));
create policy live_events_host_rw on app.live_events
  for all
  to authenticated
  using (teacher_id = auth.uid())
  with check (teacher_id = auth.uid());
create policy live_events_service on app.live_events
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');
