#!/usr/bin/python3
"""PostGIS as the shared store (issue 9), against a real PostgreSQL 15 + PostGIS 3 server.

A throwaway cluster on 127.0.0.1 (tests/e2e/pg_cluster.py) holds part of the sample's inputs; the engine
reads them from there (a table and a query) and writes the run into a schema. Checked independently:
- PG inputs give the same summaries as the same data read from files (both GeoPackages through GDAL);
- every table in the schema has the rows of the run's GeoPackage (SQL in PostGIS vs GDAL on the GPKG);
- layer_styles has the DDL that QGIS 3.22 itself creates (pg_dump of both) and one row per style, and
  real QGIS opens the project from qgis_projects with every layer valid and its default style applied;
- a run SIGKILLed while copying leaves the schema and its layer_styles rows exactly as they were
  (pg_dump before and after); a re-run replaces the result; two runs into two schemas at once succeed;
- an unreachable server, an existing schema without --overwrite and a schema not made by buurtbalans
  are refused with exit code 5 (input: 4), and no message shows the password.
Without PostgreSQL 15 + PostGIS (scripts/install_deps.sh --with-postgis) it is skipped (77).
"""
import os
import re
import signal
import subprocess
import sys
import time

import e2e_common as e
import pg_cluster

GEN_CITY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "synthetic_city.py")
SUMMARY_FIELDS = ["code", "n_obs", "n_points", "n_shapes", "w_total", "balance"]

QGIS_SAVE_STYLE = r"""
import os, sys
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from qgis.core import QgsApplication, QgsVectorLayer
QgsApplication.setPrefixPath("/usr", True)
app = QgsApplication([], False); app.initQgis()
lyr = QgsVectorLayer(sys.argv[1], "ref", "postgres")
assert lyr.isValid(), "reference layer not valid"
err = lyr.saveStyleToDatabase("ref", "saved by QGIS itself", True, "")
print("ERR" + err if err else "SAVED")
app.exitQgis()
"""

# Opens the stored project and prints, per layer: name, valid, renderer type, the table; then loads each
# table afresh (as a user adding it from the browser) and prints the renderer QGIS's default style gave it.
QGIS_OPEN_PROJECT = r"""
import os, sys
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from qgis.core import QgsApplication, QgsProject, QgsVectorLayer, QgsDataSourceUri
QgsApplication.setPrefixPath("/usr", True)
app = QgsApplication([], False); app.initQgis()
p = QgsProject.instance()
print("READ", p.read(sys.argv[1]))
for lyr in p.mapLayers().values():
    uri = QgsDataSourceUri(lyr.source())
    print("LAYER", lyr.id(), lyr.isValid(), lyr.providerType(), uri.schema(), uri.table(), lyr.renderer().type() if lyr.renderer() else "-", lyr.featureCount())
    fresh = QgsVectorLayer(lyr.source(), "fresh", "postgres")
    print("FRESH", uri.table(), uri.sql().replace(" ", "_") or "-", fresh.renderer().type() if fresh.renderer() else "-")
app.exitQgis()
"""


def absolute_project(text):
    return re.sub(r'source = "([^"]+\.(?:gpkg|geojson|csv|shp))"', lambda m: f'source = "{os.path.join(e.SAMPLE_DATA, m.group(1))}"', text)


def pg_input_project(pg, tmp):
    """The sample project with the blocks read from a PG table and round 1 from a PG query."""
    with open(e.PROJECT_FILE, encoding="utf-8") as f:
        text = absolute_project(f.read())
    block = re.search(r'\[areas\.block\]\nsource = "[^"]+"[^\n]*\nlayer = "bouwblokken"', text)
    assert block, "sample project has an [areas.block] with source and layer"
    text = text.replace(block.group(0), f'[areas.block]\nsource = "{pg.pg} password=geheim"\nlayer = "invoer.bouwblokken"')
    ronde1 = re.search(r'source = "[^"]*waarnemingen_ronde1.geojson"', text)
    text = text.replace(ronde1.group(0), f'source = "{pg.pg}"\nsql = "SELECT * FROM invoer.ronde1 ORDER BY id"')
    path = os.path.join(tmp, "pg_input.toml")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def summaries(gpkg, layer):
    return sorted(tuple(r[k] for k in SUMMARY_FIELDS) for r in e.read_layer(gpkg, layer))


