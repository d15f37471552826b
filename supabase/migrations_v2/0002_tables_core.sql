-- 0002_tables_core.sql — the core tables of schema app.
--
-- Rebuild plan Option B, step 1: profiles, media, courses/modules/lessons, quizzes,
-- enrollments, services/sessions/slots, orders/payments, reviews, certificates, teachers,
-- social tables, seminars. Every table, column, type, default, constraint and index here
-- is carried over unchanged from the legacy schema (shared/schema/legacy.json), with the
-- legacy names, so rows copy across column for column. Tables appear in foreign-key
-- order; the one cycle (profiles.avatar_media_id -> media_objects, media_objects.owner_id
-- -> profiles) is closed by an ALTER TABLE at the end.
--
-- No RLS, policies or triggers here: triggers come in 0004 (after their functions),
-- RLS in 0005 (after every table exists), policies in 0006.

-- app.profiles
CREATE TABLE app.profiles (
  user_id uuid NOT NULL,
  email text NOT NULL,
  display_name text,
  role app.profile_role NOT NULL DEFAULT 'student'::app.profile_role,
  role_v2 app.user_role NOT NULL DEFAULT 'user'::app.user_role,
  bio text,
  photo_url text,
  is_admin boolean NOT NULL DEFAULT false,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  updated_at timestamp with time zone NOT NULL DEFAULT now(),
  avatar_media_id uuid,
  stripe_customer_id text,
  -- production (drift item auth_profile_provider_columns, confirmed by the db pull):
  last_login_at timestamp with time zone,
  last_login_provider text,
  provider_avatar_url text,
  provider_email_verified boolean,
  provider_name text,
  provider_user_id text,
  CONSTRAINT profiles_pkey PRIMARY KEY (user_id),
  CONSTRAINT profiles_email_key UNIQUE (email),
  CONSTRAINT profiles_user_id_fkey FOREIGN KEY (user_id) REFERENCES auth.users(id) ON DELETE CASCADE
);
CREATE INDEX profiles_stripe_customer_idx ON app.profiles USING btree (lower(stripe_customer_id));

-- app.media_objects
CREATE TABLE app.media_objects (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  owner_id uuid,
  storage_path text NOT NULL,
  storage_bucket text NOT NULL DEFAULT 'lesson-media'::text,
  content_type text,
  byte_size bigint NOT NULL DEFAULT 0,
  checksum text,
  original_name text,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  updated_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT media_objects_pkey PRIMARY KEY (id),
  CONSTRAINT media_objects_storage_path_storage_bucket_key UNIQUE (storage_path, storage_bucket),
  CONSTRAINT media_objects_owner_id_fkey FOREIGN KEY (owner_id) REFERENCES app.profiles(user_id) ON DELETE SET NULL
);
CREATE INDEX idx_media_owner ON app.media_objects USING btree (owner_id);

-- app.app_config
CREATE TABLE app.app_config (
  id integer NOT NULL DEFAULT 1,
  free_course_limit integer NOT NULL DEFAULT 5,
  platform_fee_pct numeric NOT NULL DEFAULT 10,
  CONSTRAINT app_config_pkey PRIMARY KEY (id)
);

-- app.courses
CREATE TABLE app.courses (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  slug text NOT NULL,
  title text NOT NULL,
  description text,
  cover_url text,
  video_url text,
  branch text,
  is_free_intro boolean NOT NULL DEFAULT false,
  price_cents integer NOT NULL DEFAULT 0,
  currency text NOT NULL DEFAULT 'sek'::text,
  is_published boolean NOT NULL DEFAULT false,
  created_by uuid,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  updated_at timestamp with time zone NOT NULL DEFAULT now(),
  stripe_product_id text,
  stripe_price_id text,
  price_amount_cents integer NOT NULL DEFAULT 0,
  CONSTRAINT courses_pkey PRIMARY KEY (id),
  CONSTRAINT courses_slug_key UNIQUE (slug),
  CONSTRAINT courses_created_by_fkey FOREIGN KEY (created_by) REFERENCES app.profiles(user_id) ON DELETE SET NULL
);
CREATE INDEX idx_courses_created_by ON app.courses USING btree (created_by);
CREATE INDEX courses_slug_idx ON app.courses USING btree (slug);

