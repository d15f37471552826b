-- 0002_extensions.sql — schema `extensions` with pgcrypto and uuid-ossp, the search_path
-- that makes them resolvable, and what `postgres` may do in this database.
--
-- Imitates supabase/postgres `00000000000000-initial-schema.sql` (schema extensions,
-- usage for the API roles, default privileges in public) and
-- `10000000000000_demote-postgres.sql` (`GRANT ALL ON DATABASE … TO postgres`).
-- Supabase puts `extensions` on every role's search_path ("$user", public, extensions);
-- here that is a per-database setting, so the cluster's other databases are untouched.

CREATE SCHEMA IF NOT EXISTS extensions AUTHORIZATION supabase_admin;
CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA extensions;
CREATE EXTENSION IF NOT EXISTS "uuid-ossp" WITH SCHEMA extensions;

GRANT USAGE ON SCHEMA extensions TO postgres, anon, authenticated, service_role;
GRANT ALL ON SCHEMA extensions TO postgres;
GRANT ALL ON ALL TABLES IN SCHEMA extensions TO postgres;
GRANT ALL ON ALL SEQUENCES IN SCHEMA extensions TO postgres;
GRANT ALL ON ALL ROUTINES IN SCHEMA extensions TO postgres;
GRANT EXECUTE ON ALL ROUTINES IN SCHEMA extensions TO anon, authenticated, service_role;

-- gen_random_uuid() is core since PostgreSQL 13 (pg_catalog wins over pgcrypto's copy);
-- uuid_generate_v4() and crypt()/gen_salt() resolve through the search_path.
DO $search_path$
BEGIN
  EXECUTE format('ALTER DATABASE %I SET search_path = "$user", public, extensions',
                 current_database());
  EXECUTE format('GRANT ALL ON DATABASE %I TO postgres', current_database());
END
$search_path$;
SET search_path = "$user", public, extensions;

-- Schema public: as on Supabase, postgres creates in it and the API roles use it; what
-- postgres creates there is granted to the API roles by default (RLS decides the rows).
GRANT ALL ON SCHEMA public TO postgres;
GRANT USAGE ON SCHEMA public TO anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA public
  GRANT ALL ON TABLES TO anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA public
  GRANT ALL ON SEQUENCES TO anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA public
  GRANT ALL ON ROUTINES TO anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES FOR ROLE supabase_admin IN SCHEMA public
  GRANT ALL ON TABLES TO postgres, anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES FOR ROLE supabase_admin IN SCHEMA public
  GRANT ALL ON SEQUENCES TO postgres, anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES FOR ROLE supabase_admin IN SCHEMA public
  GRANT ALL ON ROUTINES TO postgres, anon, authenticated, service_role;
