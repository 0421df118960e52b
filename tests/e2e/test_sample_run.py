#!/usr/bin/python3
"""`buurtbalans run` on the Geuzenveld sample; the GeoPackage read back through osgeo.ogr.

Expected values are computed here from the inputs: observation counts with the json/csv modules,
point-in-polygon with GeoPandas (points reprojected with .to_crs) and shapely, length/area shares with
shapely. Boundary points are listed and checked against the documented rule (smallest code wins).
Then determinism (two runs, identical layers), --overwrite, no temporary files, inputs untouched.
"""
import csv
import os
import sqlite3
import subprocess
import sys
from collections import Counter, defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_common as e2e  # noqa: E402

import geopandas as gpd  # noqa: E402
from shapely.geometry import shape  # noqa: E402
from shapely.validation import make_valid  # noqa: E402
from osgeo import ogr  # noqa: E402

EXPECTED_LAYERS = ["observations", "observation_shares", "blocks", "buurten", "wijken", "gebieden", "stadsdelen", "streets",
                   "run_report"]
PROJECT_CRS = "EPSG:28992"


def load_inputs(project):
    """Independent reading of the two observation inputs: (points GeoDataFrame, shapes GeoDataFrame, counts)."""
    r1 = [o for o in project["observations"] if o["source"].endswith(".geojson")][0]
    r2 = [o for o in project["observations"] if o["source"].endswith(".csv")][0]
    features = e2e.read_geojson_features(e2e.sample_path(r1["source"]))
    with open(e2e.sample_path(r2["source"]), encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter=";"))
    pts, shapes = [], []
    for f in features:
        if f.get("geometry") is None:
            continue
        g = shape(f["geometry"])
        rec = {"obs_id": f["properties"][r1["id"]], "datum": f["properties"][r1["fields"]["date"]], "geometry": g}
        (pts if g.geom_type == "Point" else shapes).append(rec)
    for r in rows:
        pts.append({"obs_id": r[r2["id"]], "datum": r[r2["fields"]["date"]],
                    "geometry": shape({"type": "Point", "coordinates": [float(r[r2["x"]]), float(r[r2["y"]])]})})
    points = gpd.GeoDataFrame(pts, crs="EPSG:4326").to_crs(PROJECT_CRS)
    shp = gpd.GeoDataFrame(shapes, crs="EPSG:4326").to_crs(PROJECT_CRS)
    # The engine repairs invalid polygons (MakeValid, keeping the polygonal part); do the same with shapely.
    repaired = []
    for g in shp.geometry:
        if not g.is_valid:
            v = make_valid(g)
            if v.geom_type == "GeometryCollection":
                from shapely.geometry import MultiPolygon
                v = MultiPolygon([p for q in v.geoms if q.geom_type in ("Polygon", "MultiPolygon")
                                  for p in (q.geoms if q.geom_type == "MultiPolygon" else [q])])
            g = v
        repaired.append(g)
    shp = shp.set_geometry(gpd.GeoSeries(repaired, crs=PROJECT_CRS))
    n_used = len(features) - sum(1 for f in features if f.get("geometry") is None) + len(rows)
    return points, shp, n_used


def measure(g):
    return g.area if g.geom_type in ("Polygon", "MultiPolygon") else g.length


