-- 0003_tables_extended.sql — the extended tables of schema app.
--
-- Rebuild plan Option B, step 1, and "Object-Specific Coverage": livekit_webhook_jobs in
-- the backend's shape, seminar sessions/recordings, course bundles, purchases /
-- entitlements / course_entitlements / guest_claim_tokens / course_products, memberships,
-- app.subscriptions (new: the backend needs it, the legacy chain lacks it), and the
-- remote-only live_events / live_event_registrations (defined here, before any RLS).
--
-- Changed from legacy: app.livekit_webhook_jobs (see its comment). New: app.subscriptions.
-- Everything else is carried over unchanged with the legacy names, plus what production
-- holds beyond the legacy chain (supabase/schema/production.json, the db pull): live_events
-- accepting production's rows, production's keys and checks, and at the end production's
-- remote-only app tables and its four tables in schema public (the backend queries them
-- there).

-- app.livekit_webhook_jobs — CHANGED (shared/schema/backend_contracts.md):
--   job_id            -> id               (uuid, default gen_random_uuid(), primary key)
--   attempts          -> attempt          (int not null default 0)
--   error             -> last_error
--   last_attempted_at -> last_attempt_at
--   next_run_at       NOT NULL -> nullable (default now()): a final failure sets it to NULL
--   status            unconstrained text -> CHECK (pending, processing, failed), the only
--                     statuses the backend writes; finished jobs are deleted, not marked.
--                     Legacy rows with any other status must be mapped or filtered by the
--                     table mapping (the legacy column had no check constraint).
--   scheduled_at      kept unchanged (legacy column; the backend schedules by next_run_at).
--   new index idx_livekit_webhook_jobs_claim serves the workers' claim query.
CREATE TABLE app.livekit_webhook_jobs (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  event text NOT NULL,
  payload jsonb NOT NULL,
  status text NOT NULL DEFAULT 'pending'::text,
  attempt integer NOT NULL DEFAULT 0,
  last_error text,
  scheduled_at timestamp with time zone NOT NULL DEFAULT now(),
  locked_at timestamp with time zone,
  last_attempt_at timestamp with time zone,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  updated_at timestamp with time zone NOT NULL DEFAULT now(),
  next_run_at timestamp with time zone DEFAULT now(),
  CONSTRAINT livekit_webhook_jobs_pkey PRIMARY KEY (id),
  CONSTRAINT livekit_webhook_jobs_status_check
    CHECK (status = ANY (ARRAY['pending'::text, 'processing'::text, 'failed'::text]))
);
CREATE INDEX idx_livekit_webhook_jobs_status ON app.livekit_webhook_jobs USING btree (status, scheduled_at);
CREATE INDEX idx_livekit_webhook_jobs_claim ON app.livekit_webhook_jobs USING btree (next_run_at)
  WHERE status = 'pending'::text AND locked_at IS NULL;

-- app.seminar_sessions
CREATE TABLE app.seminar_sessions (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  seminar_id uuid NOT NULL,
  status app.seminar_session_status NOT NULL DEFAULT 'scheduled'::app.seminar_session_status,
  scheduled_at timestamp with time zone,
  started_at timestamp with time zone,
  ended_at timestamp with time zone,
  livekit_room text,
  livekit_sid text,
  metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  updated_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT seminar_sessions_pkey PRIMARY KEY (id),
  CONSTRAINT seminar_sessions_seminar_id_fkey FOREIGN KEY (seminar_id) REFERENCES app.seminars(id) ON DELETE CASCADE
);
CREATE INDEX idx_seminar_sessions_seminar ON app.seminar_sessions USING btree (seminar_id);

-- app.seminar_recordings
CREATE TABLE app.seminar_recordings (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  seminar_id uuid NOT NULL,
  session_id uuid,
  asset_url text,
  status text NOT NULL DEFAULT 'processing'::text,
  duration_seconds integer,
  byte_size bigint,
  published boolean NOT NULL DEFAULT false,
  metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  updated_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT seminar_recordings_pkey PRIMARY KEY (id),
  CONSTRAINT seminar_recordings_seminar_id_fkey FOREIGN KEY (seminar_id) REFERENCES app.seminars(id) ON DELETE CASCADE,
  CONSTRAINT seminar_recordings_session_id_fkey FOREIGN KEY (session_id) REFERENCES app.seminar_sessions(id) ON DELETE SET NULL
);
CREATE INDEX idx_seminar_recordings_seminar ON app.seminar_recordings USING btree (seminar_id);

