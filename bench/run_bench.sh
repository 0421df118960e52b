#!/bin/bash
# buurtbalans vs PostGIS on the same synthetic city, in one run.
#
#   bench/run_bench.sh [--points N] [--blocks N] [--seed N] [--no-postgis] [--no-build] [--runs N]
#   bench/run_bench.sh 10000000            (a bare number is --points)
#
# 1. generates the city with /work/shared/bench/gen_city.py (cached in bench/data/, git-ignored)
# 2. runs PostGIS through /work/shared/bench/run_postgis.sh (load+index, ST_Contains joins, nearest street, CSV)
# 3. runs `buurtbalans run --summaries-only` on the same GeoPackage (the same work: read, join to blocks,
#    buurten and wijken, nearest street within 30 m, write per-area and per-street summaries)
# 4. runs the full `buurtbalans run` (also writes every joined observation)
# 5. prints wall time, peak RSS and the ratio, and checks the counts against PostGIS (bench/compare.py)
# The PostGIS cluster is stopped at the end (also on failure or Ctrl-C).
#
# Environment: SHARED_BENCH (default /work/shared/bench), BUURT_BUILD (default <repo>/build-bench),
# PYTHON (default /usr/bin/python3), QUIET_BUSY / QUIET_WAIT (default 15 % / 120 s: before each timed step,
# wait until the machine is less busy than that; the busy share seen is printed with the results), PGPORT / PGDATA_BENCH (default 55442 / /tmp/buurt_bench_pg_data,
# so as not to collide with the shared harness's 55432 cluster), MAXD (default 30).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
SHARED_BENCH=${SHARED_BENCH:-/work/shared/bench}
BUILD=${BUURT_BUILD:-$REPO/build-bench}
PYTHON=${PYTHON:-/usr/bin/python3}
MAXD=${MAXD:-30}
QUIET_BUSY=${QUIET_BUSY:-15}   # % of all CPUs busy that still counts as quiet
QUIET_WAIT=${QUIET_WAIT:-120}  # seconds to wait for quiet before each timed step (0: never wait)
export PGPORT=${PGPORT:-55442}
export PGDATA_BENCH=${PGDATA_BENCH:-/tmp/buurt_bench_pg_data}

POINTS=1000000 BLOCKS=10000 SEED=42 POSTGIS=1 BUILD_IT=1 RUNS=1
while [ $# -gt 0 ]; do
  case "$1" in
    --points) POINTS=$2; shift 2 ;;
    --blocks) BLOCKS=$2; shift 2 ;;
    --seed) SEED=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --no-postgis) POSTGIS=0; shift ;;
    --no-build) BUILD_IT=0; shift ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    [0-9]*) POINTS=$1; shift ;;
    *) echo "run_bench.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

NAME=city_${BLOCKS}_${POINTS}
[ "$SEED" = 42 ] || NAME=${NAME}_s$SEED
CITY=$HERE/data/$NAME.gpkg
RES=$HERE/results/$NAME
BIN=$BUILD/tools/buurtbalans
mkdir -p "$HERE/data" "$RES"

now() { date +%s.%N; }
el() { printf '%.2f' "$(echo "$2 - $1" | bc -l)"; }
declare -a PART_NAMES=() PART_SECS=() LOADS=()
WAITED=0
part() { PART_NAMES+=("$1"); PART_SECS+=("$2"); printf '[bench] %-34s %8.2f s\n' "$1" "$2" >&2; }
log() { echo "[bench] $*" >&2; }

