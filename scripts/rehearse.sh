#!/usr/bin/env bash
# A full local cutover rehearsal on a fresh machine: installs what is needed, builds
# cutover, starts a local PostgreSQL 15 (scripts/local-cluster.sh), then runs the stages
# that exist so far against a legacy database and an empty v2 database on it.
# Idempotent: a second run reuses the cluster and starts the databases afresh.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
swift build -c release
bin=$(swift build -c release --show-bin-path)
source scripts/local-cluster.sh

psql_admin() { psql -X -q -v ON_ERROR_STOP=1 "$REHEARSAL_URL_BASE/postgres" "$@"; }
for db in legacy v2; do
  psql_admin -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
done
export SOURCE_DATABASE_URL="$REHEARSAL_URL_BASE/legacy"
export TARGET_DATABASE_URL="$REHEARSAL_URL_BASE/v2"

echo "== doctor"
"$bin/cutover" doctor
echo "rehearsal: done (cluster in $REHEARSAL_DIR, port $REHEARSAL_PORT)"
