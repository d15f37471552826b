-- 0007_storage_buckets.sql — the storage buckets, defined once, idempotently.
--
-- Rebuild plan Option B step 3 / "Object-Specific Coverage": a single upsert of the three
-- buckets legacy.json lists. Running it again (or over a project that already has the
-- buckets) leaves exactly one row per bucket with the settings below; it touches only
-- id, name and public, so limits set in the dashboard survive. Needs schema storage
-- (Supabase's storage-api, or supabase/local/ on a plain PostgreSQL).

INSERT INTO storage.buckets (id, name, public)
VALUES
  ('public-media', 'public-media', true),
  ('course-media', 'course-media', false),
  ('lesson-media', 'lesson-media', false)
ON CONFLICT (id) DO UPDATE
  SET name = EXCLUDED.name,
      public = EXCLUDED.public;
