#!/usr/bin/env bash
# README command 2: install what the tests need, build, and run every test. Ends with ctest's summary.
#   scripts/test.sh           everything, as CI runs it: bounded fuzzing, the whole suite under
#                             AddressSanitizer + UndefinedBehaviorSanitizer, again under ThreadSanitizer,
#                             then the normal build's suite
#   scripts/test.sh --quick   only the normal build's suite (for a quick loop while working)
# The time of each part is printed.
set -euo pipefail
cd "$(dirname "$0")/.."
t0=$SECONDS
step() { echo "== $* (at $((SECONDS - t0)) s)"; }
quick=0
[ "${1:-}" = "--quick" ] && quick=1
jobs=$(nproc)

step "installing Debian packages (QGIS for the styled-GeoPackage checks, PostgreSQL 15 + PostGIS 3 for the shared-store tests, clang for fuzzing)"
if [ $quick = 1 ]; then scripts/install_deps.sh --with-qgis --with-postgis; else scripts/install_deps.sh --with-qgis --with-postgis --with-fuzz; fi

if [ $quick = 0 ]; then
  step "fuzzing: project parser and geometry ingestion, ${FUZZ_SECONDS:-60} s each"
  scripts/fuzz.sh "${FUZZ_SECONDS:-60}"

  step "building with AddressSanitizer + UndefinedBehaviorSanitizer (build-asan/)"
  cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS=-O1 -DBUURT_SANITIZE=ON >/dev/null
  cmake --build build-asan -j"$jobs"
  step "running every test under the sanitizers"
  (cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 LSAN_OPTIONS="suppressions=$PWD/../tests/lsan.supp" \
     UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j"$jobs" --timeout 900)

  step "building with ThreadSanitizer (build-tsan/)"
  cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUURT_TSAN=ON >/dev/null
  cmake --build build-tsan -j"$jobs"
  step "running every test under ThreadSanitizer (the join, hierarchy checks, summing and heat map run on threads)"
  (cd build-tsan && TSAN_OPTIONS="halt_on_error=1:suppressions=$PWD/../tests/tsan.supp" ctest --output-on-failure -j"$jobs" --timeout 900)
fi

step "building (build-test/)"
cmake -S . -B build-test -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUURT_TESTS=ON >/dev/null
cmake --build build-test -j"$jobs"
step "running every test"
cd build-test
ctest --output-on-failure -j"$jobs" --timeout 900