-- app.modules
CREATE TABLE app.modules (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  course_id uuid NOT NULL,
  title text NOT NULL,
  summary text,
  "position" integer NOT NULL DEFAULT 0,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  updated_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT modules_pkey PRIMARY KEY (id),
  CONSTRAINT modules_course_id_position_key UNIQUE (course_id, "position"),
  CONSTRAINT modules_course_id_fkey FOREIGN KEY (course_id) REFERENCES app.courses(id) ON DELETE CASCADE
);
CREATE INDEX idx_modules_course ON app.modules USING btree (course_id);

-- app.lessons
CREATE TABLE app.lessons (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  module_id uuid NOT NULL,
  title text NOT NULL,
  content_markdown text,
  video_url text,
  duration_seconds integer,
  is_intro boolean NOT NULL DEFAULT false,
  "position" integer NOT NULL DEFAULT 0,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  updated_at timestamp with time zone NOT NULL DEFAULT now(),
  -- production (drift item lesson_pricing, confirmed by the db pull):
  price_amount_cents integer NOT NULL DEFAULT 0,
  price_currency text NOT NULL DEFAULT 'sek'::text,
  CONSTRAINT lessons_pkey PRIMARY KEY (id),
  CONSTRAINT lessons_module_id_position_key UNIQUE (module_id, "position"),
  CONSTRAINT lessons_module_id_fkey FOREIGN KEY (module_id) REFERENCES app.modules(id) ON DELETE CASCADE
);
CREATE INDEX idx_lessons_module ON app.lessons USING btree (module_id);

-- app.lesson_media
CREATE TABLE app.lesson_media (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  lesson_id uuid NOT NULL,
  kind text NOT NULL,
  media_id uuid,
  storage_path text,
  storage_bucket text NOT NULL DEFAULT 'lesson-media'::text,
  duration_seconds integer,
  "position" integer NOT NULL DEFAULT 0,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT lesson_media_pkey PRIMARY KEY (id),
  CONSTRAINT lesson_media_lesson_id_position_key UNIQUE (lesson_id, "position"),
  CONSTRAINT lesson_media_kind_check CHECK ((kind = ANY (ARRAY['video'::text, 'audio'::text, 'image'::text, 'pdf'::text, 'other'::text]))),
  CONSTRAINT lesson_media_path_or_object CHECK (((media_id IS NOT NULL) OR (storage_path IS NOT NULL))),
  CONSTRAINT lesson_media_lesson_id_fkey FOREIGN KEY (lesson_id) REFERENCES app.lessons(id) ON DELETE CASCADE,
  CONSTRAINT lesson_media_media_id_fkey FOREIGN KEY (media_id) REFERENCES app.media_objects(id) ON DELETE SET NULL
);
CREATE INDEX idx_lesson_media_lesson ON app.lesson_media USING btree (lesson_id);
CREATE INDEX idx_lesson_media_media ON app.lesson_media USING btree (media_id);

-- app.course_quizzes
CREATE TABLE app.course_quizzes (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  course_id uuid NOT NULL,
  title text,
  pass_score integer NOT NULL DEFAULT 80,
  created_by uuid,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT course_quizzes_pkey PRIMARY KEY (id),
  CONSTRAINT course_quizzes_course_id_fkey FOREIGN KEY (course_id) REFERENCES app.courses(id) ON DELETE CASCADE,
  CONSTRAINT course_quizzes_created_by_fkey FOREIGN KEY (created_by) REFERENCES app.profiles(user_id) ON DELETE SET NULL
);