def check_points(c, out, points, blocks, buurten):
    obs = {r["obs_id"]: r for r in e2e.read_observations(out)}
    block_parent = dict(zip(blocks["code"], blocks["buurt_code"]))

    # GeoPandas 'within' puts boundary points nowhere; they are listed and checked separately.
    in_buurt, method = e2e.sjoin_within(points, buurten)
    in_block, _ = e2e.sjoin_within(points, blocks)
    c.note(f"point in polygon by {method}")
    c.check(all(len(x) <= 1 for x in in_buurt) and all(len(x) <= 1 for x in in_block),
            "(independent) no point lies within two buurten or two blocks")
    rule = e2e.expected_point_assignment(points.geometry, blocks, buurten, block_parent)
    boundary = [(oid, r) for oid, r in zip(points["obs_id"], rule) if r[2]]
    c.note("points on an area boundary (within no area, covered by one or more): "
           + ", ".join(f"{oid} covered by buurten {r[3]}" for oid, r in boundary))
    c.check(len(boundary) >= 1, "(independent) the sample has at least one point exactly on a buurt boundary (defect #5)")
    for oid, (block, buurt, _b, cov) in boundary:
        o = obs.get(oid)
        if not c.check(o is not None, f"boundary point {oid} is in the observations layer"):
            continue
        c.equal((o["block_code"], o["buurt_code"]), (block, buurt),
                f"boundary point {oid} (covered by buurten {cov}) goes to the smallest code")
        c.equal(o["boundary_rule"], 1 if len(cov) > 1 else 0, f"boundary point {oid}: boundary_rule flag")

    exp_buurt = Counter(x[0] for x in in_buurt if x)
    exp_block = Counter(x[0] for x in in_block if x)
    for (oid, (block, buurt, _b, _c)), wb, wk in zip(zip(points["obs_id"], rule), in_buurt, in_block):
        if buurt is not None and not wb:
            exp_buurt[buurt] += 1
        if block is not None and not wk:
            exp_block[block] += 1

    # Every point observation: the same block and buurt as the independent rule.
    wrong = []
    for oid, (block, buurt, _b, _c) in zip(points["obs_id"], rule):
        o = obs.get(oid)
        if o is None or o["kind"] != "point" or o["block_code"] != block or o["buurt_code"] != buurt:
            wrong.append(f"{oid}: expected block {block} buurt {buurt}, got "
                         + (f"{o['kind']} block {o['block_code']} buurt {o['buurt_code']}" if o else "no row"))
    c.check(not wrong, f"all {len(points)} point observations: block_code and buurt_code as computed with shapely", "\n".join(wrong[:30]))

    out_buurten = {r["code"]: r for r in e2e.read_layer(out, "buurten")}
    out_blocks = {r["code"]: r for r in e2e.read_layer(out, "blocks")}
    got = {code: r["n_points"] for code, r in out_buurten.items()}
    want = {code: exp_buurt.get(code, 0) for code in buurten["code"]}
    c.equal(got, want, "buurten n_points = GeoPandas sjoin(within) count + boundary points by the rule")
    got = {code: r["n_points"] for code, r in out_blocks.items()}
    want = {code: exp_block.get(code, 0) for code in blocks["code"]}
    diff = {k: (got.get(k), want.get(k)) for k in set(got) | set(want) if got.get(k) != want.get(k)}
    c.check(not diff, f"blocks n_points (all {len(want)} blocks, {sum(want.values())} points) = GeoPandas sjoin(within) count",
            f"block: (engine, expected) {sorted(diff.items())[:30]}")

    # Totals add up: points in buurten + points outside every buurt = point observations.
    n_point_obs = sum(1 for o in obs.values() if o["kind"] == "point")
    outside_buurten = sum(1 for o in obs.values() if o["kind"] == "point" and o["buurt_code"] is None)
    exp_outside = sum(1 for r in rule if r[1] is None)
    c.equal(n_point_obs, len(points), "point observations in the layer = points in the inputs")
    c.equal(outside_buurten, exp_outside, "points outside every buurt (engine) = points covered by no buurt (shapely)")
    c.equal(sum(r["n_points"] for r in out_buurten.values()) + outside_buurten, len(points),
            "sum over buurten of n_points + points outside all buurten = number of point observations")
    return obs


