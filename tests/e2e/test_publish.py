"""`run --publish`: no count of observations from 1 to threshold-1 survives anywhere in the GeoPackage or
in a printed map of it.

Every table of the published GeoPackage is read with Python's sqlite3 (not through the engine), every
column of every row is classed, and a column the test does not know fails the test, so a new count field
cannot slip through unchecked. The styles (QML and SLD in layer_styles), the embedded QGIS project and
the provenance are parsed too. The same checks on the unprotected run must find small counts, so they
are able to fail. The protected values are compared with the unprotected run's: a hidden value was small
or is a second cell of a sum; every shown value is the exact one (suppress) or its rounding (round).
"""
import io
import json
import math
import os
import re
import sqlite3
import subprocess
import xml.etree.ElementTree as ET
import zipfile

import e2e_common as e2e

T = 5
COUNT = re.compile(r"^(n_obs|n_points|n_shapes|n_concern|n_strength|n_r\d+|w_.*|theme_.*|src_.*)$")
DERIVED = re.compile(r"^(balance|balance_r\d+|change|density_ha|per_1000|per_100m)$")  # computed from published counts only
GI_SCORES = re.compile(r"^((concern|strength)_(z|p)|p_change)$")  # p-values can be solved back to counts
NOT_COUNTS = re.compile(r"^(fid|geom|code|name|block_code|buurt_code|wijk_code|gebied_code|stadsdeel_code|area_ha|length_m|segment_no|"
                        r"population|ind_.*|known|status|n_sources|concern_class|strength_class|hotspot_status|"
                        r"sources_spoke|agree_themes|differ_themes|differ_list|views|blind|problem_indicators|rounds_compared|change_class)$")
OBSERVATION_TABLES = {"observations", "observation_lines", "observation_areas", "observation_multipoints", "observation_shares", "heatmap"}
GPKG_SYSTEM = re.compile(r"^(gpkg_.*|rtree_.*|sqlite_.*)$")
NUMBER = re.compile(r"(?<![\w.,])-?\d+(?:[.,]\d+)?")


def small(v):
    return v is not None and 0 < abs(v) < T


def num(text):
    return float(text.replace(",", "."))


def tables(db):
    return [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]


def columns(db, table):
    return [r[1] for r in db.execute(f'PRAGMA table_info("{table}")')]


def scan_feature_tables(db, problems, unknown):
    """Every value of every data table: counts must be NULL, 0 or >= T; Gi* z and p must be NULL."""
    checked = 0
    for table in tables(db):
        if GPKG_SYSTEM.match(table) or table in ("layer_styles", "qgis_projects", "run_report"):
            continue
        cols = columns(db, table)
        for col in cols:
            if not (COUNT.match(col) or DERIVED.match(col) or GI_SCORES.match(col) or NOT_COUNTS.match(col)):
                unknown.append(f"{table}.{col}")
        for row in db.execute(f'SELECT * FROM "{table}"'):
            for col, v in zip(cols, row):
                checked += 1
                if COUNT.match(col) and small(v):
                    problems.append(f"{table}.{col} = {v}")
                if GI_SCORES.match(col) and v is not None:
                    problems.append(f"{table}.{col} = {v} (z and p can be solved back to counts)")
    return checked


def scan_derived(db, problems):
    """Derived values give nothing back: density_ha * area_ha is the published w_total (NULL when hidden)."""
    for table in ("blocks", "buurten", "wijken"):
        for w_total, density, area in db.execute(f'SELECT w_total, density_ha, area_ha FROM "{table}"'):
            if (w_total is None) != (density is None) or (w_total is not None and abs(density * area - w_total) > 1e-6):
                problems.append(f"{table}: density_ha {density} * area_ha {area} is not the published w_total {w_total}")


def scan_run_report(db, problems):
    for section, item, value, detail in db.execute("SELECT section, item, value, detail FROM run_report"):
        people = section.startswith("observations") or (section == "join" and not item.startswith("hotspots_") and item != "qgis_styles")
        if people and small(value):
            problems.append(f"run_report {section} / {item} = {value}")
        if section.startswith("observations") and item in ("repaired", "skipped") or item.startswith("unknown "):
            problems.append(f"run_report note on an observation input: {section} / {item}: {detail}")


def scan_metadata(db, problems):
    found = {}
    items = []
    for (text,) in db.execute("SELECT metadata FROM gpkg_metadata"):
        # GDAL keeps dataset metadata items as <MDI key="...">value</MDI> in one XML document.
        items += [(mdi.get("key"), mdi.text or "") for mdi in ET.fromstring(text).iter("MDI")] if text.lstrip().startswith("<") else [("", text)]
    for key, text in items:
        if not text.lstrip().startswith("{"):
            if not re.fullmatch(r"\d+\.\d+\.\d+.*", text):
                problems.append(f"metadata item {key} not checked: {text[:80]}")
            continue
        j = json.loads(text)
        for inp in j.get("inputs", []):
            if inp["role"].startswith("observations") and small(inp["features"]):
                problems.append(f"provenance: {inp['role']} features = {inp['features']}")
        if "publish" in j:
            found["provenance"] = j["publish"]
        if "rule" in j and "threshold" in j:
            found["publish"] = j
    return found


