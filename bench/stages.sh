# The benchmark's stage table and every measured command. Sourced by bench/run and by
# bench/lib/do (which hyperfine calls), never run on its own.
#
# Adding or changing a stage is an edit here only:
#   1. a row in STAGES: the stage, the cutover subcommands it needs, the function that runs
#      cutover, and its baselines with their bars (name:bar, "-" for a reference without bar);
#   2. the functions named in that row (and optionally prepare_<name> / cleanup_<name>,
#      run untimed before each timed run / after the last one).
# A stage whose needs are not all in `cutover --help` is shown as "not built yet"; its
# baselines are still measured, so the reference numbers are there when it lands.
# A need is a subcommand (`import`); `subcommand:word` when `word` (a flag) in
# `cutover subcommand --help` tells the feature is there; `manifest:key` when the export
# stage's manifest.json holds a non-null `key` (the source parity digests: `parity`).
#
# Run order is the table's order; inside a row, the baselines run first and cutover last, so
# what cutover leaves behind (the export directory, the imported target) is there for the
# rows below. Every cutover process is wrapped in GNU time (peak RSS, bar RSS_BAR_MB).

RSS_BAR_MB=150   # peak resident set size of any cutover process, in MB (10^6 bytes)

# stage           needs                     cutover command          baselines (name:bar)
STAGES='
export            export                    cutover_export           copy_floor:1.2 pg_dump:-
export-app        export                    cutover_export_app       copy_floor_app:1.2
export-skewed     export                    cutover_export_skewed    copy_floor_skewed:1.2
export-app-fast   export                    cutover_export_app_fast  copy_floor_app:-
export+digests    export:--no-parity        cutover_export_digests   copy_hash_floor:1.3
export+digests-cold export:--no-parity      cutover_export_digests_cold copy_hash_floor:-
check-export      check-export              cutover_check_export     zstd_sha_floor:-
migrate           migrate                   cutover_migrate          -
import            migrate,import            cutover_import           pg_restore:1.1 bare_load:-
verify            import,verify             cutover_verify           hash_floor:1.5
end-to-end        export,migrate,import     cutover_end_to_end       pgcopydb_clone:1.3
'

# The source is VACUUMed and already read once when the run measures the dataset (page cache,
# shared buffers and hint bits settled, as on a production source), so reads of it need no
# warm-up. Verify reads a freshly imported target: one untimed warm-up run sets its hint bits,
# and the timed runs compare steady state with hash_floor's steady state on the source.
WARMUP_MEASUREMENTS="cutover_verify"

JOBS=2   # parallelism everywhere: cutover --jobs, pg_dump/pg_restore -j, two streams, pgcopydb

# Databases: the dataset ($SOURCE_DB, common.sh) and one scratch target that every writing
# measurement recreates, so the disk holds at most the source, one target and the files.
TARGET_DB=target

# The v2 chain's catalog cache (README: `CUTOVER_CACHE_DIR`) of the bench's own, never the
# user's: each row below says whether it starts with it warm or empty.
export CUTOVER_CACHE_DIR=$W/chain-cache

# cutover itself: the timed runs go through GNU time (peak RSS per process); prepare steps
# call "$CUTOVER_BIN" directly.
cutover() { /usr/bin/time -v -a -o "$W/rss/$BENCH_MEASURE.txt" "$CUTOVER_BIN" "$@"; }
has_subcommand() { grep -qx "$1" "$W/subcommands"; }

# --- export -------------------------------------------------------------------------------
# `cutover export --no-parity` of database $1 into $W/$2, further flags after.
export_without_digests() {
  local database=$1 directory=$2
  shift 2
  cutover export --source "$(url "$database")" --export-dir "$W/$directory" --jobs "$JOBS" --no-parity "$@"
}
# The export alone, without source digests (--no-parity): the export+digests row below
# carries those, and its export directory is the one the later rows import and verify.
prepare_cutover_export() { rm -rf "$W/export-raw"; settle; }
cutover_export() { export_without_digests "$SOURCE_DB" export-raw; }
# COPY … TO STDOUT of every table into /dev/null, two tables at a time, largest first.
copy_floor() { "$LIB/per-table" copy "$SOURCE_DB"; }
prepare_pg_dump() { rm -rf "$W/dump"; settle; }
pg_dump() { command pg_dump -Fd -j "$JOBS" -f "$W/dump" "$SOURCE_DB"; }

# The same on the app-shaped dataset and on its variant where one table holds ~80 % of the
# bytes (bench/run makes both; no mappings for them, so no digests).
prepare_cutover_export_app() { rm -rf "$W/export-app"; settle; }
cutover_export_app() { export_without_digests app export-app; }
copy_floor_app() { "$LIB/per-table" copy app; }
# For reference: the app-shaped export at zstd's fast level -5 (what the CPU costs of level 1
# amount to on two cores, where the COPY itself keeps both busy).
prepare_cutover_export_app_fast() { rm -rf "$W/export-app-fast"; settle; }
cutover_export_app_fast() { export_without_digests app export-app-fast --level=-5; }
prepare_cutover_export_skewed() { rm -rf "$W/export-skewed"; settle; }
cutover_export_skewed() { export_without_digests skewed export-skewed; }
copy_floor_skewed() { "$LIB/per-table" copy skewed; }

