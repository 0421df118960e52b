#!/usr/bin/env bash
# Installs every build, run and test dependency from Debian 12 packages, idempotently.
# Usage: scripts/install_deps.sh [--with-qgis] [--with-postgis] [--with-fuzz]
# Runs apt-get directly as root, through sudo otherwise. Nothing is downloaded from elsewhere.
set -euo pipefail

PKGS=(
  build-essential cmake ninja-build pkg-config git
  libgdal-dev gdal-bin python3-gdal          # GDAL 3.6: reading/writing every vector format
  libgeos-dev                                # GEOS 3.11 C API: validity, overlay, prepared predicates
  libproj-dev proj-data                      # PROJ 9.1
  libboost-dev                               # Boost.Geometry 1.74 (rtree, point in polygon)
  catch2                                     # Catch2 2.13 unit tests
  libtoml11-dev nlohmann-json3-dev           # project file parser, JSON reports
  libssl-dev                                 # SHA-256 of inputs for provenance
  libsqlite3-dev sqlite3                     # the packed GeoPackage spatial index; tests read tables directly
  libpq-dev                                  # PostGIS output: COPY and DDL in one transaction (libpq)
  libcairo2-dev libpango1.0-dev fonts-dejavu-core   # printed maps: PDF/SVG/PNG, text layout, embedded fonts
  fonts-dejavu-extra                         # DejaVu Sans Condensed: street names fit along short streets
  poppler-utils                              # pdftotext/pdffonts/pdftoppm: tests read printed maps back
  python3-numpy python3-shapely python3-geopandas   # reference computations in tests
)
for arg in "$@"; do
  case $arg in
    --with-qgis) PKGS+=(qgis python3-qgis qgis-providers) ;;
    --with-postgis) PKGS+=(postgresql-15 postgresql-15-postgis-3 postgresql-client) ;;  # tests start a throwaway cluster
    --with-fuzz) PKGS+=(clang-14 libclang-rt-14-dev) ;;  # libFuzzer, sanitizers for clang
    *) echo "install_deps.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

SUDO=()
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || { echo "install_deps.sh: run as root or install sudo" >&2; exit 1; }
  SUDO=(sudo)
fi

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install_deps: all ${#PKGS[@]} packages present"
  exit 0
fi
echo "install_deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=900 "${missing[@]}"