-- app.quiz_questions
CREATE TABLE app.quiz_questions (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  course_id uuid,
  quiz_id uuid,
  "position" integer NOT NULL DEFAULT 0,
  kind text NOT NULL DEFAULT 'single'::text,
  prompt text NOT NULL,
  options jsonb NOT NULL DEFAULT '{}'::jsonb,
  correct text,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  updated_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT quiz_questions_pkey PRIMARY KEY (id),
  CONSTRAINT quiz_questions_course_id_fkey FOREIGN KEY (course_id) REFERENCES app.courses(id) ON DELETE CASCADE,
  CONSTRAINT quiz_questions_quiz_id_fkey FOREIGN KEY (quiz_id) REFERENCES app.course_quizzes(id) ON DELETE CASCADE
);
CREATE INDEX idx_quiz_questions_course ON app.quiz_questions USING btree (course_id);
CREATE INDEX idx_quiz_questions_quiz ON app.quiz_questions USING btree (quiz_id);

-- app.enrollments
CREATE TABLE app.enrollments (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL,
  course_id uuid NOT NULL,
  status text NOT NULL DEFAULT 'active'::text,
  source app.enrollment_source NOT NULL DEFAULT 'purchase'::app.enrollment_source,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT enrollments_pkey PRIMARY KEY (id),
  CONSTRAINT enrollments_user_id_course_id_key UNIQUE (user_id, course_id),
  CONSTRAINT enrollments_course_id_fkey FOREIGN KEY (course_id) REFERENCES app.courses(id) ON DELETE CASCADE,
  CONSTRAINT enrollments_user_id_fkey FOREIGN KEY (user_id) REFERENCES app.profiles(user_id) ON DELETE CASCADE
);
CREATE INDEX idx_enrollments_user ON app.enrollments USING btree (user_id);
CREATE INDEX idx_enrollments_course ON app.enrollments USING btree (course_id);

-- app.services
CREATE TABLE app.services (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  provider_id uuid NOT NULL,
  title text NOT NULL,
  description text,
  status app.service_status NOT NULL DEFAULT 'draft'::app.service_status,
  price_cents integer NOT NULL DEFAULT 0,
  currency text NOT NULL DEFAULT 'sek'::text,
  duration_min integer,
  requires_certification boolean NOT NULL DEFAULT false,
  certified_area text,
  thumbnail_url text,
  active boolean NOT NULL DEFAULT true,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  updated_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT services_pkey PRIMARY KEY (id),
  CONSTRAINT services_provider_id_fkey FOREIGN KEY (provider_id) REFERENCES app.profiles(user_id) ON DELETE CASCADE
);
CREATE INDEX idx_services_provider ON app.services USING btree (provider_id);
CREATE INDEX idx_services_status ON app.services USING btree (status);

-- app.sessions
CREATE TABLE app.sessions (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  teacher_id uuid NOT NULL,
  title text NOT NULL,
  description text,
  start_at timestamp with time zone,
  end_at timestamp with time zone,
  capacity integer,
  price_cents integer NOT NULL DEFAULT 0,
  currency text NOT NULL DEFAULT 'sek'::text,
  visibility app.session_visibility NOT NULL DEFAULT 'draft'::app.session_visibility,
  recording_url text,
  stripe_price_id text,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  updated_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT sessions_pkey PRIMARY KEY (id),
  CONSTRAINT sessions_capacity_check CHECK (((capacity IS NULL) OR (capacity >= 0))),
  CONSTRAINT sessions_teacher_id_fkey FOREIGN KEY (teacher_id) REFERENCES app.profiles(user_id) ON DELETE CASCADE
);
CREATE INDEX idx_sessions_teacher ON app.sessions USING btree (teacher_id);
CREATE INDEX idx_sessions_visibility ON app.sessions USING btree (visibility);
CREATE INDEX idx_sessions_start_at ON app.sessions USING btree (start_at);

