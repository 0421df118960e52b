#!/usr/bin/python3
"""Writes the hostile input corpus: small broken, odd or malicious inputs for buurtbalans.

Usage:  /usr/bin/python3 tests/hostile/make_corpus.py OUTDIR [--http http://127.0.0.1:PORT]

Every file is made here from code (osgeo, sqlite3, zipfile, json, plain bytes), deterministically
(fixed coordinates, seeded random bytes), so the corpus is not committed; `cases.toml` beside this
script says for each case which of these files it uses, the command to run and the expected outcome.
`--http` is the base address written into files that point at the network (KML NetworkLink, GeoJSON
crs link, GML schemaLocation, VRT); the test runs a local server there that fails the test when
anything asks it for a file. The default points at the discard port, which nothing answers.

The world every case shares (`world.gpkg`, EPSG:28992 = RD New, near Amsterdam Geuzenveld):
  buurten  AA01 (x 117000-117500) and AA02 (x 117500-118000), y 487000-487500
  blocks   AA01a, AA01b inside AA01; AA02a, AA02b inside AA02 (20 m of street between them)
  streets  Dwarsstraat (x 117250), Middenweg (x 117500), Oostlaan (x 117750), Zuidkade (y 487010)
and `good.csv`: six point observations inside the blocks (lon/lat, EPSG:4326), ids g1..g6.
"""
import argparse
import json
import os
import random
import shutil
import sqlite3
import struct
import zipfile

from osgeo import gdal, ogr, osr

gdal.UseExceptions()
ogr.UseExceptions()

RD = 28992
BUURTEN = [("AA01", "Aabuurt", (117000, 487000, 117500, 487500)), ("AA02", "Beebuurt", (117500, 487000, 118000, 487500))]
BLOCKS = [("AA01a", "AA01", (117020, 487020, 117240, 487480)), ("AA01b", "AA01", (117260, 487020, 117490, 487480)),
          ("AA02a", "AA02", (117510, 487020, 117740, 487480)), ("AA02b", "AA02", (117760, 487020, 117980, 487480))]
STREETS = [("Dwarsstraat", [(117250, 487000), (117250, 487500)]), ("Middenweg", [(117500, 487000), (117500, 487500)]),
           ("Oostlaan", [(117750, 487000), (117750, 487500)]), ("Zuidkade", [(117000, 487010), (118000, 487010)])]
# Points inside the blocks (RD), used for valid observations.
GOOD_RD = [(117100, 487100), (117300, 487300), (117600, 487200), (117800, 487400), (117150, 487400), (117900, 487100)]


def box(b):
    x0, y0, x1, y1 = b
    return f"POLYGON (({x0} {y0},{x1} {y0},{x1} {y1},{x0} {y1},{x0} {y0}))"


def srs(epsg):
    s = osr.SpatialReference()
    s.ImportFromEPSG(epsg)
    s.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    return s


def rd_to_lonlat(x, y):
    t = osr.CoordinateTransformation(srs(RD), srs(4326))
    lon, lat, _ = t.TransformPoint(x, y)
    return round(lon, 7), round(lat, 7)


GOOD_LL = [rd_to_lonlat(x, y) for x, y in GOOD_RD]


class Corpus:
    def __init__(self, out, http):
        self.out = out
        self.http = http.rstrip("/")

    def path(self, name):
        return os.path.join(self.out, name)

    def text(self, name, text, encoding="utf-8"):
        with open(self.path(name), "w", encoding=encoding, newline="") as f:
            f.write(text)

    def bytes(self, name, data):
        with open(self.path(name), "wb") as f:
            f.write(data)

    def geojson(self, name, features, extra=None):
        doc = {"type": "FeatureCollection"}
        doc.update(extra or {})
        doc["features"] = [{"type": "Feature", "properties": p, "geometry": g} for p, g in features]
        self.text(name, json.dumps(doc, indent=1))

    def ogr_layer(self, name, driver, layer, geom_type, fields, rows, epsg=RD, options=None, append=False):
        """rows: (values dict, WKT or None). A new file unless append (GeoPackage: another layer)."""
        path = self.path(name)
        drv = ogr.GetDriverByName(driver)
        ds = ogr.Open(path, update=1) if append else drv.CreateDataSource(path)
        lyr = ds.CreateLayer(layer, srs(epsg) if epsg else None, geom_type, options=options or [])
        for fname, ftype in fields:
            lyr.CreateField(ogr.FieldDefn(fname, ftype))
        for values, wkt in rows:
            f = ogr.Feature(lyr.GetLayerDefn())
            for k, v in values.items():
                f.SetField(k, v)
            if wkt is not None:
                f.SetGeometry(wkt if isinstance(wkt, ogr.Geometry) else ogr.CreateGeometryFromWkt(wkt))
            lyr.CreateFeature(f)
        ds = None
        return path

    def good_csv_rows(self):
        rows = ["id;lon;lat;thema;soort;bron;toelichting"]
        for i, (lon, lat) in enumerate(GOOD_LL, 1):
            rows.append(f"g{i};{lon};{lat};groen;kans;bewoner;goed")
        return rows


