#!/usr/bin/python3
"""Gi* of the real command against the independent numpy reference (tests/data/hotspot/), to 1e-9.

1. The stored reference values are what tests/data/hotspot/reference_gistar.py computes now (so the
   unit test tests/unit/hotspot/test_gistar.cpp, which compares the engine's functions with the stored
   values, compares with the reference and not with a stale copy).
2. The same dataset through `buurtbalans run`: each point becomes a 1 m block (its centroid is the
   point) holding `concern` observations with valence zorg, `strength` with kans and one neutral one;
   the blocks layer's concern_* and strength_* fields must equal the reference. This checks what the
   unit test cannot: that the run feeds Gi* the concern and strength counts (neutral ones left out),
   the block centroids and the configured band, and writes z, p and the class to the right fields.
   Run twice: band 150 m with FDR (the default), and the default band without FDR.
3. The first 29 points only: fewer than 30 features, so the blocks layer and the run report say
   "insufficient data" and nothing is classed (z, p and class NULL), although the 29 include the hot
   cluster that run 1 classes at 99 %.
"""
import csv
import math
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_common as e2e  # noqa: E402

from osgeo import ogr, osr  # noqa: E402

DATA = os.path.join(e2e.REPO, "tests", "data", "hotspot")
sys.path.insert(0, DATA)
import reference_gistar as ref  # noqa: E402