-- app.session_slots
CREATE TABLE app.session_slots (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  session_id uuid NOT NULL,
  start_at timestamp with time zone NOT NULL,
  end_at timestamp with time zone NOT NULL,
  seats_total integer NOT NULL DEFAULT 1,
  seats_taken integer NOT NULL DEFAULT 0,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  updated_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT session_slots_pkey PRIMARY KEY (id),
  CONSTRAINT session_slots_session_id_start_at_key UNIQUE (session_id, start_at),
  CONSTRAINT session_slots_seats_taken_check CHECK ((seats_taken >= 0)),
  CONSTRAINT session_slots_seats_total_check CHECK ((seats_total >= 0)),
  CONSTRAINT session_slots_session_id_fkey FOREIGN KEY (session_id) REFERENCES app.sessions(id) ON DELETE CASCADE
);
CREATE INDEX idx_session_slots_session ON app.session_slots USING btree (session_id);
CREATE INDEX idx_session_slots_time ON app.session_slots USING btree (start_at, end_at);

-- app.orders
CREATE TABLE app.orders (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL,
  course_id uuid,
  service_id uuid,
  amount_cents integer NOT NULL,
  currency text NOT NULL DEFAULT 'sek'::text,
  status app.order_status NOT NULL DEFAULT 'pending'::app.order_status,
  stripe_checkout_id text,
  stripe_payment_intent text,
  metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  updated_at timestamp with time zone NOT NULL DEFAULT now(),
  order_type app.order_type NOT NULL DEFAULT 'one_off'::app.order_type,
  session_id uuid,
  session_slot_id uuid,
  stripe_subscription_id text,
  connected_account_id text,
  stripe_customer_id text,
  CONSTRAINT orders_pkey PRIMARY KEY (id),
  CONSTRAINT orders_course_id_fkey FOREIGN KEY (course_id) REFERENCES app.courses(id) ON DELETE SET NULL,
  CONSTRAINT orders_service_id_fkey FOREIGN KEY (service_id) REFERENCES app.services(id) ON DELETE SET NULL,
  CONSTRAINT orders_session_id_fkey FOREIGN KEY (session_id) REFERENCES app.sessions(id) ON DELETE SET NULL,
  CONSTRAINT orders_session_slot_id_fkey FOREIGN KEY (session_slot_id) REFERENCES app.session_slots(id) ON DELETE SET NULL,
  CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES app.profiles(user_id) ON DELETE CASCADE
);
CREATE INDEX idx_orders_user ON app.orders USING btree (user_id);
CREATE INDEX idx_orders_status ON app.orders USING btree (status);
CREATE INDEX idx_orders_service ON app.orders USING btree (service_id);
CREATE INDEX idx_orders_course ON app.orders USING btree (course_id);
CREATE INDEX idx_orders_session ON app.orders USING btree (session_id);
CREATE INDEX idx_orders_session_slot ON app.orders USING btree (session_slot_id);
CREATE INDEX idx_orders_connected_account ON app.orders USING btree (connected_account_id);

-- app.payments
CREATE TABLE app.payments (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  order_id uuid NOT NULL,
  provider text NOT NULL,
  provider_reference text,
  status app.payment_status NOT NULL DEFAULT 'pending'::app.payment_status,
  amount_cents integer NOT NULL,
  currency text NOT NULL DEFAULT 'sek'::text,
  metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
  raw_payload jsonb,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  updated_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT payments_pkey PRIMARY KEY (id),
  CONSTRAINT payments_order_id_fkey FOREIGN KEY (order_id) REFERENCES app.orders(id) ON DELETE CASCADE
);
CREATE INDEX idx_payments_order ON app.payments USING btree (order_id);
CREATE INDEX idx_payments_status ON app.payments USING btree (status);

