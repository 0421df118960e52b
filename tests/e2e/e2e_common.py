"""Shared helpers for the end-to-end tests (not a test itself: the name does not start with test_).

The tests run the real `buurtbalans` command and check its outputs through GDAL (osgeo.ogr) against
values computed independently here (json/csv modules, osgeo.ogr on the inputs, shapely, GeoPandas).

Environment (set by tests/CMakeLists.txt; defaults let a script be run by hand from the repository):
  BUURTBALANS  the built command          SAMPLE_DATA  sample_data/ of the repository
  REPO         the repository root        TEST_TMP     a scratch folder; each test uses a fresh sub-folder
"""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import traceback
import warnings

from osgeo import gdal, ogr

# shapely 1.8 warns about its 2.0 API on every STRtree and multi-part iteration: noise in test logs.
warnings.filterwarnings("ignore", message=".*(STRtree|shapely 2.0|Shapely 2.0).*")
warnings.filterwarnings("ignore", category=DeprecationWarning)
try:
    from shapely.errors import ShapelyDeprecationWarning
    warnings.filterwarnings("ignore", category=ShapelyDeprecationWarning)
except ImportError:  # pragma: no cover
    pass

ogr.UseExceptions()
gdal.UseExceptions()

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.environ.get("REPO") or os.path.abspath(os.path.join(HERE, "..", ".."))
SAMPLE_DATA = os.environ.get("SAMPLE_DATA") or os.path.join(REPO, "sample_data")
BUURTBALANS = os.environ.get("BUURTBALANS") or os.path.join(REPO, "build-e2e", "tools", "buurtbalans")
TEST_TMP = os.environ.get("TEST_TMP") or os.path.join(REPO, "build-e2e", "tests", "tmp")
PROJECT_FILE = os.path.join(SAMPLE_DATA, "geuzenveld.toml")

EXIT_OK, EXIT_USAGE, EXIT_CONFIG, EXIT_INPUT, EXIT_OUTPUT = 0, 2, 3, 4, 5


def fresh_tmp(name):
    """An empty folder TEST_TMP/name (removed first if a previous run left it)."""
    path = os.path.join(TEST_TMP, name)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


def run_cli(args, cwd=None, timeout=300):
    """Runs buurtbalans with `args`; returns the CompletedProcess (text mode)."""
    cmd = [BUURTBALANS] + [str(a) for a in args]
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout)


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def tree_hashes(folder):
    """{relative path: sha256} of every file under `folder`."""
    out = {}
    for root, _dirs, files in os.walk(folder):
        for name in files:
            p = os.path.join(root, name)
            out[os.path.relpath(p, folder)] = sha256(p)
    return out


class Checker:
    """Collects checks; every check prints one line; finish() exits non-zero if any failed."""

    def __init__(self, title):
        self.title = title
        self.failed = []
        self.passed = 0
        print(f"== {title}")
        print(f"   buurtbalans: {BUURTBALANS}")

    def check(self, ok, what, detail=""):
        ok = bool(ok)
        if ok:
            self.passed += 1
            print(f"  ok    {what}")
        else:
            self.failed.append(what)
            print(f"  FAIL  {what}")
            if detail:
                for line in str(detail).splitlines():
                    print(f"        {line}")
        return ok

    def equal(self, actual, expected, what):
        return self.check(actual == expected, f"{what}: {actual!r} == {expected!r}" if _short(actual, expected) else what,
                          f"expected {expected!r}\n     got {actual!r}")

    def close(self, actual, expected, tol, what):
        ok = actual is not None and expected is not None and abs(actual - expected) <= tol
        return self.check(ok, f"{what}: {actual!r} ~ {expected!r} (tol {tol})", f"expected {expected!r} +- {tol}, got {actual!r}")

    def note(self, text):
        print(f"  note  {text}")

    def exit_code(self, proc, expected, what):
        return self.check(proc.returncode == expected, f"{what}: exit code {proc.returncode} == {expected}",
                          f"stdout: {proc.stdout[-2000:]}\nstderr: {proc.stderr[-2000:]}")

    def finish(self):
        print(f"== {self.title}: {self.passed} checks passed, {len(self.failed)} failed")
        for f in self.failed:
            print(f"   failed: {f}")
        sys.exit(1 if self.failed else 0)


