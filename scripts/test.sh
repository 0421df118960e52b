#!/usr/bin/env bash
# README command 2: install what the tests need, build, and run every test (unit and end-to-end).
# Ends with ctest's summary line. Times of each part are printed.
set -euo pipefail
cd "$(dirname "$0")/.."
t0=$SECONDS
step() { echo "== $* ($((SECONDS - t0)) s)"; }

step "installing Debian packages (with QGIS for the styled-GeoPackage checks)"
scripts/install_deps.sh --with-qgis
step "building with tests (build-test/)"
cmake -S . -B build-test -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUURT_TESTS=ON >/dev/null
cmake --build build-test -j"$(nproc)"
step "running the tests"
cd build-test
ctest --output-on-failure -j"$(nproc)" --timeout 600