def check_shapes(c, out, obs, shapes, blocks, buurten):
    shares = defaultdict(list)
    for r in e2e.read_layer(out, "observation_shares"):
        shares[(r["input"], r["obs_id"])].append(r)
    shape_ids = set(shapes["obs_id"])
    bad = []
    for oid in sorted(shape_ids):
        o = obs.get(oid)
        rows = shares.get((o["input"], oid), []) if o else []
        total = sum(r["share"] for r in rows)
        if not rows or abs(total - 1.0) > 1e-9:
            bad.append(f"{oid}: {len(rows)} rows, sum {total!r}")
    c.check(not bad, f"observation_shares sum to 1 (1e-9) for each of the {len(shape_ids)} line/polygon observations", "\n".join(bad))
    point_rows = [k for k in shares if k[1] not in shape_ids]
    c.check(not point_rows, "observation_shares has rows only for line/polygon observations", str(point_rows[:10]))
    kinds = {oid: obs[oid]["kind"] if oid in obs else None for oid in shape_ids}
    exp_kinds = {oid: ("line" if "Line" in g.geom_type else "polygon") for oid, g in zip(shapes["obs_id"], shapes.geometry)}
    c.equal(kinds, exp_kinds, "kind of every line/polygon observation")

    for level, areas, layer in (("buurt", buurten, "buurten"), ("block", blocks, "blocks")):
        expected = defaultdict(float)
        for g in shapes.geometry:
            total = measure(g)
            for code, a in zip(areas["code"], areas.geometry):
                if a.intersects(g):
                    expected[code] += measure(a.intersection(g)) / total
        got = {r["code"]: r["w_shapes"] for r in e2e.read_layer(out, layer)}
        diff = {k: (got.get(k), expected.get(k, 0.0)) for k in got if abs((got.get(k) or 0.0) - expected.get(k, 0.0)) > 1e-6}
        c.check(not diff and set(got) == set(areas["code"]),
                f"{layer} w_shapes = shapely sum of (length or area inside / total) over line/polygon observations (1e-6)",
                f"{layer}: (engine, expected) {sorted(diff.items())[:20]}")
        if level == "buurt":
            c.note("buurten w_shapes (expected): " + ", ".join(f"{k} {v:.6f}" for k, v in sorted(expected.items())))


# Columns that record when a file was written, not what it holds (QGIS's layer_styles.update_time).
TIMESTAMP_COLUMNS = {"layer_styles": {"update_time"}}


def check_bookkeeping(c, out):
    """The rows go into SQLite past OGR (gpkg_writer.cpp): what GDAL would have kept per row is checked here."""
    v = subprocess.run(["/usr/bin/python3", "-m", "osgeo_utils.samples.validate_gpkg", "--extra", "--warning-as-error", out],
                       capture_output=True, text=True)
    c.check(v.returncode == 0, "GDAL's validate_gpkg --extra --warning-as-error passes (geometry blobs, srs ids, types)",
            v.stdout + v.stderr)
    con = sqlite3.connect(out)
    stored = dict(con.execute("SELECT table_name, feature_count FROM gpkg_ogr_contents"))
    tables = [t for (t,) in con.execute("SELECT table_name FROM gpkg_contents WHERE data_type IN ('features', 'attributes')")]
    # A table without a gpkg_ogr_contents row (layer_styles, written by SQL) is counted by GDAL itself.
    counted = [t for t in tables if t in stored]
    c.check(len(counted) >= len(tables) - 1, f"{len(counted)} of {len(tables)} tables have a row in gpkg_ogr_contents")
    wrong = [f"{t}: {stored[t]} stored, {n} rows" for t in counted
             for (n,) in [con.execute(f'SELECT count(*) FROM "{t}"').fetchone()] if stored[t] != n]
    c.check(not wrong, "gpkg_ogr_contents.feature_count = the rows of each of those tables", "\n".join(wrong))
    extents = {r[0]: r[1:] for r in con.execute("SELECT table_name, min_x, min_y, max_x, max_y FROM gpkg_contents "
                                                "WHERE data_type = 'features'")}
    con.close()
    ds = ogr.Open(out)
    wrong = []
    for t, got in extents.items():
        env = None
        for f in ds.GetLayerByName(t):
            g = f.GetGeometryRef()
            if g is not None and not g.IsEmpty():
                x0, x1, y0, y1 = g.GetEnvelope()
                env = (x0, y0, x1, y1) if env is None else (min(env[0], x0), min(env[1], y0), max(env[2], x1), max(env[3], y1))
        if (env is None and any(v is not None for v in got)) or (env is not None and tuple(got) != env):
            wrong.append(f"{t}: gpkg_contents {got}, geometries {env}")
    c.check(not wrong, f"gpkg_contents extent = the envelope of the geometries read back, for each of {len(extents)} layers",
            "\n".join(wrong))


