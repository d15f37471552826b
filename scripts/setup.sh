#!/usr/bin/env bash
# Installs what cutover needs on Debian bookworm (idempotent; as root or with sudo):
# PostgreSQL 15 server and client, libpq and libzstd headers, pkg-config, zstd; for the tests'
# check of the HTML report in a real browser, chromium and poppler-utils (pdftotext, pdfinfo,
# pdftoppm). Swift 6.3 is not a Debian package: it must already be on PATH or in /opt/swift.
set -euo pipefail

packages=(postgresql-15 postgresql-client-15 postgresql-contrib libpq-dev libzstd-dev pkg-config zstd
  chromium poppler-utils)
if [ "${CUTOVER_BENCH_PACKAGES:-}" = 1 ]; then
  packages+=(pgcopydb hyperfine time)
fi

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done

if [ ${#missing[@]} -gt 0 ]; then
  sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "setup: need root or sudo to install: ${missing[*]}" >&2; exit 3; }
    sudo=(sudo)
  fi
  echo "setup: installing ${missing[*]}" >&2
  # Quiet: apt's and dpkg's chatter goes to a log that is shown only when the install fails.
  log=$(mktemp "${TMPDIR:-/tmp}/cutover-setup.XXXXXX")
  if ! { "${sudo[@]}" apt-get update -qq &&
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"; } \
    >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    echo "setup: installing ${missing[*]} failed (apt's output above)" >&2
    exit 3
  fi
  rm -f "$log"
fi

# Swift comes with the machine (/opt/swift on this project's machines), not from apt.
if ! command -v swift >/dev/null 2>&1; then
  for candidate in /opt/swift/usr/bin /usr/share/swift/usr/bin; do
    if [ -x "$candidate/swift" ]; then export PATH="$candidate:$PATH"; break; fi
  done
fi
if ! command -v swift >/dev/null 2>&1; then
  echo "setup: Swift 6.3 not found on PATH or in /opt/swift/usr/bin; install the Swift 6.3 toolchain first" >&2
  exit 3
fi
version=$(swift --version 2>&1 | head -n 1)
case "$version" in
  *"Swift version 6."*) ;;
  *) echo "setup: cutover needs Swift 6.x, found: $version" >&2; exit 3 ;;
esac
[ -x "$(pg_config --bindir 2>/dev/null)/initdb" ] || [ -x /usr/lib/postgresql/15/bin/initdb ] || {
  echo "setup: PostgreSQL 15's initdb is missing after install" >&2; exit 3; }
echo "setup: ready ($version; $(pg_config --version))" >&2
