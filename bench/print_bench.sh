#!/bin/bash
# The printed-map benchmark: a whole-city A0 map of all 518 Amsterdam buurten (gebiedsindeling 2022)
# with the synthetic city's blocks and streets, every buurt and street label placed (or dropped) by
# collision detection, drawn to PDF. Target: `buurtbalans print` in <= 5 s on this machine.
#
#   bench/print_bench.sh                     (RUNS=5 BLOCKS=20000 bench/print_bench.sh for other sizes)
#
# 1. generates the synthetic city with /work/shared/bench/gen_city.py (cached in WORK)
# 2. `buurtbalans run`: the city's blocks (parents by largest overlap), the real buurten and wijken,
#    the city's streets and observations -> one GeoPackage (cached; not timed)
# 3. `buurtbalans print --layer balance_blocks --paper A0 --landscape` RUNS times: median wall time,
#    peak RSS, and what the map holds (labels placed, dropped, overlaps; legend counts)
# Exits 1 when the median is over the target.
#
# The machine is shared: before each timed run the script waits (up to QUIET_WAIT s) until other
# processes use less than QUIET_BUSY % of the CPUs, and reports CPU time (user + sys) beside wall time.
#
# Environment: BUURT_BUILD (default <repo>/build-print), SHARED_DATA (default /work/shared/data),
# SHARED_BENCH (default /work/shared/bench), WORK (default /tmp/buurt_print_bench), PYTHON
# (default /usr/bin/python3), TARGET_S (default 5), QUIET_BUSY (default 20), QUIET_WAIT (default 300),
# RUNS (default 3), BLOCKS (10000), POINTS (100000), SEED (42): the city gen_city.py makes.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
BUILD=${BUURT_BUILD:-$REPO/build-print}
SHARED_DATA=${SHARED_DATA:-/work/shared/data}
SHARED_BENCH=${SHARED_BENCH:-/work/shared/bench}
WORK=${WORK:-/tmp/buurt_print_bench}
PYTHON=${PYTHON:-/usr/bin/python3}
TARGET_S=${TARGET_S:-5}
QUIET_BUSY=${QUIET_BUSY:-20}
QUIET_WAIT=${QUIET_WAIT:-300}
BIN=$BUILD/tools/buurtbalans
GEBIEDEN=$SHARED_DATA/amsterdam_gebieden_2022/gebieden_2022.gpkg

RUNS=${RUNS:-3} BLOCKS=${BLOCKS:-10000} POINTS=${POINTS:-100000} SEED=${SEED:-42}
case "${1:-}" in
  -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
  "") ;;
  *) echo "print_bench.sh: no arguments; settings are environment variables (see --help)" >&2; exit 2 ;;
esac
[ -x "$BIN" ] || { echo "print_bench.sh: no $BIN (cmake --build $BUILD first)" >&2; exit 1; }
[ -s "$GEBIEDEN" ] || { echo "print_bench.sh: no $GEBIEDEN" >&2; exit 1; }
mkdir -p "$WORK"
log() { echo "[print_bench] $*" >&2; }

# Percentage of all CPU time spent busy during the next second (/proc/stat: fields 4 and 5 are idle).
busy_now() {
  local -a s0 s1
  read -r -a s0 </proc/stat; sleep 1; read -r -a s1 </proc/stat
  local all=0 idle=$(( s1[4] + s1[5] - s0[4] - s0[5] )) i
  for i in $(seq 1 8); do all=$(( all + s1[i] - s0[i] )); done
  echo $(( all > 0 ? (all - idle) * 100 / all : 0 ))
}
BUSY_SEEN=()
quiet_enough() {
  local start=$SECONDS b
  b=$(busy_now)
  while [ "$b" -gt "$QUIET_BUSY" ] && [ $((SECONDS - start)) -lt "$QUIET_WAIT" ]; do sleep 4; b=$(busy_now); done
  BUSY_SEEN+=("${b}%")
}

