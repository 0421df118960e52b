#!/usr/bin/env bash
# Builds the libFuzzer targets with clang-14 (AddressSanitizer + UndefinedBehaviorSanitizer) and runs
# each for a bounded time on its seed corpus. A finding is saved as build-fuzz/crash-* and fails the
# script; turn it into a test case (tests/hostile/ or a unit test) before fixing it.
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET]   (default 60)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
scripts/install_deps.sh --with-fuzz
CXX=clang++-14 cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUURT_TESTS=OFF -DBUURT_FUZZ=ON >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target fuzz_project fuzz_geometry
status=0
for target in project geometry; do
  work=build-fuzz/corpus-$target
  mkdir -p "$work"
  echo "== fuzzing $target for ${seconds}s"
  # -close_fd_mask=3: GDAL's and GEOS's own messages would drown the fuzzer's.
  if ! (cd build-fuzz && UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ASAN_OPTIONS=detect_leaks=0 \
        "./tests/fuzz/fuzz_$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -close_fd_mask=3 \
        -artifact_prefix="./crash-$target-" "../$work" "../tests/fuzz/corpus/$target" 2>&1 | tail -n 5); then
    status=1
  fi
done
if ls build-fuzz/crash-* >/dev/null 2>&1; then
  echo "fuzz findings:"; ls -l build-fuzz/crash-*
  status=1
fi
exit $status