def pg_summaries(pg, schema, layer):
    rows = pg.psql(f"SELECT {', '.join(SUMMARY_FIELDS)} FROM {schema}.{layer}")
    out = []
    for r in rows:
        out.append((r[0], int(r[1]), int(r[2]), int(r[3]), float(r[4]), float(r[5]) if r[5] != "" else None))
    return sorted(out)


def gpkg_tables(gpkg):
    return [n for n in e.layer_names(gpkg) if n not in ("layer_styles", "qgis_projects")]


def schema_state(pg, schema):
    """Everything a run may change for one schema: its full dump and its rows in layer_styles."""
    dump = pg.dump_schema(schema) if pg.psql(f"SELECT 1 FROM pg_namespace WHERE nspname = '{schema}'") else ""
    dump = "\n".join(line for line in dump.splitlines() if not line.startswith(("\\restrict", "\\unrestrict")))
    styles = pg.psql("SELECT id, f_table_name, stylename, md5(styleqml::text), useasdefault, type, update_time FROM layer_styles "
                     f"WHERE f_table_schema = '{schema}' ORDER BY id") if pg.psql("SELECT to_regclass('layer_styles')")[0][0] else []
    return dump, styles


def check_copy(c, pg, schema, gpkg):
    tables = gpkg_tables(gpkg)
    in_pg = {r[0] for r in pg.psql(f"SELECT tablename FROM pg_tables WHERE schemaname = '{schema}'")}
    c.equal(sorted(in_pg - {"qgis_projects", "buurtbalans_metadata"}), sorted(tables), f"{schema}: the same tables as the GeoPackage")
    for t in tables:
        c.equal(int(pg.psql(f'SELECT count(*) FROM {schema}."{t}"')[0][0]), e.count_features(gpkg, t), f"{schema}.{t}: row count")
    for level in ("blocks", "buurten"):
        c.equal(pg_summaries(pg, schema, level), summaries(gpkg, level), f"{schema}.{level}: code, counts, w_total and balance per area")
    # Geometry: the area of every buurt and the coordinates of every point, computed by PostGIS.
    gp = {r["code"]: r["area_ha"] for r in e.read_layer(gpkg, "buurten")}
    pg_area = {r[0]: float(r[1]) for r in pg.psql(f"SELECT code, ST_Area(geom) / 10000 FROM {schema}.buurten")}
    c.check(all(abs(pg_area[k] - v) < 1e-6 * max(1, v) for k, v in gp.items()), f"{schema}.buurten: ST_Area of each buurt = its area_ha",
            f"{pg_area} vs {gp}")
    obs = {r["obs_id"]: r["_wkb"] for r in e.read_layer(gpkg, "observations")}
    from osgeo import ogr
    xy_gpkg = {k: ogr.CreateGeometryFromWkb(v).GetPoint_2D() for k, v in obs.items()}
    xy_pg = {r[0]: (float(r[1]), float(r[2])) for r in pg.psql(f"SELECT obs_id, ST_X(geom), ST_Y(geom) FROM {schema}.observations")}
    c.equal(xy_pg, xy_gpkg, f"{schema}.observations: every point at exactly the GeoPackage's coordinates")
    srid = pg.psql(f"SELECT DISTINCT srid FROM geometry_columns WHERE f_table_schema = '{schema}'")
    c.equal(srid, [["28992"]], f"{schema}: every geometry column is EPSG:28992")


