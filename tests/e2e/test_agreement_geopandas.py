#!/usr/bin/python3
"""Agreement with GeoPandas/shapely on a synthetic city (400 blocks, 30,000 points).

The city comes from tests/e2e/synthetic_city.py (deterministic; a few points lie exactly on block
vertices). buurtbalans runs with command-line flags only. Then:
  - per-block and per-buurt point counts equal GeoPandas sjoin(predicate='within'), except for points
    exactly on a boundary ('within' puts those nowhere); those are listed and each must be assigned by the
    documented rule: covered by the area, smallest code among the covering areas (coarser levels through
    the parent link of the finest area);
  - the nearest street within 30 m equals a shapely STRtree computation for a sample of 2,000 points
    (same street name, distance within 1e-6; a different name is allowed only for an exact tie).
"""
import os
import subprocess
import sys
import time
from collections import Counter

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_common as e2e  # noqa: E402

import numpy as np  # noqa: E402
import geopandas as gpd  # noqa: E402
from shapely.geometry import box  # noqa: E402
from shapely.strtree import STRtree  # noqa: E402

GEN_CITY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "synthetic_city.py")
MAX_DISTANCE = 30.0
SAMPLE = 2000


def write_boundary_points(city, path):
    """Points exactly on shared buurt boundaries: vertices that two or more buurt polygons have in common
    (exact coordinates, so 'covers' holds for each of those buurten). Every 10th such vertex, plus every
    vertex shared by three or more buurten. Written as a second observations input (EPSG:28992)."""
    from collections import defaultdict
    from osgeo import ogr, osr
    owners = defaultdict(set)
    ds = e2e.open_vector(city)
    lyr = ds.GetLayerByName("buurten")
    for f in lyr:
        g = f.GetGeometryRef()
        for pi in range(g.GetGeometryCount()):
            poly = g.GetGeometryRef(pi)
            for ri in range(poly.GetGeometryCount()):
                ring = poly.GetGeometryRef(ri)
                for k in range(ring.GetPointCount()):
                    owners[(ring.GetX(k), ring.GetY(k))].add(f.GetField("buurt_code"))
    ds = None
    shared = sorted(xy for xy, s in owners.items() if len(s) > 1)
    chosen = sorted(set(shared[::10]) | {xy for xy in shared if len(owners[xy]) > 2})
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(28992)
    out = ogr.GetDriverByName("GPKG").CreateDataSource(path)
    lyr = out.CreateLayer("grenspunten", srs, ogr.wkbPoint)
    for name in ("theme", "valence", "source"):
        lyr.CreateField(ogr.FieldDefn(name, ogr.OFTString))
    for k, (x, y) in enumerate(chosen):
        f = ogr.Feature(lyr.GetLayerDefn())
        f.SetField("theme", "groen")
        f.SetField("valence", "1" if k % 2 else "-1")
        f.SetField("source", "bewoner")
        pt = ogr.Geometry(ogr.wkbPoint)
        pt.AddPoint_2D(x, y)
        f.SetGeometry(pt)
        lyr.CreateFeature(f)
    out = None
    return len(chosen), sum(1 for xy in chosen if len(owners[xy]) > 2)


def nearest_street_check(c, points, engine_rows, streets_gdf):
    geoms = list(streets_gdf.geometry)
    names = list(streets_gdf["naam"])
    tree = STRtree(geoms)
    rng = np.random.default_rng(2024)
    idx = sorted(rng.choice(len(points), size=min(SAMPLE, len(points)), replace=False))
    bad, ties, with_street, near_limit = [], 0, 0, 0
    for i in idx:
        p = points.geometry.iloc[i]
        cands = tree.query_items(box(p.x - MAX_DISTANCE, p.y - MAX_DISTANCE, p.x + MAX_DISTANCE, p.y + MAX_DISTANCE))
        dist = {}
        for k in cands:
            d = p.distance(geoms[k])
            dist[names[k]] = min(d, dist.get(names[k], float("inf")))
        best = min(dist.values()) if dist else float("inf")
        row = engine_rows[i]
        got_name, got_d = row["street"], row["street_dist_m"]
        if abs(best - MAX_DISTANCE) < 1e-6:
            near_limit += 1
            continue  # at the limit, either answer is right
        if best > MAX_DISTANCE:
            if got_name is not None:
                bad.append(f"point {i + 1}: nearest street {best:.3f} m away, engine gave {got_name!r} at {got_d}")
            continue
        with_street += 1
        best_names = sorted(n for n, d in dist.items() if d == best)
        if got_name is None:
            bad.append(f"point {i + 1}: expected {best_names} at {best!r} m, engine gave none")
            continue
        if got_d is None or abs(got_d - best) > 1e-6:
            bad.append(f"point {i + 1}: distance {got_d!r}, expected {best!r} ({best_names})")
        if got_name not in best_names:
            # Only an exact tie may give another name: its distance must equal the best one.
            if got_name in dist and dist[got_name] == best:
                ties += 1
            else:
                bad.append(f"point {i + 1}: street {got_name!r} ({dist.get(got_name)!r} m), expected {best_names} at {best!r} m")
        elif len(best_names) > 1:
            ties += 1
    c.check(not bad, f"nearest street within {MAX_DISTANCE:g} m for {len(idx)} sampled points: name equal, distance within 1e-6 "
            f"({with_street} with a street, {ties} exact ties, {near_limit} at the limit)", "\n".join(bad[:30]))