def _short(a, b):
    return len(repr(a)) + len(repr(b)) < 160


def main(title, body):
    """Runs body(checker) and finishes; an unexpected exception is a failure with its traceback."""
    c = Checker(title)
    try:
        body(c)
    except Exception:  # noqa: BLE001 - any crash of the test is a failed check
        traceback.print_exc()
        c.check(False, "test body ran to the end without an exception")
    c.finish()


# --- GDAL reading ----------------------------------------------------------------------------------

def open_vector(path, options=None):
    return gdal.OpenEx(path, gdal.OF_VECTOR | gdal.OF_READONLY, open_options=options or [])


def layer_names(path):
    ds = open_vector(path)
    return [ds.GetLayer(i).GetName() for i in range(ds.GetLayerCount())]


def count_features(path, layer=None, options=None):
    """Counts features by iterating (not the driver's cached count)."""
    ds = open_vector(path, options)
    lyr = ds.GetLayerByName(layer) if layer else ds.GetLayer(0)
    if lyr is None:
        raise RuntimeError(f"{path}: no layer {layer}")
    lyr.ResetReading()
    n = 0
    for _ in lyr:
        n += 1
    return n


def read_layer(path, layer):
    """Rows ordered by fid: dicts of every attribute plus '_fid' and '_wkb' (ISO WKB bytes or None)."""
    ds = open_vector(path)
    lyr = ds.GetLayerByName(layer)
    if lyr is None:
        raise RuntimeError(f"{path}: no layer {layer}")
    defn = lyr.GetLayerDefn()
    names = [defn.GetFieldDefn(i).GetName() for i in range(defn.GetFieldCount())]
    rows = []
    lyr.ResetReading()
    for f in lyr:
        row = {"_fid": f.GetFID()}
        for i, n in enumerate(names):
            row[n] = f.GetField(i) if f.IsFieldSetAndNotNull(i) else None
        g = f.GetGeometryRef()
        row["_wkb"] = bytes(g.ExportToIsoWkb()) if g is not None else None
        rows.append(row)
    rows.sort(key=lambda r: r["_fid"])
    return rows


def field_names(path, layer):
    ds = open_vector(path)
    defn = ds.GetLayerByName(layer).GetLayerDefn()
    return [defn.GetFieldDefn(i).GetName() for i in range(defn.GetFieldCount())]


def read_geojson_features(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)["features"]


def read_project(path=PROJECT_FILE):
    import tomllib
    with open(path, "rb") as f:
        return tomllib.load(f)


def sample_path(name):
    return os.path.join(SAMPLE_DATA, name)


LEVELS = ["block", "buurt", "wijk", "gebied", "stadsdeel"]
LEVEL_LAYERS = {"block": "blocks", "buurt": "buurten", "wijk": "wijken", "gebied": "gebieden", "stadsdeel": "stadsdelen"}


def read_areas_gdf(path, layer, code_field):
    """GeoDataFrame of an area layer with the code in column 'code' (read by GeoPandas/fiona)."""
    import geopandas as gpd
    g = gpd.read_file(path, layer=layer)
    return g.rename(columns={code_field: "code"}) if code_field != "code" else g


def expected_point_assignment(points, blocks, buurten, block_parent):
    """The documented rule, computed with shapely for each point (a GeoSeries in the areas' CRS).

    Block: the block covering the point with the smallest code (byte order), if any.
    Buurt: the parent (buurt code) of that block; without a block, the smallest-code buurt covering it.
    Returns (block_code_or_None, buurt_code_or_None, on_boundary_bool, covering_buurten) per point.
    """
    from shapely.strtree import STRtree

    def index(gdf):
        geoms = list(gdf.geometry)
        return STRtree(geoms), geoms, list(gdf["code"])

    btree, bgeoms, bcodes = index(blocks)
    utree, ugeoms, ucodes = index(buurten)
    byte_order = lambda s: s.encode()  # noqa: E731
    out = []
    for p in points:
        near_blocks = btree.query_items(p)
        near_buurten = utree.query_items(p)
        cov_blocks = sorted((bcodes[i] for i in near_blocks if bgeoms[i].covers(p)), key=byte_order)
        cov_buurten = sorted((ucodes[i] for i in near_buurten if ugeoms[i].covers(p)), key=byte_order)
        in_block = any(bgeoms[i].contains(p) for i in near_blocks)
        in_buurt = any(ugeoms[i].contains(p) for i in near_buurten)
        boundary = bool((cov_blocks and not in_block) or (cov_buurten and not in_buurt))
        block = cov_blocks[0] if cov_blocks else None
        if block is not None:
            buurt = block_parent[block]
        else:
            buurt = cov_buurten[0] if cov_buurten else None
        out.append((block, buurt, boundary, cov_buurten))
    return out