# busy share of all CPUs over 2 s, from /proc/stat (other sessions' builds on a shared machine skew timings)
cpu_busy() {
  local a b
  a=($(head -1 /proc/stat)); sleep 2; b=($(head -1 /proc/stat))
  local idle=$(( (b[4] + b[5]) - (a[4] + a[5]) )) total=0 i
  for i in 1 2 3 4 5 6 7 8; do total=$(( total + b[i] - a[i] )); done
  echo $(( total > 0 ? 100 * (total - idle) / total : 0 ))
}
# wait_quiet LABEL: wait (up to QUIET_WAIT s) until the machine is below QUIET_BUSY % busy; records what it saw
wait_quiet() {
  local busy waited=2
  busy=$(cpu_busy)
  while [ "$busy" -gt "$QUIET_BUSY" ] && [ "$waited" -lt "$QUIET_WAIT" ]; do
    [ "$waited" = 2 ] && log "machine is ${busy}% busy before $1; waiting (up to ${QUIET_WAIT}s) for < ${QUIET_BUSY}%"
    sleep 8; waited=$((waited + 10)); busy=$(cpu_busy)
  done
  LOADS+=("$1: ${busy}% busy (waited ${waited}s)")
  WAITED=$((WAITED + waited))
  [ "$busy" -gt "$QUIET_BUSY" ] && log "WARNING: still ${busy}% busy before $1; timings may be skewed" || true
}

stop_pg() { [ "$POSTGIS" = 1 ] && "$SHARED_BENCH/run_postgis.sh" --stop || true; }
trap stop_pg EXIT
T_ALL=$(now)
REV=$(git -C "$REPO" describe --always --dirty 2>/dev/null || echo '?')

# ---------- 0. build (incremental; only the build-bench directory)
if [ "$BUILD_IT" = 1 ]; then
  t=$(now)
  if [ ! -f "$BUILD/build.ninja" ]; then
    cmake -S "$REPO" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUURT_TESTS=OFF >"$RES/build.log" 2>&1
  fi
  cmake --build "$BUILD" -j2 >>"$RES/build.log" 2>&1 || { tail -30 "$RES/build.log" >&2; exit 1; }
  part "build (incremental)" "$(el "$t" "$(now)")"
fi
[ -x "$BIN" ] || { echo "run_bench.sh: no $BIN (build first or drop --no-build)" >&2; exit 1; }

# ---------- 1. the synthetic city (cached)
t=$(now)
if [ ! -s "$CITY" ]; then
  log "generating $CITY"
  rm -f "$CITY.part.gpkg"
  "$PYTHON" "$SHARED_BENCH/gen_city.py" --blocks "$BLOCKS" --points "$POINTS" --seed "$SEED" \
    -o "$CITY.part.gpkg" 2>"$RES/gen_city.log"
  mv "$CITY.part.gpkg" "$CITY"
  part "generate city" "$(el "$t" "$(now)")"
else
  log "using cached $CITY"
fi

