-- Legacy chain, step 2: the course catalogue (courses, modules, lessons and their media),
-- enrollments and entitlements, quizzes and certificates, meditations, bundles and the
-- Stripe course products, and the teacher profile media.

create table app.media_objects (
  id uuid primary key default gen_random_uuid(),
  owner_id uuid references app.profiles(user_id) on delete set null,
  storage_path text not null,
  storage_bucket text not null default 'lesson-media',
  content_type text,
  byte_size bigint not null default 0,
  checksum text,
  original_name text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (storage_path, storage_bucket)
);
create index idx_media_owner on app.media_objects (owner_id);

create table app.courses (
  id uuid primary key default gen_random_uuid(),
  slug text not null unique,
  title text not null,
  description text,
  cover_url text,
  video_url text,
  branch text,
  is_free_intro boolean not null default false,
  price_cents integer not null default 0,
  currency text not null default 'sek',
  is_published boolean not null default false,
  created_by uuid references app.profiles(user_id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index idx_courses_created_by on app.courses (created_by);
create index courses_slug_idx on app.courses (slug);

create table app.modules (
  id uuid primary key default gen_random_uuid(),
  course_id uuid not null references app.courses(id) on delete cascade,
  title text not null,
  summary text,
  "position" integer not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (course_id, "position")
);
create index idx_modules_course on app.modules (course_id);

create table app.lessons (
  id uuid primary key default gen_random_uuid(),
  module_id uuid not null references app.modules(id) on delete cascade,
  title text not null,
  content_markdown text,
  video_url text,
  duration_seconds integer,
  is_intro boolean not null default false,
  "position" integer not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (module_id, "position")
);
create index idx_lessons_module on app.lessons (module_id);

create table app.lesson_media (
  id uuid primary key default gen_random_uuid(),
  lesson_id uuid not null references app.lessons(id) on delete cascade,
  kind text not null check (kind in ('video', 'audio', 'image', 'pdf', 'other')),
  media_id uuid references app.media_objects(id) on delete set null,
  storage_path text,
  storage_bucket text not null default 'lesson-media',
  duration_seconds integer,
  "position" integer not null default 0,
  created_at timestamptz not null default now(),
  constraint lesson_media_path_or_object check (media_id is not null or storage_path is not null),
  unique (lesson_id, "position")
);
create index idx_lesson_media_lesson on app.lesson_media (lesson_id);
create index idx_lesson_media_media on app.lesson_media (media_id);

create table app.enrollments (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references app.profiles(user_id) on delete cascade,
  course_id uuid not null references app.courses(id) on delete cascade,
  status text not null default 'active',
  source app.enrollment_source not null default 'purchase',
  created_at timestamptz not null default now(),
  unique (user_id, course_id)
);
create index idx_enrollments_user on app.enrollments (user_id);
create index idx_enrollments_course on app.enrollments (course_id);

create table app.entitlements (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references app.profiles(user_id) on delete cascade,
  course_id uuid not null references app.courses(id) on delete cascade,
  source text not null,
  stripe_session_id text,
  created_at timestamptz not null default now()
);
create index idx_entitlements_user on app.entitlements (user_id);
create index idx_entitlements_course on app.entitlements (course_id);
create index idx_entitlements_user_course on app.entitlements (user_id, course_id);

create table app.course_quizzes (
  id uuid primary key default gen_random_uuid(),
  course_id uuid not null references app.courses(id) on delete cascade,
  title text,
  pass_score integer not null default 80,
  created_by uuid references app.profiles(user_id) on delete set null,
  created_at timestamptz not null default now()
);

create table app.quiz_questions (
  id uuid primary key default gen_random_uuid(),
  course_id uuid references app.courses(id) on delete cascade,
  quiz_id uuid references app.course_quizzes(id) on delete cascade,
  "position" integer not null default 0,
  kind text not null default 'single',
  prompt text not null,
  options jsonb not null default '{}'::jsonb,
  correct text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index idx_quiz_questions_course on app.quiz_questions (course_id);
create index idx_quiz_questions_quiz on app.quiz_questions (quiz_id);

create table app.certificates (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references app.profiles(user_id) on delete cascade,
  course_id uuid references app.courses(id) on delete set null,
  title text,
  status text not null default 'pending',
  notes text,
  evidence_url text,
  issued_at timestamptz,
  metadata jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index idx_certificates_user on app.certificates (user_id);

create table app.meditations (
  id uuid primary key default gen_random_uuid(),
  title text not null,
  description text,
  teacher_id uuid references app.profiles(user_id) on delete cascade,
  media_id uuid references app.media_objects(id) on delete set null,
  audio_path text,
  duration_seconds integer,
  is_public boolean not null default false,
  created_by uuid references app.profiles(user_id) on delete set null,
  created_at timestamptz not null default now()
);

create table app.course_bundles (
  id uuid primary key default gen_random_uuid(),
  teacher_id uuid not null references app.profiles(user_id) on delete cascade,
  title text not null,
  description text,
  stripe_product_id text,
  stripe_price_id text,
  price_amount_cents integer not null default 0,
  currency text not null default 'sek',
  is_active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index idx_course_bundles_teacher on app.course_bundles (teacher_id);
create index idx_course_bundles_active on app.course_bundles (is_active);

create table app.course_bundle_courses (
  bundle_id uuid not null references app.course_bundles(id) on delete cascade,
  course_id uuid not null references app.courses(id) on delete cascade,
  "position" integer not null default 0,
  primary key (bundle_id, course_id)
);
create index idx_course_bundle_courses_bundle on app.course_bundle_courses (bundle_id);

create table app.course_products (
  id uuid primary key default gen_random_uuid(),
  course_id uuid not null references app.courses(id) on delete cascade,
  stripe_product_id text not null,
  stripe_price_id text not null,
  price_amount integer not null,
  price_currency text not null default 'sek',
  is_active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index course_products_course_id_key on app.course_products (course_id);
create index idx_course_products_course on app.course_products (course_id);

create table app.course_entitlements (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users(id) on delete cascade,
  course_slug text not null,
  stripe_customer_id text,
  stripe_payment_intent_id text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint course_entitlements_user_course_key unique (user_id, course_slug)
);
create index idx_course_entitlements_user_course on app.course_entitlements (user_id, course_slug);

create table app.course_display_priorities (
  teacher_id uuid primary key references app.profiles(user_id) on delete cascade,
  priority integer not null default 1000,
  notes text,
  updated_by uuid references app.profiles(user_id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index idx_course_display_priorities_priority on app.course_display_priorities (priority);

create table app.teacher_profile_media (
  id uuid primary key default gen_random_uuid(),
  teacher_id uuid not null references app.profiles(user_id) on delete cascade,
  media_kind text not null check (media_kind in ('lesson_media', 'seminar_recording', 'external')),
  media_id uuid references app.lesson_media(id) on delete set null,
  external_url text,
  title text,
  description text,
  cover_media_id uuid references app.media_objects(id) on delete set null,
  cover_image_url text,
  "position" integer not null default 0,
  is_published boolean not null default true,
  metadata jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (teacher_id, media_kind, media_id)
);
create index idx_teacher_profile_media_teacher on app.teacher_profile_media (teacher_id, "position");
