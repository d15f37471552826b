-- Legacy chain, step 6: columns added later — Stripe ids on courses, orders and profiles,
-- order types and session bookings on orders, profile avatars (media_objects exists only
-- now that profiles does), LiveKit participant state on seminar attendees, and the
-- webhook jobs' next_run_at (NOT NULL: the legacy queue never parks a job).

alter table app.courses
  add column stripe_product_id text,
  add column stripe_price_id text,
  add column price_amount_cents integer not null default 0;

alter table app.orders
  add column order_type app.order_type not null default 'one_off',
  add column session_id uuid references app.sessions(id) on delete set null,
  add column session_slot_id uuid references app.session_slots(id) on delete set null,
  add column stripe_subscription_id text,
  add column connected_account_id text,
  add column stripe_customer_id text;
create index idx_orders_session on app.orders (session_id);
create index idx_orders_session_slot on app.orders (session_slot_id);
create index idx_orders_connected_account on app.orders (connected_account_id);

alter table app.profiles
  add column avatar_media_id uuid references app.media_objects(id),
  add column stripe_customer_id text;
create index profiles_stripe_customer_idx on app.profiles (lower(stripe_customer_id));

alter table app.seminar_attendees
  add column invite_status text not null default 'pending',
  add column left_at timestamptz,
  add column livekit_identity text,
  add column livekit_participant_sid text,
  add column livekit_room text;

alter table app.livekit_webhook_jobs
  add column next_run_at timestamptz not null default now();
