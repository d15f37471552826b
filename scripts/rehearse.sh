#!/usr/bin/env bash
# A full local cutover rehearsal on a fresh machine: installs what is needed, builds
# cutover, starts a local PostgreSQL 15 (scripts/local-cluster.sh), builds a legacy
# database full of awkward rehearsal data (cutover-fixture) and an empty v2 target, then
# runs `cutover run` (doctor, plan, migrate, export, import, verify) with the example
# cutover.toml and prints where the parity report is. Exit 0 only when the verdict is green.
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

echo "== cutover run: doctor, plan, migrate, export and import, verify (a dry run: the source is never frozen)"
status=0
"$bin/cutover" run --config cutover.example.toml --export-dir "$export_dir" --local-stand-in || status=$?
"$bin/cutover" status --export-dir "$export_dir"
echo "rehearsal: the parity report is $export_dir/report.html (and report.md beside it)"
echo "rehearsal: cluster in $REHEARSAL_DIR, port $REHEARSAL_PORT; remove the export with: cutover purge --export-dir $export_dir"
exit $status