# --- the world -------------------------------------------------------------------------------------

def world(c):
    s = ogr.OFTString
    c.ogr_layer("world.gpkg", "GPKG", "buurten", ogr.wkbPolygon, [("code", s), ("naam", s)],
                [({"code": code, "naam": name}, box(b)) for code, name, b in BUURTEN])
    c.ogr_layer("world.gpkg", "GPKG", "blocks", ogr.wkbPolygon, [("code", s), ("buurt_code", s)],
                [({"code": code, "buurt_code": parent}, box(b)) for code, parent, b in BLOCKS], append=True)
    c.ogr_layer("world.gpkg", "GPKG", "streets", ogr.wkbLineString, [("naam", s)],
                [({"naam": n}, "LINESTRING (" + ",".join(f"{x} {y}" for x, y in pts) + ")") for n, pts in STREETS], append=True)
    c.text("good.csv", "\n".join(c.good_csv_rows()) + "\n")
    os.makedirs(c.path("a_folder"), exist_ok=True)


def blocks_variant(c, name, extra_rows, replace=None, geom_type=ogr.wkbPolygon):
    """world's blocks with some rows replaced or added (for area cases); written as a one-layer GeoPackage."""
    rows = []
    for code, parent, b in BLOCKS:
        wkt = (replace or {}).get(code, box(b))
        rows.append(({"code": code, "buurt_code": parent}, wkt))
    rows += extra_rows
    c.ogr_layer(name, "GPKG", "blocks", geom_type, [("code", ogr.OFTString), ("buurt_code", ogr.OFTString)], rows)


def buurten_variant(c, name, rows):
    c.ogr_layer(name, "GPKG", "buurten", ogr.wkbPolygon, [("code", ogr.OFTString), ("naam", ogr.OFTString)], rows)


def obs_props(i, **kw):
    p = {"id": i, "thema": "groen", "soort": "zorg", "bron": "bewoner"}
    p.update(kw)
    return p


def ll_ring(rd_points):
    return [list(rd_to_lonlat(x, y)) for x, y in rd_points]


# --- geometry cases ----------------------------------------------------------------------------------

