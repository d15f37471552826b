#!/usr/bin/env bash
# Sets up everything (scripts/setup.sh) and runs the whole test suite against real
# PostgreSQL 15 clusters that the tests start and stop themselves.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
swift build --build-tests
swift test --skip-build --disable-xctest "$@"
