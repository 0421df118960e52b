#!/usr/bin/env bash
# README command 1: on a fresh Debian 12 machine, install everything, build, and run the main job on
# the bundled sample data (Geuzenveld). Prints where the outputs are.
set -euo pipefail
cd "$(dirname "$0")/.."
t0=$SECONDS
step() { echo "== $* ($((SECONDS - t0)) s)"; }

step "installing Debian packages"
scripts/install_deps.sh
step "building (build/)"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUURT_TESTS=OFF >/dev/null
cmake --build build -j"$(nproc)"
mkdir -p output
step "validating the sample project"
build/tools/buurtbalans validate sample_data/geuzenveld.toml --quiet >output/validate.txt
step "running the sample project"
build/tools/buurtbalans run sample_data/geuzenveld.toml --overwrite --quiet --json >output/run_report.json
step "printing the session map and a thematic map"
build/tools/buurtbalans print output/geuzenveld.gpkg --layer balance_blocks,observations_theme --area FB --paper A3 --landscape \
  --out output/geuzenveld_balans.pdf --overwrite
build/tools/buurtbalans basemap output/geuzenveld.gpkg --area FB08 --paper A3 --landscape --out output/FB08_sessiekaart.pdf --overwrite
step "done"
echo
echo "Outputs:"
echo "  $(pwd)/output/geuzenveld.gpkg     the GeoPackage (open it in QGIS: styled, with a project inside)"
echo "  $(pwd)/output/geuzenveld_balans.pdf   a printed map: balance per block and the observations"
echo "  $(pwd)/output/FB08_sessiekaart.pdf    the blank session map of the Wegener Sleeswijkbuurt"
echo "  $(pwd)/output/validate.txt        what was read, repaired and skipped"
echo "  $(pwd)/output/run_report.json     the run report as JSON"
echo "The command: $(pwd)/build/tools/buurtbalans (try --help)"