def body(c):
    why = pg_cluster.available()
    if why:
        print("PostGIS tests skipped: " + why)
        sys.exit(77)
    t_start = time.time()
    tmp = e.fresh_tmp("postgis")
    with pg_cluster.PgCluster() as pg:
        c.note(f"cluster on 127.0.0.1:{pg.port} started in {pg.startup_seconds:.1f} s")
        pg.psql("CREATE EXTENSION postgis")
        pg.psql("CREATE SCHEMA invoer")
        for src, layer, table in (("geuzenveld_bouwblokken_straten.gpkg", "bouwblokken", "invoer.bouwblokken"),
                                  ("waarnemingen_ronde1.geojson", None, "invoer.ronde1")):
            r = subprocess.run(["ogr2ogr", "-f", "PostgreSQL", pg.pg, e.sample_path(src), *([layer] if layer else []), "-nln", table,
                                "-lco", "GEOMETRY_NAME=geom"], capture_output=True, text=True)
            c.check(r.returncode == 0, f"sample {src} loaded into {table}", r.stderr)

        # --- 1. PG inputs, PG output + GeoPackage
        project = pg_input_project(pg, tmp)
        file_out = os.path.join(tmp, "files.gpkg")
        c.exit_code(e.run_cli(["run", e.PROJECT_FILE, "--out", file_out, "--quiet"]), 0, "reference run from files")
        out = os.path.join(tmp, "pg.gpkg")
        t = time.time()
        run = e.run_cli(["run", project, "--out", out, "--postgis", pg.pg, "--schema", "wijkdata", "--quiet"])
        c.exit_code(run, 0, "run with a PG table and a PG query as inputs, into PostGIS and a GeoPackage")
        c.note(f"run into PostGIS took {time.time() - t:.1f} s")
        c.check("geheim" not in run.stdout + run.stderr, "the password is not printed")
        for level in ("blocks", "buurten", "wijken"):
            c.equal(summaries(out, level), summaries(file_out, level), f"{level}: PG inputs give the same summaries as the files")
        meta = pg.psql("SELECT replace(value, E'\\n', ' ') FROM wijkdata.buurtbalans_metadata WHERE key = 'buurtbalans_provenance'")
        c.check(meta and "invoer.bouwblokken" in meta[0][0] and "SELECT * FROM invoer.ronde1" in meta[0][0] and "geheim" not in meta[0][0],
                "provenance names the PG table and query, without the password", meta[:1])
        check_copy(c, pg, "wijkdata", out)

        # --- 2. layer_styles: QGIS's own DDL, and the rows
        pg.psql("CREATE DATABASE qgisref", db="postgres")
        pg.psql("CREATE EXTENSION postgis", db="qgisref")
        pg.psql("CREATE TABLE t (fid serial PRIMARY KEY, v int, geom geometry(Point, 28992))", db="qgisref")
        ref_uri = f"host=127.0.0.1 port={pg.port} user=postgres dbname=qgisref sslmode=disable key='fid' srid=28992 type=Point table=\"public\".\"t\" (geom)"
        r = subprocess.run(["/usr/bin/python3", "-c", QGIS_SAVE_STYLE, ref_uri], capture_output=True, text=True, timeout=300)
        c.check("SAVED" in r.stdout, "QGIS saved a reference style into PostgreSQL", r.stdout + r.stderr[-2000:])
        env = dict(os.environ, PGHOST="127.0.0.1", PGPORT=str(pg.port), PGUSER="postgres")

        def ddl(db):
            d = subprocess.run(["pg_dump", "-s", "-t", "public.layer_styles", "-t", "public.layer_styles_id_seq", db], capture_output=True, text=True, env=env).stdout
            return [line for line in d.splitlines() if line and not line.startswith(("--", "\\restrict", "\\unrestrict"))]
        c.equal(ddl(pg.dbname), ddl("qgisref"), "layer_styles is created exactly as QGIS 3.22 creates it (pg_dump -s)")
        qgis_row = pg.psql("SELECT f_table_catalog, f_table_schema, f_geometry_column, owner, ui IS NULL, type FROM layer_styles", db="qgisref")[0]
        gp_styles = e.read_layer(out, "layer_styles")
        rows = pg.psql("SELECT f_table_catalog, f_table_schema, f_table_name, f_geometry_column, stylename, useasdefault, owner, ui IS NULL, type, "
                       "md5(styleqml::text) FROM layer_styles WHERE f_table_schema = 'wijkdata' ORDER BY stylename")
        c.equal(len(rows), len(gp_styles), "one layer_styles row per style of the GeoPackage")
        c.equal({(r[0], r[1], r[3], r[6], r[7]) for r in rows}, {(pg.dbname, "wijkdata", "geom", qgis_row[3], qgis_row[4])},
                "catalog = database, schema, geometry column, owner and ui as QGIS fills them")
        wanted_type = {"observations": "Point", "observation_lines": "Line", "observation_areas": "Polygon", "streets": "Line",
                       "street_segments": "Line", "blocks": "Polygon", "buurten": "Polygon", "wijken": "Polygon", "hotspots_hex": "Polygon"}
        c.check(all(wanted_type.get(r[2], r[8]) == r[8] for r in rows), "type is QGIS's geometry type name (Point, Line, Polygon)", rows)
        defaults = sorted(r[2] for r in rows if r[5] == "t")
        c.equal(defaults, sorted(r["f_table_name"] for r in gp_styles if r["useAsDefault"]), "the same default style per table as in the GeoPackage")
        gp_qml = {r["styleName"]: r["styleQML"] for r in gp_styles}
        pg_qml = dict(pg.psql("SELECT stylename, replace(styleqml::text, E'\\n', ' ') FROM layer_styles WHERE f_table_schema = 'wijkdata'"))
        c.equal({k: len(v) > 0 for k, v in pg_qml.items()}, {k: True for k in gp_qml}, "every style has its QML")
        c.check(all(re.sub(r"\s+", "", pg_qml[k]).count("<rule") == re.sub(r"\s+", "", v).count("<rule") for k, v in gp_qml.items()),
                "each QML has the GeoPackage style's classes")

        # --- 3. real QGIS opens the project stored in the schema; every layer valid and styled
        uri = f"postgresql://postgres@127.0.0.1:{pg.port}?sslmode=disable&dbname={pg.dbname}&schema=wijkdata&project=buurtbalans"
        r = subprocess.run(["/usr/bin/python3", "-c", QGIS_OPEN_PROJECT, uri], capture_output=True, text=True, timeout=300)
        layers = [line.split(" ") for line in r.stdout.splitlines() if line.startswith("LAYER ")]
        fresh = [line.split(" ") for line in r.stdout.splitlines() if line.startswith("FRESH ")]
        c.check("READ True" in r.stdout, "QGIS reads the project from wijkdata.qgis_projects", r.stdout[-2000:] + r.stderr[-2000:])
        c.equal(len(layers), len(rows), "the project has a layer per style")
        c.check(layers and all(l[2] == "True" and l[3] == "postgres" and l[4] == "wijkdata" for l in layers),
                "every layer is valid and reads the PostGIS table in wijkdata", layers)
        counts = {l[5]: int(l[7]) for l in layers}
        c.equal(counts.get("buurten"), e.count_features(out, "buurten"), "QGIS counts the buurten of the GeoPackage")
        renderer_of = {}
        for row in pg.psql("SELECT f_table_name, replace(styleqml::text, E'\\n', ' ') FROM layer_styles WHERE f_table_schema = 'wijkdata' AND useasdefault"):
            m = re.search(r'<renderer-v2[^>]* type="([^"]+)"', row[1])
            renderer_of[row[0]] = m.group(1) if m else None
        fresh_plain = {f[1]: f[3] for f in fresh if f[2] == "-"}
        c.check(fresh_plain and all(fresh_plain.get(t) == rtype for t, rtype in renderer_of.items()),
                "a table opened afresh in QGIS gets its default style from layer_styles (renderer as in the QML)",
                f"fresh {fresh_plain}\nwanted {renderer_of}")

        # --- 4. refusals
        port = pg_cluster.free_port()
        r = e.run_cli(["run", e.PROJECT_FILE, "--out", os.path.join(tmp, "unreachable.gpkg"), "--postgis",
                       f"PG:host=127.0.0.1 port={port} dbname=x user=u password=geheim", "--quiet"])
        c.exit_code(r, e.EXIT_OUTPUT, "an unreachable server is an output error")
        c.check("cannot connect" in r.stderr and "geheim" not in r.stderr, "it says it cannot connect, without the password", r.stderr)
        r = e.run_cli(["run", project, "--out", os.path.join(tmp, "again.gpkg"), "--postgis", pg.pg, "--schema", "wijkdata", "--quiet"])
        c.exit_code(r, e.EXIT_OUTPUT, "an existing schema without --overwrite is refused")
        pg.psql("CREATE SCHEMA eigen; CREATE TABLE eigen.mijn_tabel (x int); INSERT INTO eigen.mijn_tabel VALUES (42)")
        r = e.run_cli(["run", e.PROJECT_FILE, "--out", os.path.join(tmp, "eigen.gpkg"), "--postgis", pg.pg, "--schema", "eigen", "--overwrite", "--quiet"])
        c.check("not written by buurtbalans" in r.stderr, "because buurtbalans did not write it", r.stderr)
        c.exit_code(r, e.EXIT_OUTPUT, "a schema buurtbalans did not make is refused even with --overwrite")
        c.equal(pg.psql("SELECT x FROM eigen.mijn_tabel"), [["42"]], "and its table is untouched")
        bad_input = project.replace(".toml", "_unreachable.toml")
        with open(project, encoding="utf-8") as f, open(bad_input, "w", encoding="utf-8") as g:
            g.write(f.read().replace(f"port={pg.port}", f"port={port}"))
        r = e.run_cli(["run", bad_input, "--out", os.path.join(tmp, "x.gpkg"), "--quiet"])
        c.exit_code(r, e.EXIT_INPUT, "an unreachable input database is an input error")
        c.check("cannot connect" in r.stderr and "geheim" not in r.stderr, "it names the connection without the password", r.stderr)

        # --- 5. killed while copying: the schema is exactly as before; then a re-run replaces it
        city = os.path.join(tmp, "city.gpkg")
        gen = subprocess.run(["/usr/bin/python3", GEN_CITY, "--blocks", "300", "--points", "100000", "--seed", "5", "-o", city],
                             capture_output=True, text=True, timeout=300)
        c.check(gen.returncode == 0, "synthetic city generated", gen.stderr[-2000:])
        city_flags = ["--area", f"block={city},layer=bouwblokken,code=block_id,parent=buurt_code",
                      "--area", f"buurt={city},layer=buurten,code=buurt_code",
                      "--observations", f"{city},layer=observations,fields.theme=theme,fields.valence=valence,fields.source=source"]
        before = schema_state(pg, "wijkdata")
        proc = subprocess.Popen([e.BUURTBALANS, "run", *city_flags, "--postgis", pg.pg, "--schema", "wijkdata", "--overwrite", "--quiet",
                                 "--no-hotspots"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        killed_in_copy = False
        deadline = time.time() + 240
        while time.time() < deadline and proc.poll() is None:
            active = pg.psql("SELECT query FROM pg_stat_activity WHERE application_name = 'buurtbalans' AND query LIKE 'COPY %observations%'", check=False)
            if active:
                os.kill(proc.pid, signal.SIGKILL)
                killed_in_copy = True
                break
            time.sleep(0.01)
        proc.wait()
        c.check(killed_in_copy, "the run was killed while COPYing observations into PostGIS", proc.stderr.read()[-2000:] if proc.stderr else "")
        proc.stderr.close()
        time.sleep(0.5)  # the server notices the closed connection and rolls back
        after = schema_state(pg, "wijkdata")
        c.check(after == before, "after the kill: the schema dump and its layer_styles rows are exactly as before",
                f"dump equal: {after[0] == before[0]}, styles equal: {after[1] == before[1]}")
        c.equal(pg.psql("SELECT nspname FROM pg_namespace WHERE nspname LIKE '%buurtbalans_new'"), [], "no staging schema is left")
        c.equal(pg.psql("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'buurtbalans'")[0][0], "0", "no session is left")

        rerun_out = os.path.join(tmp, "city.gpkg.out.gpkg")
        t = time.time()
        r = e.run_cli(["run", *city_flags, "--out", rerun_out, "--postgis", pg.pg, "--schema", "wijkdata", "--overwrite", "--quiet", "--no-hotspots"],
                      timeout=600)
        c.exit_code(r, 0, "a re-run replaces the schema")
        c.note(f"100,000 observations into PostGIS: {time.time() - t:.1f} s for the whole run")
        c.equal(int(pg.psql("SELECT count(*) FROM wijkdata.observations")[0][0]), e.count_features(rerun_out, "observations"),
                "the schema now holds the re-run's observations")
        c.equal(pg.psql("SELECT count(*) FROM pg_tables WHERE schemaname = 'wijkdata' AND tablename = 'streets'")[0][0], "0",
                "tables of the previous result that the re-run did not write are gone")
        c.equal(int(pg.psql("SELECT count(*) FROM layer_styles WHERE f_table_schema = 'wijkdata'")[0][0]), len(e.read_layer(rerun_out, "layer_styles")),
                "layer_styles holds the re-run's styles for the schema, no more")

        # --- 6. two runs into two schemas at the same time
        procs = {s: subprocess.Popen([e.BUURTBALANS, "run", e.PROJECT_FILE, "--out", os.path.join(tmp, f"{s}.gpkg"), "--postgis", pg.pg,
                                      "--schema", s, "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for s in ("ronde_a", "ronde_b")}
        for s, p in procs.items():
            _, err = p.communicate(timeout=600)
            c.check(p.returncode == 0, f"concurrent run into {s} succeeded", err[-2000:])
        for s in procs:
            check_copy(c, pg, s, os.path.join(tmp, f"{s}.gpkg"))
        c.equal(int(pg.psql("SELECT count(*) FROM layer_styles WHERE f_table_schema = 'wijkdata'")[0][0]), len(e.read_layer(rerun_out, "layer_styles")),
                "the concurrent runs left the other schema's styles alone")
    c.note(f"PostGIS tests took {time.time() - t_start:.1f} s in all")


if __name__ == "__main__":
    e.main("PostGIS: inputs, transactional output, QGIS styles and project", body)