CITY=$WORK/city_${BLOCKS}_${POINTS}_s$SEED.gpkg
if [ ! -s "$CITY" ]; then
  log "generating $CITY"
  "$PYTHON" "$SHARED_BENCH/gen_city.py" --blocks "$BLOCKS" --points "$POINTS" --seed "$SEED" -o "$CITY.part.gpkg" 2>"$WORK/gen_city.log"
  mv "$CITY.part.gpkg" "$CITY"
fi

RUN=$WORK/run_${BLOCKS}_${POINTS}_s$SEED.gpkg
if [ ! -s "$RUN" ] || [ "$BIN" -nt "$RUN" ]; then
  log "buurtbalans run -> $RUN"
  "$BIN" run --quiet --overwrite --out "$RUN" \
    --area "block=$CITY,layer=bouwblokken,code=block_id" \
    --area "buurt=$GEBIEDEN,layer=buurten,code=code,name=naam,parent=wijk_code" \
    --area "wijk=$GEBIEDEN,layer=wijken_afgeleid,code=wijk_code,name=naam_afgeleid" \
    --streets "$CITY,layer=straten,name=naam" \
    --observations "$CITY,layer=observations,fields.theme=theme,fields.valence=valence,fields.source=source" \
    >"$WORK/run.log" 2>&1 || { tail -20 "$WORK/run.log" >&2; exit 1; }
fi

PDF=$WORK/city_A0.pdf
walls=() cpus=() rss=0
for ((k = 1; k <= RUNS; k++)); do
  quiet_enough
  /usr/bin/time -f "%e %U %S %M" -o "$WORK/time.$k" "$BIN" print "$RUN" --layer balance_blocks --paper A0 --landscape \
    --out "$PDF" --overwrite --json >"$WORK/print.json" 2>"$WORK/print.log" || { cat "$WORK/print.log" >&2; exit 1; }
  read -r w u sy r <"$WORK/time.$k"
  c=$(awk -v u="$u" -v s="$sy" 'BEGIN { printf "%.2f", u + s }')
  walls+=("$w"); cpus+=("$c"); [ "$r" -gt "$rss" ] && rss=$r
  log "print run $k: $w s wall, $c s CPU, peak RSS $((r / 1024)) MB (machine ${BUSY_SEEN[-1]} busy before it)"
done
median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
MEDIAN=$(median "${walls[@]}")

"$PYTHON" - "$WORK/print.json" "$RUN" <<'EOF'
import json, sqlite3, sys
page = json.load(open(sys.argv[1]))["pages"][0]
con = sqlite3.connect(sys.argv[2])
n = lambda t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
streets = {r[0] for r in con.execute("SELECT name FROM streets")}
placed = [b["text"] for b in page["labels"]["boxes"]]
on_streets = sum(1 for t in placed if t in streets)
print(f"map: {page['paper']['name']} {'landscape' if page['paper']['landscape'] else 'portrait'}, 1:{page['map']['scale']:.0f}, "
      f"grid {page['grid']['columns']}x{page['grid']['rows']}")
print(f"drawn from the run: {n('buurten')} buurten, {n('wijken')} wijken, {n('blocks')} blocks, {len(streets)} named streets")
print(f"labels: {len(placed)} placed ({len(placed) - on_streets} area names, {on_streets} street names), "
      f"{page['labels']['dropped']} dropped for want of room, {page['labels']['overlaps']} overlaps")
print("legend: " + "; ".join(f"{l['label']}: {l['count']}" for l in page["legend"]))
EOF
echo "pdf: $PDF ($(du -h "$PDF" | cut -f1)); fonts embedded: $(pdffonts "$PDF" 2>/dev/null | tail -n +3 | awk '{ n[$(NF-4)]++ } END { for (k in n) printf "%s %d ", k, n[k] }')"
echo "buurtbalans print: median $MEDIAN s wall ($(median "${cpus[@]}") s CPU) of $RUNS runs (${walls[*]}), peak RSS $((rss / 1024)) MB;" \
  "target <= $TARGET_S s; machine busy before each run: ${BUSY_SEEN[*]};" \
  "$(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1); $("$BIN" --version)"
awk -v m="$MEDIAN" -v t="$TARGET_S" 'BEGIN { exit !(m <= t) }' || { echo "print_bench: SLOWER than the target" >&2; exit 1; }