def rule_numbers(filter_text, label):
    """Numbers of a rule on a count field (its bounds), or [] when the rule is not on a count field."""
    fields = re.findall(r'"([a-z_]+)"', filter_text)
    if not any(COUNT.match(f) for f in fields):
        return []
    return [num(n) for n in NUMBER.findall(filter_text.replace('"', " ")) + NUMBER.findall(label)]


def scan_qml(xml_text, where, problems):
    n = 0
    root = ET.fromstring(xml_text)
    for rule in root.iter("rule"):
        for v in rule_numbers(rule.get("filter", ""), rule.get("label", "")):
            n += 1
            if small(v):
                problems.append(f"{where}: rule '{rule.get('label')}' ({rule.get('filter')}) shows {v}")
    return n


def scan_sld(xml_text, where, problems):
    n = 0
    root = ET.fromstring(xml_text)
    for rule in root.iter("{http://www.opengis.net/se}Rule"):
        props = [p.text for p in rule.iter("{http://www.opengis.net/ogc}PropertyName")]
        if not any(COUNT.match(p or "") for p in props):
            continue
        for lit in rule.iter("{http://www.opengis.net/ogc}Literal"):
            for v in NUMBER.findall(lit.text or ""):
                n += 1
                if small(num(v)):
                    problems.append(f"{where}: SLD literal {v}")
        for t in list(rule.iter("{http://www.opengis.net/se}Title")) + list(rule.iter("{http://www.opengis.net/se}Name")):
            for v in NUMBER.findall(t.text or ""):
                n += 1
                if small(num(v)):
                    problems.append(f"{where}: SLD title '{t.text}'")
    return n


def scan_styles(db, problems):
    n = 0
    for table, qml, sld in db.execute("SELECT f_table_name, styleQML, styleSLD FROM layer_styles"):
        n += scan_qml(qml, f"layer_styles {table} QML", problems)
        n += scan_sld(sld, f"layer_styles {table} SLD", problems)
    for (content,) in db.execute("SELECT content FROM qgis_projects"):
        raw = bytes.fromhex(content.decode() if isinstance(content, bytes) else content)
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            qgs = z.read([n for n in z.namelist() if n.endswith(".qgs")][0]).decode()
        n += scan_qml(qgs, "embedded QGIS project", problems)
    return n


def scan(path):
    problems, unknown = [], []
    db = sqlite3.connect(path)
    checked = scan_feature_tables(db, problems, unknown)
    scan_derived(db, problems)
    scan_run_report(db, problems)
    found = scan_metadata(db, problems)
    rules = scan_styles(db, problems)
    return db, problems, unknown, found, checked, rules


def legend_ranges(pdf):
    text = subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True, text=True, check=True).stdout
    return text, [(num(a), num(b)) for a, b in re.findall(r"(-?\d+(?:,\d+)?) – (-?\d+(?:,\d+)?)", text)]


def compare_with_exact(c, pub_db, plain_db, method):
    """Each published count is the exact one, its rounding, or hidden; hidden only when small or needed."""
    wrong, hidden_small, hidden_second = [], 0, 0
    for table in ("blocks", "buurten", "wijken", "streets", "street_segments", "hotspots_hex"):
        cols = [col for col in columns(pub_db, table) if COUNT.match(col)]
        select = ", ".join(f'"{col}"' for col in cols)
        pub = list(pub_db.execute(f'SELECT {select} FROM "{table}" ORDER BY fid'))
        exact = list(plain_db.execute(f'SELECT {select} FROM "{table}" ORDER BY fid'))
        for prow, erow in zip(pub, exact):
            for col, p, e in zip(cols, prow, erow):
                if p is None:
                    if small(e):
                        hidden_small += 1
                    else:
                        hidden_second += 1
                        if method == "round":
                            wrong.append(f"{table}.{col}: {e} hidden though not small")
                elif method == "suppress" and abs(p - e) > 1e-9:
                    wrong.append(f"{table}.{col}: published {p}, exact {e}")
                elif method == "round" and (abs(p - T * math.floor(e / T + 0.5)) > 1e-9):
                    wrong.append(f"{table}.{col}: published {p}, exact {e} rounds to {T * math.floor(e / T + 0.5)}")
    c.check(not wrong, f"{method}: every shown count is the exact value{' rounded to a multiple of 5' if method == 'round' else ''}", "\n".join(wrong[:20]))
    c.check(hidden_small > 0, f"{method}: small counts were hidden ({hidden_small})")
    c.note(f"{method}: {hidden_second} counts of 5 or more hidden as second cells of a sum")


