#!/usr/bin/env bash
# Sets up everything (scripts/setup.sh) and runs the whole test suite against real
# PostgreSQL 15 clusters that the tests start and stop themselves.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
# Format is a habit: any finding of `swift format lint --strict` (with the committed
# .swift-format) fails the run before anything is built.
lint=$(swift format lint --strict -r Sources Tests 2>&1) || true
if [ -n "$lint" ]; then
  printf '%s\n' "$lint" >&2
  echo "test: swift format lint --strict found problems; run: swift format -i -r Sources Tests" >&2
  exit 1
fi
swift build --build-tests
swift test --skip-build --disable-xctest "$@"
