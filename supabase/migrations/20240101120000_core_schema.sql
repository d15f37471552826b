-- Legacy chain, step 1: schema `app`, its enum types, the user profile (one row per
-- auth.users row) and the single-row app configuration.
-- Reconstructed from shared/schema/legacy.json for rehearsals; not the original file.

create schema if not exists app;

grant usage on schema app to anon, authenticated, service_role;

create type app.activity_kind as enum (
  'profile_updated',
  'course_published',
  'lesson_published',
  'service_created',
  'order_paid',
  'seminar_scheduled',
  'room_created',
  'participant_joined',
  'participant_left'
);
create type app.enrollment_source as enum (
  'free_intro',
  'purchase',
  'membership',
  'grant'
);
create type app.order_status as enum (
  'pending',
  'requires_action',
  'processing',
  'paid',
  'canceled',
  'failed',
  'refunded'
);
create type app.order_type as enum (
  'one_off',
  'subscription',
  'bundle'
);
create type app.payment_status as enum (
  'pending',
  'processing',
  'paid',
  'failed',
  'refunded'
);
create type app.profile_role as enum (
  'student',
  'teacher',
  'admin'
);
create type app.review_visibility as enum (
  'public',
  'private'
);
create type app.seminar_session_status as enum (
  'scheduled',
  'live',
  'ended',
  'failed'
);
create type app.seminar_status as enum (
  'draft',
  'scheduled',
  'live',
  'ended',
  'canceled'
);
create type app.service_status as enum (
  'draft',
  'active',
  'paused',
  'archived'
);
create type app.session_visibility as enum (
  'draft',
  'published'
);
create type app.user_role as enum (
  'user',
  'professional',
  'teacher'
);

create table app.profiles (
  user_id uuid primary key references auth.users(id) on delete cascade,
  email text not null unique,
  display_name text,
  role app.profile_role not null default 'student',
  role_v2 app.user_role not null default 'user',
  bio text,
  photo_url text,
  is_admin boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table app.app_config (
  id integer primary key default 1,
  free_course_limit integer not null default 5,
  platform_fee_pct numeric not null default 10
);