-- app.payment_events
CREATE TABLE app.payment_events (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  event_id text NOT NULL,
  payload jsonb NOT NULL,
  processed_at timestamp with time zone DEFAULT now(),
  CONSTRAINT payment_events_pkey PRIMARY KEY (id),
  CONSTRAINT payment_events_event_id_key UNIQUE (event_id)
);

-- app.stripe_customers
CREATE TABLE app.stripe_customers (
  user_id uuid NOT NULL,
  customer_id text NOT NULL,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  updated_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT stripe_customers_pkey PRIMARY KEY (user_id),
  CONSTRAINT stripe_customers_user_id_fkey FOREIGN KEY (user_id) REFERENCES app.profiles(user_id) ON DELETE CASCADE
);

-- app.reviews
CREATE TABLE app.reviews (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  course_id uuid,
  service_id uuid,
  order_id uuid,
  reviewer_id uuid NOT NULL,
  rating integer NOT NULL,
  comment text,
  visibility app.review_visibility NOT NULL DEFAULT 'public'::app.review_visibility,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT reviews_pkey PRIMARY KEY (id),
  CONSTRAINT reviews_rating_check CHECK (((rating >= 1) AND (rating <= 5))),
  CONSTRAINT reviews_course_id_fkey FOREIGN KEY (course_id) REFERENCES app.courses(id) ON DELETE CASCADE,
  CONSTRAINT reviews_order_id_fkey FOREIGN KEY (order_id) REFERENCES app.orders(id) ON DELETE SET NULL,
  CONSTRAINT reviews_reviewer_id_fkey FOREIGN KEY (reviewer_id) REFERENCES app.profiles(user_id) ON DELETE CASCADE,
  CONSTRAINT reviews_service_id_fkey FOREIGN KEY (service_id) REFERENCES app.services(id) ON DELETE CASCADE
);
CREATE INDEX idx_reviews_course ON app.reviews USING btree (course_id);
CREATE INDEX idx_reviews_service ON app.reviews USING btree (service_id);
CREATE INDEX idx_reviews_reviewer ON app.reviews USING btree (reviewer_id);
CREATE INDEX idx_reviews_order ON app.reviews USING btree (order_id);

-- app.certificates
CREATE TABLE app.certificates (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL,
  course_id uuid,
  title text,
  status text NOT NULL DEFAULT 'pending'::text,
  notes text,
  evidence_url text,
  issued_at timestamp with time zone,
  metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  updated_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT certificates_pkey PRIMARY KEY (id),
  CONSTRAINT certificates_course_id_fkey FOREIGN KEY (course_id) REFERENCES app.courses(id) ON DELETE SET NULL,
  CONSTRAINT certificates_user_id_fkey FOREIGN KEY (user_id) REFERENCES app.profiles(user_id) ON DELETE CASCADE
);
CREATE INDEX idx_certificates_user ON app.certificates USING btree (user_id);

-- app.teachers
CREATE TABLE app.teachers (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  profile_id uuid NOT NULL,
  stripe_connect_account_id text,
  payout_split_pct integer NOT NULL DEFAULT 100,
  onboarded_at timestamp with time zone,
  charges_enabled boolean NOT NULL DEFAULT false,
  payouts_enabled boolean NOT NULL DEFAULT false,
  requirements_due jsonb NOT NULL DEFAULT '{}'::jsonb,
  status text NOT NULL DEFAULT 'pending'::text,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  updated_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT teachers_pkey PRIMARY KEY (id),
  CONSTRAINT teachers_profile_id_key UNIQUE (profile_id),
  CONSTRAINT teachers_stripe_connect_account_id_key UNIQUE (stripe_connect_account_id),
  CONSTRAINT teachers_payout_split_pct_check CHECK (((payout_split_pct >= 0) AND (payout_split_pct <= 100))),
  CONSTRAINT teachers_profile_id_fkey FOREIGN KEY (profile_id) REFERENCES app.profiles(user_id) ON DELETE CASCADE
);
CREATE INDEX idx_teachers_connect_account ON app.teachers USING btree (stripe_connect_account_id);

