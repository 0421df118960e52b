#!/usr/bin/python3
"""`buurtbalans validate` on the Geuzenveld sample, its JSON report checked against the inputs themselves.

Expected values are computed here, independently of the engine: feature counts with osgeo.ogr, the
null-geometry and invalid features with the json module and shapely, level counts with osgeo.ogr, the
area hierarchy with shapely. Then the same validation with flags only must give the same counts.
"""
import csv
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_common as e2e  # noqa: E402

from shapely.geometry import shape  # noqa: E402
from shapely.validation import explain_validity  # noqa: E402

# The themes, valences and sources of DESIGN.md's vocabulary.
THEMES = {"groen", "spelen", "overlast", "veiligheid", "vuil", "verkeer", "wonen", "voorzieningen", "ontmoeten"}
VALENCES = {"kans", "zorg", "neutraal"}
SOURCES = {"bewoner", "professional", "cijfers"}


def input_counts(report):
    """{(path, layer): (features, used, repaired_count, skipped_count)} of a validate report."""
    return {(i["path"], i["layer"]): (i["features"], i["used"], i["repaired_count"], i["skipped_count"]) for i in report["inputs"]}


def independent_hierarchy(project):
    """Problems found with shapely: unknown parent codes, duplicate codes, areas > 1 % outside their parent."""
    import geopandas as gpd
    problems = []
    levels = [lvl for lvl in e2e.LEVELS if lvl in project["areas"]]
    frames = {}
    for lvl in levels:
        a = project["areas"][lvl]
        frames[lvl] = gpd.read_file(e2e.sample_path(a["source"]), layer=a["layer"])
    checked = 0
    for lvl, up in zip(levels, levels[1:]):
        a = project["areas"][lvl]
        u = project["areas"][up]
        parents = frames[up]
        by_code = {}
        for code, geom in zip(parents[u["code"]], parents.geometry):
            if code in by_code:
                problems.append(f"{up} {code}: duplicate code")
            by_code[code] = geom
        for code, parent, geom in zip(frames[lvl][a["code"]], frames[lvl][a["parent"]], frames[lvl].geometry):
            checked += 1
            if parent not in by_code:
                problems.append(f"{lvl} {code}: parent code {parent!r} not in {up}")
                continue
            outside = geom.difference(by_code[parent]).area / geom.area
            if outside > 0.01:
                problems.append(f"{lvl} {code}: {outside:.1%} of its area outside {up} {parent}")
    return problems, checked, {lvl: len(f) for lvl, f in frames.items()}


