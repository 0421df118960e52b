#!/usr/bin/python3
"""The sample output opens styled in real QGIS (issue 4).

- validate_gpkg -k passes;
- layer_styles is written the way QGIS 3.22 writes it (empty-string schema, exact geometry column,
  one default per table, every feature table styled);
- class breaks of a Jenks layer equal an independent Jenks computation here (the classic 1977 formulation);
- ../shared/tools/qgis_check.py: every layer opens in QGIS with its stored style, is not empty, renders,
  and exports to a PDF layout whose legend holds every class label (checked in batches that fit a page);
  the embedded project opens with every layer valid and renders.
Exits 77 (skipped) when QGIS or the shared check tool is not installed.
"""
import os
import re
import sqlite3
import subprocess
import sys

import e2e_common as e

QGIS_CHECK = os.path.join(e.REPO, "..", "shared", "tools", "qgis_check.py")


def qgis_available():
    probe = subprocess.run(["/usr/bin/python3", "-c", "import qgis.core"], capture_output=True)
    return probe.returncode == 0 and os.path.exists(QGIS_CHECK)


def jenks_classic(values, k):
    """Jenks' 1977 natural breaks as usually published (lower-class-limit and variance matrices),
    written independently of the engine's prefix-sum formulation."""
    data = sorted(float(x) for x in values)
    n = len(data)
    lower = [[0] * (k + 1) for _ in range(n + 1)]
    var = [[0.0] * (k + 1) for _ in range(n + 1)]
    for j in range(1, k + 1):
        lower[1][j] = 1
        for i in range(2, n + 1):
            var[i][j] = float("inf")
    for l in range(2, n + 1):
        s1 = s2 = w = 0.0
        v = 0.0
        for m in range(1, l + 1):
            i3 = l - m + 1
            val = data[i3 - 1]
            s2 += val * val
            s1 += val
            w += 1
            v = s2 - (s1 * s1) / w
            i4 = i3 - 1
            if i4 != 0:
                for j in range(2, k + 1):
                    if var[l][j] >= v + var[i4][j - 1]:
                        lower[l][j] = i3
                        var[l][j] = v + var[i4][j - 1]
        lower[l][1] = 1
        var[l][1] = v
    breaks = [0.0] * (k + 1)
    breaks[k] = data[-1]
    breaks[0] = data[0]
    kk = n
    for j in range(k, 1, -1):
        idx = lower[kk][j] - 2
        breaks[j - 1] = data[idx]
        kk = lower[kk][j] - 1
    return breaks


def qml_ranges(qml, field):
    """(lower, upper) of each range rule in a stored QML, from the rule filters."""
    pat = re.compile(r'&quot;' + field + r'&quot; &gt;=? ([-0-9.e]+) AND &quot;' + field + r'&quot; &lt;= ([-0-9.e]+)')
    return [(float(a), float(b)) for a, b in pat.findall(qml)]


def body(c):
    tmp = e.fresh_tmp("qgis_styles")
    out = os.path.join(tmp, "geuzenveld.gpkg")
    proc = e.run_cli(["run", e.PROJECT_FILE, "--out", out, "--quiet"])
    c.exit_code(proc, 0, "buurtbalans run on the sample")

    v = subprocess.run(["/usr/bin/python3", "-m", "osgeo_utils.samples.validate_gpkg", "-k", out], capture_output=True, text=True)
    c.check(v.returncode == 0, "validate_gpkg -k passes", v.stdout + v.stderr)

    con = sqlite3.connect(out)
    geom_col = dict(con.execute("SELECT table_name, column_name FROM gpkg_geometry_columns"))
    rows = con.execute("SELECT f_table_catalog, f_table_schema, f_table_name, f_geometry_column, styleName, styleQML, useAsDefault "
                       "FROM layer_styles").fetchall()
    c.check(len(rows) > 0, f"layer_styles has {len(rows)} rows")
    c.check(all(r[0] == "" and r[1] == "" for r in rows), "catalog and schema are empty strings, not NULL")
    c.check(all(r[3] == geom_col.get(r[2]) for r in rows), "f_geometry_column is each table's geometry column")
    defaults = {}
    for r in rows:
        defaults[r[2]] = defaults.get(r[2], 0) + int(r[6])
    c.check(all(n == 1 for n in defaults.values()), "exactly one default style per styled table", defaults)
    c.check(set(geom_col) <= set(defaults), "every feature table has a default style", set(geom_col) - set(defaults))

    # Every spatial table's R-tree holds every row: an empty index makes GDAL disable it and QGIS scan.
    for table, column in geom_col.items():
        rows_n = con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
        indexed = con.execute(f'SELECT count(*) FROM "rtree_{table}_{column}"').fetchone()[0]
        c.check(rows_n == indexed, f"spatial index of {table} holds all {rows_n} rows (has {indexed})")

    # Jenks breaks of concerns per block (zero class apart) against a brute-force optimum.
    qml = next(r[5] for r in rows if r[4] == "concerns_blocks")
    stored = qml_ranges(qml, "w_concern")
    values = [x for (x,) in con.execute("SELECT w_concern FROM blocks WHERE w_concern > 0")]
    c.note(f"{len(values)} blocks with concerns")
    c.check(len(set(values)) > 5, "enough distinct values for a 5-class Jenks comparison")
    expected = jenks_classic(values, 5)
    got = [stored[0][0]] + [hi for _, hi in stored]
    c.check(len(got) == 6 and all(abs(a - b) < 1e-9 for a, b in zip(got, expected)),
            f"Jenks breaks {[round(x, 3) for x in got]} equal the classic Jenks computation", f"expected {expected}")
    con.close()

    if not qgis_available():
        print("QGIS (python3-qgis) or ../shared/tools/qgis_check.py not available: skipping the QGIS checks")
        sys.exit(77)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    # The check's print layout is one A4 page: a legend of every layer at once does not fit, so batches.
    batches = ["observations,observation_lines,observation_areas", "streets,buurten,blocks", "wijken,gebieden,stadsdelen"]
    for i, batch in enumerate(batches):
        q = subprocess.run(["/usr/bin/python3", QGIS_CHECK, out, "--layers", batch, "--expect-crs", "EPSG:28992",
                            "--png", os.path.join(tmp, f"layers{i}.png"), "--pdf", os.path.join(tmp, f"layers{i}.pdf")],
                           capture_output=True, text=True, env=env, cwd=tmp, timeout=600)
        c.check(q.returncode == 0, f"qgis_check layers {batch}", q.stdout[-3000:] + q.stderr[-2000:])
    q = subprocess.run(["/usr/bin/python3", QGIS_CHECK, out, "--project-any", "--project-only", "--project-png", os.path.join(tmp, "project.png")],
                       capture_output=True, text=True, env=env, cwd=tmp, timeout=600)
    c.check(q.returncode == 0, "qgis_check: the embedded project opens with every layer valid and renders", q.stdout[-3000:] + q.stderr[-2000:])
    c.check("invalid" not in q.stdout.lower() or "valid=False" not in q.stdout, "no invalid layer in the project")
    c.note(f"rendered PNGs in {tmp}")


e.main("QGIS opens the sample output styled", body)
