# Shared by bench/run and the measured commands (bench/lib/do): paths, the bench cluster's
# connection settings, and small helpers. Sourced, never run.

BENCH_DIR=${BENCH_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
REPO_DIR=${REPO_DIR:-$(cd "$BENCH_DIR/.." && pwd)}
W=${BENCH_WORK:-$BENCH_DIR/work}          # everything throwaway: cluster, dumps, exports
LIB=$BENCH_DIR/lib
export BENCH_DIR REPO_DIR W LIB

# The bench cluster: superuser supabase_admin, scram password in $W/password (0600), TCP on
# 127.0.0.1 for every tool alike. The password only ever travels in PGPASSWORD.
PG_BIN=$(pg_config --bindir 2>/dev/null || true)
[ -x "$PG_BIN/initdb" ] || PG_BIN=/usr/lib/postgresql/15/bin
# The real programs, not Debian's perl wrapper in /usr/bin (its start-up would weigh on the
# per-table floors, one psql per table).
export PATH=$PG_BIN:$PATH
if [ -f "$W/port" ]; then
  export PGHOST=127.0.0.1 PGPORT=$(cat "$W/port") PGUSER=supabase_admin
  [ -f "$W/password" ] && PGPASSWORD=$(cat "$W/password") && export PGPASSWORD
fi
export PGDATABASE=postgres PGSSLMODE=disable PGAPPNAME=bench

# Database names used by the measurements.
SOURCE_DB=legacy        # the dataset (cutover-fixture create + fill), read-only after VACUUM
url() { echo "postgresql://supabase_admin@127.0.0.1:$PGPORT/$1?sslmode=disable"; }

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

q() { psql -X -q -v ON_ERROR_STOP=1 -At "$@"; }

# An empty database (dropped first if it exists).
fresh_db() {
  q -c "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)" -c "CREATE DATABASE \"$1\" TEMPLATE template0"
}
drop_db() { q -c "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)"; }

# Untimed reset before every timed run: nothing dirty left over from the previous measurement.
settle() { q -c CHECKPOINT; sync; }

# Tables of the dataset, largest first: "schema.table<TAB>quoted name" (written by bench/run).
tables_file() { echo "$W/tables.tsv"; }
