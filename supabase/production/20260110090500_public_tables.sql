-- PRODUCTION DRIFT (confirmed by the db pull): tables the backend reads and writes in
-- schema public — plans, coupons, plan subscriptions, users' certification areas — and
-- the rest_* seminar functions (PostgREST RPCs). Their triggers use app.set_updated_at.

create table public.subscription_plans (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  price_cents integer not null,
  "interval" text not null check ("interval" in ('month', 'year')),
  is_active boolean not null default true,
  stripe_product_id text,
  stripe_price_id text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index idx_subscription_plans_active on public.subscription_plans (is_active);
create trigger trg_subscription_plans_touch
  before update on public.subscription_plans
  for each row execute function app.set_updated_at();

create table public.coupons (
  code text primary key,
  plan_id uuid references public.subscription_plans(id) on delete set null,
  grants jsonb not null default '{}'::jsonb,
  max_redemptions integer,
  redeemed_count integer not null default 0,
  expires_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index idx_coupons_plan on public.coupons (plan_id);
create index idx_coupons_expires on public.coupons (expires_at);
create trigger trg_coupons_touch
  before update on public.coupons
  for each row execute function app.set_updated_at();

create table public.subscriptions (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users(id) on delete cascade,
  plan_id uuid not null references public.subscription_plans(id) on delete restrict,
  status text not null default 'active',
  current_period_end timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index idx_public_subscriptions_user on public.subscriptions (user_id);
create index idx_public_subscriptions_plan on public.subscriptions (plan_id);
create trigger trg_public_subscriptions_touch
  before update on public.subscriptions
  for each row execute function app.set_updated_at();

create table public.user_certifications (
  user_id uuid not null references auth.users(id) on delete cascade,
  area text not null,
  created_at timestamptz not null default now(),
  primary key (user_id, area)
);
create index idx_user_certifications_area on public.user_certifications (area);

alter table public.subscription_plans enable row level security;
alter table public.coupons enable row level security;
alter table public.subscriptions enable row level security;
alter table public.user_certifications enable row level security;

create policy subscription_plans_public_read on public.subscription_plans
  for select
  using (is_active);
create policy subscription_plans_service_role on public.subscription_plans
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');
create policy coupons_service_role on public.coupons
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');
create policy public_subscriptions_self_read on public.subscriptions
  for select
  to authenticated
  using (user_id = auth.uid());
create policy public_subscriptions_service_role on public.subscriptions
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');
create policy user_certifications_self_read on public.user_certifications
  for select
  to authenticated
  using (user_id = auth.uid());
create policy user_certifications_service_role on public.user_certifications
  for all
  using (auth.role() = 'service_role')
  with check (auth.role() = 'service_role');

create function public.rest_insert_seminar(p_host_id uuid, p_title text, p_status app.seminar_status)
returns app.seminars
language sql
as $$
  insert into app.seminars (host_id, title, status)
  values (p_host_id, p_title, p_status)
  returning *;
$$;

create function public.rest_select_seminar(p_seminar_id uuid)
returns setof app.seminars
language sql
stable
as $$
  select * from app.seminars where id = p_seminar_id;
$$;

create function public.rest_select_seminar_attendees(p_seminar_id uuid)
returns setof app.seminar_attendees
language sql
stable
as $$
  select * from app.seminar_attendees where seminar_id = p_seminar_id;
$$;

create function public.rest_update_seminar_description(p_seminar_id uuid, p_description text)
returns jsonb
language sql
as $$
  update app.seminars set description = p_description where id = p_seminar_id
  returning jsonb_build_object('id', id, 'description', description);
$$;
