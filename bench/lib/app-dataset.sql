-- bench/lib/app-dataset.sql: a dataset shaped like a real Supabase app's tables — uuids,
-- words of running text, jsonb documents, arrays, timestamps, inet — with the entropy of
-- real data (zstd -1 makes it about 3× smaller; cutover-fixture's rows compress far better
-- and flatter the export). Pseudo-random and seeded, so one scale gives the same bytes.
--
--   psql -v scale=S -v events=E -v seed=0.N -f app-dataset.sql
-- scale: about 100 kB of COPY text per unit spread over five tables (events about a third);
-- events: the events table's rows per unit of scale (200 by default; 2600 makes that one
-- table about 80 % of the bytes — the bench's skewed variant).
\set ON_ERROR_STOP 1
SELECT setseed(:seed);

-- A vocabulary of 6000 pseudo-words (2–4 syllables), and 20 000 "pages" of running text
-- (300 words each, drawn with a Zipf-like skew, random()^3, as words are in real text): text
-- values are cut from random pages — 40 MB of distinct text, so repeats fall mostly outside
-- zstd's window, as they do in real data. (Fetching words one by one is far too slow.)
CREATE TEMP TABLE vocabulary AS
SELECT i, (SELECT string_agg(
              substr('bcdfghjklmnprstvwyz', 1 + floor(random() * 19)::int, 1) ||
              substr('aeiouaeiy', 1 + floor(random() * 9)::int, 1) ||
              CASE WHEN random() < 0.3 THEN substr('nrstlm', 1 + floor(random() * 6)::int, 1) ELSE '' END, '')
           FROM generate_series(1, 2 + (i % 3))) AS w
FROM generate_series(1, 6000) AS i;
ALTER TABLE vocabulary ADD PRIMARY KEY (i);
CREATE TEMP TABLE pages AS
SELECT x.p, string_agg(v.w || CASE WHEN x.r < 0.08 THEN ',' WHEN x.r < 0.13 THEN '.' ELSE '' END, ' ' ORDER BY x.n) AS text
FROM (SELECT n, n / 300 AS p, 1 + floor(6000 * random() ^ 3)::int AS wi, random() AS r
      FROM generate_series(0, 300 * 20000 - 1) AS n) AS x
JOIN vocabulary v ON v.i = x.wi
GROUP BY x.p;
ALTER TABLE pages ADD PRIMARY KEY (p);
ANALYZE vocabulary, pages;

-- About n words of running text (n ≤ 250), from a random place of a random page.
CREATE FUNCTION pg_temp.cut(n int, page int, start int) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT initcap(substr(text, 1 + start, 1)) || substr(text, 2 + start, greatest(n, 1) * 7) || '.'
  FROM pages WHERE p = page
$$;
CREATE FUNCTION pg_temp.prose(n int) RETURNS text LANGUAGE sql VOLATILE AS $$
  SELECT pg_temp.cut(n, floor(random() * 20000)::int, floor(random() * 60)::int)
$$;
CREATE FUNCTION pg_temp.lookup(i int) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT w FROM vocabulary WHERE vocabulary.i = lookup.i
$$;
CREATE FUNCTION pg_temp.word() RETURNS text LANGUAGE sql VOLATILE AS $$
  SELECT pg_temp.lookup(1 + floor(6000 * random() ^ 3)::int)
$$;
-- The uuid of profile n (random-looking, but any table can refer to profile n).
CREATE FUNCTION pg_temp.profile(n bigint) RETURNS uuid LANGUAGE sql IMMUTABLE AS $$
  SELECT md5('profile' || n)::uuid
$$;
CREATE FUNCTION pg_temp.post(n bigint) RETURNS uuid LANGUAGE sql IMMUTABLE AS $$
  SELECT md5('post' || n)::uuid
$$;
CREATE FUNCTION pg_temp.moment(days int) RETURNS timestamptz LANGUAGE sql VOLATILE AS $$
  SELECT timestamptz '2026-11-01 00:00:00+00' - random() * make_interval(days => days)
$$;

\set profiles '(20 * :scale)'
\set posts '(40 * :scale)'

CREATE TABLE public.profiles (
  id uuid PRIMARY KEY,
  username text NOT NULL UNIQUE,
  full_name text,
  bio text,
  avatar_url text,
  website text,
  settings jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now());
INSERT INTO public.profiles
SELECT pg_temp.profile(n), pg_temp.word() || '_' || n, initcap(pg_temp.word() || ' ' || pg_temp.word()),
  CASE WHEN random() < 0.7 THEN pg_temp.prose(8 + floor(random() * 30)::int) END,
  'https://abcdefghijklmnop.supabase.co/storage/v1/object/public/avatars/' || gen_random_uuid() || '.png',
  CASE WHEN random() < 0.3 THEN 'https://' || pg_temp.word() || '.' || (ARRAY['com', 'io', 'dev', 'org'])[1 + floor(random() * 4)::int] END,
  jsonb_build_object(
    'theme', (ARRAY['light', 'dark', 'system'])[1 + floor(random() * 3)::int],
    'locale', (ARRAY['en-US', 'en-GB', 'de-DE', 'fr-FR', 'es-ES', 'pt-BR', 'ja-JP', 'nl-NL'])[1 + floor(random() * 8)::int],
    'notifications', jsonb_build_object('email', random() < 0.5, 'push', random() < 0.3, 'digest', (ARRAY['daily', 'weekly', 'never'])[1 + floor(random() * 3)::int]),
    'onboarded_at', pg_temp.moment(700)),
  pg_temp.moment(900), pg_temp.moment(60)