def body(c):
    t0 = time.time()
    tmp = e2e.fresh_tmp("agreement_geopandas")
    city = os.path.join(tmp, "city.gpkg")
    out = os.path.join(tmp, "out.gpkg")
    gen = subprocess.run(["/usr/bin/python3", GEN_CITY, "--blocks", "400", "--points", "30000", "--seed", "7", "-o", city],
                         capture_output=True, text=True, timeout=120)
    if not c.check(gen.returncode == 0 and os.path.exists(city), "synthetic_city.py --blocks 400 --points 30000 --seed 7",
                   gen.stderr[-2000:]):
        return
    extra = os.path.join(tmp, "grenspunten.gpkg")
    n_extra, n_triple = write_boundary_points(city, extra)
    c.note(f"second input: {n_extra} points on shared buurt vertices ({n_triple} shared by three or more buurten)")
    args = ["run",
            "--area", f"block={city},layer=bouwblokken,code=block_id,parent=buurt_code",
            "--area", f"buurt={city},layer=buurten,code=buurt_code,parent=wijk_code",
            "--area", f"wijk={city},layer=wijken,code=wijk_code",
            "--streets", f"{city},layer=straten,name=naam",
            "--observations", f"{city},layer=observations,fields.theme=theme,fields.valence=valence,fields.source=source",
            "--observations", f"{extra},fields.theme=theme,fields.valence=valence,fields.source=source",
            "--out", out, "--quiet"]
    proc = e2e.run_cli(args, cwd=tmp)
    if not c.exit_code(proc, 0, "buurtbalans run with flags only"):
        return
    c.note(f"generated and joined in {time.time() - t0:.1f} s")

    city_points = gpd.read_file(city, layer="observations")
    extra_points = gpd.read_file(extra)
    n_city = len(city_points)
    c.equal(n_city, e2e.count_features(city, "observations"), "(setup) GeoPandas reads every input point")
    points = gpd.GeoDataFrame(geometry=list(city_points.geometry) + list(extra_points.geometry), crs=city_points.crs)
    blocks = gpd.read_file(city, layer="bouwblokken").rename(columns={"block_id": "code"})
    buurten = gpd.read_file(city, layer="buurten").rename(columns={"buurt_code": "code"})
    streets = gpd.read_file(city, layer="straten")
    n = len(points)

    rows = e2e.read_layer(out, "observations")
    c.equal(len(rows), n, "observations layer has every input point (both inputs)")
    # Rows are written in input order; the id of a source without an id field is its FID.
    ids_ok = all(r["obs_id"] == f"FID {fid}" for r, fid in zip(rows, list(range(1, n_city + 1)) + list(range(1, n_extra + 1))))
    xy_in = np.array([(g.x, g.y) for g in points.geometry])
    from shapely import wkb
    xy_out = np.array([(g.x, g.y) for g in (wkb.loads(r["_wkb"]) for r in rows)])
    c.check(ids_ok and np.array_equal(xy_in, xy_out), "observation rows are the input points in input order (ids 'FID n', same coordinates)")

    # --- point in polygon: GeoPandas 'within' -------------------------------------------------------
    t1 = time.time()
    in_block, method = e2e.sjoin_within(points, blocks)
    in_buurt, _ = e2e.sjoin_within(points, buurten)
    c.note(f"point in polygon by {method} ({time.time() - t1:.1f} s)")
    c.check(all(len(x) <= 1 for x in in_block) and all(len(x) <= 1 for x in in_buurt),
            "(independent) no point is within two blocks or two buurten")
    block_parent = dict(zip(blocks["code"], blocks["buurt_code"]))

    # Points within no block or no buurt: are they on a boundary (covered) or outside?
    todo = [i for i in range(n) if not in_block[i] or not in_buurt[i]]
    rule = dict(zip(todo, e2e.expected_point_assignment(points.geometry.iloc[todo], blocks, buurten, block_parent)))
    boundary = [i for i in todo if rule[i][2]]
    c.note(f"{len(boundary)} points exactly on an area boundary: "
           + "; ".join(f"point {i + 1} ({points.geometry.iloc[i].x:.3f} {points.geometry.iloc[i].y:.3f}) "
                       f"-> block {rule[i][0]}, buurt {rule[i][1]} (covering buurten {rule[i][3]})" for i in boundary[:20]))
    c.check(sum(1 for i in boundary if i < n_city) >= 1,
            "(independent) the city has points exactly on block boundaries (synthetic_city puts some on block corners)")
    c.equal(sum(1 for i in boundary if i >= n_city), n_extra, "(independent) every point of the second input is on a buurt boundary")

    expected = []
    for i in range(n):
        if in_block[i]:
            block = in_block[i][0]
            buurt = block_parent[block]
        else:
            block = rule[i][0]
            buurt = in_buurt[i][0] if in_buurt[i] else rule[i][1]
        expected.append((block, buurt))
    # Sanity of the independent side: a block's buurt (by code) contains the point too.
    inconsistent = [i for i in range(n) if in_block[i] and in_buurt[i] and block_parent[in_block[i][0]] != in_buurt[i][0]]
    c.check(not inconsistent, "(independent) each point within a block is within that block's buurt", str(inconsistent[:10]))

    for i in boundary:
        got = (rows[i]["block_code"], rows[i]["buurt_code"])
        label = f"point {i + 1}" if i < n_city else f"grenspunt {i - n_city + 1}"
        if i < n_city or len(rule[i][3]) > 2 or i % 10 == 0:  # print a selection; all are checked below
            c.equal(got, expected[i], f"boundary {label}: block and buurt by the rule (covering buurten {rule[i][3]})")
        if expected[i][0] is not None and expected[i][1] not in rule[i][3][:1]:
            c.note(f"boundary point {i + 1}: buurt {expected[i][1]} comes from the block's parent, "
                   f"smallest covering buurt would be {rule[i][3][:1]}")

    flag_wrong = [f"point {i + 1}: boundary_rule {rows[i]['boundary_rule']}, covered by {rule[i][3]}"
                  for i in boundary if expected[i][0] is None and rows[i]["boundary_rule"] != (1 if len(rule[i][3]) > 1 else 0)]
    c.check(not flag_wrong, "boundary points decided between several buurten have boundary_rule = 1", "\n".join(flag_wrong[:20]))
    wrong = [f"point {i + 1}: expected {expected[i]}, got {(rows[i]['block_code'], rows[i]['buurt_code'])}"
             for i in range(n) if (rows[i]["block_code"], rows[i]["buurt_code"]) != expected[i]]
    c.check(not wrong, f"all {n} points: block_code and buurt_code agree with GeoPandas within + the boundary rule", "\n".join(wrong[:30]))

    # Per-area counts: GeoPandas 'within' counts, which differ from ours only by the boundary points.
    within_block = Counter(x[0] for x in in_block if x)
    within_buurt = Counter(x[0] for x in in_buurt if x)
    got_block = {r["code"]: r["n_points"] for r in e2e.read_layer(out, "blocks")}
    got_buurt = {r["code"]: r["n_points"] for r in e2e.read_layer(out, "buurten")}
    c.equal(sorted(got_block), sorted(blocks["code"]), "blocks layer has every block")
    c.equal(sorted(got_buurt), sorted(buurten["code"]), "buurten layer has every buurt")
    on_boundary_block = Counter(expected[i][0] for i in boundary if not in_block[i] and expected[i][0] is not None)
    on_boundary_buurt = Counter(expected[i][1] for i in range(n) if not in_buurt[i] and expected[i][1] is not None)
    diff_block = {k: (got_block.get(k, 0), within_block.get(k, 0)) for k in got_block if got_block.get(k, 0) != within_block.get(k, 0)}
    diff_buurt = {k: (got_buurt.get(k, 0), within_buurt.get(k, 0)) for k in got_buurt if got_buurt.get(k, 0) != within_buurt.get(k, 0)}
    c.note(f"blocks whose count differs from sjoin 'within' (engine, within): {diff_block}")
    c.note(f"buurten whose count differs from sjoin 'within' (engine, within): {diff_buurt}")
    c.check(all(got_block[k] - within_block.get(k, 0) == on_boundary_block.get(k, 0) for k in got_block),
            "per-block n_points = sjoin 'within' count + boundary points assigned to the block",
            f"(engine, within) {diff_block}, boundary points per block {dict(on_boundary_block)}")
    c.check(all(got_buurt[k] - within_buurt.get(k, 0) == on_boundary_buurt.get(k, 0) for k in got_buurt),
            "per-buurt n_points = sjoin 'within' count + boundary points assigned to the buurt",
            f"(engine, within) {diff_buurt}, boundary points per buurt {dict(on_boundary_buurt)}")
    outside = sum(1 for e in expected if e[1] is None)
    c.equal(sum(got_buurt.values()) + outside, n, "sum of buurten n_points + points outside every buurt = all points")

    # --- nearest street ---------------------------------------------------------------------------------
    t2 = time.time()
    nearest_street_check(c, points.iloc[:n_city], rows[:n_city], streets)
    c.note(f"nearest-street check {time.time() - t2:.1f} s; whole test {time.time() - t0:.1f} s")


if __name__ == "__main__":
    e2e.main("agreement with GeoPandas/shapely on a synthetic city", body)