# --- export with its source parity digests (the default; what import and verify read) -----
# As the runbooks run it: after `cutover plan`, which applies the v2 chain to a scratch
# database and caches its catalog, so the export starts its COPY (with the digests in it) at
# once. The -cold row below starts with the cache empty: the export builds the catalog itself
# (a scratch database, seconds of DDL) before its COPY — a reference, without bar.
prepare_cutover_export_digests() {
  rm -rf "$W/export" "$CUTOVER_CACHE_DIR"
  (cd "$REPO_DIR" && "$CUTOVER_BIN" plan --source "$(url "$SOURCE_DB")") >/dev/null ||
    echo "bench: cutover plan failed while warming the chain's cache" >&2
  settle
}
cutover_export_digests() {
  cutover export --source "$(url "$SOURCE_DB")" --export-dir "$W/export" --jobs "$JOBS" --no-policy-sample
}
prepare_cutover_export_digests_cold() { rm -rf "$W/export-cold" "$CUTOVER_CACHE_DIR"; settle; }
cutover_export_digests_cold() {
  cutover export --source "$(url "$SOURCE_DB")" --export-dir "$W/export-cold" --jobs "$JOBS" --no-policy-sample
}
cleanup_cutover_export_digests_cold() { rm -rf "$W/export-cold"; }
# (The policy sample, verify's source half of the policy-behaviour check, is timed in the
# end-to-end row: a policy check, without a bar — and its cost is the source's policies'.)
# The raw COPY floor plus the hash aggregate on the source, two tasks at a time.
copy_hash_floor() { "$LIB/per-table" copy+hash "$SOURCE_DB"; }

# --- check-export -------------------------------------------------------------------------
cutover_check_export() { cutover check-export --export-dir "$W/export" --jobs "$JOBS"; }
# Reading every chunk file: SHA-256 and zstd decompression (frame checksums), two at a time.
zstd_sha_floor() {
  find "$W/export" -type f -name '*.zst' -print0 |
    xargs -0 -r -P "$JOBS" -n 1 sh -c 'sha256sum "$0" >/dev/null && zstd -q -dc "$0" >/dev/null'
}

# --- migrate ------------------------------------------------------------------------------
prepare_cutover_migrate() { fresh_db "$TARGET_DB"; settle; }
cutover_migrate() {
  cutover migrate --target "$(url "$TARGET_DB")" --local-stand-in
}

# --- import: everything included (mapping, index and key rebuild, sequences, ANALYZE) -----
prepare_cutover_import() {
  fresh_db "$TARGET_DB"
  (cd "$REPO_DIR" && "$CUTOVER_BIN" migrate --target "$(url "$TARGET_DB")" --local-stand-in) >/dev/null
  settle
}
cutover_import() {
  cutover import --target "$(url "$TARGET_DB")" --export-dir "$W/export" --jobs "$JOBS" \
    --mappings "$REPO_DIR/mappings"
}
# pg_restore of the pg_dump above into an empty database.
prepare_pg_restore() { fresh_db "$TARGET_DB"; settle; }
pg_restore() { "$LIB/restore" "$TARGET_DB"; }
# Bare tables (pg_restore --section=pre-data, untimed), then timed: zstd -dc | COPY FROM STDIN
# two tables at a time, then indexes, constraints and triggers (post-data, -j 2).
prepare_bare_load() {
  fresh_db "$TARGET_DB"
  "$LIB/restore" "$TARGET_DB" --section=pre-data "$W/schema.dump"
  settle
}
bare_load() { "$LIB/per-table" load "$TARGET_DB"; }

# --- verify: the data-parity phase (counts and digests of every table, narrowing if any) ---
# Structure, security and policy checks are timed in the end-to-end row, without a bar.
cutover_verify() {
  cutover verify --target "$(url "$TARGET_DB")" --export-dir "$W/export" --jobs "$JOBS" --data-only
}
# count(*) and sum(hashtextextended(row::text, 0)) per table, two tables at a time.
hash_floor() { "$LIB/per-table" hash "$SOURCE_DB"; }

# --- end to end ---------------------------------------------------------------------------
# A first run: the chain's cache empty (its plan step builds it; the export and verify read it).
prepare_cutover_end_to_end() { rm -rf "$W/export-e2e" "$CUTOVER_CACHE_DIR"; fresh_db "$TARGET_DB"; settle; }
cutover_end_to_end() {
  local source target
  source=$(url "$SOURCE_DB") target=$(url "$TARGET_DB")
  if has_subcommand run; then
    # The example config (its policy allow-list) makes the fixture's dry run green, as a
    # rehearsal's should be: a red verdict here would time a run that found differences.
    (cd "$REPO_DIR" && cutover run --config cutover.example.toml --source "$source" --target "$target" \
      --export-dir "$W/export-e2e" --jobs "$JOBS" --local-stand-in)
  else
    cutover export --source "$source" --export-dir "$W/export-e2e" --jobs "$JOBS" &&
      (cd "$REPO_DIR" && cutover migrate --target "$target" --local-stand-in) &&
      cutover import --target "$target" --export-dir "$W/export-e2e" --jobs "$JOBS" &&
      if has_subcommand verify; then
        cutover verify --source "$source" --target "$target" --export-dir "$W/export-e2e" --jobs "$JOBS"
      fi
  fi
}
prepare_pgcopydb_clone() { rm -rf "$W/pgcopydb"; fresh_db "$TARGET_DB"; settle; }
pgcopydb_clone() {
  pgcopydb clone --source "$(url "$SOURCE_DB")" --target "$(url "$TARGET_DB")" \
    --table-jobs "$JOBS" --index-jobs "$JOBS" --dir "$W/pgcopydb"
}
cleanup_pgcopydb_clone() { rm -rf "$W/pgcopydb"; }