FROM generate_series(1, :profiles) AS n;

CREATE TABLE public.posts (
  id uuid PRIMARY KEY,
  author_id uuid NOT NULL REFERENCES public.profiles (id),
  title text NOT NULL,
  body text NOT NULL,
  tags text[] NOT NULL DEFAULT '{}',
  status text NOT NULL,
  metadata jsonb NOT NULL DEFAULT '{}',
  published_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now());
INSERT INTO public.posts
SELECT pg_temp.post(n), pg_temp.profile(1 + floor(random() * :profiles)::bigint),
  pg_temp.prose(4 + floor(random() * 9)::int), pg_temp.prose(30 + floor(random() * 250)::int),
  ARRAY(SELECT pg_temp.word() FROM generate_series(1, 1 + floor(random() * 4)::int + n * 0)),
  (ARRAY['draft', 'published', 'published', 'published', 'archived'])[1 + floor(random() * 5)::int],
  jsonb_build_object(
    'reading_minutes', 1 + floor(random() * 12)::int,
    'source', (ARRAY['web', 'ios', 'android', 'api'])[1 + floor(random() * 4)::int],
    'links', to_jsonb(ARRAY(SELECT 'https://' || pg_temp.word() || '.com/' || substr(md5(random()::text), 1, 10)
                            FROM generate_series(1, floor(random() * 3)::int + n * 0))),
    'score', round((random() * 100)::numeric, 3)),
  CASE WHEN random() < 0.8 THEN pg_temp.moment(800) END, pg_temp.moment(800)
FROM generate_series(1, :posts) AS n;

CREATE TABLE public.comments (
  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  post_id uuid NOT NULL REFERENCES public.posts (id),
  author_id uuid NOT NULL REFERENCES public.profiles (id),
  body text NOT NULL,
  edited boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now());
INSERT INTO public.comments (post_id, author_id, body, edited, created_at)
SELECT pg_temp.post(1 + floor(random() * :posts)::bigint), pg_temp.profile(1 + floor(random() * :profiles)::bigint),
  pg_temp.prose(3 + floor(random() * 40)::int), random() < 0.1, pg_temp.moment(700)
FROM generate_series(1, 120 * :scale) AS n;

CREATE TABLE public.messages (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  room_id uuid NOT NULL,
  sender_id uuid NOT NULL REFERENCES public.profiles (id),
  content text NOT NULL,
  attachments jsonb,
  read_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now());
INSERT INTO public.messages (room_id, sender_id, content, attachments, read_at, created_at)
SELECT md5('room' || floor(random() * :scale * 5)::int)::uuid, pg_temp.profile(1 + floor(random() * :profiles)::bigint),
  pg_temp.prose(2 + floor(random() * 25)::int),
  CASE WHEN random() < 0.15 THEN jsonb_build_array(jsonb_build_object(
    'path', 'chat/' || gen_random_uuid() || '.jpg', 'size', floor(random() * 4000000)::int,
    'mime', (ARRAY['image/jpeg', 'image/png', 'application/pdf'])[1 + floor(random() * 3)::int])) END,
  CASE WHEN random() < 0.6 THEN pg_temp.moment(300) END, pg_temp.moment(300)
FROM generate_series(1, 160 * :scale) AS n;

CREATE TABLE public.events (
  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  user_id uuid REFERENCES public.profiles (id),
  event text NOT NULL,
  properties jsonb NOT NULL,
  ip inet,
  occurred_at timestamptz NOT NULL);
INSERT INTO public.events (user_id, event, properties, ip, occurred_at)
SELECT CASE WHEN random() < 0.9 THEN pg_temp.profile(1 + floor(random() * :profiles)::bigint) END,
  (ARRAY['page_view', 'page_view', 'page_view', 'click', 'sign_in', 'sign_out', 'search', 'post_created',
         'comment_created', 'message_sent', 'upload', 'error'])[1 + floor(random() * 12)::int],
  jsonb_build_object(
    'path', '/' || pg_temp.word() || '/' || pg_temp.word(),
    'referrer', CASE WHEN random() < 0.4 THEN 'https://' || pg_temp.word() || '.com/' END,
    'session', gen_random_uuid(),
    'duration_ms', floor(random() * 30000)::int,
    'user_agent', (ARRAY['Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 Safari/605.1.15',
                         'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/124.0 Safari/537.36',
                         'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) Mobile/15E148',
                         'Dart/3.3 (dart:io)'])[1 + floor(random() * 4)::int],
    'query', CASE WHEN random() < 0.2 THEN pg_temp.prose(1 + floor(random() * 4)::int) END),
  ('10.' || floor(random() * 256)::int || '.' || floor(random() * 256)::int || '.' || floor(random() * 256)::int)::inet,
  pg_temp.moment(120)
FROM generate_series(1, :events * :scale) AS n;
