#!/usr/bin/env bash
# Starts (or reuses) the local rehearsal cluster: PostgreSQL 15 in $REHEARSAL_DIR (default
# .rehearsal/), superuser supabase_admin as on Supabase, scram-sha-256 password kept in
# $REHEARSAL_DIR/password (mode 0600), port $REHEARSAL_PORT (default 54329).
# Prints nothing; other scripts source it and use REHEARSAL_URL_BASE.
set -euo pipefail
REHEARSAL_DIR=${REHEARSAL_DIR:-$PWD/.rehearsal}
REHEARSAL_PORT=${REHEARSAL_PORT:-54329}
bindir=$(pg_config --bindir 2>/dev/null || true)
[ -x "$bindir/initdb" ] || bindir=/usr/lib/postgresql/15/bin

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

mkdir -p "$REHEARSAL_DIR"
chmod 0700 "$REHEARSAL_DIR"
if [ ! -s "$REHEARSAL_DIR/password" ]; then
  (umask 077; head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$REHEARSAL_DIR/password")
fi
if [ "$(id -u)" -eq 0 ]; then chown -R postgres:postgres "$REHEARSAL_DIR"; fi
if [ ! -f "$REHEARSAL_DIR/data/PG_VERSION" ]; then
  as_owner "$bindir/initdb" -D "$REHEARSAL_DIR/data" -U supabase_admin \
    --pwfile="$REHEARSAL_DIR/password" --auth=scram-sha-256 -E UTF8 --locale=C >/dev/null
fi
if ! as_owner "$bindir/pg_ctl" -D "$REHEARSAL_DIR/data" status >/dev/null 2>&1; then
  as_owner "$bindir/pg_ctl" -D "$REHEARSAL_DIR/data" -l "$REHEARSAL_DIR/server.log" -w \
    -o "-p $REHEARSAL_PORT -k $REHEARSAL_DIR -c listen_addresses=127.0.0.1" start >/dev/null
fi
REHEARSAL_PASSWORD=$(cat "$REHEARSAL_DIR/password")
# The password travels in PGPASSWORD, never in a URL that could be printed.
export PGPASSWORD=$REHEARSAL_PASSWORD
REHEARSAL_URL_BASE="postgresql://supabase_admin@127.0.0.1:$REHEARSAL_PORT"
export REHEARSAL_DIR REHEARSAL_PORT REHEARSAL_URL_BASE