-- app.teacher_approvals
CREATE TABLE app.teacher_approvals (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL,
  reviewer_id uuid,
  status text NOT NULL DEFAULT 'pending'::text,
  notes text,
  approved_by uuid,
  approved_at timestamp with time zone,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  updated_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT teacher_approvals_pkey PRIMARY KEY (id),
  CONSTRAINT teacher_approvals_user_id_key UNIQUE (user_id),
  CONSTRAINT teacher_approvals_approved_by_fkey FOREIGN KEY (approved_by) REFERENCES app.profiles(user_id),
  CONSTRAINT teacher_approvals_reviewer_id_fkey FOREIGN KEY (reviewer_id) REFERENCES app.profiles(user_id),
  CONSTRAINT teacher_approvals_user_id_fkey FOREIGN KEY (user_id) REFERENCES app.profiles(user_id) ON DELETE CASCADE
);
CREATE INDEX idx_teacher_approvals_user ON app.teacher_approvals USING btree (user_id);

-- app.teacher_directory
CREATE TABLE app.teacher_directory (
  user_id uuid NOT NULL,
  headline text,
  specialties text[],
  rating numeric(3,2),
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT teacher_directory_pkey PRIMARY KEY (user_id),
  CONSTRAINT teacher_directory_user_id_fkey FOREIGN KEY (user_id) REFERENCES app.profiles(user_id) ON DELETE CASCADE
);

-- app.teacher_payout_methods
CREATE TABLE app.teacher_payout_methods (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  teacher_id uuid NOT NULL,
  provider text NOT NULL,
  reference text NOT NULL,
  details jsonb NOT NULL DEFAULT '{}'::jsonb,
  is_default boolean NOT NULL DEFAULT false,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  updated_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT teacher_payout_methods_pkey PRIMARY KEY (id),
  CONSTRAINT teacher_payout_methods_teacher_id_provider_reference_key UNIQUE (teacher_id, provider, reference),
  CONSTRAINT teacher_payout_methods_teacher_id_fkey FOREIGN KEY (teacher_id) REFERENCES app.profiles(user_id) ON DELETE CASCADE
);
CREATE INDEX idx_payout_methods_teacher ON app.teacher_payout_methods USING btree (teacher_id);

-- app.teacher_permissions
CREATE TABLE app.teacher_permissions (
  profile_id uuid NOT NULL,
  can_edit_courses boolean NOT NULL DEFAULT false,
  can_publish boolean NOT NULL DEFAULT false,
  granted_by uuid,
  granted_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT teacher_permissions_pkey PRIMARY KEY (profile_id),
  CONSTRAINT teacher_permissions_granted_by_fkey FOREIGN KEY (granted_by) REFERENCES app.profiles(user_id),
  CONSTRAINT teacher_permissions_profile_id_fkey FOREIGN KEY (profile_id) REFERENCES app.profiles(user_id) ON DELETE CASCADE
);

-- app.course_display_priorities
CREATE TABLE app.course_display_priorities (
  teacher_id uuid NOT NULL,
  priority integer NOT NULL DEFAULT 1000,
  notes text,
  updated_by uuid,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  updated_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT course_display_priorities_pkey PRIMARY KEY (teacher_id),
  CONSTRAINT course_display_priorities_teacher_id_fkey FOREIGN KEY (teacher_id) REFERENCES app.profiles(user_id) ON DELETE CASCADE,
  CONSTRAINT course_display_priorities_updated_by_fkey FOREIGN KEY (updated_by) REFERENCES app.profiles(user_id) ON DELETE SET NULL
);
CREATE INDEX idx_course_display_priorities_priority ON app.course_display_priorities USING btree (priority);

