#!/usr/bin/env bash
# A full local cutover rehearsal on a fresh machine: installs what is needed, builds
# cutover, starts a local PostgreSQL 15 (scripts/local-cluster.sh), builds a legacy
# database full of awkward rehearsal data (cutover-fixture) and an empty v2 target, then
# runs the stages that exist so far: doctor, migrate (v2 chain), plan, export, check-export,
# import. Verify and the gates join as their issues land.
# Idempotent: a second run reuses the cluster and starts the databases and export afresh.
# REHEARSAL_SCALE (default 1) and REHEARSAL_SEED (default 1) size the data.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
swift build -c release
bin=$(swift build -c release --show-bin-path)
source scripts/local-cluster.sh

psql_admin() { PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 "$REHEARSAL_URL_BASE/postgres" "$@"; }
for db in legacy v2; do
  psql_admin -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
done
export SOURCE_DATABASE_URL="$REHEARSAL_URL_BASE/legacy"
export TARGET_DATABASE_URL="$REHEARSAL_URL_BASE/v2"

export_dir="$REHEARSAL_DIR/export"
rm -rf "$export_dir"

echo "== legacy fixture: stand-in + legacy chain, then data (scale ${REHEARSAL_SCALE:-1})"
"$bin/cutover-fixture" create --target "$SOURCE_DATABASE_URL"
"$bin/cutover-fixture" fill --target "$SOURCE_DATABASE_URL" --scale "${REHEARSAL_SCALE:-1}" --seed "${REHEARSAL_SEED:-1}"

echo "== doctor"
"$bin/cutover" doctor --export-dir "$export_dir"

echo "== migrate: the v2 chain on the empty target (with the local Supabase stand-in)"
"$bin/cutover" migrate --local-stand-in

echo "== plan: every source table and column accounted for against the migrated target"
"$bin/cutover" plan

echo "== export"
"$bin/cutover" export --export-dir "$export_dir"

echo "== check-export"
"$bin/cutover" check-export --export-dir "$export_dir"

echo "== import: the chunks through the mappings into the v2 target"
"$bin/cutover" import --export-dir "$export_dir"

echo "rehearsal: done (cluster in $REHEARSAL_DIR, port $REHEARSAL_PORT; export in $export_dir)"
echo "rehearsal: verify (parity report), approve and switch are not built yet"