def geometry_cases(c):
    lon, lat = GOOD_LL[0]
    # A ring that crosses itself (a loop at one corner), a bow-tie, and a ring whose points are on one line.
    selfx = ll_ring([(117050, 487050), (117200, 487050), (117200, 487200), (117120, 487030), (117050, 487200), (117050, 487050)])
    bowtie = ll_ring([(117050, 487050), (117200, 487200), (117200, 487050), (117050, 487200), (117050, 487050)])
    # Zero area: a ring that goes out and comes back the same way (A-B-C-B-A).
    flat = ll_ring([(117050, 487050), (117100, 487100), (117150, 487150), (117100, 487100), (117050, 487050)])
    c.geojson("obs_self_intersecting.geojson", [(obs_props("ok-1"), {"type": "Point", "coordinates": [lon, lat]}),
                                                (obs_props("selfx-1"), {"type": "Polygon", "coordinates": [selfx]})])
    c.geojson("obs_bowtie.geojson", [(obs_props("ok-1"), {"type": "Point", "coordinates": [lon, lat]}),
                                     (obs_props("bowtie-1"), {"type": "Polygon", "coordinates": [bowtie]})])
    c.geojson("obs_zero_area.geojson", [(obs_props("ok-1"), {"type": "Point", "coordinates": [lon, lat]}),
                                        (obs_props("flat-1"), {"type": "Polygon", "coordinates": [flat]})])
    # GeoJSON written as text: the ring's last point is not its first (json.dumps would not care either).
    open_ring = ll_ring([(117050, 487050), (117200, 487050), (117200, 487200), (117050, 487200)])
    c.geojson("obs_unclosed_ring.geojson", [(obs_props("ok-1"), {"type": "Point", "coordinates": [lon, lat]}),
                                            (obs_props("open-1"), {"type": "Polygon", "coordinates": [open_ring]})])
    # Rings with too few points to be a ring at all (GEOS refuses these outright).
    c.geojson("obs_short_ring.geojson", [(obs_props("ok-1"), {"type": "Point", "coordinates": [lon, lat]}),
                                         (obs_props("short-1"), {"type": "Polygon", "coordinates": [[[lon, lat], [lon + 0.001, lat], [lon, lat]]]}),
                                         (obs_props("short-2"), {"type": "LineString", "coordinates": [[lon, lat]]})])
    # Areas: a bow-tie block and a zero-area block.
    blocks_variant(c, "blocks_bowtie.gpkg", [], replace={"AA01a": "POLYGON ((117020 487020,117240 487480,117240 487020,117020 487480,117020 487020))"})
    blocks_variant(c, "blocks_zero_area.gpkg", [], replace={"AA02b": "POLYGON ((117760 487020,117870 487250,117980 487480,117760 487020))"})

    # NaN and infinity: as CSV text (GDAL parses "nan", "inf"), as WKT, and inside a GeoPackage geometry.
    rows = c.good_csv_rows()[:3] + ["nan-1;nan;52.38;groen;kans;bewoner;x", f"nan-2;{lon};NaN;groen;kans;bewoner;x",
                                    "inf-1;inf;52.38;groen;kans;bewoner;x", f"inf-2;{lon};-Infinity;groen;kans;bewoner;x",
                                    "inf-3;1e999;52.38;groen;kans;bewoner;x"]
    c.text("obs_nan_inf.csv", "\n".join(rows) + "\n")
    c.text("obs_nan_wkt.csv", "id,wkt,thema\nok-1,\"POINT (117100 487100)\",groen\n"
                              "nanwkt-1,\"POLYGON ((117050 487050,nan 487050,117200 487200,117050 487050))\",groen\n"
                              "infwkt-1,\"LINESTRING (117050 487050,inf inf)\",groen\n")
    nan_poly = ogr.Geometry(ogr.wkbPolygon)
    ring = ogr.Geometry(ogr.wkbLinearRing)
    for x, y in [(117050, 487050), (float("nan"), 487050), (117200, 487200), (117050, 487050)]:
        ring.AddPoint_2D(x, y)
    nan_poly.AddGeometry(ring)
    c.ogr_layer("obs_nan.gpkg", "GPKG", "waarnemingen", ogr.wkbUnknown, [("id", ogr.OFTString)],
                [({"id": "ok-1"}, "POINT (117100 487100)"), ({"id": "nanpoly-1"}, nan_poly)])

    # Coordinates far outside what the CRS covers: RD x = 1e12 (and an area like that).
    c.ogr_layer("obs_far_outside.gpkg", "GPKG", "waarnemingen", ogr.wkbPoint, [("id", ogr.OFTString)],
                [({"id": "ok-1"}, "POINT (117100 487100)"), ({"id": "far-1"}, "POINT (1000000000000 487100)"),
                 ({"id": "far-2"}, "POINT (117100 -1e15)")])
    blocks_variant(c, "blocks_far_outside.gpkg", [({"code": "FAR1", "buurt_code": "AA01"}, box((1e12, 487020, 1e12 + 200, 487480)))])

    # lon/lat swapped: the spreadsheet's columns the wrong way round (lat in x, lon in y).
    rows = ["id;lon;lat;thema"] + [f"sw{i};{la};{lo};groen" for i, (lo, la) in enumerate(GOOD_LL, 1)]
    c.text("obs_swapped.csv", "\n".join(rows) + "\n")
    # No CRS: a CSV without crs= in the project, and a Shapefile without .prj.
    c.text("obs_no_crs.csv", "\n".join(c.good_csv_rows()) + "\n")
    c.ogr_layer("obs_no_prj.shp", "ESRI Shapefile", "obs_no_prj", ogr.wkbPoint, [("id", ogr.OFTString)],
                [({"id": f"np{i}"}, f"POINT ({x} {y})") for i, (x, y) in enumerate(GOOD_RD, 1)], epsg=None)
    # Wrong CRS: RD metres in a GeoJSON (which means WGS 84 lon/lat), and in a CSV declared EPSG:4326.
    c.geojson("obs_rd_as_wgs84.geojson", [(obs_props(f"rd{i}"), {"type": "Point", "coordinates": [x, y]}) for i, (x, y) in enumerate(GOOD_RD, 1)])
    rows = ["id;x;y;thema"] + [f"rd{i};{x};{y};groen" for i, (x, y) in enumerate(GOOD_RD, 1)]
    c.text("obs_rd_declared_4326.csv", "\n".join(rows) + "\n")

    # Mixed geometry types in one observation layer, and in an area layer; streets mixing lines and surfaces.
    lon2, lat2 = GOOD_LL[2]
    c.geojson("obs_mixed_types.geojson", [
        (obs_props("pt"), {"type": "Point", "coordinates": [lon, lat]}),
        (obs_props("ln"), {"type": "LineString", "coordinates": [[lon, lat], [lon2, lat2]]}),
        (obs_props("pg"), {"type": "Polygon", "coordinates": [bowtie[:1] + ll_ring([(117060, 487100), (117200, 487100)]) + bowtie[:1]]}),
        (obs_props("mp"), {"type": "MultiPoint", "coordinates": [[lon, lat], [lon2, lat2]]}),
        (obs_props("gc"), {"type": "GeometryCollection", "geometries": [{"type": "Point", "coordinates": [lon, lat]},
                                                                          {"type": "LineString", "coordinates": [[lon, lat], [lon2, lat2]]}]}),
        (obs_props("none"), None)])
    blocks_variant(c, "blocks_mixed_types.gpkg", [({"code": "PT1", "buurt_code": "AA01"}, "POINT (117100 487100)"),
                                                  ({"code": "LN1", "buurt_code": "AA01"}, "LINESTRING (117100 487100,117200 487200)")],
                   geom_type=ogr.wkbUnknown)
    c.ogr_layer("streets_mixed.gpkg", "GPKG", "streets", ogr.wkbUnknown, [("naam", ogr.OFTString)],
                [({"naam": "Dwarsstraat"}, "LINESTRING (117250 487000,117250 487500)"),
                 ({"naam": "Plein"}, "POLYGON ((117400 487100,117450 487100,117450 487150,117400 487150,117400 487100))")])


