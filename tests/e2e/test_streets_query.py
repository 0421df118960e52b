#!/usr/bin/python3
"""`buurtbalans streets` and `buurtbalans street` on a run of the Geuzenveld sample.

Expected values are computed here, not taken from the command: counts per street by reading the
observation tables (street, theme, valence) through osgeo.ogr and counting in Python; street lengths
from the *input* centre lines (sample straten layer) with shapely; per 100 m and the ranking rule
(most observations, then per 100 m, then name) applied here. Then the CSV output's protection against
spreadsheet formulas, on a copy of the output where one street is renamed to a formula.

The query recomputes Gi* on the segments for its filter, from the network it rebuilds out of the
GeoPackage; with only a valence filter that is the same statistic the run wrote into street_segments
(concern_* for zorg, strength_* for kans), so the two must agree exactly, with the default network
distance and with [streets] network_distance set (the query reads it from the run's provenance).
"""
import csv
import io
import json
import math
import os
import re
import shutil
import sys
from collections import Counter, defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_common as e2e  # noqa: E402

from osgeo import gdal, ogr  # noqa: E402
from shapely import wkb  # noqa: E402

FILTER = ["--theme", "overlast", "--valence", "zorg"]
TOP = 5
FORMULA = '=HYPERLINK("http://example.org/x","klik")'  # a formula with quotes and a comma: needs quoting too


def observed(gpkg):
    """(street, theme, valence) of every observation that has a street, from every observation table."""
    return [(r["street"], r["theme"], r["valence"]) for r in e2e.read_observations(gpkg) if r.get("street")]


def input_lengths(project):
    """Length per street name from the input centre lines (the sample's streets source), with shapely."""
    s = project["streets"]
    ds = e2e.open_vector(e2e.sample_path(s["source"]))
    lengths = defaultdict(float)
    for f in ds.GetLayerByName(s["layer"]):
        g = f.GetGeometryRef()
        if g is not None:
            lengths[f.GetField(s["name"])] += wkb.loads(bytes(g.ExportToIsoWkb())).length
    return lengths


def expected_ranking(counts, lengths):
    rows = [(name, n, n / lengths[name] * 100.0) for name, n in counts.items()]
    rows.sort(key=lambda r: (-r[1], -r[2], r[0]))
    return rows


def rename_street(src, dst, old, new):
    """A copy of the output with street `old` renamed to `new` in the segments and every observation table."""
    shutil.copyfile(src, dst)
    ds = gdal.OpenEx(dst, gdal.OF_VECTOR | gdal.OF_UPDATE)
    lit = lambda s: "'" + s.replace("'", "''") + "'"  # noqa: E731
    ds.ExecuteSQL(f"UPDATE street_segments SET name = {lit(new)} WHERE name = {lit(old)}")
    present = set(e2e.layer_names(src))
    for t in e2e.OBSERVATION_LAYERS:
        if t in present:
            ds.ExecuteSQL(f"UPDATE {t} SET street = {lit(new)} WHERE street = {lit(old)}")
    ds = None


def segment_gi(gpkg):
    """{(street, segment_no): row} of the run's street_segments layer."""
    return {(r["name"], r["segment_no"]): r for r in e2e.read_layer(gpkg, "street_segments")}


def query_matches_layer(gpkg, names, layer):
    """Mismatches between `street NAME --valence V --json` and the run's Gi* fields for V, for each name."""
    bad = []
    for valence, field in (("zorg", "concern"), ("kans", "strength")):
        for name in names:
            segs = json.loads(e2e.run_cli(["street", gpkg, name, "--valence", valence, "--json"]).stdout)["segments"]
            for s in segs:
                row = layer[(name, s["segment"])]
                z, cl = row[f"{field}_z"], row[f"{field}_class"]
                if s["z"] is None or z is None or not math.isclose(s["z"], z, abs_tol=1e-9) or s["class"] != cl:
                    bad.append((name, s["segment"], valence, s["z"], z, s["class"], cl))
    return bad