# ---------- 2. PostGIS
PG_TOTAL="" PG_WALL="" PG_CPU=""
if [ "$POSTGIS" = 1 ]; then
  rm -rf "$RES/postgis"
  wait_quiet postgis
  t=$(now)
  /usr/bin/time -f '%U %S' -o "$RES/postgis.clientcpu" \
    "$SHARED_BENCH/run_postgis.sh" "$CITY" "$RES/postgis" "$MAXD" 2>&1 | tee "$RES/postgis.log" | grep '^TIMING' >&2
  PG_WALL=$(el "$t" "$(now)")
  # CPU: the server (postmaster + the backends and parallel workers it reaped: utime stime cutime cstime)
  # plus the clients run by the script (ogr2ogr, psql; also initdb and pg_ctl)
  PM=$(head -1 "$PGDATA_BENCH/postmaster.pid")
  PG_SCPU=$(for p in $PM $(pgrep -P "$PM"); do cat "/proc/$p/stat"; echo; done |
    awk -v hz="$(getconf CLK_TCK)" 'NF { sub(/.*\) /, ""); s += $12 + $13 + $14 + $15 } END { printf "%.2f", s / hz }')
  PG_CCPU=$(awk '{ printf "%.2f", $1 + $2 }' "$RES/postgis.clientcpu")
  PG_CPU=$(printf '%.2f' "$(echo "$PG_SCPU + $PG_CCPU" | bc -l)")
  part "PostGIS (script wall, incl. initdb)" "$PG_WALL"
  # TIMING task=count load=.. load_ogr2ogr=.. load_index=.. join=.. write=..; TIMING task=nearest join=.. write=..
  kv() { grep "^TIMING task=$1 " "$RES/postgis.log" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
  PG_OGR=$(kv count load_ogr2ogr) PG_INDEX=$(kv count load_index) PG_JB=$(kv count join_blocks)
  PG_JU=$(kv count join_buurten) PG_W1=$(kv count write) PG_NJ=$(kv nearest join) PG_NW=$(kv nearest write)
  PG_TOTAL=$(printf '%.2f' "$(echo "$PG_OGR + $PG_INDEX + $PG_JB + $PG_JU + $PG_W1 + $PG_NJ + $PG_NW" | bc -l)")
  "$SHARED_BENCH/run_postgis.sh" --stop
fi

# ---------- 3./4. buurtbalans
ARGS=(--quiet
  --area "block=$CITY,layer=bouwblokken,code=block_id,parent=buurt_code"
  --area "buurt=$CITY,layer=buurten,code=buurt_code,parent=wijk_code"
  --area "wijk=$CITY,layer=wijken,code=wijk_code"
  --streets "$CITY,layer=straten,name=naam,max_distance=$MAXD"
  --observations "$CITY,layer=observations,fields.theme=theme,fields.valence=valence,fields.source=source"
  --overwrite)

# run_ours LABEL OUT [extra flags]: RUNS times; sets WALL (median), RSS_MB (max), CPU (of the median run)
run_ours() {
  local label=$1 out=$2; shift 2
  local walls=() rss=0 k
  for ((k = 1; k <= RUNS; k++)); do
    wait_quiet "$label#$k"
    /usr/bin/time -v -o "$RES/$label.time.$k" "$BIN" run "${ARGS[@]}" --out "$out" "$@" >"$RES/$label.log" 2>&1 \
      || { cat "$RES/$label.log" >&2; exit 1; }
    local w r
    w=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$RES/$label.time.$k" |
        awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f", s }')
    r=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$RES/$label.time.$k")
    walls+=("$w"); [ "$r" -gt "$rss" ] && rss=$r
    log "$label run $k: ${w} s, peak RSS $((r / 1024)) MB, CPU $(sed -n 's/.*Percent of CPU this job got: //p' "$RES/$label.time.$k")"
  done
  WALL=$(printf '%s\n' "${walls[@]}" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
  RSS_MB=$((rss / 1024))
  CPU=$(sed -n 's/.*Percent of CPU this job got: //p' "$RES/$label.time.1")
  CPUS=$(awk -F': ' '/User time|System time/ { s += $2 } END { printf "%.2f", s }' "$RES/$label.time.1")
}

# Like for like with PostGIS: no hotspots (Gi*, hexagons, heat map), when this engine has them.
HOT=()
HELP=$("$BIN" run --help)
[[ $HELP == *--no-hotspots* ]] && HOT=(--no-hotspots)

t=$(now) w0=$WAITED
run_ours ours_summaries "$RES/ours_summaries.gpkg" --summaries-only "${HOT[@]}"
S_WALL=$WALL S_RSS=$RSS_MB S_CPU=$CPU S_CPUS=$CPUS
part "buurtbalans --summaries-only ${HOT[*]} (x$RUNS)" "$(el "$t" "$(now)" | awk -v w=$((WAITED - w0)) '{ printf "%.2f", $1 - w }')"

H_WALL=""
if [ ${#HOT[@]} -gt 0 ]; then
  t=$(now) w0=$WAITED
  run_ours ours_summaries_hotspots "$RES/ours_summaries_hotspots.gpkg" --summaries-only
  H_WALL=$WALL H_RSS=$RSS_MB H_CPU=$CPU H_CPUS=$CPUS
  part "buurtbalans --summaries-only, hotspots (x$RUNS)" "$(el "$t" "$(now)" | awk -v w=$((WAITED - w0)) '{ printf "%.2f", $1 - w }')"
fi

t=$(now) w0=$WAITED
run_ours ours_full "$RES/ours_full.gpkg"
F_WALL=$WALL F_RSS=$RSS_MB F_CPU=$CPU F_CPUS=$CPUS
part "buurtbalans full (x$RUNS)" "$(el "$t" "$(now)" | awk -v w=$((WAITED - w0)) '{ printf "%.2f", $1 - w }')"

# ---------- 5. agreement
t=$(now)
CMP=(--city "$CITY" --ours "$RES/ours_summaries.gpkg" --full "$RES/ours_full.gpkg")
[ "$POSTGIS" = 1 ] && CMP+=(--postgis "$RES/postgis")
"$PYTHON" "$HERE/compare.py" "${CMP[@]}" >"$RES/compare.txt" 2>&1 || true
part "compare counts" "$(el "$t" "$(now)")"
part "waiting for a quiet machine" "$WAITED"
part "whole script" "$(el "$T_ALL" "$(now)")"

# ---------- table
ratio() { [ -n "$1" ] && printf '%.1fx' "$(echo "$1 / $2" | bc -l)" || echo "-"; }
{
  echo
  echo "== $NAME: $BLOCKS blocks, $POINTS points, nearest street <= $MAXD m; $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1); $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "| system | what | wall s | peak RSS MB | PostGIS total / this (wall) | CPU s (user+sys) | PostGIS / this (CPU) |"
  echo "|---|---|---:|---:|---:|---:|---:|"
  if [ "$POSTGIS" = 1 ]; then
    echo "| PostGIS | load: ogr2ogr (COPY) | $PG_OGR | | | | |"
    echo "| PostGIS | load: GIST indexes + ANALYZE | $PG_INDEX | | | | |"
    echo "| PostGIS | join: points in blocks | $PG_JB | | | | |"
    echo "| PostGIS | join: points in buurten | $PG_JU | | | | |"
    echo "| PostGIS | write: blocks.csv, buurten.csv | $PG_W1 | | | | |"
    echo "| PostGIS | nearest street <= $MAXD m (LATERAL KNN) | $PG_NJ | | | | |"
    echo "| PostGIS | write: nearest.csv + summary | $PG_NW | | | | |"
    echo "| **PostGIS** | **total (load+index+join+nearest+write)** | **$PG_TOTAL** | (server; shared_buffers 4 GB) | 1.0x | $PG_CPU (server $PG_SCPU + clients $PG_CCPU) | 1.0x |"
    echo "| PostGIS | whole script (incl. initdb + start) | $PG_WALL | | | | |"
  fi
  echo "| **buurtbalans** | **run --summaries-only ${HOT[*]}** (read, join block/buurt/wijk + street, write summaries GPKG) | **$S_WALL** | **$S_RSS** | **$(ratio "$PG_TOTAL" "$S_WALL")** | $S_CPUS | $(ratio "$PG_CPU" "$S_CPUS") |"
  [ -n "$H_WALL" ] && echo "| buurtbalans | run --summaries-only (default: + Gi* hotspots, hexagons, heat map) | $H_WALL | $H_RSS | $(ratio "$PG_TOTAL" "$H_WALL") | $H_CPUS | $(ratio "$PG_CPU" "$H_CPUS") |"
  echo "| buurtbalans | run (full, default: also every joined observation${HOT[*]:+ and the hotspots}) | $F_WALL | $F_RSS | $(ratio "$PG_TOTAL" "$F_WALL") | $F_CPUS | $(ratio "$PG_CPU" "$F_CPUS") |"
  echo
  echo "buurtbalans CPU use: summaries-only $S_CPU${H_WALL:+, with hotspots $H_CPU}, full $F_CPU (of $(nproc)00% possible); wall = median of $RUNS run(s)"
  echo "engine: $("$BIN" --version), binary built $(date -r "$BIN" '+%F %T'), tree at start $REV; other CPU use just before each timed step (2 s sample): ${LOADS[*]}"
  echo
  cat "$RES/compare.txt"
  echo
  echo "time per part of this script:"
  for i in "${!PART_NAMES[@]}"; do printf '  %-36s %8.2f s\n' "${PART_NAMES[$i]}" "${PART_SECS[$i]}"; done
  echo
  echo "outputs and logs: $RES"
} | tee "$RES/summary.md"