def compare_outputs(a, b):
    """Differences between two GeoPackages, layer by layer: attribute rows by fid and geometry WKB
    (write timestamps of TIMESTAMP_COLUMNS left out)."""
    diffs = []
    la, lb = e2e.layer_names(a), e2e.layer_names(b)
    if sorted(la) != sorted(lb):
        diffs.append(f"layers differ: {sorted(la)} vs {sorted(lb)}")
    for layer in sorted(set(la) & set(lb)):
        fa, fb = e2e.field_names(a, layer), e2e.field_names(b, layer)
        if fa != fb:
            diffs.append(f"{layer}: fields differ")
            continue
        ra, rb = e2e.read_layer(a, layer), e2e.read_layer(b, layer)
        for r in ra + rb:
            for col in TIMESTAMP_COLUMNS.get(layer, ()):
                r.pop(col, None)
        if len(ra) != len(rb):
            diffs.append(f"{layer}: {len(ra)} vs {len(rb)} rows")
            continue
        n = sum(1 for x, y in zip(ra, rb) if x != y)
        if n:
            first = next((x, y) for x, y in zip(ra, rb) if x != y)
            diffs.append(f"{layer}: {n} rows differ, first fid {first[0]['_fid']}: "
                         + str({k: (first[0][k], first[1].get(k)) for k in first[0] if first[0][k] != first[1].get(k)})[:300])
    return diffs