def sample_flags(project=None, base=SAMPLE_DATA):
    """The sample project file written as command-line flags only (absolute paths), built from the TOML."""
    p = project or read_project()
    args = []
    for level in LEVELS:
        a = p.get("areas", {}).get(level)
        if not a:
            continue
        parts = [f"{level}={os.path.join(base, a['source'])}"]
        parts += [f"{k}={a[k]}" for k in ("layer", "code", "name", "parent", "crs") if k in a]
        args += ["--area", ",".join(parts)]
    if "streets" in p:
        s = p["streets"]
        parts = [os.path.join(base, s["source"])] + [f"{k}={s[k]}" for k in ("layer", "name", "max_distance") if k in s]
        args += ["--streets", ",".join(parts)]
    for o in p.get("observations", []):
        parts = [os.path.join(base, o["source"])]
        parts += [f"{k}={o[k]}" for k in ("name", "layer", "crs", "x", "y", "id") if k in o]
        parts += [f"fields.{role}={field}" for role, field in o.get("fields", {}).items()]
        for role, mapping in o.get("values", {}).items():
            parts += [f"values.{role}.{raw}={norm}" for raw, norm in mapping.items()]
        args += ["--observations", ",".join(parts)]
    for i in p.get("indicators", []):
        parts = [os.path.join(base, i["source"])] + [f"{k}={i[k]}" for k in ("level", "code", "population") if k in i]
        args += ["--indicators", ",".join(parts)]
    if "crs" in p:
        args += ["--crs", p["crs"]]
    return args


def sjoin_within(points, areas):
    """For each row of `points` (GeoDataFrame), the list of areas['code'] whose polygon the point is *within*.

    Uses GeoPandas `sjoin(predicate='within')` when GeoPandas has a spatial index (rtree or pygeos). Debian 12's
    python3-geopandas has neither by default; then the same GEOS predicate is evaluated with a shapely STRtree
    and prepared polygons (`prepared.contains(p)` is `p.within(polygon)`). Returns (lists, method).
    """
    import geopandas as gpd
    try:
        j = gpd.sjoin(points.reset_index(drop=True), areas[["code", "geometry"]].reset_index(drop=True),
                      predicate="within", how="left")
        out = [[] for _ in range(len(points))]
        for i, code in zip(j.index, j["code"]):
            if isinstance(code, str):
                out[i].append(code)
        return out, "geopandas.sjoin(predicate='within')"
    except ImportError:
        pass
    from shapely.prepared import prep
    from shapely.strtree import STRtree
    geoms = list(areas.geometry)
    codes = list(areas["code"])
    prepared = [prep(g) for g in geoms]
    tree = STRtree(geoms)
    out = []
    for p in points.geometry:
        out.append(sorted(codes[i] for i in tree.query_items(p) if prepared[i].contains(p)))
    return out, "shapely STRtree + prepared contains (GeoPandas has no spatial index here: no rtree/pygeos)"


# Observations are written to one table per geometry type (points in `observations`); an older layout
# had them all in `observations`. Tests read every one of these tables that exists.
OBSERVATION_LAYERS = ["observations", "observation_lines", "observation_areas", "observation_multipoints"]


def read_observations(path):
    """Rows of every observation table of an output (see OBSERVATION_LAYERS), each with '_layer'."""
    present = set(layer_names(path))
    rows = []
    for layer in OBSERVATION_LAYERS:
        if layer in present:
            for r in read_layer(path, layer):
                r["_layer"] = layer
                rows.append(r)
    return rows
