-- 0001_app_schema.sql — extensions, schemas and enums of the v2 chain.
--
-- Rebuild plan Option B, step 1. Everything the later files need that is not a table:
-- the extensions Supabase keeps in schema `extensions`, schema `app`, and the twelve
-- enums of the legacy schema with their labels in the legacy order (label order is part
-- of an enum's behaviour: it is its sort order).
--
-- Runs in one transaction as supabase_admin (cluster superuser) or postgres.

CREATE SCHEMA IF NOT EXISTS extensions;
CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA extensions;
CREATE EXTENSION IF NOT EXISTS "uuid-ossp" WITH SCHEMA extensions;

CREATE SCHEMA IF NOT EXISTS app;
COMMENT ON SCHEMA app IS 'Application schema (v2 chain, supabase/migrations_v2).';

CREATE TYPE app.activity_kind AS ENUM (
  'profile_updated', 'course_published', 'lesson_published', 'service_created',
  'order_paid', 'seminar_scheduled', 'room_created', 'participant_joined',
  'participant_left'
);

CREATE TYPE app.enrollment_source AS ENUM ('free_intro', 'purchase', 'membership', 'grant');

CREATE TYPE app.order_status AS ENUM (
  'pending', 'requires_action', 'processing', 'paid', 'canceled', 'failed', 'refunded'
);

CREATE TYPE app.order_type AS ENUM ('one_off', 'subscription', 'bundle');

CREATE TYPE app.payment_status AS ENUM ('pending', 'processing', 'paid', 'failed', 'refunded');

CREATE TYPE app.profile_role AS ENUM ('student', 'teacher', 'admin');

CREATE TYPE app.review_visibility AS ENUM ('public', 'private');

CREATE TYPE app.seminar_session_status AS ENUM ('scheduled', 'live', 'ended', 'failed');

CREATE TYPE app.seminar_status AS ENUM ('draft', 'scheduled', 'live', 'ended', 'canceled');

CREATE TYPE app.service_status AS ENUM ('draft', 'active', 'paused', 'archived');

CREATE TYPE app.session_visibility AS ENUM ('draft', 'published');

CREATE TYPE app.user_role AS ENUM ('user', 'professional', 'teacher');