-- app.course_bundles
CREATE TABLE app.course_bundles (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  teacher_id uuid NOT NULL,
  title text NOT NULL,
  description text,
  stripe_product_id text,
  stripe_price_id text,
  price_amount_cents integer NOT NULL DEFAULT 0,
  currency text NOT NULL DEFAULT 'sek'::text,
  is_active boolean NOT NULL DEFAULT true,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  updated_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT course_bundles_pkey PRIMARY KEY (id),
  CONSTRAINT course_bundles_teacher_id_fkey FOREIGN KEY (teacher_id) REFERENCES app.profiles(user_id) ON DELETE CASCADE
);
CREATE INDEX idx_course_bundles_teacher ON app.course_bundles USING btree (teacher_id);
CREATE INDEX idx_course_bundles_active ON app.course_bundles USING btree (is_active);

-- app.course_bundle_courses
CREATE TABLE app.course_bundle_courses (
  bundle_id uuid NOT NULL,
  course_id uuid NOT NULL,
  "position" integer NOT NULL DEFAULT 0,
  CONSTRAINT course_bundle_courses_pkey PRIMARY KEY (bundle_id, course_id),
  CONSTRAINT course_bundle_courses_bundle_id_fkey FOREIGN KEY (bundle_id) REFERENCES app.course_bundles(id) ON DELETE CASCADE,
  CONSTRAINT course_bundle_courses_course_id_fkey FOREIGN KEY (course_id) REFERENCES app.courses(id) ON DELETE CASCADE
);
CREATE INDEX idx_course_bundle_courses_bundle ON app.course_bundle_courses USING btree (bundle_id);

-- app.purchases
CREATE TABLE app.purchases (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL,
  order_id uuid,
  stripe_payment_intent text,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT purchases_pkey PRIMARY KEY (id),
  CONSTRAINT purchases_order_id_fkey FOREIGN KEY (order_id) REFERENCES app.orders(id) ON DELETE SET NULL,
  CONSTRAINT purchases_user_id_fkey FOREIGN KEY (user_id) REFERENCES app.profiles(user_id) ON DELETE CASCADE
);
CREATE INDEX idx_purchases_user ON app.purchases USING btree (user_id);
CREATE INDEX idx_purchases_order ON app.purchases USING btree (order_id);

-- app.entitlements
CREATE TABLE app.entitlements (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL,
  course_id uuid NOT NULL,
  source text NOT NULL,
  stripe_session_id text,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT entitlements_pkey PRIMARY KEY (id),
  -- production's check (db pull); legacy text was unconstrained: a legacy-shaped source's
  -- other values need a value map in the table's mapping.
  CONSTRAINT entitlements_source_check CHECK ((source = ANY (ARRAY['purchase'::text, 'subscription'::text, 'admin'::text]))),
  CONSTRAINT entitlements_course_id_fkey FOREIGN KEY (course_id) REFERENCES app.courses(id) ON DELETE CASCADE,
  CONSTRAINT entitlements_user_id_fkey FOREIGN KEY (user_id) REFERENCES app.profiles(user_id) ON DELETE CASCADE
);
CREATE INDEX idx_entitlements_user ON app.entitlements USING btree (user_id);
CREATE INDEX idx_entitlements_course ON app.entitlements USING btree (course_id);
CREATE INDEX idx_entitlements_user_course ON app.entitlements USING btree (user_id, course_id);

-- app.course_entitlements
CREATE TABLE app.course_entitlements (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL,
  course_slug text NOT NULL,
  stripe_customer_id text,
  stripe_payment_intent_id text,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  updated_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT course_entitlements_pkey PRIMARY KEY (id),
  CONSTRAINT course_entitlements_user_course_key UNIQUE (user_id, course_slug),
  CONSTRAINT course_entitlements_user_id_fkey FOREIGN KEY (user_id) REFERENCES auth.users(id) ON DELETE CASCADE
);
CREATE INDEX idx_course_entitlements_user_course ON app.course_entitlements USING btree (user_id, course_slug);