# --- empty, truncated and corrupt files --------------------------------------------------------------

def gpkg_sql(path, statements):
    """Runs SQL on a GeoPackage through GDAL (its triggers call GDAL's ST_ functions, which plain sqlite3 lacks)."""
    ds = ogr.Open(path, update=1)
    for sql in statements:
        ds.ExecuteSQL(sql)
    ds = None


def obs_gpkg(c, name, n=200):
    """A valid observation GeoPackage with n points (big enough that cutting it hits the data pages)."""
    rows = []
    for i in range(n):
        x, y = GOOD_RD[i % len(GOOD_RD)]
        rows.append(({"id": f"o{i}", "thema": "groen", "toelichting": "tekst " * 20}, f"POINT ({x + i % 7} {y + i % 5})"))
    return c.ogr_layer(name, "GPKG", "waarnemingen", ogr.wkbPoint, [("id", ogr.OFTString), ("thema", ogr.OFTString), ("toelichting", ogr.OFTString)], rows)


def broken_files(c):
    for name in ("empty.geojson", "empty.csv", "empty.gpkg", "empty.shp", "empty.toml"):
        c.bytes(name, b"")
    # Layers with no features: observations, and the buurten.
    c.ogr_layer("obs_empty_layer.gpkg", "GPKG", "waarnemingen", ogr.wkbPoint, [("id", ogr.OFTString)], [])
    buurten_variant(c, "buurten_empty.gpkg", [])

    # 3,000 observations: the table's pages run from about page 17 to 150 of 192 (4 kB pages), so a cut
    # at page 100 or noise over pages 90-110 hits the data itself, after the schema GDAL reads on opening.
    src = obs_gpkg(c, "obs_whole.gpkg", n=3000)
    with open(src, "rb") as f:
        data = f.read()
    page = 4096
    c.bytes("obs_truncated.gpkg", data[: 100 * page])
    rnd = random.Random(8)
    corrupt = bytearray(data)
    for p in range(90, 110):
        for k in range(page):
            corrupt[p * page + k] = rnd.randrange(256)
    c.bytes("obs_corrupt.gpkg", bytes(corrupt))
    os.remove(src)

    # Shapefiles: .shp cut in the middle of its records; .dbf missing.
    for stem in ("obs_shp_truncated", "obs_shp_no_dbf"):
        c.ogr_layer(f"{stem}.shp", "ESRI Shapefile", stem, ogr.wkbPolygon, [("id", ogr.OFTString), ("thema", ogr.OFTString)],
                    [({"id": f"s{i}", "thema": "groen"}, box((117030 + 10 * i, 487030, 117035 + 10 * i, 487035))) for i in range(20)])
    with open(c.path("obs_shp_truncated.shp"), "rb") as f:
        shp = f.read()
    c.bytes("obs_shp_truncated.shp", shp[: len(shp) // 2 + 7])
    os.remove(c.path("obs_shp_no_dbf.dbf"))

    # A GeoPackage whose geometry blobs are random bytes (a GeoPackage header "GP" then noise) or empty.
    path = obs_gpkg(c, "obs_garbage_blob.gpkg", n=6)
    noise = lambda n: bytes(rnd.randrange(256) for _ in range(n))  # noqa: E731
    gpkg_sql(path, [f"UPDATE waarnemingen SET geom = X'{(b'GP' + bytes([0, 1]) + noise(60)).hex()}' WHERE id = 'o2'",
                    f"UPDATE waarnemingen SET geom = X'{noise(40).hex()}' WHERE id = 'o3'",
                    f"UPDATE waarnemingen SET geom = X'{b'GP'.hex()}' WHERE id = 'o4'"])

    # A CRS definition that is nonsense.
    path = obs_gpkg(c, "obs_bad_srs.gpkg", n=3)
    con = sqlite3.connect(path)
    con.execute("INSERT INTO gpkg_spatial_ref_sys VALUES ('bogus', 990001, 'NONE', 990001, 'THIS IS NOT WKT [[[', 'nonsense')")
    con.execute("UPDATE gpkg_geometry_columns SET srs_id = 990001")
    con.execute("UPDATE gpkg_contents SET srs_id = 990001")
    con.commit()
    con.close()

    # A GeoPackage in WAL journal mode: reading it must leave nothing (-wal, -shm) beside it.
    path = obs_gpkg(c, "obs_wal.gpkg", n=6)
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=WAL")
    con.close()
    for extra in ("-wal", "-shm"):
        if os.path.exists(path + extra):
            os.remove(path + extra)


# --- text ---------------------------------------------------------------------------------------------

def text_cases(c):
    # Latin-1 (Windows-1252) CSV, as Excel on Windows saves it: é, ë, ü in values and in a header.
    rows = ["id;lon;lat;thema;soort;bron;toelichting;opmerking_één"]
    for i, (lon, lat) in enumerate(GOOD_LL, 1):
        rows.append(f"l{i};{lon};{lat};groen;kans;bewoner;Caf\u00e9 bij de Bl\u00fcmenweg, geen \u20ac;\u00e9\u00e9n")
    c.text("obs_latin1.csv", "\n".join(rows) + "\n", encoding="cp1252")
    # A file whose name is Latin-1 bytes (caf\xe9.csv, as an old Windows share hands it over): good content.
    with open(os.path.join(os.fsencode(c.out), b"obs_caf\xe9.csv"), "w", encoding="utf-8") as f:
        f.write("\n".join(c.good_csv_rows()) + "\n")
    # Very long strings: a 1 MB comment, a 1 MB theme, a 100 kB id.
    lon, lat = GOOD_LL[0]
    big = "lang " * 200_000
    rows = ["id;lon;lat;thema;soort;bron;toelichting", f"long-1;{lon};{lat};groen;kans;bewoner;{big}",
            f"long-2;{lon};{lat};{'x' * 1_000_000};kans;bewoner;kort", f"{'i' * 100_000};{lon};{lat};groen;kans;bewoner;kort"]
    c.text("obs_long_strings.csv", "\n".join(rows) + "\n")
    # Duplicate ids.
    rows = ["id;lon;lat;thema"] + [f"dup-{(i % 3) + 1};{lo};{la};groen" for i, (lo, la) in enumerate(GOOD_LL)]
    c.text("obs_duplicate_ids.csv", "\n".join(rows) + "\n")
    # Formula-like text: street names and observation texts a spreadsheet would run.
    formulas = ['=HYPERLINK("http://example.invalid/x","klik")', "+SUM(1+1)", "-2+3", "@SUM(A1)", "\tTab", " =Spatie"]
    c.ogr_layer("streets_formula.gpkg", "GPKG", "streets", ogr.wkbLineString, [("naam", ogr.OFTString)],
                [({"naam": formulas[i % len(formulas)]}, "LINESTRING (" + ",".join(f"{x} {y}" for x, y in pts) + ")")
                 for i, (_n, pts) in enumerate(STREETS + [("x", [(117000, 487490), (117500, 487490)]), ("y", [(117500, 487490), (118000, 487490)])])])
    rows = ["id;lon;lat;thema;soort;bron;toelichting"]
    for i, (lon, lat) in enumerate(GOOD_LL, 1):
        rows.append(f"f{i};{lon};{lat};\"=HYPERLINK(\"\"http://example.invalid\"\")\";zorg;bewoner;\"=1+1\"")
    c.text("obs_formula.csv", "\n".join(rows) + "\n")
    # Theme values that would break SQL or XML if pasted into either.
    rows = ["id;lon;lat;thema;soort;bron"]
    nasty = ["x'); DROP TABLE observations; --", "<b>&amp;\"'</b>", "]]>", "\u202egroen", "groen'||'"]
    for i, (lon, lat) in enumerate(GOOD_LL, 1):
        rows.append(f"q{i};{lon};{lat};\"{nasty[i % len(nasty)].replace(chr(34), chr(34) * 2)}\";zorg;bewoner")
    c.text("obs_injection.csv", "\n".join(rows) + "\n")
    # NUL bytes and ragged rows in a CSV.
    c.bytes("obs_nul_ragged.csv", ("id;lon;lat;thema\n" + f"n1;{GOOD_LL[0][0]};{GOOD_LL[0][1]};gro\x00en\n" +
                                   f"n2;{GOOD_LL[1][0]};{GOOD_LL[1][1]}\n" + f"n3;{GOOD_LL[2][0]};{GOOD_LL[2][1]};groen;extra;meer\n").encode())
    # Indicators: duplicate codes, formula text, numbers with decimal commas, unknown codes.
    c.text("indicators_hostile.csv", "code,inwoners,label\nAA01,100,=HYPERLINK(\"x\")\nAA01,200,twee\nAA02,\"1,5\",x\nZZ99,5,y\n")


# --- areas and the hierarchy -------------------------------------------------------------------------

def area_cases(c):
    buurten_variant(c, "buurten_duplicate_code.gpkg", [({"code": "AA01", "naam": "Aabuurt"}, box(BUURTEN[0][2])),
                                                       ({"code": "AA01", "naam": "Beebuurt"}, box(BUURTEN[1][2]))])
    buurten_variant(c, "buurten_overlap.gpkg", [({"code": "AA01", "naam": "Aabuurt"}, box((117000, 487000, 117600, 487500))),
                                                ({"code": "AA02", "naam": "Beebuurt"}, box(BUURTEN[1][2]))])
    # A block far from every buurt (but in the Netherlands) with a parent code that does not exist,
    # and one without a parent code at all.
    blocks_variant(c, "blocks_outside_buurten.gpkg", [({"code": "ZZ01", "buurt_code": "ZZ"}, box((150000, 450000, 150200, 450200))),
                                                      ({"code": "ZZ02"}, box((150300, 450000, 150500, 450200)))])
    # Buurten 200 km apart (Groningen and Maastricht): the grids made over their extent must stay sane.
    buurten_variant(c, "buurten_far_apart.gpkg", [({"code": "GR01", "naam": "Groningen"}, box((233000, 581000, 233500, 581500))),
                                                  ({"code": "MA01", "naam": "Maastricht"}, box((176000, 317000, 176500, 317500)))])
    rows = ["id;x;y;thema"] + [f"fa{i};{233100 + 10 * i};{581100 + 10 * i};groen" for i in range(5)] + \
           [f"fb{i};{176100 + 10 * i};{317100 + 10 * i};groen" for i in range(5)]
    c.text("obs_far_apart.csv", "\n".join(rows) + "\n")


# --- counts that lie, nesting that never ends --------------------------------------------------------

def lying_files(c):
    # A Shapefile whose .dbf header declares 100 million records and whose .shx declares many shapes.
    c.ogr_layer("obs_huge_count.shp", "ESRI Shapefile", "obs_huge_count", ogr.wkbPoint, [("id", ogr.OFTString)],
                [({"id": f"h{i}"}, f"POINT ({x} {y})") for i, (x, y) in enumerate(GOOD_RD, 1)])
    with open(c.path("obs_huge_count.prj"), "w") as f:
        f.write(srs(RD).ExportToWkt())
    with open(c.path("obs_huge_count.dbf"), "r+b") as f:
        f.seek(4)
        f.write(struct.pack("<I", 100_000_000))
    # A GeoPackage whose feature count in gpkg_ogr_contents says 10^12.
    path = obs_gpkg(c, "obs_huge_count.gpkg", n=6)
    con = sqlite3.connect(path)
    con.execute("UPDATE gpkg_ogr_contents SET feature_count = 1000000000000")
    con.commit()
    con.close()
    # A FlatGeobuf whose header says 2^40 features but holds 6 (the count is a uint64 in the header).
    path = c.path("obs_huge_count.fgb")
    c.ogr_layer("obs_huge_count.fgb", "FlatGeobuf", "obs", ogr.wkbPoint, [("id", ogr.OFTString)],
                [({"id": f"h{i}"}, f"POINT ({x} {y})") for i, (x, y) in enumerate(GOOD_RD, 1)], options=["SPATIAL_INDEX=NO"])
    with open(path, "rb") as f:
        data = bytearray(f.read())
    six = struct.pack("<Q", 6)
    at = data.find(six, 12)
    if at > 0:
        data[at:at + 8] = struct.pack("<Q", 1 << 40)
    c.bytes("obs_huge_count.fgb", bytes(data))
    # JSON nested 100,000 deep, and WKT nested 10,000 deep in a CSV.
    c.text("obs_deep_nesting.geojson", '{"type": "FeatureCollection", "features": [' + "[" * 100_000 + "]" * 100_000 + "]}")
    deep = "GEOMETRYCOLLECTION (" * 10_000 + "POINT (117100 487100)" + ")" * 10_000
    c.text("obs_deep_wkt.csv", f"id,wkt\nok-1,\"POINT (117100 487100)\"\ndeep-1,\"{deep}\"\n")


# --- reaching out ----------------------------------------------------------------------------------------

def remote_cases(c):
    h = c.http
    lon, lat = GOOD_LL[0]
    c.geojson("obs_crs_link.geojson", [(obs_props("ok-1"), {"type": "Point", "coordinates": [lon, lat]})],
              extra={"crs": {"type": "link", "properties": {"href": f"{h}/crs/28992.wkt", "type": "ogcwkt"}}})
    c.geojson("obs_crs_url_name.geojson", [(obs_props("ok-1"), {"type": "Point", "coordinates": [lon, lat]})],
              extra={"crs": {"type": "name", "properties": {"name": f"{h}/def/crs/EPSG/0/4326"}}})
    c.geojson("obs_ref.geojson", [(obs_props("ok-1"), {"type": "Point", "coordinates": [lon, lat]}),
                                  (obs_props("ref-1"), {"$ref": f"{h}/geometry.json"})],
              extra={"$ref": f"{h}/features.json", "$schema": f"{h}/schema.json"})
    c.text("obs_networklink.kml", f"""<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2">
<Document>
  <name>waarnemingen</name>
  <Placemark><name>ok-1</name><Point><coordinates>{lon},{lat}</coordinates></Point></Placemark>
  <NetworkLink><name>meer</name><Link><href>{h}/more.kml</href><refreshMode>onInterval</refreshMode></Link></NetworkLink>
  <Style id="s"><IconStyle><Icon><href>{h}/icon.png</href></Icon></IconStyle></Style>
</Document>
</kml>
""")
    c.text("obs_remote_schema.gml", f"""<?xml version="1.0" encoding="UTF-8"?>
<ogr:FeatureCollection xmlns:ogr="http://ogr.maptools.org/" xmlns:gml="http://www.opengis.net/gml"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xlink="http://www.w3.org/1999/xlink"
  xsi:schemaLocation="http://ogr.maptools.org/ {h}/schema.xsd">
  <gml:featureMember>
    <ogr:obs fid="obs.0"><ogr:geometryProperty><gml:Point srsName="EPSG:28992"><gml:coordinates>117100,487100</gml:coordinates></gml:Point></ogr:geometryProperty>
      <ogr:id>ok-1</ogr:id></ogr:obs>
  </gml:featureMember>
  <gml:featureMember xlink:href="{h}/feature.gml#f2"/>
</ogr:FeatureCollection>
""")
    # OGR VRT files: one reading a local file outside the project (/etc/passwd as CSV), one reading the network.
    c.text("obs_vrt_local.vrt", """<OGRVRTDataSource><OGRVRTLayer name="passwd"><SrcDataSource>CSV:/etc/passwd</SrcDataSource>
<GeometryType>wkbPoint</GeometryType><LayerSRS>EPSG:28992</LayerSRS><GeometryField encoding="PointFromColumns" x="field_3" y="field_4"/>
</OGRVRTLayer></OGRVRTDataSource>
""")
    c.text("obs_vrt_remote.vrt", f"""<OGRVRTDataSource><OGRVRTLayer name="remote"><SrcDataSource>/vsicurl/{h}/obs.geojson</SrcDataSource>
</OGRVRTLayer></OGRVRTDataSource>
""")
    # A zip holding a GeoJSON that names a path outside itself (nothing may be written anywhere).
    with zipfile.ZipFile(c.path("obs_zip_traversal.zip"), "w") as z:
        z.writestr("../../evil.geojson", json.dumps({"type": "FeatureCollection", "features": []}))


# --- project files ---------------------------------------------------------------------------------------

WORLD_TOML = """name = "hostile"
[areas.block]
source = "world.gpkg"
layer = "blocks"
code = "code"
parent = "buurt_code"
[areas.buurt]
source = "world.gpkg"
layer = "buurten"
code = "code"
name = "naam"
[[observations]]
source = "good.csv"
crs = "EPSG:4326"
x = "lon"
y = "lat"
id = "id"
"""


def project_cases(c):
    w = WORLD_TOML
    c.text("project_ok.toml", w)
    c.text("project_unknown_key.toml", w.replace('code = "code"\nname = "naam"', 'code = "code"\ncolour = "red"\nname = "naam"'))
    c.text("project_unknown_table.toml", w + '\n[outptu]\ngpkg = "x.gpkg"\n')
    c.text("project_wrong_type_number.toml", w + '\n[streets]\nsource = "world.gpkg"\nlayer = "streets"\nname = "naam"\nmax_distance = "far"\n')
    c.text("project_wrong_type_table.toml", 'name = "hostile"\nareas = "world.gpkg"\n')
    c.text("project_wrong_type_list.toml", w.replace('name = "hostile"', 'name = "hostile"\nthemes = "groen"'))
    c.text("project_wrong_type_code.toml", w.replace('layer = "buurten"\ncode = "code"', 'layer = "buurten"\ncode = 5'))
    c.text("project_threads_huge.toml", w.replace('name = "hostile"', 'name = "hostile"\nthreads = 1e30'))
    c.text("project_threads_many.toml", w.replace('name = "hostile"', 'name = "hostile"\nthreads = 1000000'))
    c.text("project_tiny_cells.toml", w + "\n[hotspots]\nheat_cell = 0.0001\nhex_size = 0.001\n")
    c.text("project_min_features_huge.toml", w + "\n[hotspots]\nmin_features = 1e300\n")
    c.text("project_syntax_error.toml", w.replace('layer = "blocks"', 'layer = "blocks\ncode = ['))
    c.text("project_missing_path.toml", w.replace('source = "good.csv"', 'source = "does_not_exist.csv"'))
    c.text("project_source_is_folder.toml", w.replace('source = "good.csv"', 'source = "a_folder"'))
    c.text("project_unknown_crs.toml", w.replace('crs = "EPSG:4326"', 'crs = "EPSG:999999"'))
    c.text("project_bad_project_crs.toml", w.replace('name = "hostile"', 'name = "hostile"\ncrs = "not a crs at all"'))
    c.bytes("project_latin1.toml", w.replace('name = "hostile"', 'name = "Caf\u00e9"').encode("cp1252"))
    c.text("project_output_traversal.toml", w + '\n[output]\ngpkg = "../hostile_out/../hostile_traversal_out.gpkg"\n')
    c.text("project_remote_source.toml", w.replace('source = "good.csv"', f'source = "{c.http}/good.csv"'))
    c.text("project_vsicurl_source.toml", w.replace('source = "good.csv"', f'source = "/vsicurl/{c.http}/good.csv"'))
    c.text("project_uppercase_http.toml", w.replace('source = "good.csv"', f'source = "{c.http.replace("http://", "HTTP://")}/good.csv"'))
    c.text("project_geojson_prefix_http.toml", w.replace('source = "good.csv"', f'source = "GeoJSON:{c.http.replace("http://", "HtTp://")}/x.geojson"'))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("outdir")
    ap.add_argument("--http", default="http://127.0.0.1:9")
    args = ap.parse_args()
    shutil.rmtree(args.outdir, ignore_errors=True)
    os.makedirs(args.outdir)
    c = Corpus(args.outdir, args.http)
    for make in (world, geometry_cases, broken_files, text_cases, area_cases, lying_files, remote_cases, project_cases):
        make(c)
    print(f"{len(os.listdir(args.outdir))} files in {args.outdir}")


if __name__ == "__main__":
    main()