-- app.activities
CREATE TABLE app.activities (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  activity_type app.activity_kind NOT NULL,
  actor_id uuid,
  subject_table text NOT NULL,
  subject_id uuid,
  summary text,
  metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
  occurred_at timestamp with time zone NOT NULL DEFAULT now(),
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT activities_pkey PRIMARY KEY (id),
  CONSTRAINT activities_actor_id_fkey FOREIGN KEY (actor_id) REFERENCES app.profiles(user_id) ON DELETE SET NULL
);
CREATE INDEX idx_activities_type ON app.activities USING btree (activity_type);
CREATE INDEX idx_activities_subject ON app.activities USING btree (subject_table, subject_id);
CREATE INDEX idx_activities_occurred ON app.activities USING btree (occurred_at DESC);

-- app.auth_events
CREATE TABLE app.auth_events (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  user_id uuid,
  email text,
  event text NOT NULL,
  ip_address inet,
  user_agent text,
  metadata jsonb,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT auth_events_pkey PRIMARY KEY (id),
  CONSTRAINT auth_events_user_id_fkey FOREIGN KEY (user_id) REFERENCES app.profiles(user_id) ON DELETE CASCADE
);
CREATE INDEX idx_auth_events_user ON app.auth_events USING btree (user_id);
CREATE INDEX idx_auth_events_created_at ON app.auth_events USING btree (created_at DESC);

-- app.billing_logs
CREATE TABLE app.billing_logs (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  user_id uuid,
  step text,
  info jsonb,
  created_at timestamp with time zone DEFAULT now(),
  CONSTRAINT billing_logs_pkey PRIMARY KEY (id)
);

-- app.follows
CREATE TABLE app.follows (
  follower_id uuid NOT NULL,
  followee_id uuid NOT NULL,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT follows_pkey PRIMARY KEY (follower_id, followee_id),
  CONSTRAINT follows_followee_id_fkey FOREIGN KEY (followee_id) REFERENCES app.profiles(user_id) ON DELETE CASCADE,
  CONSTRAINT follows_follower_id_fkey FOREIGN KEY (follower_id) REFERENCES app.profiles(user_id) ON DELETE CASCADE
);

-- app.messages
CREATE TABLE app.messages (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  channel text,
  sender_id uuid,
  recipient_id uuid,
  content text,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT messages_pkey PRIMARY KEY (id),
  CONSTRAINT messages_recipient_id_fkey FOREIGN KEY (recipient_id) REFERENCES app.profiles(user_id) ON DELETE SET NULL,
  CONSTRAINT messages_sender_id_fkey FOREIGN KEY (sender_id) REFERENCES app.profiles(user_id) ON DELETE SET NULL
);
CREATE INDEX idx_messages_recipient ON app.messages USING btree (recipient_id);
CREATE INDEX idx_messages_channel ON app.messages USING btree (channel);

-- app.notifications
CREATE TABLE app.notifications (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL,
  payload jsonb NOT NULL DEFAULT '{}'::jsonb,
  read_at timestamp with time zone,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT notifications_pkey PRIMARY KEY (id),
  CONSTRAINT notifications_user_id_fkey FOREIGN KEY (user_id) REFERENCES app.profiles(user_id) ON DELETE CASCADE
);
CREATE INDEX idx_notifications_user ON app.notifications USING btree (user_id);
CREATE INDEX idx_notifications_read ON app.notifications USING btree (user_id, read_at);

-- app.posts
CREATE TABLE app.posts (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  author_id uuid NOT NULL,
  content text NOT NULL,
  media_paths jsonb NOT NULL DEFAULT '[]'::jsonb,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT posts_pkey PRIMARY KEY (id),
  CONSTRAINT posts_author_id_fkey FOREIGN KEY (author_id) REFERENCES app.profiles(user_id) ON DELETE CASCADE
);
CREATE INDEX idx_posts_author ON app.posts USING btree (author_id);

