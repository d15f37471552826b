-- Legacy chain, step 3: teachers (approvals, directory, permissions, payout methods), the
-- services and session marketplace, orders and payments, purchases with guest claim
-- tokens, reviews, Stripe customers and billing logs, memberships and tarot requests.

create table app.teachers (
  id uuid primary key default gen_random_uuid(),
  profile_id uuid not null unique references app.profiles(user_id) on delete cascade,
  stripe_connect_account_id text unique,
  payout_split_pct integer not null default 100 check (payout_split_pct between 0 and 100),
  onboarded_at timestamptz,
  charges_enabled boolean not null default false,
  payouts_enabled boolean not null default false,
  requirements_due jsonb not null default '{}'::jsonb,
  status text not null default 'pending',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index idx_teachers_connect_account on app.teachers (stripe_connect_account_id);

create table app.teacher_approvals (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null unique references app.profiles(user_id) on delete cascade,
  reviewer_id uuid references app.profiles(user_id),
  status text not null default 'pending',
  notes text,
  approved_by uuid references app.profiles(user_id),
  approved_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index idx_teacher_approvals_user on app.teacher_approvals (user_id);

create table app.teacher_directory (
  user_id uuid primary key references app.profiles(user_id) on delete cascade,
  headline text,
  specialties text[],
  rating numeric(3,2),
  created_at timestamptz not null default now()
);

create table app.teacher_permissions (
  profile_id uuid primary key references app.profiles(user_id) on delete cascade,
  can_edit_courses boolean not null default false,
  can_publish boolean not null default false,
  granted_by uuid references app.profiles(user_id),
  granted_at timestamptz not null default now()
);

create table app.teacher_payout_methods (
  id uuid primary key default gen_random_uuid(),
  teacher_id uuid not null references app.profiles(user_id) on delete cascade,
  provider text not null,
  reference text not null,
  details jsonb not null default '{}'::jsonb,
  is_default boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (teacher_id, provider, reference)
);
create index idx_payout_methods_teacher on app.teacher_payout_methods (teacher_id);

create table app.services (
  id uuid primary key default gen_random_uuid(),
  provider_id uuid not null references app.profiles(user_id) on delete cascade,
  title text not null,
  description text,
  status app.service_status not null default 'draft',
  price_cents integer not null default 0,
  currency text not null default 'sek',
  duration_min integer,
  requires_certification boolean not null default false,
  certified_area text,
  thumbnail_url text,
  active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index idx_services_provider on app.services (provider_id);
create index idx_services_status on app.services (status);

create table app.sessions (
  id uuid primary key default gen_random_uuid(),
  teacher_id uuid not null references app.profiles(user_id) on delete cascade,
  title text not null,
  description text,
  start_at timestamptz,
  end_at timestamptz,
  capacity integer check (capacity is null or capacity >= 0),
  price_cents integer not null default 0,
  currency text not null default 'sek',
  visibility app.session_visibility not null default 'draft',
  recording_url text,
  stripe_price_id text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index idx_sessions_teacher on app.sessions (teacher_id);
create index idx_sessions_visibility on app.sessions (visibility);
create index idx_sessions_start_at on app.sessions (start_at);

create table app.session_slots (
  id uuid primary key default gen_random_uuid(),
  session_id uuid not null references app.sessions(id) on delete cascade,
  start_at timestamptz not null,
  end_at timestamptz not null,
  seats_total integer not null default 1 check (seats_total >= 0),
  seats_taken integer not null default 0 check (seats_taken >= 0),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (session_id, start_at)
);
create index idx_session_slots_session on app.session_slots (session_id);
create index idx_session_slots_time on app.session_slots (start_at, end_at);

create table app.orders (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references app.profiles(user_id) on delete cascade,
  course_id uuid references app.courses(id) on delete set null,
  service_id uuid references app.services(id) on delete set null,
  amount_cents integer not null,
  currency text not null default 'sek',
  status app.order_status not null default 'pending',
  stripe_checkout_id text,
  stripe_payment_intent text,
  metadata jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index idx_orders_user on app.orders (user_id);
create index idx_orders_status on app.orders (status);
create index idx_orders_service on app.orders (service_id);
create index idx_orders_course on app.orders (course_id);

create table app.payments (
  id uuid primary key default gen_random_uuid(),
  order_id uuid not null references app.orders(id) on delete cascade,
  provider text not null,
  provider_reference text,
  status app.payment_status not null default 'pending',
  amount_cents integer not null,
  currency text not null default 'sek',
  metadata jsonb not null default '{}'::jsonb,
  raw_payload jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index idx_payments_order on app.payments (order_id);
create index idx_payments_status on app.payments (status);

create table app.payment_events (
  id uuid primary key default gen_random_uuid(),
  event_id text not null unique,
  payload jsonb not null,
  processed_at timestamptz default now()
);

create table app.purchases (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references app.profiles(user_id) on delete cascade,
  order_id uuid references app.orders(id) on delete set null,
  stripe_payment_intent text,
  created_at timestamptz not null default now()
);
create index idx_purchases_user on app.purchases (user_id);
create index idx_purchases_order on app.purchases (order_id);

create table app.guest_claim_tokens (
  id uuid primary key default gen_random_uuid(),
  token text not null,
  purchase_id uuid references app.purchases(id) on delete cascade,
  course_id uuid references app.courses(id) on delete set null,
  used boolean not null default false,
  expires_at timestamptz not null,
  created_at timestamptz not null default now()
);
create unique index guest_claim_tokens_token_key on app.guest_claim_tokens (token);
create index idx_guest_claim_tokens_expires on app.guest_claim_tokens (expires_at);
create index idx_guest_claim_tokens_used on app.guest_claim_tokens (used);

create table app.reviews (
  id uuid primary key default gen_random_uuid(),
  course_id uuid references app.courses(id) on delete cascade,
  service_id uuid references app.services(id) on delete cascade,
  order_id uuid references app.orders(id) on delete set null,
  reviewer_id uuid not null references app.profiles(user_id) on delete cascade,
  rating integer not null check (rating between 1 and 5),
  comment text,
  visibility app.review_visibility not null default 'public',
  created_at timestamptz not null default now()
);
create index idx_reviews_course on app.reviews (course_id);
create index idx_reviews_service on app.reviews (service_id);
create index idx_reviews_reviewer on app.reviews (reviewer_id);
create index idx_reviews_order on app.reviews (order_id);

create table app.stripe_customers (
  user_id uuid primary key references app.profiles(user_id) on delete cascade,
  customer_id text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table app.billing_logs (
  id uuid primary key default gen_random_uuid(),
  user_id uuid,
  step text,
  info jsonb,
  created_at timestamptz default now()
);

create table app.memberships (
  membership_id uuid primary key default gen_random_uuid(),
  user_id uuid not null unique references auth.users(id) on delete cascade,
  plan_interval text not null check (plan_interval in ('month', 'year')),
  price_id text not null,
  stripe_customer_id text,
  stripe_subscription_id text,
  start_date timestamptz not null default now(),
  end_date timestamptz,
  status text not null default 'active',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table app.tarot_requests (
  id uuid primary key default gen_random_uuid(),
  requester_id uuid not null references app.profiles(user_id) on delete cascade,
  question text not null,
  status text not null default 'open',
  created_at timestamptz not null default now()
);