def body(c):
    tmp = e2e.fresh_tmp("sample_run")
    outdir = os.path.join(tmp, "out")
    os.makedirs(outdir)
    project = e2e.read_project()
    before = e2e.tree_hashes(e2e.SAMPLE_DATA)
    x = os.path.join(outdir, "x.gpkg")
    y = os.path.join(outdir, "y.gpkg")

    proc = e2e.run_cli(["run", e2e.PROJECT_FILE, "--out", x, "--quiet"], cwd=tmp)
    c.exit_code(proc, 0, "run sample_data/geuzenveld.toml --out x.gpkg --quiet")
    if proc.returncode != 0:
        return
    layers = e2e.layer_names(x)
    c.check(set(EXPECTED_LAYERS) <= set(layers), f"GeoPackage has layers {EXPECTED_LAYERS}", f"layers: {layers}")
    extra = sorted(set(layers) - set(EXPECTED_LAYERS))
    if extra:
        c.note(f"further layers: {extra}")
    check_bookkeeping(c, x)

    points, shapes, n_used = load_inputs(project)
    obs_layers = [l for l in e2e.OBSERVATION_LAYERS if l in layers]
    counts = {l: e2e.count_features(x, l) for l in obs_layers}
    c.note(f"observation tables: {counts}")
    c.equal(sum(counts.values()), n_used,
            "observations count (all observation tables) = GeoJSON features with a geometry + CSV rows")
    kinds = Counter(r["kind"] for r in e2e.read_observations(x))
    c.equal(dict(kinds), dict(Counter(["point"] * len(points) + ["line" if "Line" in g.geom_type else "polygon" for g in shapes.geometry])),
            "observations per kind (point, line, polygon) as in the inputs")

    a = project["areas"]
    blocks = e2e.read_areas_gdf(e2e.sample_path(a["block"]["source"]), a["block"]["layer"], a["block"]["code"])
    blocks = blocks.rename(columns={a["block"]["parent"]: "buurt_code"})
    buurten = e2e.read_areas_gdf(e2e.sample_path(a["buurt"]["source"]), a["buurt"]["layer"], a["buurt"]["code"])
    obs = check_points(c, x, points, blocks, buurten)
    check_shapes(c, x, obs, shapes, blocks, buurten)

    # Roll-up: a wijk holds what its buurten hold (points are assigned at every level through parent links).
    wijken = e2e.read_layer(x, "wijken")
    buurt_rows = e2e.read_layer(x, "buurten")
    for w in wijken:
        s = sum(b["n_points"] for b in buurt_rows if b["wijk_code"] == w["code"])
        c.equal(w["n_points"], s, f"wijk {w['code']} n_points = sum over its buurten")

    report = {(r["section"], r["item"]): r["value"] for r in e2e.read_layer(x, "run_report") if r["section"] == "join"}
    c.equal(report.get(("join", "observations_joined")), float(n_used), "run_report: observations_joined")

    # Dates are kept as the input gives them (both inputs carry ISO dates, yyyy-mm-dd).
    dates = {r["obs_id"]: r["obs_date"] for r in obs.values()}
    given = dict(zip(points["obs_id"], points["datum"])) | dict(zip(shapes["obs_id"], shapes["datum"]))
    wrong = sorted(f"{k}: input {v!r}, obs_date {dates.get(k)!r}" for k, v in given.items() if dates.get(k) != v)
    c.check(not wrong, "obs_date equals the input's date text for every observation (ISO yyyy-mm-dd in both inputs)",
            f"{len(wrong)} differ, e.g.\n" + "\n".join(wrong[:5]))

    # --- determinism --------------------------------------------------------------------------------
    proc = e2e.run_cli(["run", e2e.PROJECT_FILE, "--out", y, "--quiet"], cwd=tmp)
    c.exit_code(proc, 0, "second run --out y.gpkg")
    diffs = compare_outputs(x, y)
    c.check(not diffs, "two runs give identical layers (every attribute row by fid, geometry WKB; layer_styles without update_time)", "\n".join(diffs))

    # --- overwrite ----------------------------------------------------------------------------------
    h = e2e.sha256(x)
    proc = e2e.run_cli(["run", e2e.PROJECT_FILE, "--out", x, "--quiet"], cwd=tmp)
    c.exit_code(proc, 5, "run onto an existing output without --overwrite")
    c.check("x.gpkg" in proc.stderr and "--overwrite" in proc.stderr, f"message names the file and --overwrite: {proc.stderr.strip()!r}")
    c.equal(e2e.sha256(x), h, "existing output unchanged (sha256)")
    # Mark the old file, so that replacing it is visible.
    ds = e2e.gdal.OpenEx(x, e2e.gdal.OF_VECTOR | e2e.gdal.OF_UPDATE)
    ds.CreateLayer("marker_of_old_file", None, e2e.ogr.wkbNone)
    ds = None
    proc = e2e.run_cli(["run", e2e.PROJECT_FILE, "--out", x, "--quiet", "--overwrite"], cwd=tmp)
    c.exit_code(proc, 0, "run with --overwrite")
    c.check("marker_of_old_file" not in e2e.layer_names(x), "with --overwrite the file is replaced (marker layer gone)")
    diffs = compare_outputs(x, y)
    c.check(not diffs, "the replacement has the same layers as a fresh run", "\n".join(diffs))

    # --- no temporary files, inputs unchanged ---------------------------------------------------------
    left = sorted(os.listdir(outdir))
    c.check(not [n for n in left if n.startswith(".")], f"no temporary files (names starting with '.') in the output folder: {left}")
    c.equal(left, ["x.gpkg", "y.gpkg"], "the output folder holds only the two outputs (no journals or leftovers)")
    c.equal(e2e.tree_hashes(e2e.SAMPLE_DATA), before, "sample_data unchanged (sha256 of every file before and after)")


if __name__ == "__main__":
    e2e.main("run: Geuzenveld sample", body)