-- app.refresh_tokens
CREATE TABLE app.refresh_tokens (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL,
  jti uuid NOT NULL,
  token_hash text NOT NULL,
  issued_at timestamp with time zone NOT NULL DEFAULT now(),
  expires_at timestamp with time zone NOT NULL,
  rotated_at timestamp with time zone,
  revoked_at timestamp with time zone,
  last_used_at timestamp with time zone,
  CONSTRAINT refresh_tokens_pkey PRIMARY KEY (id),
  CONSTRAINT refresh_tokens_jti_key UNIQUE (jti),
  CONSTRAINT refresh_tokens_user_id_fkey FOREIGN KEY (user_id) REFERENCES app.profiles(user_id) ON DELETE CASCADE
);
CREATE INDEX idx_refresh_tokens_user ON app.refresh_tokens USING btree (user_id);

-- app.tarot_requests
CREATE TABLE app.tarot_requests (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  requester_id uuid NOT NULL,
  question text NOT NULL,
  status text NOT NULL DEFAULT 'open'::text,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT tarot_requests_pkey PRIMARY KEY (id),
  CONSTRAINT tarot_requests_requester_id_fkey FOREIGN KEY (requester_id) REFERENCES app.profiles(user_id) ON DELETE CASCADE
);

-- app.meditations
CREATE TABLE app.meditations (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  title text NOT NULL,
  description text,
  teacher_id uuid,
  media_id uuid,
  audio_path text,
  duration_seconds integer,
  is_public boolean NOT NULL DEFAULT false,
  created_by uuid,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT meditations_pkey PRIMARY KEY (id),
  CONSTRAINT meditations_created_by_fkey FOREIGN KEY (created_by) REFERENCES app.profiles(user_id) ON DELETE SET NULL,
  CONSTRAINT meditations_media_id_fkey FOREIGN KEY (media_id) REFERENCES app.media_objects(id) ON DELETE SET NULL,
  CONSTRAINT meditations_teacher_id_fkey FOREIGN KEY (teacher_id) REFERENCES app.profiles(user_id) ON DELETE CASCADE
);

-- app.seminars
CREATE TABLE app.seminars (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  host_id uuid NOT NULL,
  title text NOT NULL,
  description text,
  status app.seminar_status NOT NULL DEFAULT 'draft'::app.seminar_status,
  scheduled_at timestamp with time zone,
  duration_minutes integer,
  livekit_room text,
  livekit_metadata jsonb,
  recording_url text,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  updated_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT seminars_pkey PRIMARY KEY (id),
  CONSTRAINT seminars_host_id_fkey FOREIGN KEY (host_id) REFERENCES app.profiles(user_id) ON DELETE CASCADE
);
CREATE INDEX idx_seminars_host ON app.seminars USING btree (host_id);
CREATE INDEX idx_seminars_status ON app.seminars USING btree (status);
CREATE INDEX idx_seminars_scheduled_at ON app.seminars USING btree (scheduled_at);

-- app.seminar_attendees
CREATE TABLE app.seminar_attendees (
  seminar_id uuid NOT NULL,
  user_id uuid NOT NULL,
  role text NOT NULL DEFAULT 'participant'::text,
  joined_at timestamp with time zone,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  invite_status text NOT NULL DEFAULT 'pending'::text,
  left_at timestamp with time zone,
  livekit_identity text,
  livekit_participant_sid text,
  livekit_room text,
  CONSTRAINT seminar_attendees_pkey PRIMARY KEY (seminar_id, user_id),
  CONSTRAINT seminar_attendees_seminar_id_fkey FOREIGN KEY (seminar_id) REFERENCES app.seminars(id) ON DELETE CASCADE,
  CONSTRAINT seminar_attendees_user_id_fkey FOREIGN KEY (user_id) REFERENCES app.profiles(user_id) ON DELETE CASCADE
);

-- Foreign keys closing a cycle (created after both tables exist).
ALTER TABLE app.profiles ADD CONSTRAINT profiles_avatar_media_id_fkey FOREIGN KEY (avatar_media_id) REFERENCES app.media_objects(id);