def write_inputs(folder, limit=None):
    """blocks.gpkg (1 m squares around the first `limit` points) and observations.csv; returns the codes."""
    ids, xy, values = ref.read_points()
    ids, xy, values = ids[:limit], xy[:limit], {k: v[:limit] for k, v in values.items()}
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(28992)
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(os.path.join(folder, "blocks.gpkg"))
    lyr = ds.CreateLayer("blocks", srs, ogr.wkbPolygon)
    lyr.CreateField(ogr.FieldDefn("code", ogr.OFTString))
    codes = []
    with open(os.path.join(folder, "observations.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "x", "y", "thema", "soort"])
        n = 0
        for ident, (x, y), c, s in zip(ids, xy, values["concern"], values["strength"]):
            code = f"P{ident:03d}"
            codes.append(code)
            feat = ogr.Feature(lyr.GetLayerDefn())
            feat.SetField("code", code)
            feat.SetGeometry(ogr.CreateGeometryFromWkt(
                f"POLYGON(({x - 0.5} {y - 0.5},{x + 0.5} {y - 0.5},{x + 0.5} {y + 0.5},{x - 0.5} {y + 0.5},{x - 0.5} {y - 0.5}))"))
            lyr.CreateFeature(feat)
            # every observation at the point itself: inside its block, away from the block's edges
            for soort, count in (("zorg", int(c)), ("kans", int(s)), ("neutraal", 1)):
                for _ in range(count):
                    n += 1
                    w.writerow([n, f"{x:.2f}", f"{y:.2f}", "overlast", soort])
    ds = None
    return codes


def write_project(folder, extra):
    path = os.path.join(folder, "project.toml")
    with open(path, "w", encoding="utf-8") as f:
        f.write(f"""name = "gistar reference"
crs = "EPSG:28992"
[areas.block]
source = "blocks.gpkg"
layer = "blocks"
code = "code"
[[observations]]
source = "observations.csv"
crs = "EPSG:28992"
x = "x"
y = "y"
id = "id"
[observations.fields]
theme = "thema"
valence = "soort"
[hotspots]
levels = ["block"]
hex_size = 0
{extra}
[output]
gpkg = "out.gpkg"
""")
    return path


def reference_for_band(band, fdr):
    """{code: {field_z, field_p, field_class}} from the reference functions at `band`."""
    ids, xy, values = ref.read_points()
    d = ref.distances(xy)
    w = (d <= band).astype(float)
    out = {f"P{i:03d}": {} for i in ids}
    for field in ref.FIELDS:
        z = ref.gi_star(values[field], w)
        p = ref.two_sided_p(z)
        cl = ref.classes(z, p, fdr)
        for k, i in enumerate(ids):
            out[f"P{i:03d}"].update({f"{field}_z": float(z[k]), f"{field}_p": float(p[k]), f"{field}_class": int(cl[k])})
    return out


def compare(c, gpkg, expected, what):
    rows = {r["code"]: r for r in e2e.read_layer(gpkg, "blocks")}
    c.equal(sorted(rows), sorted(expected), f"{what}: one block row per point")
    worst_z, worst_p, bad_class = 0.0, 0.0, []
    for code, exp in expected.items():
        got = rows.get(code, {})
        for field in ref.FIELDS:
            gz, gp = got.get(f"{field}_z"), got.get(f"{field}_p")
            if gz is None or gp is None:
                worst_z = math.inf
                continue
            worst_z = max(worst_z, abs(gz - exp[f"{field}_z"]))
            worst_p = max(worst_p, abs(gp - exp[f"{field}_p"]) / exp[f"{field}_p"])
            if got.get(f"{field}_class") != exp[f"{field}_class"]:
                bad_class.append((code, field, got.get(f"{field}_class"), exp[f"{field}_class"]))
    c.check(worst_z <= 1e-9, f"{what}: concern_z and strength_z equal the reference to 1e-9 (worst {worst_z:.2e})")
    c.check(worst_p <= 1e-9, f"{what}: concern_p and strength_p equal the reference to 1e-9 relative (worst {worst_p:.2e})")
    c.check(not bad_class, f"{what}: every concern_class and strength_class equals the reference", bad_class[:10])
    statuses = {r.get("hotspot_status") for r in rows.values()}
    c.equal(statuses, {"ok"}, f"{what}: hotspot_status")
    n_classed = sum(1 for e in expected.values() for f in ref.FIELDS if e[f"{f}_class"] != 0)
    c.check(n_classed > 0, f"{what}: the reference classes {n_classed} (field, block) pairs: the comparison is not all zeros")


def report_value(gpkg, item):
    for r in e2e.read_layer(gpkg, "run_report"):
        if r.get("item") == item:
            return r.get("value")
    return None


def body(c):
    proc = subprocess.run([sys.executable, os.path.join(DATA, "reference_gistar.py"), "--check"], capture_output=True, text=True)
    c.check(proc.returncode == 0, "tests/data/hotspot: the stored reference is what reference_gistar.py computes now",
            proc.stdout + proc.stderr)

    params = {r[0]: r[1] for r in ref.read_csv(ref.PARAMS)[1:]}
    band = float(params["band"])

    # Run 1: the reference's band, FDR on (the default). Expected: the stored reference file itself.
    tmp = e2e.fresh_tmp("gistar_reference_band")
    write_inputs(tmp)
    proj = write_project(tmp, f"distance = {band!r}")
    run = e2e.run_cli(["run", proj, "--quiet"], timeout=60)
    c.exit_code(run, e2e.EXIT_OK, "run with distance = 150")
    out = os.path.join(tmp, "out.gpkg")
    header, *rows = ref.read_csv(ref.REFERENCE)
    stored = {}
    for row in (dict(zip(header, r)) for r in rows):
        stored[f"P{int(row['id']):03d}"] = {f"{f}_{k}": (int(row[f"{f}_class_fdr"]) if k == "class" else float(row[f"{f}_{k}"]))
                                             for f in ref.FIELDS for k in ("z", "p", "class")}
    compare(c, out, stored, "band 150 m, FDR")
    c.close(report_value(out, "hotspots_blocks_band_m"), band, 0.5, "run_report: the band used for blocks")

    # Run 2: no distance (the default band, from the block centroids) and fdr = false.
    default_band = float(params["default_band"])
    ids, xy, _ = ref.read_points()
    d = ref.distances(xy)
    margin = abs(d[~(d == 0)] - default_band).min()
    c.check(margin > 1e-6, f"no pair of points lies within 1e-6 m of the default band ({margin:.3g} m): the comparison is robust")
    tmp = e2e.fresh_tmp("gistar_reference_default")
    write_inputs(tmp)
    proj = write_project(tmp, "fdr = false")
    run = e2e.run_cli(["run", proj, "--quiet"], timeout=60)
    c.exit_code(run, e2e.EXIT_OK, "run with the default band, fdr = false")
    out = os.path.join(tmp, "out.gpkg")
    compare(c, out, reference_for_band(default_band, fdr=False), f"default band {default_band:.3f} m, no FDR")
    c.close(report_value(out, "hotspots_blocks_band_m"), round(default_band), 0.5, "run_report: the default band used for blocks")

    # Run 3: 29 blocks, one short of the minimum.
    tmp = e2e.fresh_tmp("gistar_reference_29")
    codes = write_inputs(tmp, limit=29)
    c.check(any(stored[k]["concern_class"] == 3 for k in codes), "the 29 blocks include blocks that run 1 classed +3")
    run = e2e.run_cli(["run", write_project(tmp, f"distance = {band!r}"), "--quiet"], timeout=60)
    c.exit_code(run, e2e.EXIT_OK, "run with 29 blocks")
    out = os.path.join(tmp, "out.gpkg")
    rows = e2e.read_layer(out, "blocks")
    c.equal({r["hotspot_status"] for r in rows}, {"insufficient data: 29 features, at least 30 needed"}, "29 blocks: hotspot_status")
    fields = [f"{f}_{k}" for f in ref.FIELDS for k in ("z", "p", "class")]
    c.check(all(r[f] is None for r in rows for f in fields), "29 blocks: every z, p and class is NULL (nothing classed)")
    notes = [r["detail"] for r in e2e.read_layer(out, "run_report") if r["section"] == "hotspots" and r["item"] == "not classed"]
    c.check(any(n.startswith("blocks: insufficient data") for n in notes), "29 blocks: the run report says why blocks are not classed", notes)


if __name__ == "__main__":
    e2e.main("Gi* of buurtbalans run against the independent numpy reference", body)