def project_with(folder, extra_streets_keys):
    """The sample project file copied to `folder` with absolute sources and extra [streets] keys."""
    text = open(e2e.PROJECT_FILE, encoding="utf-8").read()
    # input sources are files (name.ext); `source = "bron"` under [observations.fields] is a field name
    text = re.sub(r'^source = "([^"/]+\.[a-z]+)"', lambda m: f'source = "{os.path.join(e2e.SAMPLE_DATA, m.group(1))}"', text, flags=re.M)
    text = text.replace("[streets]\n", "[streets]\n" + extra_streets_keys + "\n")
    path = os.path.join(folder, "project.toml")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def body(c):
    project = e2e.read_project()
    tmp = e2e.fresh_tmp("streets_query")
    out = os.path.join(tmp, "out.gpkg")
    c.exit_code(e2e.run_cli(["run", e2e.PROJECT_FILE, "--out", out, "--quiet"], timeout=120), e2e.EXIT_OK, "run the sample")

    obs = observed(out)
    lengths = input_lengths(project)
    filtered = Counter(st for st, theme, val in obs if theme == "overlast" and val == -1)
    ranking = expected_ranking(filtered, lengths)
    c.check(len(ranking) > TOP, f"the sample has {len(ranking)} streets with overlast/zorg observations (more than --top {TOP})")
    c.note("expected top: " + "; ".join(f"{n} {k} ({p:.2f}/100 m)" for n, k, p in ranking[:TOP]))

    # --json
    proc = e2e.run_cli(["streets", out] + FILTER + ["--top", TOP, "--json"])
    c.exit_code(proc, e2e.EXIT_OK, "streets --json")
    j = json.loads(proc.stdout)
    streets = j["streets"]
    c.equal(len(streets), TOP, "--top 5 gives five streets")
    c.equal([s["name"] for s in streets], [r[0] for r in ranking[:TOP]], "ranking: most observations, then per 100 m, then name")
    c.equal([s["rank"] for s in streets], list(range(1, TOP + 1)), "ranks 1..5")
    for s in streets:
        name = s["name"]
        c.equal(s["n_obs"], filtered[name], f"{name}: n_obs equals the independent count of overlast/zorg observations")
        c.equal((s["n_concern"], s["n_strength"], s["n_neutral"]), (filtered[name], 0, 0), f"{name}: all of them concerns (the filter)")
        c.close(s["length_m"], lengths[name], 0.01, f"{name}: length_m equals the input centre lines' length")
        c.close(s["per_100m"], s["n_obs"] / s["length_m"] * 100.0, 1e-9, f"{name}: per_100m = n_obs / length_m * 100")
    c.equal(j["filter"], "theme overlast, valence zorg", "the filter is described")

    # --csv: the same rows
    proc = e2e.run_cli(["streets", out] + FILTER + ["--top", TOP, "--csv"])
    c.exit_code(proc, e2e.EXIT_OK, "streets --csv")
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    c.equal([r["name"] for r in rows], [s["name"] for s in streets], "--csv lists the same streets in the same order as --json")
    c.equal([int(r["n_obs"]) for r in rows], [filtered[r[0]] for r in ranking[:TOP]], "--csv n_obs")
    c.check(all(abs(float(r["per_100m"]) - s["per_100m"]) <= 0.0005 for r, s in zip(rows, streets)), "--csv per_100m (3 decimals)")

    # street NAME --json: the segments add up to the street
    for name in (ranking[0][0], ranking[TOP - 1][0]):
        proc = e2e.run_cli(["street", out, name] + FILTER + ["--json"])
        c.exit_code(proc, e2e.EXIT_OK, f"street {name!r} --json")
        segs = json.loads(proc.stdout)["segments"]
        c.equal(sum(s["n_obs"] for s in segs), filtered[name], f"{name}: its segments' counts sum to the street's count")
        c.close(sum(s["length_m"] for s in segs), lengths[name], 0.01, f"{name}: its segments' lengths sum to the street's length")
        c.equal(sorted(s["segment"] for s in segs), list(range(1, len(segs) + 1)), f"{name}: segments numbered 1..{len(segs)}")
        c.check(all(abs(s["per_100m"] - s["n_obs"] / s["length_m"] * 100) <= 1e-9 for s in segs), f"{name}: per_100m per segment")
    # Unfiltered, every observation with a street is on exactly one segment of it
    all_counts = Counter(st for st, _t, _v in obs)
    name = ranking[0][0]
    segs = json.loads(e2e.run_cli(["street", out, name, "--json"]).stdout)["segments"]
    c.equal(sum(s["n_obs"] for s in segs), all_counts[name], f"{name} without a filter: segments sum to all its observations")

    # The query's Gi* for "valence zorg" / "valence kans" is the run's concern / strength Gi* (default band)
    checked = [r[0] for r in ranking[:3]]
    bad = query_matches_layer(out, checked, segment_gi(out))
    c.check(not bad, f"street --valence zorg/kans: z and class equal street_segments concern_*/strength_* ({', '.join(checked)})", bad[:5])

    # ... and with a configured network distance, which the query takes from the run's provenance
    nd_dir = e2e.fresh_tmp("streets_query_network_distance")
    nd_out = os.path.join(nd_dir, "out.gpkg")
    run = e2e.run_cli(["run", project_with(nd_dir, "network_distance = 250.0"), "--out", nd_out, "--quiet"], timeout=120)
    c.exit_code(run, e2e.EXIT_OK, "run the sample with [streets] network_distance = 250")
    bad = query_matches_layer(nd_out, checked, segment_gi(nd_out))
    c.check(not bad, "with network_distance = 250 the query's Gi* equals street_segments'",
              f"{len(bad)} segment/valence mismatches, e.g. (street, segment, valence, query z, layer z, query class, layer class):\n"
              + "\n".join(map(str, bad[:3])))

    # CSV formula protection: rename the first street to a formula in a copy of the output
    formula_gpkg = os.path.join(tmp, "formula.gpkg")
    rename_street(out, formula_gpkg, ranking[0][0], FORMULA)
    proc = e2e.run_cli(["streets", formula_gpkg] + FILTER + ["--top", TOP, "--csv"])
    c.exit_code(proc, e2e.EXIT_OK, "streets --csv on the copy with a formula as street name")
    lines = proc.stdout.splitlines()
    parsed = list(csv.reader(io.StringIO(proc.stdout)))
    c.equal(parsed[1][1] if len(parsed) > 1 else None, "'" + FORMULA, "the formula street (rank 1) is text: prefixed with a single quote")
    c.check(len(lines) > 1 and not lines[1].split(",", 1)[1].lstrip('"').startswith("="),
            "no CSV cell starts with '=' (not even inside quotes)", lines[1] if len(lines) > 1 else proc.stdout)
    c.equal(len(parsed[1]) if len(parsed) > 1 else 0, 10, "the quotes and comma in the name stay inside one quoted cell")
    proc = e2e.run_cli(["street", formula_gpkg, FORMULA, "--csv"])
    c.exit_code(proc, e2e.EXIT_OK, "street NAME works with the formula name")


if __name__ == "__main__":
    e2e.main("buurtbalans streets / street: counts, per 100 m, ranking, CSV safety", body)
