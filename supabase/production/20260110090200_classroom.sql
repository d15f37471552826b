-- PRODUCTION DRIFT (drift item `027_classroom`, confirmed by the db pull): a course's
-- classroom chat and who is present in it.

create function app.has_course_classroom_access(p_course_id uuid, p_user_id uuid)
returns boolean
language sql
stable
as $$
  select exists (select 1 from app.courses c where c.id = p_course_id and c.created_by = p_user_id)
      or exists (select 1 from app.enrollments e
                 where e.course_id = p_course_id and e.user_id = p_user_id and e.status = 'active')
      or exists (select 1 from app.entitlements en
                 where en.course_id = p_course_id and en.user_id = p_user_id)
      or app.is_admin(p_user_id);
$$;

create table app.classroom_messages (
  id uuid primary key default gen_random_uuid(),
  course_id uuid not null references app.courses(id) on delete cascade,
  user_id uuid not null references app.profiles(user_id) on delete cascade,
  message text not null,
  created_at timestamptz not null default now()
);
create index idx_classroom_messages_course on app.classroom_messages (course_id);
create index idx_classroom_messages_created on app.classroom_messages (created_at);

create table app.classroom_presence (
  id uuid primary key default gen_random_uuid(),
  course_id uuid not null references app.courses(id) on delete cascade,
  user_id uuid not null references app.profiles(user_id) on delete cascade,
  last_seen timestamptz not null default now(),
  unique (course_id, user_id)
);
create index idx_classroom_presence_course on app.classroom_presence (course_id);
create index idx_classroom_presence_last_seen on app.classroom_presence (last_seen);

alter table app.classroom_messages enable row level security;
alter table app.classroom_presence enable row level security;
grant select on app.classroom_messages, app.classroom_presence to anon;
grant select, insert, update, delete on app.classroom_messages, app.classroom_presence
  to authenticated, service_role;

create policy classroom_messages_access on app.classroom_messages
  for all
  to authenticated
  using (app.has_course_classroom_access(course_id, auth.uid()))
  with check (user_id = auth.uid() and app.has_course_classroom_access(course_id, auth.uid()));
create policy classroom_messages_service on app.classroom_messages
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');

create policy classroom_presence_access on app.classroom_presence
  for all
  to authenticated
  using (app.has_course_classroom_access(course_id, auth.uid()))
  with check (user_id = auth.uid() and app.has_course_classroom_access(course_id, auth.uid()));
create policy classroom_presence_service on app.classroom_presence
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');
