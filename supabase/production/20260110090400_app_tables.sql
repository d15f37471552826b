-- PRODUCTION DRIFT (remote-only tables without a drift marker, confirmed by the db pull):
-- lesson packages (a lesson sold on its own), music tracks, teachers' Stripe Connect
-- accounts, and app.subscriptions with the columns the backend reads and writes.

create table app.lesson_packages (
  id uuid primary key default gen_random_uuid(),
  lesson_id uuid not null unique references app.lessons(id) on delete cascade,
  stripe_product_id text not null,
  stripe_price_id text not null,
  price_amount integer not null,
  price_currency text not null default 'sek',
  is_active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index idx_lesson_packages_lesson on app.lesson_packages (lesson_id);
create trigger trg_lesson_packages_updated
  before update on app.lesson_packages
  for each row execute function app.set_updated_at();

create table app.music_tracks (
  id uuid primary key default gen_random_uuid(),
  teacher_id uuid not null references app.profiles(user_id) on delete cascade,
  title text not null,
  description text,
  duration_seconds integer,
  storage_path text not null,
  cover_image_path text,
  access_scope text not null check (access_scope in ('membership', 'course')),
  course_id uuid references app.courses(id) on delete cascade,
  is_published boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint music_tracks_scope_course check (
    (access_scope = 'course' and course_id is not null)
    or (access_scope = 'membership' and course_id is null))
);
create index idx_music_tracks_course on app.music_tracks (course_id);
create index idx_music_tracks_created on app.music_tracks (created_at desc);
create index idx_music_tracks_teacher on app.music_tracks (teacher_id);
create trigger trg_music_tracks_updated_at
  before update on app.music_tracks
  for each row execute function app.set_updated_at();

create table app.teacher_accounts (
  user_id uuid primary key references app.profiles(user_id) on delete cascade,
  stripe_account_id text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create trigger trg_teacher_accounts_updated
  before update on app.teacher_accounts
  for each row execute function app.set_updated_at();

create table app.subscriptions (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users(id) on delete cascade,
  subscription_id text not null unique,
  customer_id text,
  price_id text,
  status text not null default 'active',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index idx_subscriptions_user on app.subscriptions (user_id);
create trigger trg_subscriptions_touch
  before update on app.subscriptions
  for each row execute function app.set_updated_at();

alter table app.lesson_packages enable row level security;
alter table app.music_tracks enable row level security;
alter table app.teacher_accounts enable row level security;
alter table app.subscriptions enable row level security;
grant select on app.lesson_packages, app.music_tracks, app.teacher_accounts, app.subscriptions
  to anon;
grant select, insert, update, delete
  on app.lesson_packages, app.music_tracks, app.teacher_accounts, app.subscriptions
  to authenticated, service_role;

create policy lesson_packages_owner on app.lesson_packages
  for all
  to authenticated
  using (exists (select 1 from app.lessons l join app.modules m on m.id = l.module_id
                 join app.courses c on c.id = m.course_id
                 where l.id = lesson_packages.lesson_id and c.created_by = auth.uid()))
  with check (exists (select 1 from app.lessons l join app.modules m on m.id = l.module_id
                      join app.courses c on c.id = m.course_id
                      where l.id = lesson_packages.lesson_id and c.created_by = auth.uid()));
create policy lesson_packages_service_role on app.lesson_packages
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');

create policy music_tracks_entitled_read on app.music_tracks
  for select
  to authenticated
  using (is_published and (
    (access_scope = 'membership' and exists (
       select 1 from app.memberships ms
       where ms.user_id = auth.uid() and ms.status = 'active'
         and (ms.end_date is null or ms.end_date > now())))
    or (access_scope = 'course' and app.has_course_classroom_access(course_id, auth.uid()))));
create policy music_tracks_owner on app.music_tracks
  for all
  to authenticated
  using (teacher_id = auth.uid())
  with check (teacher_id = auth.uid());
create policy music_tracks_service on app.music_tracks
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');

create policy teacher_accounts_self on app.teacher_accounts
  for all
  to authenticated
  using (user_id = auth.uid())
  with check (user_id = auth.uid());
create policy teacher_accounts_service_role on app.teacher_accounts
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');

create policy subscriptions_self_read on app.subscriptions
  for select
  to authenticated
  using (user_id = auth.uid());
create policy subscriptions_service_role on app.subscriptions
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');