def body(c):
    tmp = e2e.fresh_tmp("publish")
    plain = os.path.join(tmp, "plain.gpkg")
    c.exit_code(e2e.run_cli(["run", e2e.PROJECT_FILE, "--out", plain, "--quiet"]), e2e.EXIT_OK, "run the sample unprotected")

    # The scan is able to fail: the unprotected run has small counts in layers, styles and report.
    plain_db, problems, unknown, _found, _checked, _rules = scan(plain)
    c.check(any("blocks." in p for p in problems) and any("layer_styles" in p for p in problems) and any("run_report" in p for p in problems),
            f"the unprotected run is caught by the same scan ({len(problems)} small values, e.g. {problems[:2]})")

    for method in ("suppress", "round"):
        pub = os.path.join(tmp, f"published_{method}.gpkg")
        p = e2e.run_cli(["run", e2e.PROJECT_FILE, "--out", pub, "--publish", "--publish-method", method, "--quiet"])
        c.exit_code(p, e2e.EXIT_OK, f"run --publish --publish-method {method}")
        db, problems, unknown, found, checked, rules = scan(pub)
        c.check(not unknown, f"{method}: every column of every table is known to the scan", ", ".join(unknown))
        c.check(not problems, f"{method}: no count from 1 to 4 in {checked} values, {rules} style rule bounds, the run report and the provenance",
                "\n".join(problems[:30]))
        left = OBSERVATION_TABLES & set(tables(db))
        c.check(not left, f"{method}: no observation table (points, texts, input fields) and no heat map", ", ".join(sorted(left)))
        c.check("publish" in found and found["publish"]["threshold"] == T and found["publish"]["method"] == method,
                f"{method}: metadata buurtbalans_publish says threshold {T}, method {method}")
        c.check("provenance" in found, f"{method}: the provenance says it was protected")
        descriptions = [d for (d,) in db.execute("SELECT description FROM gpkg_contents")]
        c.check(descriptions and all("Beschermd voor publicatie" in (d or "") for d in descriptions),
                f"{method}: every table's description says it was protected ({len(descriptions)} tables)")
        titles = [t for (t,) in db.execute("SELECT styleName FROM layer_styles")]
        qml = [q for (q,) in db.execute("SELECT styleQML FROM layer_styles WHERE f_table_name = 'blocks'")]
        c.check(any("minder dan 5: niet getoond" in q for q in qml), f"{method}: the block styles' legends have a class for hidden counts")
        compare_with_exact(c, db, plain_db, method)

        # Printed map: legend class bounds of a count layer of blocks, and the page's note.
        pdf = os.path.join(tmp, f"concerns_{method}.pdf")
        p = e2e.run_cli(["print", pub, "--layer", "concerns_blocks", "--area", "FB08", "--out", pdf])
        c.exit_code(p, e2e.EXIT_OK, f"{method}: print concerns_blocks of the published run")
        text, ranges = legend_ranges(pdf)
        flat = " ".join(text.split())
        c.check("minder dan 5: niet getoond" in flat, f"{method}: the printed legend has a class for hidden counts (ranges: {ranges})")
        c.check(not [r for r in ranges if small(r[0]) or small(r[1])], f"{method}: no printed class bound from 1 to 4", str(ranges))
        c.check("Beschermd voor publicatie" in flat, f"{method}: the printed map says it was protected and how")
        c.check("aantal" not in flat.lower().split(), f"{method}: the printed legend has no class counts")

    pdf = os.path.join(tmp, "concerns_plain.pdf")
    c.exit_code(e2e.run_cli(["print", plain, "--layer", "concerns_blocks", "--area", "FB08", "--out", pdf]), e2e.EXIT_OK, "print the unprotected run")
    _text, ranges = legend_ranges(pdf)
    c.check([r for r in ranges if small(r[0]) or small(r[1])], f"the unprotected map's legend has small bounds, so the check can fail ({ranges})")

    # Bad settings: a clear error naming the setting, exit 3.
    p = e2e.run_cli(["run", e2e.PROJECT_FILE, "--out", os.path.join(tmp, "x.gpkg"), "--publish", "--publish-threshold", "0"])
    c.exit_code(p, e2e.EXIT_CONFIG, "--publish-threshold 0 is refused")
    c.check("threshold" in p.stderr, "the message names the threshold", p.stderr)
    p = e2e.run_cli(["run", e2e.PROJECT_FILE, "--out", os.path.join(tmp, "x.gpkg"), "--publish", "--publish-method", "blur"])
    c.exit_code(p, e2e.EXIT_CONFIG, "--publish-method blur is refused")


if __name__ == "__main__":
    e2e.main("run --publish: disclosure control in every output", body)
