#!/usr/bin/env bash
# Executes every ```sh block of the runbooks, in order, against a local PostgreSQL 15 where
# the rehearsal fixture stands in for staging and production, so the runbooks cannot rot.
# CI runs it after the tests. ```text blocks are documentation only.
#
# Scenarios: local rehearsal; staging dry run; production cutover (freeze → switch → purge);
# then, on a fresh "production", the production runbook up to its switch and the rollback.
# RUNBOOKS_SCALE (default 1) sizes the fixture; RUNBOOKS_PORT (default 54339) the cluster.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
source scripts/setup.sh
swift build >/dev/null
bin=$(swift build --show-bin-path)
export PATH="$bin:$PATH"
# A free port from 54339 up (another cluster may hold one), unless RUNBOOKS_PORT says.
port=${RUNBOOKS_PORT:-54339}
if [ -z "${RUNBOOKS_PORT:-}" ] && [ ! -f "$root/.runbooks/data/postmaster.pid" ]; then
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
fi
export REHEARSAL_DIR="$root/.runbooks" REHEARSAL_PORT="$port"
source scripts/local-cluster.sh
if [ -n "${CUTOVER_RUNBOOKS_STOP:-}" ]; then
  # CI: stop the cluster however the script ends.
  stop_cluster() {
    local bindir; bindir=$(pg_config --bindir 2>/dev/null || echo /usr/lib/postgresql/15/bin)
    [ -x "$bindir/pg_ctl" ] || bindir=/usr/lib/postgresql/15/bin
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$bindir/pg_ctl" -D "$REHEARSAL_DIR/data" -m fast stop >/dev/null || true
    else "$bindir/pg_ctl" -D "$REHEARSAL_DIR/data" -m fast stop >/dev/null || true; fi
  }
  trap stop_cluster EXIT
fi

# The operator's working directory: the repository's mappings and chain, and a cutover.toml
# for a plain PostgreSQL (the example's, with local_stand_in = true).
work="$REHEARSAL_DIR/work"
rm -rf "$work"
mkdir -p "$work"
ln -s "$root/mappings" "$work/mappings"
ln -s "$root/supabase" "$work/supabase"
grep -v '^export_dir' cutover.example.toml > "$work/cutover.toml"
if [ "$(id -u)" -eq 0 ]; then chown -R postgres:postgres "$REHEARSAL_DIR"; chown -h root:root "$work"/*; fi

psql_admin() { PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 "$REHEARSAL_URL_BASE/postgres" "$@"; }
fresh() { for db in "$@"; do psql_admin -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"; done; }

export SOURCE_DATABASE_URL="$REHEARSAL_URL_BASE/legacy"
export TARGET_DATABASE_URL="$REHEARSAL_URL_BASE/v2"
export STAGING_EXPORT_DIR="$work/staging-export"
export APP_ENV_FILE="$work/app.env"
export APPROVER="runbook reviewer"

# Prints the ```sh blocks of $1, up to the heading $2 when given.
blocks() {
  awk -v stop="${2:-}" '
    stop != "" && $0 == stop { exit }
    /^```sh[[:space:]]*$/ { inside = 1; next }
    /^```/ { inside = 0; next }
    inside { print }
  ' "$1"
}

# Runs the blocks of runbook $1 (up to heading $2) in one shell, echoing each command.
play() {
  local runbook=$1 stop=${2:-}
  echo "== runbooks/$runbook${stop:+ (up to \"$stop\")}"
  local script
  script=$(blocks "runbooks/$runbook" "$stop")
  [ -n "$script" ] || { echo "runbooks: no sh block in runbooks/$runbook" >&2; exit 1; }
  (cd "$work" && bash -euo pipefail -x -c "$script")
}

started=$(date +%s)
fresh legacy v2
EXPORT_DIR="$work/rehearsal-export" play local-rehearsal.md

fresh v2
EXPORT_DIR="$STAGING_EXPORT_DIR" play staging-dry-run.md

fresh v2
printf 'APP_NAME=demo\nDATABASE_URL=%s\n' "$SOURCE_DATABASE_URL" > "$APP_ENV_FILE"
cp "$APP_ENV_FILE" "$work/app.env.before"
EXPORT_DIR="$work/production-export" play production-cutover.md
grep -q "^DATABASE_URL=$TARGET_DATABASE_URL\$" "$APP_ENV_FILE" || { echo "runbooks: the env file was not switched" >&2; exit 1; }
[ ! -e "$work/production-export" ] && [ ! -e "$STAGING_EXPORT_DIR" ] || { echo "runbooks: an export directory was not purged" >&2; exit 1; }

# Rollback: a second production, switched, then rolled back.
fresh legacy v2
cutover-fixture create --target "$SOURCE_DATABASE_URL" >/dev/null
cutover-fixture fill --target "$SOURCE_DATABASE_URL" --scale "${RUNBOOKS_SCALE:-1}" --seed 2 >/dev/null
EXPORT_DIR="$work/staging-export" play staging-dry-run.md
fresh v2
cp "$work/app.env.before" "$APP_ENV_FILE"
export EXPORT_DIR="$work/rollback-export"
play production-cutover.md "## Roll back when"
play rollback.md
cmp "$APP_ENV_FILE" "$work/app.env.before" || { echo "runbooks: rollback did not restore the env file" >&2; exit 1; }
echo "runbooks: every runbook ran ($(( $(date +%s) - started )) s)"