-- app.guest_claim_tokens
CREATE TABLE app.guest_claim_tokens (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  token text NOT NULL,
  purchase_id uuid,
  course_id uuid,
  used boolean NOT NULL DEFAULT false,
  expires_at timestamp with time zone NOT NULL,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT guest_claim_tokens_pkey PRIMARY KEY (id),
  CONSTRAINT guest_claim_tokens_course_id_fkey FOREIGN KEY (course_id) REFERENCES app.courses(id) ON DELETE SET NULL,
  CONSTRAINT guest_claim_tokens_purchase_id_fkey FOREIGN KEY (purchase_id) REFERENCES app.purchases(id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX guest_claim_tokens_token_key ON app.guest_claim_tokens USING btree (token);
-- production made the legacy unique index a constraint (same rows; ON CONFLICT ON CONSTRAINT works)
ALTER TABLE app.guest_claim_tokens
  ADD CONSTRAINT guest_claim_tokens_token_key UNIQUE USING INDEX guest_claim_tokens_token_key;
CREATE INDEX idx_guest_claim_tokens_expires ON app.guest_claim_tokens USING btree (expires_at);
CREATE INDEX idx_guest_claim_tokens_used ON app.guest_claim_tokens USING btree (used);

-- app.course_products
CREATE TABLE app.course_products (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  course_id uuid NOT NULL,
  stripe_product_id text NOT NULL,
  stripe_price_id text NOT NULL,
  price_amount integer NOT NULL,
  price_currency text NOT NULL DEFAULT 'sek'::text,
  is_active boolean NOT NULL DEFAULT true,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  updated_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT course_products_pkey PRIMARY KEY (id),
  CONSTRAINT course_products_course_id_fkey FOREIGN KEY (course_id) REFERENCES app.courses(id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX course_products_course_id_key ON app.course_products USING btree (course_id);
-- production made the legacy unique index a constraint (same rows; ON CONFLICT ON CONSTRAINT works)
ALTER TABLE app.course_products
  ADD CONSTRAINT course_products_course_id_key UNIQUE USING INDEX course_products_course_id_key;
CREATE INDEX idx_course_products_course ON app.course_products USING btree (course_id);

-- app.memberships
CREATE TABLE app.memberships (
  membership_id uuid NOT NULL DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL,
  plan_interval text NOT NULL,
  price_id text NOT NULL,
  stripe_customer_id text,
  stripe_subscription_id text,
  start_date timestamp with time zone NOT NULL DEFAULT now(),
  end_date timestamp with time zone,
  status text NOT NULL DEFAULT 'active'::text,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  updated_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT memberships_pkey PRIMARY KEY (membership_id),
  CONSTRAINT memberships_user_id_key UNIQUE (user_id),
  CONSTRAINT memberships_plan_interval_check CHECK ((plan_interval = ANY (ARRAY['month'::text, 'year'::text]))),
  CONSTRAINT memberships_user_id_fkey FOREIGN KEY (user_id) REFERENCES auth.users(id) ON DELETE CASCADE
);

-- app.live_events — takes both shapes: the legacy chain's (starts_at NOT NULL, metadata)
-- and production's (db pull: scheduled_at NOT NULL, starts_at nullable, room_name NOT NULL,
-- no metadata, FKs to app.profiles). So starts_at is nullable, scheduled_at is NEW and
-- nullable, and NEW live_events_time_check wants one of the two (every row of either shape
-- has one); room_name and metadata keep the legacy definitions, FKs keep auth.users (every
-- production row satisfies them: profiles.user_id references auth.users). Production's
-- indexes are added.
CREATE TABLE app.live_events (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  teacher_id uuid NOT NULL,
  course_id uuid,
  title text NOT NULL,
  description text,
  access_type text NOT NULL DEFAULT 'membership'::text,
  starts_at timestamp with time zone,
  ends_at timestamp with time zone,
  room_name text,
  is_published boolean NOT NULL DEFAULT false,
  metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  updated_at timestamp with time zone NOT NULL DEFAULT now(),
  scheduled_at timestamp with time zone,
  CONSTRAINT live_events_pkey PRIMARY KEY (id),
  CONSTRAINT live_events_access_type_check CHECK ((access_type = ANY (ARRAY['membership'::text, 'course'::text]))),
  CONSTRAINT live_events_time_check CHECK (((scheduled_at IS NOT NULL) OR (starts_at IS NOT NULL))),
  CONSTRAINT live_events_course_id_fkey FOREIGN KEY (course_id) REFERENCES app.courses(id) ON DELETE SET NULL,
  CONSTRAINT live_events_teacher_id_fkey FOREIGN KEY (teacher_id) REFERENCES auth.users(id) ON DELETE CASCADE
);
CREATE INDEX idx_live_events_teacher ON app.live_events USING btree (teacher_id);
CREATE INDEX idx_live_events_course ON app.live_events USING btree (course_id);
CREATE INDEX idx_live_events_starts_at ON app.live_events USING btree (starts_at);
CREATE INDEX idx_live_events_access_type ON app.live_events USING btree (access_type);
CREATE INDEX idx_live_events_scheduled_at ON app.live_events USING btree (scheduled_at);

-- app.live_event_registrations
CREATE TABLE app.live_event_registrations (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  event_id uuid NOT NULL,
  user_id uuid NOT NULL,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT live_event_registrations_pkey PRIMARY KEY (id),
  CONSTRAINT live_event_registrations_event_id_user_id_key UNIQUE (event_id, user_id),
  CONSTRAINT live_event_registrations_event_id_fkey FOREIGN KEY (event_id) REFERENCES app.live_events(id) ON DELETE CASCADE,
  CONSTRAINT live_event_registrations_user_id_fkey FOREIGN KEY (user_id) REFERENCES auth.users(id) ON DELETE CASCADE
);
-- production's indexes (db pull), except its idx_live_event_registrations_unique, which
-- duplicates the unique constraint above (same rows allowed).
CREATE INDEX idx_live_event_registrations_event ON app.live_event_registrations USING btree (event_id);
CREATE INDEX idx_live_event_registrations_user ON app.live_event_registrations USING btree (user_id);

-- app.teacher_profile_media
CREATE TABLE app.teacher_profile_media (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  teacher_id uuid NOT NULL,
  media_kind text NOT NULL,
  media_id uuid,
  external_url text,
  title text,
  description text,
  cover_media_id uuid,
  cover_image_url text,
  "position" integer NOT NULL DEFAULT 0,
  is_published boolean NOT NULL DEFAULT true,
  metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  updated_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT teacher_profile_media_pkey PRIMARY KEY (id),
  CONSTRAINT teacher_profile_media_teacher_id_media_kind_media_id_key UNIQUE (teacher_id, media_kind, media_id),
  CONSTRAINT teacher_profile_media_media_kind_check CHECK ((media_kind = ANY (ARRAY['lesson_media'::text, 'seminar_recording'::text, 'external'::text]))),
  CONSTRAINT teacher_profile_media_cover_media_id_fkey FOREIGN KEY (cover_media_id) REFERENCES app.media_objects(id) ON DELETE SET NULL,
  CONSTRAINT teacher_profile_media_media_id_fkey FOREIGN KEY (media_id) REFERENCES app.lesson_media(id) ON DELETE SET NULL,
  CONSTRAINT teacher_profile_media_teacher_id_fkey FOREIGN KEY (teacher_id) REFERENCES app.profiles(user_id) ON DELETE CASCADE
);
CREATE INDEX idx_teacher_profile_media_teacher ON app.teacher_profile_media USING btree (teacher_id, "position");

-- app.subscriptions — NEW (shared/schema/backend_contracts.md). The backend upserts by
-- subscription_id (ON CONFLICT (subscription_id)), updates and reads by subscription_id,
-- and reads a user's latest row by user_id ordered by updated_at desc.
CREATE TABLE app.subscriptions (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL,
  subscription_id text NOT NULL,
  status text NOT NULL DEFAULT 'active'::text,
  customer_id text,
  price_id text,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  updated_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT subscriptions_pkey PRIMARY KEY (id),
  CONSTRAINT subscriptions_subscription_id_key UNIQUE (subscription_id),
  CONSTRAINT subscriptions_user_id_fkey FOREIGN KEY (user_id) REFERENCES auth.users(id) ON DELETE CASCADE
);
CREATE INDEX idx_subscriptions_user_updated ON app.subscriptions USING btree (user_id, updated_at DESC);
-- (production has the table too, with status default 'active' and idx_subscriptions_user
-- (user_id), which idx_subscriptions_user_updated covers.)

-- ---------------------------------------------------------------------------------------
-- production's remote-only app tables (supabase/schema/production.json, the db pull),
-- as production defines them
-- ---------------------------------------------------------------------------------------

-- app.classroom_messages, app.classroom_presence (drift item 027_classroom)
CREATE TABLE app.classroom_messages (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  course_id uuid NOT NULL,
  user_id uuid NOT NULL,
  message text NOT NULL,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT classroom_messages_pkey PRIMARY KEY (id),
  CONSTRAINT classroom_messages_course_id_fkey FOREIGN KEY (course_id) REFERENCES app.courses(id) ON DELETE CASCADE,
  CONSTRAINT classroom_messages_user_id_fkey FOREIGN KEY (user_id) REFERENCES app.profiles(user_id) ON DELETE CASCADE
);
CREATE INDEX idx_classroom_messages_course ON app.classroom_messages USING btree (course_id);
CREATE INDEX idx_classroom_messages_created ON app.classroom_messages USING btree (created_at);

CREATE TABLE app.classroom_presence (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  course_id uuid NOT NULL,
  user_id uuid NOT NULL,
  last_seen timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT classroom_presence_pkey PRIMARY KEY (id),
  CONSTRAINT classroom_presence_course_id_user_id_key UNIQUE (course_id, user_id),
  CONSTRAINT classroom_presence_course_id_fkey FOREIGN KEY (course_id) REFERENCES app.courses(id) ON DELETE CASCADE,
  CONSTRAINT classroom_presence_user_id_fkey FOREIGN KEY (user_id) REFERENCES app.profiles(user_id) ON DELETE CASCADE
);
CREATE INDEX idx_classroom_presence_course ON app.classroom_presence USING btree (course_id);
CREATE INDEX idx_classroom_presence_last_seen ON app.classroom_presence USING btree (last_seen);

-- app.welcome_cards (drift item 029_welcome_cards)
CREATE TABLE app.welcome_cards (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  title text,
  body text,
  image_path text NOT NULL,
  day integer,
  month integer,
  is_active boolean NOT NULL DEFAULT true,
  created_by uuid NOT NULL,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  updated_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT welcome_cards_pkey PRIMARY KEY (id),
  CONSTRAINT welcome_cards_day_check CHECK (((day >= 1) AND (day <= 31))),
  CONSTRAINT welcome_cards_month_check CHECK (((month >= 1) AND (month <= 12))),
  CONSTRAINT welcome_cards_day_month_pair CHECK ((((day IS NULL) AND (month IS NULL)) OR ((day IS NOT NULL) AND (month IS NOT NULL)))),
  CONSTRAINT welcome_cards_created_by_fkey FOREIGN KEY (created_by) REFERENCES app.profiles(user_id) ON DELETE CASCADE
);
CREATE INDEX idx_welcome_cards_active ON app.welcome_cards USING btree (is_active);
CREATE INDEX idx_welcome_cards_date ON app.welcome_cards USING btree (month, day);

-- app.lesson_packages (a lesson sold on its own; see lessons.price_amount_cents)
CREATE TABLE app.lesson_packages (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  lesson_id uuid NOT NULL,
  stripe_product_id text NOT NULL,
  stripe_price_id text NOT NULL,
  price_amount integer NOT NULL,
  price_currency text NOT NULL DEFAULT 'sek'::text,
  is_active boolean NOT NULL DEFAULT true,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  updated_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT lesson_packages_pkey PRIMARY KEY (id),
  CONSTRAINT lesson_packages_lesson_id_key UNIQUE (lesson_id),
  CONSTRAINT lesson_packages_lesson_id_fkey FOREIGN KEY (lesson_id) REFERENCES app.lessons(id) ON DELETE CASCADE
);
CREATE INDEX idx_lesson_packages_lesson ON app.lesson_packages USING btree (lesson_id);

-- app.music_tracks
CREATE TABLE app.music_tracks (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  teacher_id uuid NOT NULL,
  title text NOT NULL,
  description text,
  duration_seconds integer,
  storage_path text NOT NULL,
  cover_image_path text,
  access_scope text NOT NULL,
  course_id uuid,
  is_published boolean NOT NULL DEFAULT true,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  updated_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT music_tracks_pkey PRIMARY KEY (id),
  CONSTRAINT music_tracks_access_scope_check CHECK ((access_scope = ANY (ARRAY['membership'::text, 'course'::text]))),
  CONSTRAINT music_tracks_scope_course CHECK ((((access_scope = 'course'::text) AND (course_id IS NOT NULL)) OR ((access_scope = 'membership'::text) AND (course_id IS NULL)))),
  CONSTRAINT music_tracks_course_id_fkey FOREIGN KEY (course_id) REFERENCES app.courses(id) ON DELETE CASCADE,
  CONSTRAINT music_tracks_teacher_id_fkey FOREIGN KEY (teacher_id) REFERENCES app.profiles(user_id) ON DELETE CASCADE
);
CREATE INDEX idx_music_tracks_course ON app.music_tracks USING btree (course_id);
CREATE INDEX idx_music_tracks_created ON app.music_tracks USING btree (created_at DESC);
CREATE INDEX idx_music_tracks_teacher ON app.music_tracks USING btree (teacher_id);

-- app.teacher_accounts (a teacher's Stripe Connect account)
CREATE TABLE app.teacher_accounts (
  user_id uuid NOT NULL,
  stripe_account_id text,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  updated_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT teacher_accounts_pkey PRIMARY KEY (user_id),
  CONSTRAINT teacher_accounts_user_id_fkey FOREIGN KEY (user_id) REFERENCES app.profiles(user_id) ON DELETE CASCADE
);

-- ---------------------------------------------------------------------------------------
-- schema public: the four tables the backend reads and writes there (production.json).
-- They stay in public because the backend's SQL names them unqualified/public.
-- ---------------------------------------------------------------------------------------

CREATE TABLE public.subscription_plans (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name text NOT NULL,
  price_cents integer NOT NULL,
  "interval" text NOT NULL,
  is_active boolean NOT NULL DEFAULT true,
  stripe_product_id text,
  stripe_price_id text,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  updated_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT subscription_plans_pkey PRIMARY KEY (id),
  CONSTRAINT subscription_plans_interval_check CHECK (("interval" = ANY (ARRAY['month'::text, 'year'::text])))
);
CREATE INDEX idx_subscription_plans_active ON public.subscription_plans USING btree (is_active);

CREATE TABLE public.coupons (
  code text NOT NULL,
  plan_id uuid,
  grants jsonb NOT NULL DEFAULT '{}'::jsonb,
  max_redemptions integer,
  redeemed_count integer NOT NULL DEFAULT 0,
  expires_at timestamp with time zone,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  updated_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT coupons_pkey PRIMARY KEY (code),
  CONSTRAINT coupons_plan_id_fkey FOREIGN KEY (plan_id) REFERENCES public.subscription_plans(id) ON DELETE SET NULL
);
CREATE INDEX idx_coupons_plan ON public.coupons USING btree (plan_id);
CREATE INDEX idx_coupons_expires ON public.coupons USING btree (expires_at);

CREATE TABLE public.subscriptions (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL,
  plan_id uuid NOT NULL,
  status text NOT NULL DEFAULT 'active'::text,
  current_period_end timestamp with time zone,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  updated_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT subscriptions_pkey PRIMARY KEY (id),
  CONSTRAINT subscriptions_plan_id_fkey FOREIGN KEY (plan_id) REFERENCES public.subscription_plans(id) ON DELETE RESTRICT,
  CONSTRAINT subscriptions_user_id_fkey FOREIGN KEY (user_id) REFERENCES auth.users(id) ON DELETE CASCADE
);
CREATE INDEX idx_public_subscriptions_user ON public.subscriptions USING btree (user_id);
CREATE INDEX idx_public_subscriptions_plan ON public.subscriptions USING btree (plan_id);

CREATE TABLE public.user_certifications (
  user_id uuid NOT NULL,
  area text NOT NULL,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT user_certifications_pkey PRIMARY KEY (user_id, area),
  CONSTRAINT user_certifications_user_id_fkey FOREIGN KEY (user_id) REFERENCES auth.users(id) ON DELETE CASCADE
);
CREATE INDEX idx_user_certifications_area ON public.user_certifications USING btree (area);
