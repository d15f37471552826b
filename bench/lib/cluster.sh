# A throwaway PostgreSQL 15 cluster in $W/cluster for bench/estimate and bench/scaling, made as
# bench/run makes its own: superuser supabase_admin with a scram password in $W/password
# (0600, only ever in PGPASSWORD), TCP on 127.0.0.1, a free port, server defaults except
# max_wal_size (and shared_buffers, a quarter of RAM). Sourced after lib/common.sh.

cluster_stop() {
  if [ -f "$W/cluster/data/postmaster.pid" ]; then
    as_owner "$PG_BIN/pg_ctl" -D "$W/cluster/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
}

# Starts a fresh cluster (removing one left by an interrupted run) and exports PG* for it.
cluster_start() {
  cluster_stop
  rm -rf "$W/cluster" "$W/password" "$W/port"
  mkdir -p "$W/cluster"
  (umask 077; head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$W/password")
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' > "$W/port"
  if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$W/cluster" "$W/password"; fi
  as_owner "$PG_BIN/initdb" -D "$W/cluster/data" -U supabase_admin --pwfile="$W/password" \
    --auth=scram-sha-256 -E UTF8 --locale=C >/dev/null || return 1
  if [ "$(id -u)" -eq 0 ]; then chown root:root "$W/password"; fi
  local ram_mb
  ram_mb=$(awk '/MemTotal/ {print int($2 / 1024)}' /proc/meminfo)
  as_owner "$PG_BIN/pg_ctl" -D "$W/cluster/data" -l "$W/cluster/server.log" -w -o "\
-p $(cat "$W/port") -k $W/cluster -c listen_addresses=127.0.0.1 \
-c shared_buffers=$(( ram_mb / 4 ))MB -c max_wal_size=4096MB" start >/dev/null || return 1
  PGPASSWORD=$(cat "$W/password")
  export PGHOST=127.0.0.1 PGPORT=$(cat "$W/port") PGUSER=supabase_admin PGPASSWORD
}

# The fixture at scale $2 in a fresh database $1, VACUUMed ($FIXTURE: cutover-fixture).
fixture_fill() {
  fresh_db "$1"
  (cd "$REPO_DIR" && "$FIXTURE" create --target "$(url "$1")" >/dev/null &&
    "$FIXTURE" fill --target "$(url "$1")" --scale "$2" --seed 1 --jobs 2 --quiet) >&2 || return 1
  q -d "$1" -c "VACUUM ANALYZE" >&2
}

# The tables of database $1 as the per-table floors read them (oid, name, bytes on disk, 0
# rows), largest first — for a list measured by size on disk rather than by COPY text.
table_sizes() {
  q -d "$1" -F $'\t' -c "
    SELECT c.oid, format('%I.%I', n.nspname, c.relname), pg_table_size(c.oid), 0 FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema')
      AND n.nspname NOT LIKE 'pg_toast%' ORDER BY 3 DESC"
}