def body(c):
    tmp = e2e.fresh_tmp("sample_validate")
    project = e2e.read_project()
    before = e2e.tree_hashes(e2e.SAMPLE_DATA)

    proc = e2e.run_cli(["validate", e2e.PROJECT_FILE, "--json"], cwd=tmp)
    c.exit_code(proc, 0, "validate sample_data/geuzenveld.toml --json")
    report = json.loads(proc.stdout)
    c.check(isinstance(report, dict) and "inputs" in report, "stdout is one JSON report with 'inputs'")

    # --- every input's feature count equals what osgeo.ogr counts in that file/layer -------------------
    expected_inputs = []  # (role prefix, path, layer or None, ogr open options)
    for lvl in e2e.LEVELS:
        a = project["areas"].get(lvl)
        if a:
            expected_inputs.append((f"areas.{lvl}", e2e.sample_path(a["source"]), a.get("layer")))
    expected_inputs.append(("streets", e2e.sample_path(project["streets"]["source"]), project["streets"].get("layer")))
    for o in project["observations"]:
        expected_inputs.append(("observations", e2e.sample_path(o["source"]), o.get("layer")))
    for i in project["indicators"]:
        expected_inputs.append(("indicators", e2e.sample_path(i["source"]), i.get("layer")))
    c.equal(len(report["inputs"]), len(expected_inputs), "number of inputs in the report (one per table of the project file)")

    by_path_layer = {}
    for i in report["inputs"]:
        by_path_layer.setdefault(os.path.realpath(i["path"]), []).append(i)
    for role, path, layer in expected_inputs:
        candidates = by_path_layer.get(os.path.realpath(path), [])
        if layer:
            candidates = [i for i in candidates if i["layer"] == layer]
        candidates = [i for i in candidates if i["role"].startswith(role)]
        if not c.check(len(candidates) == 1, f"report has exactly one input {role} {os.path.basename(path)} ({layer or 'only layer'})",
                       f"inputs: {[(i['role'], i['path'], i['layer']) for i in report['inputs']]}"):
            continue
        n = e2e.count_features(path, layer)
        c.equal(candidates[0]["features"], n, f"{role} {os.path.basename(path)} ({layer or candidates[0]['layer']}): features = osgeo.ogr count")

    # Cross-check the observation counts with plain readers, too (json / csv modules).
    r1 = [o for o in project["observations"] if o["source"].endswith(".geojson")][0]
    r2 = [o for o in project["observations"] if o["source"].endswith(".csv")][0]
    r1_path, r2_path = e2e.sample_path(r1["source"]), e2e.sample_path(r2["source"])
    features = e2e.read_geojson_features(r1_path)
    with open(r2_path, encoding="utf-8", newline="") as f:
        csv_rows = list(csv.DictReader(f, delimiter=";"))
    rep1 = [i for i in report["inputs"] if os.path.realpath(i["path"]) == os.path.realpath(r1_path)][0]
    rep2 = [i for i in report["inputs"] if os.path.realpath(i["path"]) == os.path.realpath(r2_path)][0]
    c.equal(rep1["features"], len(features), "round 1 features = features in the GeoJSON (json module)")
    c.equal(rep2["features"], len(csv_rows), "round 2 features = data rows of the CSV (csv module, ';')")

    # --- round 1: the null geometry is skipped, the invalid polygon repaired ------------------------------
    id_field = r1["id"]
    null_ids = sorted(f["properties"][id_field] for f in features if f.get("geometry") is None)
    invalid_ids = sorted(f["properties"][id_field] for f in features
                         if f.get("geometry") is not None and not shape(f["geometry"]).is_valid)
    c.check(len(null_ids) == 1, f"the GeoJSON has one feature with null geometry (found {null_ids})")
    c.check(len(invalid_ids) == 1, f"shapely finds one invalid geometry in the GeoJSON (found {invalid_ids}: "
            + "; ".join(explain_validity(shape(f["geometry"])) for f in features if f["properties"][id_field] in invalid_ids) + ")")
    skipped = [s["id"] for s in rep1["skipped"]]
    repaired = [s["id"] for s in rep1["repaired"]]
    c.equal(sorted(skipped), null_ids, "round 1 skipped ids = the null-geometry features")
    c.equal(rep1["skipped_count"], len(null_ids), "round 1 skipped_count")
    c.equal(sorted(repaired), invalid_ids, "round 1 repaired ids = the invalid (bow-tie) polygons")
    c.equal(rep1["repaired_count"], len(invalid_ids), "round 1 repaired_count")
    c.equal(rep1["used"], len(features) - len(null_ids), "round 1 used = features with a geometry (the repaired one included)")
    c.equal(rep2["used"], len(csv_rows), "round 2 used = every CSV row")
    c.equal((rep2["skipped_count"], rep2["repaired_count"]), (0, 0), "round 2: nothing skipped or repaired")
    geom_types = {}
    for f in features:
        t = f["geometry"]["type"] if f.get("geometry") else None
        geom_types[t] = geom_types.get(t, 0) + 1
    c.equal(sum(rep1["geometry_types"].values()), len(features), "round 1 geometry_types add up to the feature count")
    c.equal(rep1["geometry_types"].get("Point"), geom_types.get("Point"), "round 1 Point count")
    c.equal(rep1["geometry_types"].get("Line String"), geom_types.get("LineString"), "round 1 LineString count")
    c.equal(rep1["geometry_types"].get("Polygon"), geom_types.get("Polygon"), "round 1 Polygon count")

    # Messy values in the sample are all normalisable (case, spaces) or mapped: no unknown values.
    mapped = {k: v for k, v in r1.get("values", {}).get("theme", {}).items()}
    themes = {mapped.get(f["properties"][r1["fields"]["theme"]], f["properties"][r1["fields"]["theme"]]).strip().lower() for f in features}
    themes |= {mapped.get(r[r2["fields"]["theme"]], r[r2["fields"]["theme"]]).strip().lower() for r in csv_rows}
    valences = {f["properties"][r1["fields"]["valence"]] for f in features} | {r[r2["fields"]["valence"]] for r in csv_rows}
    sources = {f["properties"][r1["fields"]["source"]] for f in features} | {r[r2["fields"]["source"]] for r in csv_rows}
    all_known = themes <= THEMES and valences <= VALENCES and sources <= SOURCES
    c.check(all_known, f"(independent) every theme/valence/source of the sample is known after normalising: {sorted(themes)}")
    c.equal((rep1["unknown_values"], rep2["unknown_values"]), ({}, {}), "no unknown theme/valence/source values reported")

    # --- CRS: the CSV's is assumed (from the project), the GeoJSON's declared ---------------------------
    c.check(rep2["crs_assumed"] is True, f"CSV input: crs_assumed is true (crs {rep2['crs']!r})")
    c.check("4326" in rep2["crs"] and "assumed" in rep2["crs"].lower(), f"CSV input: CRS reported as assumed EPSG:4326: {rep2['crs']!r}")
    c.check(rep1["crs_assumed"] is False and "4326" in rep1["crs"], f"GeoJSON input: CRS EPSG:4326, declared: {rep1['crs']!r}")

    # --- levels and hierarchy --------------------------------------------------------------------------
    problems, checked, level_counts = independent_hierarchy(project)
    rep_levels = {l["level"]: l["areas"] for l in report["levels"]}
    c.equal(rep_levels, level_counts, "level counts = features per area layer (GeoPandas)")
    c.note(f"blocks counted independently: {level_counts.get('block')}")
    c.check(not problems, f"(independent) shapely: all {checked} areas lie in the parent their code names (<= 1 % outside)",
            "\n".join(problems))
    if not problems:
        c.equal(report["hierarchy_problems"], [], "no hierarchy problems reported for the sample")
    else:
        c.check(report["hierarchy_problems"], "the hierarchy problems shapely found are reported", "\n".join(problems))
    c.equal(report.get("counts", {}).get("observations"), len(features) - len(null_ids) + len(csv_rows),
            "counts.observations = usable observations of both rounds")
    c.equal(os.listdir(tmp), [], "validate wrote nothing into the working folder")

    # --- the same with flags only ----------------------------------------------------------------------
    flags = e2e.sample_flags(project)
    proc2 = e2e.run_cli(["validate"] + flags + ["--json"], cwd=tmp)
    c.exit_code(proc2, 0, "validate with flags only (no project file) --json")
    if proc2.returncode == 0:
        report2 = json.loads(proc2.stdout)
        c.equal(input_counts(report2), input_counts(report), "flags only: per input features/used/repaired/skipped as with the file")
        c.equal({l["level"]: l["areas"] for l in report2["levels"]}, rep_levels, "flags only: level counts")
        c.equal(report2["hierarchy_problems"], report["hierarchy_problems"], "flags only: hierarchy problems")
        c.equal(report2.get("counts"), report.get("counts"), "flags only: counts")
        c.equal(report2["origin"], "command line", "flags only: origin is 'command line'")

    # Text output (no --json) exits 0 too and names the repaired and skipped features.
    proc3 = e2e.run_cli(["validate", e2e.PROJECT_FILE], cwd=tmp)
    c.exit_code(proc3, 0, "validate without --json")
    c.check(all(i in proc3.stdout for i in null_ids + invalid_ids), "text report names the skipped and repaired ids")

    c.equal(e2e.tree_hashes(e2e.SAMPLE_DATA), before, "sample_data unchanged (sha256 of every file)")


if __name__ == "__main__":
    e2e.main("validate: Geuzenveld sample", body)
