-- 0001_roles.sql — the cluster-wide roles of a Supabase project.
--
-- Imitates supabase/postgres `migrations/db/init-scripts/00000000000000-initial-schema.sql`
-- (API roles), `00000000000001-auth-schema.sql` / `00000000000002-storage-schema.sql`
-- (schema admin roles) and `migrations/db/migrations/10000000000000_demote-postgres.sql`
-- (`postgres` is an ordinary role; the superuser is `supabase_admin`).
--
-- Roles are cluster-wide while this file runs once per database, possibly for many
-- databases at the same time: every role is created only when missing, attributes are
-- (re)set idempotently, and the whole file holds a lock on the shared catalog pg_authid
-- (SHARE ROW EXCLUSIVE: it conflicts with itself and with CREATE/ALTER ROLE, not with
-- logins) so that two databases getting the stand-in at once do not race.

LOCK TABLE pg_catalog.pg_authid IN SHARE ROW EXCLUSIVE MODE;

DO $roles$
DECLARE
  spec record;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'supabase_admin' AND rolsuper) THEN
    RAISE EXCEPTION 'the Supabase stand-in needs a cluster whose superuser is supabase_admin'
      USING HINT = 'create the cluster with: initdb -U supabase_admin';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'postgres' AND oid = 10) THEN
    RAISE EXCEPTION 'postgres is this cluster''s bootstrap superuser; on Supabase it is an ordinary role'
      USING HINT = 'create the cluster with: initdb -U supabase_admin';
  END IF;

  FOR spec IN
    SELECT * FROM (VALUES
      -- name,                    attributes (as on Supabase)
      ('anon',                   'NOLOGIN NOINHERIT'),
      ('authenticated',          'NOLOGIN NOINHERIT'),
      ('service_role',           'NOLOGIN NOINHERIT BYPASSRLS'),
      ('authenticator',          'LOGIN NOINHERIT'),
      ('supabase_auth_admin',    'LOGIN NOINHERIT CREATEROLE NOREPLICATION'),
      ('supabase_storage_admin', 'LOGIN NOINHERIT CREATEROLE NOREPLICATION'),
      ('postgres',               'LOGIN NOSUPERUSER INHERIT CREATEROLE CREATEDB REPLICATION BYPASSRLS')
    ) AS r(name, attributes)
  LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = spec.name) THEN
      BEGIN
        EXECUTE format('CREATE ROLE %I %s', spec.name, spec.attributes);
      EXCEPTION WHEN duplicate_object OR unique_violation THEN
        NULL;  -- created meanwhile by another database's stand-in
      END;
    END IF;
    EXECUTE format('ALTER ROLE %I %s', spec.name, spec.attributes);
  END LOOP;
END
$roles$;

-- PostgREST logs in as authenticator and switches to the role named in the JWT; Supabase
-- also grants the API roles to postgres (supabase/postgres
-- 20230201083204_grant_auth_roles_to_postgres.sql), so `SET ROLE authenticated` works for it.
-- Granted only when missing, so that a second database's stand-in stays quiet.
DO $memberships$
DECLARE
  member text;
  api_role text;
BEGIN
  FOREACH member IN ARRAY ARRAY['authenticator', 'postgres'] LOOP
    FOREACH api_role IN ARRAY ARRAY['anon', 'authenticated', 'service_role'] LOOP
      IF NOT pg_has_role(member, api_role, 'MEMBER') THEN
        EXECUTE format('GRANT %I TO %I', api_role, member);
      END IF;
    END LOOP;
  END LOOP;
END
$memberships$;

-- The schema admins work in their own schema (as GoTrue and storage-api expect).
ALTER ROLE supabase_auth_admin SET search_path = auth;
ALTER ROLE supabase_storage_admin SET search_path = storage;
-- PostgREST's statement timeouts, as on Supabase.
ALTER ROLE anon SET statement_timeout = '3s';
ALTER ROLE authenticated SET statement_timeout = '8s';
ALTER ROLE authenticator SET statement_timeout = '8s';
