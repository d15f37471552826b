-- PRODUCTION DRIFT (drift item `029_welcome_cards`, confirmed by the db pull): cards shown
-- on sign-in, optionally on one day of the year.

create table app.welcome_cards (
  id uuid primary key default gen_random_uuid(),
  title text,
  body text,
  image_path text not null,
  day integer check (day between 1 and 31),
  month integer check (month between 1 and 12),
  is_active boolean not null default true,
  created_by uuid not null references app.profiles(user_id) on delete cascade,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint welcome_cards_day_month_pair
    check ((day is null and month is null) or (day is not null and month is not null))
);
create index idx_welcome_cards_active on app.welcome_cards (is_active);
create index idx_welcome_cards_date on app.welcome_cards (month, day);

create trigger trg_welcome_cards_updated_at
  before update on app.welcome_cards
  for each row execute function app.set_updated_at();

alter table app.welcome_cards enable row level security;
grant select on app.welcome_cards to anon;
grant select, insert, update, delete on app.welcome_cards to authenticated, service_role;

create policy welcome_cards_active_read on app.welcome_cards
  for select
  to authenticated
  using (is_active);
create policy welcome_cards_manage on app.welcome_cards
  for all
  to authenticated
  using (app.is_admin(auth.uid()))
  with check (app.is_admin(auth.uid()));
create policy welcome_cards_owner_read on app.welcome_cards
  for select
  to authenticated
  using (created_by = auth.uid());
create policy welcome_cards_service_role on app.welcome_cards
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');
