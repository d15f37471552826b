-- A plain-SQL stand-in dataset (bench/run --dataset sql, or when cutover-fixture is not
-- built): about 25 kB of COPY text per unit of :scale, events over half of it, with primary
-- keys, a unique index, secondary indexes and foreign keys for the restores to rebuild.
\set ON_ERROR_STOP 1
CREATE SCHEMA app;
CREATE TABLE app.users (
  id bigint PRIMARY KEY, email text NOT NULL UNIQUE, display_name text, created_at timestamptz NOT NULL);
CREATE TABLE app.posts (
  id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES app.users, title text NOT NULL,
  body text, published boolean NOT NULL DEFAULT false, created_at timestamptz NOT NULL);
CREATE INDEX posts_user_id ON app.posts (user_id);
CREATE TABLE app.events (
  id bigint PRIMARY KEY, user_id bigint REFERENCES app.users, post_id bigint REFERENCES app.posts,
  kind text NOT NULL, payload jsonb, created_at timestamptz NOT NULL);
CREATE INDEX events_user_id_created_at ON app.events (user_id, created_at);
CREATE INDEX events_post_id ON app.events (post_id);
CREATE TABLE app.tags (id int PRIMARY KEY, label text NOT NULL UNIQUE);

INSERT INTO app.tags SELECT g, 'tag ' || g FROM generate_series(1, 200) g;
INSERT INTO app.users
  SELECT g, 'user' || g || '@example.com', 'Üser ' || md5(g::text),
         timestamptz '2020-01-01' + g * interval '1 second'
    FROM generate_series(1, 20 * :scale) g;
INSERT INTO app.posts
  SELECT g, 1 + g % (20 * :scale), 'Post ' || g || ' ' || md5(g::text),
         repeat(md5((g * 7)::text) || E' \t\\ ', 6), g % 3 = 0,
         timestamptz '2021-01-01' + g * interval '1 second'
    FROM generate_series(1, 25 * :scale) g;
INSERT INTO app.events
  SELECT g, 1 + g % (20 * :scale), CASE WHEN g % 4 = 0 THEN NULL ELSE 1 + g % (25 * :scale) END,
         (ARRAY['view', 'click', 'signup', 'purchase'])[1 + g % 4],
         jsonb_build_object('n', g, 'ref', md5(g::text), 'ok', g % 2 = 0),
         timestamptz '2022-01-01' + g * interval '1 second'
    FROM generate_series(1, 120 * :scale) g;
