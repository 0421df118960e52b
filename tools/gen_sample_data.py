#!/usr/bin/python3
"""Generate the synthetic parts of the Buurtbalans sample data set (wijk FB, Geuzenveld).

Run from anywhere with Debian's Python (it needs python3-gdal and python3-shapely):

    /usr/bin/python3 tools/gen_sample_data.py            # regenerate everything
    /usr/bin/python3 tools/gen_sample_data.py --plot /tmp/sample_overview.png   # plus an overview PNG
    /usr/bin/python3 tools/gen_sample_data.py --extract-gebieden   # also re-extract the REAL areas

Inputs
    sample_data/geuzenveld_gebieden.gpkg        REAL buurt/wijk/gebied/stadsdeel polygons (EPSG:28992),
                                                 extracted from ../shared/data (see --extract-gebieden).
    ../shared/data (or $BUURTBALANS_SHARED_DATA) CBS kerncijfers 2021 and the 2015 gebiedsindeling, only
                                                 for the indicator files; skipped with a note if absent.

Outputs (all in sample_data/)
    geuzenveld_bouwblokken_straten.gpkg   GENERATED layers `straten` (named street centre lines) and
                                          `bouwblokken` (blocks cut from the real buurten by the streets)
    waarnemingen_ronde1.geojson           GENERATED observations round 2024-03 (WGS84, mixed geometries,
                                          with deliberate defects, see sample_data/README.md)
    waarnemingen_ronde2.csv               GENERATED observations round 2024-10 (points, `;`, lat before lon)
    cbs_kerncijfers_2021_fb.csv           REAL CBS rows of the 2015-scheme buurten overlapping wijk FB
    buurten_2015_fb.gpkg                  REAL polygons of those 2015 buurten (layer `buurten_2015`), with
                                          their CBS code added, for the engine's own crosswalk
    kerncijfers_2021_buurten_2022.csv     CBS figures carried over to the 2022 buurten (area-weighted
                                          crosswalk, computed here)

Determinism: every random choice comes from random.Random with a fixed seed (one generator per
product, so changing one product does not reshuffle the others); nothing depends on the clock, on
hash order or on the file system; output order is sorted. Running the script twice gives
byte-identical GeoJSON and CSV files, and (with OGR_CURRENT_DATE pinned) identical GeoPackages on the
same GDAL/GEOS versions (Debian 12: GDAL 3.6.2, GEOS 3.11.1).

Street network model (a caricature of a 1950s "Westelijke Tuinsteden" neighbourhood):
  * most buurt boundaries are streets (main roads on the outer edge of the wijk, except the polder
    edges of FB01, which are treated as ditches);
  * a few through roads cross several buurten;
  * inside every residential buurt a slightly rotated grid: long streets along the buurt's main axis
    and short cross streets that are staggered per band and sometimes left out (longer strips);
  * green space without blocks: Eendrachtspark (FB04, ~2/3 of the buurt), a play park in FB03,
    the Osdorper Binnenpolder west of a sports/allotment zone (FB01), scattered plantsoenen, and
    the shopping square Lambertus Zijlplein (FB08).
Blocks = buurt shrunk by 3 m, minus every street buffered by half its width; slivers < 400 m2 and
strips thinner than ~8 m are dropped, so every block lies strictly inside its buurt.
"""

import argparse
import csv
import io
import json
import math
import os
import random
from collections import OrderedDict, defaultdict

from osgeo import gdal, ogr, osr
from shapely import wkb
from shapely.geometry import LineString, MultiLineString, MultiPolygon, Point, Polygon, box
from shapely.geometry.polygon import orient
from shapely.ops import linemerge, substring, unary_union

ogr.UseExceptions()
osr.UseExceptions()
gdal.UseExceptions()

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SAMPLE = os.path.join(REPO, "sample_data")
SHARED = os.environ.get("BUURTBALANS_SHARED_DATA",
                        os.path.join(os.path.dirname(REPO), "shared", "data"))

GEBIEDEN_GPKG = os.path.join(SAMPLE, "geuzenveld_gebieden.gpkg")
BLOKKEN_GPKG = os.path.join(SAMPLE, "geuzenveld_bouwblokken_straten.gpkg")
RONDE1_GEOJSON = os.path.join(SAMPLE, "waarnemingen_ronde1.geojson")
RONDE2_CSV = os.path.join(SAMPLE, "waarnemingen_ronde2.csv")
CBS_FB_CSV = os.path.join(SAMPLE, "cbs_kerncijfers_2021_fb.csv")
CBS_2022_CSV = os.path.join(SAMPLE, "kerncijfers_2021_buurten_2022.csv")
BUURTEN_2015_GPKG = os.path.join(SAMPLE, "buurten_2015_fb.gpkg")

# Pinned so that the GeoPackage `last_change` columns do not depend on the clock.
gdal.SetConfigOption("OGR_CURRENT_DATE", "2024-03-01T00:00:00.000Z")

SEED_STREETS = 19580101   # Geuzenveld was built from the late 1950s on
SEED_BLOCKS = 19580102
SEED_RONDE1 = 20240312
SEED_RONDE2 = 20241008

MIN_BLOCK_AREA = 400.0     # m2; smaller pieces are verges/slivers, not blocks
MIN_BLOCK_THICKNESS = 8.0  # m; 2*area/perimeter below this is a strip of verge
BUURT_INSET = 3.0          # m; blocks keep this distance from a buurt boundary without a street

# ----------------------------------------------------------------------------------------------
# Small helpers
# ----------------------------------------------------------------------------------------------


def round_geom(g, nd=2):
    """Round all coordinates (default: to the centimetre), keeping the geometry type."""
    def r(cs):
        return [(round(x, nd), round(y, nd)) for x, y, *_ in cs]
    t = g.geom_type
    if t == "Point":
        return Point(round(g.x, nd), round(g.y, nd))
    if t == "LineString":
        return LineString(r(g.coords))
    if t == "Polygon":
        return Polygon(r(g.exterior.coords), [r(i.coords) for i in g.interiors])
    if t == "MultiPolygon":
        return MultiPolygon([round_geom(p, nd) for p in g.geoms])
    if t == "MultiLineString":
        return MultiLineString([round_geom(p, nd) for p in g.geoms])
    raise ValueError(t)


def parts(g, kind):
    """The non-empty parts of geometry g of the given kind ('Polygon' or 'LineString')."""
    if g.is_empty:
        return []
    if g.geom_type == kind:
        return [g]
    if hasattr(g, "geoms"):
        out = []
        for p in g.geoms:
            out.extend(parts(p, kind))
        return out
    return []


def load_layer(path, layer, key):
    """OrderedDict key -> (shapely geometry, attribute dict), in key order."""
    ds = ogr.Open(path)
    out = {}
    for f in ds.GetLayerByName(layer):
        ref = f.GetGeometryRef()
        g = wkb.loads(bytes(ref.ExportToWkb())) if ref is not None else None
        out[f.GetField(key)] = (g, {n: f.GetField(n) for n in f.keys()})
    return OrderedDict(sorted(out.items()))


def write_gpkg(path, layers):
    """layers: list of (name, ogr geometry type, [(field, ogr type)], [(attrs dict, shapely geom)])."""
    if os.path.exists(path):
        os.remove(path)
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(path)
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(28992)
    for name, gtype, fields, feats in layers:
        lyr = ds.CreateLayer(name, srs, gtype, options=["FID=fid", "GEOMETRY_NAME=geom"])
        for fname, ftype in fields:
            lyr.CreateField(ogr.FieldDefn(fname, ftype))
        defn = lyr.GetLayerDefn()
        lyr.StartTransaction()
        for attrs, geom in feats:
            f = ogr.Feature(defn)
            for fname, _ in fields:
                f.SetField(fname, attrs[fname])
            if isinstance(geom, (bytes, bytearray)):
                f.SetGeometry(ogr.CreateGeometryFromWkb(bytes(geom)))
            else:
                if gtype == ogr.wkbMultiPolygon and geom.geom_type == "Polygon":
                    geom = MultiPolygon([geom])
                f.SetGeometry(ogr.CreateGeometryFromWkb(geom.wkb))
            lyr.CreateFeature(f)
        lyr.CommitTransaction()
    ds = None


class Frame:
    """A local, rotated coordinate frame (u along angle theta, v across) around an origin."""

    def __init__(self, origin, theta_deg):
        self.ox, self.oy = origin
        t = math.radians(theta_deg)
        self.c, self.s = math.cos(t), math.sin(t)

    def world(self, u, v):
        return (self.ox + u * self.c - v * self.s, self.oy + u * self.s + v * self.c)

    def local(self, x, y):
        dx, dy = x - self.ox, y - self.oy
        return (dx * self.c + dy * self.s, -dx * self.s + dy * self.c)

    def bounds(self, g):
        pts = [self.local(x, y) for p in parts(g, "Polygon") for x, y in p.exterior.coords]
        us = [p[0] for p in pts]
        vs = [p[1] for p in pts]
        return min(us), min(vs), max(us), max(vs)

    def rect(self, cu, cv, hu, hv):
        return Polygon([self.world(cu - hu, cv - hv), self.world(cu + hu, cv - hv),
                        self.world(cu + hu, cv + hv), self.world(cu - hu, cv + hv)])


def main_axis_angle(g):
    """Angle (degrees, in (-45, 45]) of the buurt's minimum rotated rectangle, and whether the long
    side runs along that angle (True) or across it (False)."""
    cs = list(g.minimum_rotated_rectangle.exterior.coords)
    e1 = (cs[1][0] - cs[0][0], cs[1][1] - cs[0][1])
    e2 = (cs[2][0] - cs[1][0], cs[2][1] - cs[1][1])
    a = math.degrees(math.atan2(e1[1], e1[0]))
    while a > 45:
        a -= 90
    while a <= -45:
        a += 90
    l1, l2 = math.hypot(*e1), math.hypot(*e2)
    # is e1 (after folding by 90 degrees) horizontal-ish?
    a1 = math.degrees(math.atan2(e1[1], e1[0])) % 180
    e1_is_u = abs(((a1 - a) % 180)) < 1e-6 or abs(((a1 - a) % 180) - 180) < 1e-6
    long_along_u = (l1 >= l2) == e1_is_u
    return a, long_along_u


# ----------------------------------------------------------------------------------------------
# Street names: Geuzenveld's streets are named after Dutch politicians. The names below are real
# politicians, but which street gets which name, and where it runs, is GENERATED.
# ----------------------------------------------------------------------------------------------

NAME_POOL = [
    "Thorbecke", "Van Hall", "Donker Curtius", "Heemskerk", "Kappeyne van de Coppello",
    "Van Houten", "Mackay", "Tak van Poortvliet", "Pierson", "Kuyper", "De Meester", "Talma",
    "De Geer", "Gerbrandy", "Schermerhorn", "Beel", "Drees", "Schaepman", "Nolens",
    "Domela Nieuwenhuis", "Vliegen", "Schaper", "Albarda", "Marchant", "Goeman Borgesius",
    "De Savornin Lohman", "Van Karnebeek", "Aalberse", "Van Tienhoven", "Treub", "Van Raalte",
    "Ter Laan", "Wibaut", "Oud", "Kleerekoper", "Van den Tempel", "Duymaer van Twist",
    "Schimmelpenninck", "Fock", "Van der Goes van Naters", "Romme", "Steenberghe", "Welter",
    "De Quay", "Marijnen", "Cals", "Zijlstra", "Lieftinck", "Vorrink", "Suurhoff", "Deckers",
    "Slotemaker de Bruïne", "Van Lynden van Sandenburg", "Van Welderen Rengers",
    "Bosch van Drakestein", "Groen van Prinsterer", "Keuchenius", "Tydeman", "Van Idsinga",
    "Lely", "Idenburg", "Loudon", "Van Swinderen", "Dresselhuys", "Koolen", "Van IJsselsteyn",
    "Kan", "Posthuma", "Van Schaik", "Kortenhorst", "Tilanus", "Van Kleffens", "Van Boeijen",
    "Wijnkoop", "Van Ravesteyn", "Oudegeest", "Duys", "Mendels", "Van Kol", "Van der Zwaag",
    "Aletta Jacobs", "Suze Groeneweg", "Wilhelmina Drucker", "Frida Katz", "Spiekman",
    "Van Walsum", "Bakker-Nort", "Ketelaar", "Staalman", "Bierema", "Kraus", "Mansholt",
    "Witteveen", "Van Thiel", "Burger", "Vondeling", "Stikker", "Nederhorst", "Samkalden",
    "Tjalma", "Van der Kieft", "Jekel", "Smeenk", "Van Rhijn", "Hirschfeld", "Van Poll",
    "Kersten", "De Visser", "Van Sonsbeeck", "Van Wijnbergen", "Van der Grinten", "Klompé",
    "Van Heuven Goedhart", "Hilda Verwey", "Mies Boissevain", "Roosje Vos", "Bavinck",
    "Struycken", "Patijn", "Joekes", "Kolfschoten", "Van Maarseveen", "Teulings", "Rutgers",
    "Schouten", "Algra", "Bruins Slot", "Smallenbroek", "Hazenbosch", "De Kadt", "Ruygers",
    "Van Santen", "Kranenburg", "Scholten",
]

# Main streets with fixed names (some are real Geuzenveld names; their course here is generated).
N_NORTH = "Troelstraweg"
N_SOUTH = "Burgemeester Roëllstraat"
N_EAST = "Slotermeerlaan"
N_CORT = "Cort van der Lindenstraat"
N_COLIJN = "Dr. H. Colijnstraat"
N_WEGENER = "Wegener Sleeswijkstraat"
N_RUYS = "Ruys de Beerenbrouckstraat"
N_PLEIN = "Lambertus Zijlplein"

HALF_WIDTH = {"hoofd": 9.0, "grens": 7.0, "plein": 6.0, "straat": 5.5, "hof": 4.5, "pad": 3.0}
PRIORITY = {"hoofd": 0, "grens": 1, "plein": 2, "straat": 3, "hof": 4, "pad": 5}


class NamePool:
    def __init__(self, rng):
        self.names = list(NAME_POOL)
        rng.shuffle(self.names)
        self.used = set()

    def take(self, suffix):
        while self.names:
            base = self.names.pop()
            name = base + suffix
            if name not in self.used:
                self.used.add(name)
                return name
        raise RuntimeError("street name pool exhausted; add names to NAME_POOL")


# Per-buurt grid settings: target number of grid cells (before cells are merged or turned green).
GRID_TARGET = {"FB02": 40, "FB03": 52, "FB04": 24, "FB05": 42, "FB06": 38, "FB07": 40, "FB08": 44}
GRID_ASPECT = 1.6          # long side / short side of a grid cell
CROSS_DROP_P = 0.22        # chance that a cross street between two long streets is left out

# FB01 (Osdorper Binnenpolder, 25 inhabitants in 2021) is mostly polder; only its eastern part gets
# a coarse grid of sports fields, allotments and a few farms/schools.
FB01_ZONE = (113650.0, 487600.0, 114700.0, 488700.0)


def build_streets(B, wijk):
    """Return (sources, specials): sources = list of (name, class, LineString) before noding;
    specials = dict of green/plein polygons used later for the blocks and observations."""
    rng = random.Random(SEED_STREETS)
    pool = NamePool(rng)
    sources = []

    def add(name, cls, g):
        for ln in parts(g, "LineString"):
            if ln.length >= 1.0:
                sources.append((name, cls, ln))

    # --- 1. outer boundary of the wijk: main roads, except the polder edges of FB01 (ditches) ---
    ext = list(parts(wijk, "Polygon")[0].exterior.coords)
    runs = []   # (label, [coords])
    for a, b in zip(ext[:-1], ext[1:]):
        mx, my = (a[0] + b[0]) / 2, (a[1] + b[1]) / 2
        horizontal = abs(b[0] - a[0]) >= abs(b[1] - a[1])
        if horizontal and my > 488600:
            label = "N"
        elif mx < 114560:
            label = None           # FB01 west and south-west edges: polder ditches, no street
        elif horizontal and my < 487700:
            label = "S"
        else:
            label = "E"
        if runs and runs[-1][0] == label:
            runs[-1][1].append(b)
        else:
            runs.append((label, [a, b]))
    outer_names = {"N": N_NORTH, "S": N_SOUTH, "E": N_EAST}
    for label, cs in runs:
        if label is not None:
            add(outer_names[label], "hoofd", LineString(cs))

    # --- 2. shared buurt boundaries ---
    codes = list(B)
    pair_names = {}
    cort = [("FB03", "FB05"), ("FB03", "FB06"), ("FB03", "FB07"), ("FB04", "FB07")]
    colijn = [("FB06", "FB07"), ("FB06", "FB08"), ("FB05", "FB08")]
    for p in cort:
        pair_names[p] = (N_CORT, "hoofd")
    for p in colijn:
        pair_names[p] = (N_COLIJN, "hoofd")
    pair_names[("FB01", "FB02")] = (pool.take("weg"), "grens")
    pair_names[("FB01", "FB05")] = (pool.take("kade"), "grens")
    n = pool.take("laan")
    pair_names[("FB02", "FB03")] = (n, "grens")
    pair_names[("FB02", "FB05")] = (n, "grens")
    pair_names[("FB03", "FB04")] = (pool.take("straat"), "grens")
    pair_names[("FB05", "FB06")] = (pool.take("laan"), "grens")
    pair_names[("FB07", "FB08")] = (pool.take("laan"), "grens")
    for i, a in enumerate(codes):
        for b in codes[i + 1:]:
            shared = B[a].boundary.intersection(B[b].boundary)
            lines = parts(shared, "LineString")
            if not lines:
                continue
            merged = linemerge(lines)
            name, cls = pair_names.get((a, b)) or (pool.take("straat"), "grens")
            add(name, cls, merged)

    # --- 3. special places ---
    specials = {}
    # Eendrachtspark: the inner ~2/3 of FB04, ringed by a park road.
    park = B["FB04"].buffer(-40.0, join_style=2).simplify(2.0)
    park = max(parts(park, "Polygon"), key=lambda p: p.area)
    specials["park_FB04"] = park
    add(pool.take("laan"), "straat", LineString(park.exterior.coords))

    # FB01: zone with a coarse grid; the rest is polder.
    zone = B["FB01"].intersection(box(*FB01_ZONE))
    zone = max(parts(zone, "Polygon"), key=lambda p: p.area)
    specials["zone_FB01"] = zone
    polder = B["FB01"].difference(zone)
    specials["polder_FB01"] = polder
    add(pool.take("weg"), "grens",
        LineString([(FB01_ZONE[0], 488700), (FB01_ZONE[0], 487000)]).intersection(B["FB01"]))
    add(pool.take("weg"), "straat",
        LineString([(112150, 488430), (FB01_ZONE[0], 488370)]).intersection(B["FB01"]))
    add(pool.take("pad"), "pad",
        LineString([(112700, 488700), (113050, 488100), (113500, 487450)]).intersection(B["FB01"]))

    # Through roads.
    wegener = LineString([(114300, 487690), (115700, 487450)]).intersection(wijk)
    add(N_WEGENER, "hoofd", wegener)
    ruys = LineString([(114100, 488445), (115600, 488470)]).intersection(
        unary_union([B["FB02"], B["FB03"]]))
    add(N_RUYS, "hoofd", ruys)
    # Dr. H. Colijnstraat continues north through FB03 (its southern part is a buurt boundary).
    add(N_COLIJN, "hoofd", LineString([(115136.0349836773, 488201.2666831785),
                                       (115118, 488720)]).intersection(B["FB03"]))

    # Lambertus Zijlplein: a shopping square on the north side of the Wegener Sleeswijkstraat in FB08.
    wl = max(parts(wegener.intersection(B["FB08"]), "LineString"), key=lambda g: g.length)
    (x0, y0), (x1, y1) = wl.coords[0], wl.coords[-1]
    ang = math.degrees(math.atan2(y1 - y0, x1 - x0))
    fr = Frame(wl.interpolate(0.45, normalized=True).coords[0], ang)
    plein = fr.rect(0, 32, 50, 32)        # 100 m x 64 m, south side on the Wegener Sleeswijkstraat
    specials["plein_FB08"] = plein
    cs = list(plein.exterior.coords)      # (sw, se, ne, nw, sw)
    add(N_PLEIN, "plein", LineString([cs[1], cs[2], cs[3], cs[4]]))

    # Play park in FB03 (speeltuin), south-west of the Colijnstraat/Ruys de Beerenbrouckstraat corner.
    a3, _ = main_axis_angle(B["FB03"])
    fr3 = Frame((114900, 488330), a3 + 1.5)
    speelpark = fr3.rect(0, 0, 70, 48)
    specials["speelpark_FB03"] = speelpark
    add(pool.take("plantsoen"), "straat", LineString(speelpark.exterior.coords))

    # --- 4. a jittered grid per buurt ---
    exclusions = unary_union([park, polder, plein, speelpark])
    for code in codes:
        if code == "FB01":
            area_geom, target = zone, 22
        else:
            area_geom, target = B[code], GRID_TARGET[code]
        base_angle, long_along_u = main_axis_angle(area_geom)
        theta = base_angle + rng.uniform(-3.0, 3.0) + (0 if long_along_u else 90)
        fr = Frame(area_geom.centroid.coords[0], theta)
        umin, vmin, umax, vmax = fr.bounds(area_geom)
        cell = area_geom.area / target
        sv = math.sqrt(cell / GRID_ASPECT)   # spacing of the long streets (across)
        su = GRID_ASPECT * sv                # spacing of the cross streets (along)
        clip = area_geom.difference(exclusions) if code != "FB01" else zone
        # long streets
        vs = []
        v = vmin + sv * rng.uniform(0.55, 0.8)
        while v < vmax - 0.4 * sv:
            vs.append(v + rng.uniform(-0.12, 0.12) * sv)
            v += sv
        for v in vs:
            suffix = rng.choice(["straat", "straat", "straat", "laan", "laan", "weg"])
            ln = LineString([fr.world(umin - 50, v), fr.world(umax + 50, v)]).intersection(clip)
            keep = [p for p in parts(ln, "LineString") if p.length >= 40]
            if keep:
                add(pool.take(suffix), "straat", MultiLineString(keep))
        # cross streets, staggered per band between long streets, some left out
        bands = [vmin - 50] + vs + [vmax + 50]
        u = umin + su * rng.uniform(0.5, 0.8)
        while u < umax - 0.4 * su:
            suffix = rng.choice(["straat", "straat", "straat", "hof", "pad"])
            cls = {"straat": "straat", "hof": "hof", "pad": "pad"}[suffix]
            pieces = []
            for k in range(len(bands) - 1):
                if rng.random() < CROSS_DROP_P and 0 < k < len(bands) - 2:
                    continue
                uu = u + rng.uniform(-0.08, 0.08) * su
                seg = LineString([fr.world(uu, bands[k]), fr.world(uu, bands[k + 1])])
                pieces.extend(p for p in parts(seg.intersection(clip), "LineString") if p.length >= 25)
            if pieces:
                add(pool.take(suffix), cls, MultiLineString(pieces))
            u += su + rng.uniform(-0.1, 0.1) * su
    return sources, specials


def node_streets(sources):
    """Node the network (split every street at every crossing) and give each piece the name of the
    street it lies on (main roads win where two streets coincide). Returns a sorted list of
    (straat_id, name, LineString) and the name -> straat_id map."""
    noded = parts(unary_union([g for _, _, g in sources]), "LineString")
    out = []
    for seg in noded:
        if seg.length < 1.0:
            continue
        mid = seg.interpolate(0.5, normalized=True)
        best = None
        for i, (name, cls, g) in enumerate(sources):
            if g.distance(mid) < 0.01:
                key = (PRIORITY[cls], i)
                if best is None or key < best[0]:
                    best = (key, name)
        if best is None:
            raise RuntimeError("noded street piece without a source street")
        out.append((best[1], round_geom(seg)))
    names = sorted({n for n, _ in out})
    ids = {n: i + 1 for i, n in enumerate(names)}
    out = [(ids[n], n, g) for n, g in out]
    out.sort(key=lambda t: (t[0], t[2].coords[0], t[2].coords[-1]))
    return out, ids


def build_blocks(B, sources, specials):
    """Cut every buurt by the buffered streets. Returns sorted [(code, buurt_code, Polygon)]."""
    rng = random.Random(SEED_BLOCKS)
    cut = unary_union([g.buffer(HALF_WIDTH[cls], cap_style=2, join_style=2, mitre_limit=3.0)
                       for _, cls, g in sources])
    green = unary_union([specials["park_FB04"], specials["polder_FB01"],
                         specials["plein_FB08"], specials["speelpark_FB03"]])
    blocks = []
    for code, buurt in B.items():
        region = buurt.buffer(-BUURT_INSET, join_style=2).difference(cut)
        cands = []
        for p in parts(region, "Polygon"):
            p = round_geom(orient(p, 1.0))
            if not p.is_valid:
                p = max(parts(p.buffer(0), "Polygon"), key=lambda q: q.area)
            if p.area < MIN_BLOCK_AREA or 2 * p.area / p.length < MIN_BLOCK_THICKNESS:
                continue
            if p.intersection(green).area > 0.5 * p.area:
                continue
            cands.append(p)
        # Some cells are plantsoenen (public green) rather than built blocks; in the FB01 zone many
        # are sports fields or allotments.
        p_green = 0.45 if code == "FB01" else 0.06
        kept = []
        for p in sorted(cands, key=lambda q: (round(-q.centroid.y, 1), round(q.centroid.x, 1))):
            if rng.random() >= p_green:
                kept.append(p)
        # number in reading order: north to south in 60 m rows, west to east within a row
        kept.sort(key=lambda q: (math.floor(-q.centroid.y / 60.0), q.centroid.x, q.centroid.y))
        for i, p in enumerate(kept):
            blocks.append(("%s-%03d" % (code, i + 1), code, p))
    return blocks


# ----------------------------------------------------------------------------------------------
# Observations
# ----------------------------------------------------------------------------------------------

THEMAS = ["groen", "spelen", "overlast", "veiligheid", "vuil", "verkeer", "wonen",
          "voorzieningen", "ontmoeten"]

TEXTS = {
    ("groen", "kans"): [
        "Mooie moestuin, bewoners onderhouden hem zelf",
        "Prachtige oude bomen{bij}",
        "Het grasveld is goed onderhouden, fijn om te zitten",
        "Geveltuintjes maken de straat vrolijk",
        "Bloemenweide trekt veel bijen en vlinders",
        "Fijne groene binnentuin achter de flats",
        "Hier kun je in de zomer heerlijk in de schaduw zitten",
    ],
    ("groen", "zorg"): [
        "Hondenpoep op het grasveld bij de speeltuin",
        "Struiken zijn overwoekerd, niemand snoeit hier",
        "Boomspiegels vol onkruid en afval{bij}",
        "Grasveld kapotgereden door auto's",
        "Dode boom, gevaarlijk bij storm",
        "Te weinig groen, alles is bestraat{bij}",
    ],
    ("spelen", "kans"): [
        "Speeltuin wordt veel gebruikt, ook door kinderen uit andere buurten",
        "Nieuw klimtoestel, de kinderen zijn er blij mee",
        "Trapveldje is altijd vol na schooltijd",
        "Speeltuinvereniging organiseert leuke activiteiten",
        "Waterspeelplek is in de zomer geweldig",
        "Veilige plek om te spelen, ouders kunnen vanaf het bankje kijken",
    ],
    ("spelen", "zorg"): [
        "Schommel al maanden kapot",
        "Geen speelplek voor kleine kinderen{bij}",
        "Glas in de zandbak",
        "Speeltoestellen zijn verouderd",
        "Trapveld te klein voor de oudere jeugd",
    ],
    ("overlast", "zorg"): [
        "Jongeren hangen 's avonds bij de portieken, veel lawaai",
        "Scooters racen over het plein",
        "Geluidsoverlast van de horeca tot laat",
        "Drugsdealen bij de ingang van de parkeergarage",
        "Lachgaspatronen op straat{bij}",
        "Harde muziek uit auto's op het parkeerterrein",
        "Meeuwen en ratten door voer bij de containers",
    ],
    ("overlast", "kans"): [
        "Sinds de buurtvaders hier lopen is het rustiger",
        "Goed contact met de jongerenwerker, overlast is minder",
    ],
    ("veiligheid", "zorg"): [
        "Slecht verlicht pad, 's avonds voel ik me hier niet veilig",
        "Donkere onderdoorgang, lampen vaak kapot",
        "Inbraken in de bergingen{bij}",
        "Onoverzichtelijke hoek door hoge struiken",
        "Fietsers op de stoep, gevaarlijk voor ouderen",
    ],
    ("veiligheid", "kans"): [
        "Goede verlichting sinds vorig jaar, voelt veilig",
        "Buurtpreventie-app werkt goed in deze straat",
    ],
    ("vuil", "zorg"): [
        "Grofvuil staat dagenlang naast de container",
        "Zwerfafval rond het winkelcentrum",
        "Ondergrondse container zit steeds vol{bij}",
        "Vuilniszakken opengescheurd door meeuwen",
        "Afval wordt vanaf de galerij naar beneden gegooid",
    ],
    ("vuil", "kans"): [
        "Vrijwilligers prikken hier elke maand zwerfvuil",
        "Sinds de nieuwe containers is het veel schoner",
    ],
    ("verkeer", "zorg"): [
        "Auto's rijden te hard, drempel nodig{bij}",
        "Gevaarlijke oversteek voor kinderen naar school",
        "Fout geparkeerde auto's op de stoep",
        "Te weinig parkeerplekken, mensen parkeren in het groen",
        "Bestelbusjes blokkeren het fietspad{bij}",
    ],
    ("verkeer", "kans"): [
        "Nieuwe fietsstraat werkt goed",
        "Fijne brede stoep, ook met de rollator",
        "Zebrapad bij de school is een verbetering",
    ],
    ("wonen", "zorg"): [
        "Schimmel en vocht in de portiekflats",
        "Lange wachtlijst, jongeren moeten de buurt uit",
        "Achterstallig onderhoud aan de galerijen{bij}",
        "Lift is vaak kapot",
        "Tochtige ramen, hoge energierekening",
    ],
    ("wonen", "kans"): [
        "Gerenoveerde woningen zijn mooi geworden",
        "Prettige straat, buren kennen elkaar{bij}",
        "Nieuwe woningen voor ouderen, goed gedaan",
    ],
    ("voorzieningen", "kans"): [
        "De markt op het plein is gezellig",
        "Huisarts en apotheek dichtbij, heel fijn",
        "Bibliotheek is een echte ontmoetingsplek",
        "Goede supermarkt, alles op loopafstand",
    ],
    ("voorzieningen", "zorg"): [
        "Winkels staan leeg{bij}",
        "Geen pinautomaat meer in de buurt",
        "Buurthuis is te vaak dicht",
        "Geen toegankelijke openbare wc",
    ],
    ("ontmoeten", "kans"): [
        "Bankjes bij de vijver, hier ontmoeten ouderen elkaar",
        "Buurtbarbecue in de zomer is een succes",
        "Moestuin brengt bewoners samen",
        "Koffieochtend in het buurtcentrum",
        "Gezellige picknicktafels{bij}",
    ],
    ("ontmoeten", "zorg"): [
        "Geen plek om elkaar te ontmoeten voor ouderen",
        "Bankjes weggehaald, nu kun je nergens zitten",
    ],
}
NEUTRAL_TEXTS = [
    "Vraag: wie is hier verantwoordelijk voor het onderhoud?",
    "Hier wordt gebouwd, even afwachten wat het wordt",
    "Plan van de corporatie, nog onduidelijk wat er komt",
    "Opgevallen, maar geen mening over",
]

TAILS = {
    "kans": ["Graag zo houden", "Heel fijn", "Mag vaker zo"],
    "zorg": ["Graag actie", "Zeggen meerdere buren", "Is al gemeld, er gebeurt niets"],
}

SESSIES_R1 = [
    ("Buurtcentrum De Eendracht 2024-03-12", "2024-03-12"),
    ("Wijkwinkel Lambertus Zijlplein 2024-03-14", "2024-03-14"),
    ("Speeltuin Ruys de Beerenbrouck 2024-03-16", "2024-03-16"),
    ("Buurtwandeling Wegener Sleeswijkbuurt 2024-03-19", "2024-03-19"),
]
PROF_R1 = ("Professionalsoverleg Geuzenveld 2024-03-21", "2024-03-21")
SESSIES_R2 = [
    ("Buurtcentrum De Eendracht 2024-10-08", "2024-10-08"),
    ("Wijkwinkel Lambertus Zijlplein 2024-10-10", "2024-10-10"),
    ("Speeltuin Ruys de Beerenbrouck 2024-10-12", "2024-10-12"),
    ("Buurtwandeling Bakemabuurt 2024-10-15", "2024-10-15"),
]
PROF_R2 = ("Professionalsoverleg Geuzenveld 2024-10-17", "2024-10-17")


def article(name):
    return "het" if name.endswith(("plein", "plantsoen")) else "de"


class ObsMaker:
    """Shared machinery for both rounds: locations, texts, attributes, reprojection."""

    def __init__(self, rng, B, wijk, streets, sessies, prof):
        self.rng, self.B, self.wijk = rng, B, wijk
        self.streets = streets
        self.sessies, self.prof = sessies, prof
        src = osr.SpatialReference()
        src.ImportFromEPSG(28992)
        dst = osr.SpatialReference()
        dst.ImportFromEPSG(4326)
        src.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
        dst.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
        self.ct = osr.CoordinateTransformation(src, dst)

    def lonlat(self, x, y, nd=7):
        lon, lat, _ = self.ct.TransformPoint(x, y)
        if nd is None:
            return lon, lat
        return round(lon, nd), round(lat, nd)

    def exact_lonlat(self, x, y):
        """lon/lat (full double precision) whose forward transformation to EPSG:28992 gives back
        exactly (x, y), found by Newton iteration; falls back to the closest found."""
        inv_lon, inv_lat = self.lonlat(x, y, nd=None)
        src = osr.SpatialReference()
        src.ImportFromEPSG(4326)
        src.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
        dst = osr.SpatialReference()
        dst.ImportFromEPSG(28992)
        dst.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
        fwd = osr.CoordinateTransformation(src, dst)
        lon, lat = inv_lon, inv_lat
        best = None
        for _ in range(10):
            fx, fy, _ = fwd.TransformPoint(lon, lat)
            err = abs(fx - x) + abs(fy - y)
            if best is None or err < best[0]:
                best = (err, lon, lat)
            if err == 0.0:
                break
            h = 1e-7
            ax, ay, _ = fwd.TransformPoint(lon + h, lat)
            bx, by, _ = fwd.TransformPoint(lon, lat + h)
            j11, j12, j21, j22 = (ax - fx) / h, (bx - fx) / h, (ay - fy) / h, (by - fy) / h
            det = j11 * j22 - j12 * j21
            ex, ey = x - fx, y - fy
            lon += (j22 * ex - j12 * ey) / det
            lat += (-j21 * ex + j11 * ey) / det
        return best[1], best[2], best[0]

    def nearest_street(self, p, maxdist=70.0):
        best = None
        for _, name, g in self.streets:
            d = g.distance(p)
            if d <= maxdist and (best is None or d < best[0]):
                best = (d, name)
        return best[1] if best else None

    def point_near(self, centre, sigma, within):
        for _ in range(1000):
            p = Point(self.rng.gauss(centre[0], sigma), self.rng.gauss(centre[1], sigma))
            if within.contains(p):
                return p
        raise RuntimeError("no point found near %r" % (centre,))

    def point_in(self, geom):
        x0, y0, x1, y1 = geom.bounds
        for _ in range(10000):
            p = Point(self.rng.uniform(x0, x1), self.rng.uniform(y0, y1))
            if geom.contains(p):
                return p
        raise RuntimeError("no point found in geometry")

    def soort(self, p_kans, p_neutraal=0.06):
        r = self.rng.random()
        if r < p_neutraal:
            return "neutraal"
        return "kans" if r < p_neutraal + p_kans else "zorg"

    def text(self, thema, soort, where=None, override=None):
        if override:
            return override
        if soort == "neutraal":
            return self.rng.choice(NEUTRAL_TEXTS)
        t = self.rng.choice(TEXTS[(thema, soort)])
        bij = ""
        if "{bij}" in t and where is not None:
            s = self.nearest_street(where)
            if s:
                bij = " bij %s %s" % (article(s), s)
        t = t.replace("{bij}", bij)
        # people often add a short remark of their own
        if self.rng.random() < 0.3:
            t += ". " + self.rng.choice(TAILS[soort])
        return t

    def attrs(self, thema, soort, text, p_prof=0.25):
        bron = "professional" if self.rng.random() < p_prof else "bewoner"
        if bron == "professional" and self.rng.random() < 0.7:
            sessie, datum = self.prof
        else:
            sessie, datum = self.rng.choice(self.sessies)
        return OrderedDict([("thema", thema), ("soort", soort), ("bron", bron),
                            ("sessie", sessie), ("datum", datum), ("toelichting", text)])


def pick_thema(rng, weights):
    names = [t for t, _ in weights]
    return rng.choices(names, weights=[w for _, w in weights])[0]


BACKGROUND_THEMES = [("groen", 14), ("spelen", 9), ("overlast", 10), ("veiligheid", 9),
                     ("vuil", 12), ("verkeer", 12), ("wonen", 12), ("voorzieningen", 8),
                     ("ontmoeten", 9)]


def hotspot_points(m, n, centre, sigma, themes, p_kans, within):
    """n points around centre; themes = [(thema, weight)]; p_kans chance of 'kans' (per point)."""
    out = []
    for _ in range(n):
        p = m.point_near(centre, sigma, within)
        th = pick_thema(m.rng, themes)
        pk = p_kans[th] if isinstance(p_kans, dict) else p_kans
        so = m.soort(pk)
        out.append(("Point", p, th, so, m.text(th, so, p)))
    return out


def background_points(m, counts, p_kans=0.55):
    out = []
    for code, n in counts:
        for _ in range(n):
            p = m.point_in(m.B[code])
            th = pick_thema(m.rng, BACKGROUND_THEMES)
            so = m.soort(p_kans)
            out.append(("Point", p, th, so, m.text(th, so, p)))
    return out


def longest_part(lines):
    return max(parts(linemerge(lines), "LineString"), key=lambda q: q.length)


def drawn_line(m, streets_by_name, name, length):
    """A line a person draws along a street: a piece of the street, offset to one side by a few
    metres and wobbling a little."""
    g = longest_part(streets_by_name[name])
    length = min(length, g.length * 0.9)
    start = m.rng.uniform(0, g.length - length)
    piece = substring(g, start, start + length)
    side = m.rng.choice([-1, 1]) * m.rng.uniform(3, 7)
    n = max(4, int(length / 40) + 1)
    pts = [piece.interpolate(i / (n - 1), normalized=True) for i in range(n)]
    out = []
    for i, p in enumerate(pts):
        a = pts[max(i - 1, 0)]
        b = pts[min(i + 1, n - 1)]
        dx, dy = b.x - a.x, b.y - a.y
        ln = math.hypot(dx, dy) or 1.0
        nx, ny = -dy / ln, dx / ln
        off = side + m.rng.uniform(-1.5, 1.5)
        out.append((p.x + nx * off + m.rng.uniform(-1, 1), p.y + ny * off + m.rng.uniform(-1, 1)))
    return LineString(out)


def drawn_polygon(m, centre, area_m2, within):
    """A roughly drawn blob of about area_m2 around centre, shrunk until it lies inside `within`."""
    n = m.rng.randint(7, 12)
    elong = m.rng.uniform(1.0, 2.0)
    rot = m.rng.uniform(0, math.pi)
    radii = [m.rng.uniform(0.8, 1.2) for _ in range(n)]
    base = []
    for i in range(n):
        t = 2 * math.pi * i / n
        x, y = math.cos(t) * radii[i] * elong, math.sin(t) * radii[i] / elong
        base.append((x * math.cos(rot) - y * math.sin(rot), x * math.sin(rot) + y * math.cos(rot)))
    unit = Polygon(base).area
    scale = math.sqrt(area_m2 / unit)
    for _ in range(40):
        poly = Polygon([(centre[0] + x * scale, centre[1] + y * scale) for x, y in base])
        if poly.is_valid and within.contains(poly):
            return orient(poly, 1.0)
        scale *= 0.95
    raise RuntimeError("could not fit a polygon at %r" % (centre,))


def shared_vertex(B, a, b, near):
    """The exact coordinates of the vertex of buurt a closest to `near`, checked to be a vertex of
    buurt b too and of no other buurt."""
    def verts(code):
        return [c for p in parts(B[code], "Polygon") for c in p.exterior.coords]
    v = min(verts(a), key=lambda c: math.hypot(c[0] - near[0], c[1] - near[1]))
    owners = [k for k in B if v in verts(k)]
    assert owners == sorted([a, b]), owners
    return v


def feature_json(props, gtype, coords):
    geom = None if gtype is None else {"type": gtype, "coordinates": coords}
    return json.dumps({"type": "Feature", "properties": props, "geometry": geom},
                      ensure_ascii=False, separators=(", ", ": "))


def make_ronde1(B, wijk, streets, specials):
    rng = random.Random(SEED_RONDE1)
    m = ObsMaker(rng, B, wijk, streets, SESSIES_R1, PROF_R1)
    plein_c = specials["plein_FB08"].centroid.coords[0]
    speel_c = specials["speelpark_FB03"].centroid.coords[0]
    park_c = specials["park_FB04"].centroid.coords[0]
    wegener = unary_union([g for _, n, g in streets if n == N_WEGENER])
    school_c = wegener.interpolate(0.62, normalized=True).coords[0]
    fb05_c = (114760.0, 487610.0)   # container spot in the south of FB05

    feats = []   # (gtype, shapely geom or raw coords, thema, soort, text)
    # H1: nuisance around the shopping square in FB08
    feats += hotspot_points(m, 28, plein_c, 45, [("overlast", 60), ("veiligheid", 15), ("vuil", 15),
                                                 ("voorzieningen", 10)],
                            {"overlast": 0.05, "veiligheid": 0.15, "vuil": 0.1, "voorzieningen": 0.8},
                            wijk)
    # H2: play chances around the play park in FB03
    feats += hotspot_points(m, 18, speel_c, 40, [("spelen", 80), ("groen", 10), ("ontmoeten", 10)],
                            {"spelen": 0.8, "groen": 0.8, "ontmoeten": 0.9}, wijk)
    # H3: rubbish around the containers in FB05 (gone in round 2)
    feats += hotspot_points(m, 12, fb05_c, 35, [("vuil", 85), ("overlast", 15)], 0.08, wijk)
    # H4: Eendrachtspark, mostly appreciated
    feats += hotspot_points(m, 12, park_c, 70, [("groen", 60), ("ontmoeten", 20), ("veiligheid", 20)],
                            {"groen": 0.85, "ontmoeten": 0.9, "veiligheid": 0.1}, specials["park_FB04"])
    # H5: school crossing on the Wegener Sleeswijkstraat (traffic measures follow; gone in round 2)
    feats += hotspot_points(m, 10, school_c, 40, [("verkeer", 90), ("veiligheid", 10)], 0.1, wijk)
    # background over all buurten, FB08 heaviest
    feats += background_points(m, [("FB01", 4), ("FB02", 7), ("FB03", 8), ("FB04", 3), ("FB05", 7),
                                    ("FB06", 6), ("FB07", 7), ("FB08", 21)])

    # lines: drawn along named streets
    by_name = defaultdict(list)
    for _, n, g in streets:
        by_name[n].append(g)
    line_specs = [
        (N_WEGENER, "verkeer", "zorg", "Onveilige fietsroute langs de {s}, auto's rijden te hard", 450),
        (N_CORT, "verkeer", "zorg", "Fietspad langs de {s} is smal en vol gaten", 380),
        (N_COLIJN, "verkeer", "zorg", "Onveilige fietsroute langs de {s}", 300),
        (N_RUYS, "verkeer", "kans", "Fijne fietsroute naar school langs de {s}", 520),
        (N_PLEIN, "overlast", "zorg", "Scooters rijden hier rondjes over het {s}", 150),
        (N_WEGENER, "vuil", "zorg", "Zwerfvuil in de berm langs de {s}", 200),
        (N_CORT, "groen", "kans", "Mooie bomenrij langs de {s}", 250),
        (N_COLIJN, "veiligheid", "zorg", "Slecht verlicht trottoir langs de {s}", 160),
        (N_RUYS, "ontmoeten", "kans", "Wandelrondje dat ouderen elke ochtend lopen, langs de {s}", 400),
    ]
    # plus six along grid streets of FB08, FB07, FB03, FB02, FB05, FB06
    for code, th, so, txt in [
        ("FB08", "verkeer", "zorg", "Sluiproute, auto's rijden te hard door de {s}"),
        ("FB07", "verkeer", "zorg", "Geparkeerde busjes, onoverzichtelijk voor fietsers in de {s}"),
        ("FB03", "spelen", "kans", "Kinderen fietsen en steppen hier veilig, {s}"),
        ("FB02", "veiligheid", "zorg", "Donker pad langs de {s}, lantaarns doen het niet"),
        ("FB05", "groen", "zorg", "Verwaarloosde heg langs de {s}"),
        ("FB08", "vuil", "zorg", "Overal zwerfvuil langs de {s}"),
    ]:
        cands = sorted(n for n, gs in by_name.items()
                       if n not in (N_WEGENER, N_CORT, N_COLIJN, N_RUYS, N_PLEIN, N_NORTH, N_SOUTH,
                                    N_EAST)
                       and B[code].buffer(-5).contains(unary_union(gs).centroid)
                       and longest_part(gs).length >= 150)
        line_specs.append((rng.choice(cands), th, so, txt, rng.uniform(110, 260)))
    for name, th, so, txt, length in line_specs:
        g = drawn_line(m, by_name, name, length)
        assert 100 <= g.length <= 600, (name, g.length)
        feats.append(("LineString", g, th, so, txt.format(s=name)))

    # polygons (0.2 - 3 ha)
    fb67 = B["FB06"].boundary.intersection(B["FB07"].boundary)
    poly_specs = [
        (park_c, 25000, "groen", "kans", "Eendrachtspark: mooi en veel gebruikt, ook door gezinnen"),
        (specials["zone_FB01"].centroid.coords[0], 20000, "groen", "kans",
         "Volkstuinen en weilanden, heerlijk rustig"),
        ((113000, 488300), 27000, "groen", "kans", "Weidevogels in de polder, graag zo laten"),
        (fb67.interpolate(0.5, normalized=True).coords[0], 12000, "groen", "zorg",
         "Verwaarloosde groenstrook tussen de flats, vol afval en onkruid"),
        (plein_c, 6000, "overlast", "zorg", "Hangplek rond het plein, vooral in het weekend"),
        (speel_c, 8000, "spelen", "kans", "Speeltuin en trapveld, het hart van de buurt voor kinderen"),
        (B["FB05"].representative_point().coords[0], 9000, "wonen", "zorg",
         "Portiekflats met vocht en schimmel, renovatie duurt te lang"),
        (B["FB06"].representative_point().coords[0], 4000, "ontmoeten", "kans",
         "Binnentuin met moestuinbakken, bewoners ontmoeten elkaar hier"),
        (B["FB07"].representative_point().coords[0], 3000, "veiligheid", "zorg",
         "Donkere garageboxen, hier wordt gedeald"),
        (B["FB02"].representative_point().coords[0], 15000, "wonen", "kans",
         "Nieuwbouw De Eendracht, fijne woningen voor gezinnen"),
        (B["FB03"].representative_point().coords[0], 5000, "voorzieningen", "zorg",
         "Buurthuis gesloten, geen plek meer voor activiteiten"),
        (fb05_c, 2600, "vuil", "zorg", "Rommelig terrein rond de containers"),
        (school_c, 3500, "verkeer", "zorg", "Chaos bij de school tijdens het halen en brengen"),
        (B["FB08"].representative_point().coords[0], 2600, "groen", "zorg",
         "Kaal grasveld, geen bomen en geen bankjes"),
    ]
    for c, a, th, so, txt in poly_specs:
        g = drawn_polygon(m, c, a * rng.uniform(0.95, 1.05), wijk)
        assert 2000 <= g.area <= 30000, (txt, g.area)
        feats.append(("Polygon", g, th, so, txt))

    # --- deliberate defects ---
    defects = []
    # D1 bow-tie polygon (self-intersecting ring) in FB07
    cx, cy = B["FB07"].representative_point().coords[0]
    cx, cy = cx - 90, cy + 40
    bow = [(cx - 45, cy - 30), (cx + 45, cy + 30), (cx + 45, cy - 30), (cx - 45, cy + 30), (cx - 45, cy - 30)]
    defects.append(("BowTie", bow, "vuil", "zorg", "Rommelig terrein achter de garages, vol grofvuil"))
    # D2 feature without geometry
    defects.append((None, None, "voorzieningen", "zorg",
                    "Algemeen: te weinig te doen voor jongeren in de hele wijk (geen plek aangewezen)"))
    # D3/D4 two points outside wijk FB, ~300 m beyond its south-west and south edges, in Osdorp
    # (buurten FF01 Osdorper Bovenpolder and FF02 Ookmeer; still inside stadsdeel F)
    for xy, th, so, txt in [
            ((112790, 487470), "groen", "kans", "Mooie wandelroute door de Osdorper Bovenpolder"),
            ((115000, 487150), "voorzieningen", "zorg",
             "Sporthal bij de Ookmeer is te ver weg voor kinderen uit Geuzenveld")]:
        p = Point(xy)
        assert not wijk.intersects(p.buffer(250)), "outside point too close to wijk FB"
        defects.append(("Point", p, th, so, txt))
    # D5 a point exactly on a vertex of the FB05/FB06 boundary (shared by exactly these two buurten)
    vx = shared_vertex(B, "FB05", "FB06", (114872.5, 487861.9))
    defects.append(("Vertex", vx, "verkeer", "zorg",
                    "Gevaarlijk kruispunt, auto's stoppen niet voor fietsers"))

    # --- assemble, shuffle, number ---
    allf = feats + defects
    order = list(range(len(allf)))
    rng.shuffle(order)
    # messy spellings as people and apps deliver them: exactly two of each
    messy_r1 = {"vuil": "Vuil", "groen": "Groen ", "spelen": "speelplek"}
    messy = {}
    for th, bad in messy_r1.items():
        cands = [k for k, idx in enumerate(order) if allf[idx][2] == th and allf[idx][0] is not None]
        for k in rng.sample(cands, 2):
            messy[k] = bad
    out_lines, records = [], []
    for k, idx in enumerate(order):
        gtype, g, th, so, txt = allf[idx]
        props = OrderedDict([("id", "r1-%04d" % (k + 1))])
        a = m.attrs(th, so, txt)
        props["thema"] = messy.get(k, th)
        props["soort"] = a["soort"]
        props["bron"] = a["bron"]
        props["sessie"] = a["sessie"]
        props["ronde"] = "2024-03"
        props["datum"] = a["datum"]
        props["toelichting"] = a["toelichting"]
        if gtype is None:
            out_lines.append(feature_json(props, None, None))
            rd = None
        elif gtype == "Vertex":
            lon, lat, err = m.exact_lonlat(g[0], g[1])   # full precision, see README
            if err != 0.0:
                print("warning: boundary-vertex point misses the vertex by %.3g m" % err)
            out_lines.append(feature_json(props, "Point", [lon, lat]))
            rd = Point(g)
        elif gtype == "BowTie":
            ring = [list(m.lonlat(x, y)) for x, y in g]
            out_lines.append(feature_json(props, "Polygon", [ring]))
            rd = Polygon(g)
        elif gtype == "Point":
            out_lines.append(feature_json(props, "Point", list(m.lonlat(g.x, g.y))))
            rd = g
        elif gtype == "LineString":
            out_lines.append(feature_json(props, "LineString", [list(m.lonlat(x, y)) for x, y in g.coords]))
            rd = g
        else:
            ring = [list(m.lonlat(x, y)) for x, y in g.exterior.coords]
            out_lines.append(feature_json(props, "Polygon", [ring]))
            rd = g
        records.append((props, gtype, rd))
    with open(RONDE1_GEOJSON, "w", encoding="utf-8", newline="\n") as f:
        f.write('{"type": "FeatureCollection", "name": "waarnemingen_ronde1", "features": [\n')
        f.write(",\n".join(out_lines))
        f.write("\n]}\n")
    return records


def make_ronde2(B, wijk, streets, specials):
    rng = random.Random(SEED_RONDE2)
    m = ObsMaker(rng, B, wijk, streets, SESSIES_R2, PROF_R2)
    plein_c = specials["plein_FB08"].centroid.coords[0]
    speel_c = specials["speelpark_FB03"].centroid.coords[0]
    park_c = specials["park_FB04"].centroid.coords[0]
    fb07_c = B["FB07"].representative_point().coords[0]
    fb02_c = (114400.0, 488250.0)
    feats = []
    # persists: shopping square (a bit smaller, more positive after the new market)
    feats += hotspot_points(m, 20, plein_c, 45, [("overlast", 50), ("veiligheid", 10), ("vuil", 15),
                                                 ("voorzieningen", 25)],
                            {"overlast": 0.1, "veiligheid": 0.2, "vuil": 0.1, "voorzieningen": 0.8},
                            wijk)
    # persists: play park FB03
    feats += hotspot_points(m, 14, speel_c, 40, [("spelen", 80), ("ontmoeten", 20)],
                            {"spelen": 0.75, "ontmoeten": 0.9}, wijk)
    # persists, smaller: Eendrachtspark
    feats += hotspot_points(m, 8, park_c, 70, [("groen", 70), ("veiligheid", 30)],
                            {"groen": 0.85, "veiligheid": 0.1}, specials["park_FB04"])
    # new: parking pressure in the Bakemabuurt (FB07)
    feats += hotspot_points(m, 13, fb07_c, 50, [("verkeer", 85), ("groen", 15)], 0.1, wijk)
    # new: youth nuisance in De Eendracht (FB02)
    feats += hotspot_points(m, 10, fb02_c, 40, [("overlast", 80), ("ontmoeten", 20)], 0.15, wijk)
    # the FB05 rubbish hotspot is gone: two residents say so
    for _ in range(2):
        p = m.point_near((114760.0, 487610.0), 30, wijk)
        feats.append(("Point", p, "vuil", "kans", "Sinds de nieuwe containers is het veel schoner"))
    feats += background_points(m, [("FB01", 3), ("FB02", 6), ("FB03", 7), ("FB04", 2), ("FB05", 6),
                                    ("FB06", 5), ("FB07", 6), ("FB08", 16)])
    # texts a spreadsheet writer has to quote (";", quotes, newline-free) or neutralise
    special_texts = [
        ("verkeer", "zorg", 'Bord "verboden te parkeren" wordt genegeerd; ook \'s nachts'),
        ("overlast", "zorg", 'Jongeren zeggen "we hebben niks anders"; snap ik wel, maar het is te laat'),
        ("ontmoeten", "kans", 'Koffie bij "De Eendracht" elke dinsdag, iedereen welkom'),
        ("vuil", "zorg", '=HYPERLINK("http://x","klik")'),
        ("wonen", "zorg", "Woning 3-hoog: lift kapot; trap te steil, voor ouderen onmogelijk"),
    ]
    for i, (th, so, txt) in enumerate(special_texts):
        p = m.point_in(B[["FB08", "FB02", "FB02", "FB06", "FB05"][i]])
        feats.append(("Point", p, th, so, txt))
    order = list(range(len(feats)))
    rng.shuffle(order)
    messy = {}
    for th, bad in [("overlast", "Overlast"), ("verkeer", "verkeer "), ("groen", "Groen")]:
        cands = [k for k, idx in enumerate(order) if feats[idx][2] == th]
        messy[rng.choice(cands)] = bad
    buf = io.StringIO(newline="")
    w = csv.writer(buf, delimiter=";", quotechar='"', quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    w.writerow(["id", "lat", "lon", "thema", "soort", "bron", "sessie", "ronde", "datum", "toelichting"])
    records = []
    for k, idx in enumerate(order):
        _, p, th, so, txt = feats[idx]
        a = m.attrs(th, so, txt)
        th_out = messy.get(k, th)
        lon, lat = m.lonlat(p.x, p.y)
        row = ["r2-%04d" % (k + 1), "%.6f" % lat, "%.6f" % lon, th_out, a["soort"], a["bron"],
               a["sessie"], "2024-10", a["datum"], a["toelichting"]]
        w.writerow(row)
        records.append((row, p))
    with open(RONDE2_CSV, "w", encoding="utf-8", newline="") as f:
        f.write(buf.getvalue())
    return records


# ----------------------------------------------------------------------------------------------
# CBS kerncijfers 2021 -> buurten 2022 (area-weighted crosswalk)
# ----------------------------------------------------------------------------------------------

COUNT_COLS = ["aantal_inwoners", "aantal_huishoudens", "woningvoorraad"]
RATE_COLS = ["gemiddelde_woningwaarde", "percentage_personen_0_tot_15_jaar",
             "percentage_personen_65_jaar_en_ouder"]
AGE_COLS = ["percentage_personen_0_tot_15_jaar", "percentage_personen_15_tot_25_jaar",
            "percentage_personen_25_tot_45_jaar", "percentage_personen_45_tot_65_jaar",
            "percentage_personen_65_jaar_en_ouder"]
MIN_OVERLAP_SHARE = 0.01   # a 2015 buurt "overlaps" FB when >= 1 % of its area lies in FB


def cbs_code_2015(buurt_code):
    """Amsterdam 2015 buurt code -> CBS 2021 code: F83a -> BU03638300 (a=00, b=01, ...)."""
    digits, letter = buurt_code[1:-1], buurt_code[-1]
    return "BU0363%s%02d" % (digits, ord(letter.lower()) - ord("a"))


def crosswalk(B, wijk):
    src_csv = os.path.join(SHARED, "cbs_kerncijfers_2021", "cbs_kwb2021_amsterdam_buurten.csv")
    src_gpkg = os.path.join(SHARED, "amsterdam_gebieden_2015", "gebieden_2015.gpkg")
    if not (os.path.exists(src_csv) and os.path.exists(src_gpkg)):
        print("note: %s not found; CBS files left as they are" % SHARED)
        return None
    b15 = load_layer(src_gpkg, "buurten", "buurt_code")
    with open(src_csv, encoding="utf-8", newline="") as f:
        raw_lines = f.read().splitlines(keepends=True)
    rows = list(csv.DictReader(io.StringIO("".join(raw_lines))))
    by_code = {r["buurtcode"]: r for r in rows}
    selected = []   # (2015 code, CBS code, geometry)
    for code, (g, _) in b15.items():
        share = g.intersection(wijk).area / g.area
        if share >= MIN_OVERLAP_SHARE:
            selected.append((code, cbs_code_2015(code), g))
    sel_cbs = {c for _, c, _ in selected}
    missing = [c for c in sorted(sel_cbs) if c not in by_code]
    if missing:
        raise RuntimeError("CBS rows missing for %s" % missing)
    # The engine's crosswalk needs the polygons of exactly these buurten, keyed like the CBS rows.
    # The committed copy is what tests compare against, so its polygons are the source's, unchanged.
    S = ogr.OFTString
    write_gpkg(BUURTEN_2015_GPKG, [
        ("buurten_2015", ogr.wkbMultiPolygon, [("buurt_code", S), ("buurt_naam", S), ("cbs_code", S)],
         [({"buurt_code": c, "buurt_naam": b15[c][1]["buurt_naam"], "cbs_code": ccbs}, g)
          for c, ccbs, g in selected]),
    ])
    # 1. the real rows, unchanged, in source order
    with open(CBS_FB_CSV, "w", encoding="utf-8", newline="") as f:
        f.write(raw_lines[0])
        for line, r in zip(raw_lines[1:], rows):
            if r["buurtcode"] in sel_cbs:
                f.write(line)

    def num(r, col):
        return float(r[col])

    # 2. the crosswalk
    out = []
    for code, g in B.items():
        counts = {c: 0.0 for c in COUNT_COLS}
        wsum = defaultdict(float)
        vsum = defaultdict(float)
        covered = 0.0
        for c15, ccbs, g15 in selected:
            inter = g.intersection(g15).area
            # ignore slivers from the slightly different boundaries of the two schemes
            if inter / g15.area < MIN_OVERLAP_SHARE and inter / g.area < MIN_OVERLAP_SHARE:
                continue
            covered += inter
            share = inter / g15.area            # share of the 2015 buurt that lies in this 2022 buurt
            r = by_code[ccbs]
            for c in COUNT_COLS:
                counts[c] += share * num(r, c)
            inw = share * num(r, "aantal_inwoners")
            won = share * num(r, "woningvoorraad")
            ages_known = sum(num(r, c) for c in AGE_COLS) > 0     # CBS '.' (secret) is 0 in the source
            for c in RATE_COLS:
                if c == "gemiddelde_woningwaarde":
                    ok, w = num(r, c) > 0, won   # value per dwelling: weight by dwellings
                else:
                    ok, w = ages_known, inw
                if ok and w > 0:
                    wsum[c] += w
                    vsum[c] += w * num(r, c)
        row = OrderedDict([("code", code)])
        for c in COUNT_COLS:
            row[c] = str(int(math.floor(counts[c] + 0.5)))
        for c in RATE_COLS:
            row[c] = "%.1f" % (vsum[c] / wsum[c]) if wsum[c] > 0 else ""
        row["dekking"] = "%.3f" % min(1.0, covered / g.area)
        out.append(row)
    with open(CBS_2022_CSV, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["code"] + COUNT_COLS + RATE_COLS + ["dekking"])
        for row in out:
            w.writerow(list(row.values()))
    return selected, out


# ----------------------------------------------------------------------------------------------
# Extraction of the REAL areas (optional; the result is committed in sample_data/)
# ----------------------------------------------------------------------------------------------

def extract_gebieden():
    src = os.path.join(SHARED, "amsterdam_gebieden_2022", "gebieden_2022.gpkg")
    ds = ogr.Open(src)
    S = ogr.OFTString

    def rows(sql, fields):
        lyr = ds.ExecuteSQL(sql, dialect="SQLite")
        out = []
        for f in lyr:
            out.append(({k: f.GetField(k) for k, _ in fields}, bytes(f.GetGeometryRef().ExportToWkb())))
        ds.ReleaseResultSet(lyr)
        return out
    fb = [("code", S), ("naam", S), ("cbs_code", S), ("wijk_code", S), ("stadsdeel_code", S),
          ("ggwgebied_id", S)]
    fw = [("code", S), ("naam", S), ("ggwgebied_id", S), ("stadsdeel_code", S)]
    fg = [("code", S), ("naam", S), ("stadsdeel_code", S)]
    fs = [("code", S), ("naam", S)]
    layers = [
        ("buurten", ogr.wkbMultiPolygon, fb, rows(
            "SELECT code, naam, cbs_code, wijk_code, stadsdeel_code, ggwgebied_id, geom FROM buurten "
            "WHERE wijk_code = 'FB' ORDER BY code", fb)),
        ("wijken", ogr.wkbMultiPolygon, fw, rows(
            "SELECT wijk_code AS code, naam_afgeleid AS naam, ggwgebied_id, stadsdeel_code, geom "
            "FROM wijken_afgeleid WHERE wijk_code = 'FB'", fw)),
        ("gebieden", ogr.wkbMultiPolygon, fg, rows(
            "SELECT ggwgebied_id AS code, naam_afgeleid AS naam, stadsdeel_code, geom "
            "FROM ggwgebieden_afgeleid WHERE ggwgebied_id = '03630950000028'", fg)),
        ("stadsdelen", ogr.wkbMultiPolygon, fs, rows(
            "SELECT stadsdeel_code AS code, naam_afgeleid AS naam, geom FROM stadsdelen_afgeleid "
            "WHERE stadsdeel_code = 'F'", fs)),
    ]
    write_gpkg(GEBIEDEN_GPKG, layers)
    print("extracted %s" % os.path.relpath(GEBIEDEN_GPKG, REPO))


# ----------------------------------------------------------------------------------------------
# Overview plot (optional, needs python3-matplotlib)
# ----------------------------------------------------------------------------------------------

def plot(path, B, blocks, streets, r1, specials):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(18, 9))
    for g in [specials["park_FB04"], specials["speelpark_FB03"], specials["polder_FB01"]]:
        for p in parts(g, "Polygon"):
            ax.fill(*p.exterior.xy, color="#cfe8c0", lw=0)
    for _, _, p in blocks:
        ax.fill(*p.exterior.xy, color="#d9cdb8", ec="#8c7b60", lw=0.3)
    for _, name, g in streets:
        ax.plot(*g.xy, color="#555555", lw=0.6)
    for code, g in B.items():
        for p in parts(g, "Polygon"):
            ax.plot(*p.exterior.xy, color="#c00000", lw=1.4)
        c = g.representative_point()
        ax.text(c.x, c.y, code, color="#c00000", fontsize=12, ha="center", weight="bold")
    colors = {"kans": "#1a9641", "zorg": "#d7191c", "neutraal": "#2b83ba"}
    for props, gtype, g in r1:
        if g is None:
            continue
        col = colors[props["soort"]]
        if g.geom_type == "Point":
            ax.plot(g.x, g.y, "o", ms=3.5, color=col)
        elif g.geom_type == "LineString":
            ax.plot(*g.xy, color=col, lw=2.0)
        else:
            ax.plot(*g.exterior.xy, color=col, lw=1.2, ls="--")
    ax.set_aspect("equal")
    ax.set_title("Geuzenveld (wijk FB): real buurten; generated streets, blocks and observations 2024-03")
    fig.savefig(path, dpi=110, bbox_inches="tight")


# ----------------------------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--extract-gebieden", action="store_true",
                    help="re-extract sample_data/geuzenveld_gebieden.gpkg from the shared data")
    ap.add_argument("--plot", metavar="PNG", help="also draw an overview map (needs matplotlib)")
    args = ap.parse_args()

    if args.extract_gebieden:
        extract_gebieden()
    B = OrderedDict((k, g) for k, (g, _) in load_layer(GEBIEDEN_GPKG, "buurten", "code").items())
    wijk = load_layer(GEBIEDEN_GPKG, "wijken", "code")["FB"][0]

    sources, specials = build_streets(B, wijk)
    streets, ids = node_streets(sources)
    blocks = build_blocks(B, sources, specials)

    S, I = ogr.OFTString, ogr.OFTInteger
    write_gpkg(BLOKKEN_GPKG, [
        ("straten", ogr.wkbLineString, [("naam", S), ("straat_id", I)],
         [({"naam": n, "straat_id": sid}, g) for sid, n, g in streets]),
        ("bouwblokken", ogr.wkbMultiPolygon, [("code", S), ("buurt_code", S)],
         [({"code": c, "buurt_code": b}, p) for c, b, p in blocks]),
    ])
    r1 = make_ronde1(B, wijk, streets, specials)
    r2 = make_ronde2(B, wijk, streets, specials)
    cw = crosswalk(B, wijk)

    # --- summary ---
    print("straten:     %d segments, %d named streets, %.1f km" %
          (len(streets), len(ids), sum(g.length for _, _, g in streets) / 1000))
    per = defaultdict(int)
    for _, b, _ in blocks:
        per[b] += 1
    print("bouwblokken: %d  (%s)" % (len(blocks), ", ".join("%s %d" % (k, per[k]) for k in B)))
    types = defaultdict(int)
    soorten = defaultdict(int)
    inb = defaultdict(int)
    for props, gtype, g in r1:
        types[gtype or "null"] += 1
        soorten[props["soort"]] += 1
        if g is not None and g.geom_type == "Point":
            hit = [k for k, bg in B.items() if bg.covers(g)]
            inb[",".join(hit) or "outside"] += 1
    print("ronde 1:     %d features %s; soort %s" % (len(r1), dict(sorted(types.items())),
                                                      dict(sorted(soorten.items()))))
    print("             points per buurt %s" % dict(sorted(inb.items())))
    inb2 = defaultdict(int)
    for row, p in r2:
        hit = [k for k, bg in B.items() if bg.covers(p)]
        inb2[",".join(hit) or "outside"] += 1
    print("ronde 2:     %d rows; per buurt %s" % (len(r2), dict(sorted(inb2.items()))))
    d = defaultdict(list)
    for props, gtype, g in r1:
        if gtype in ("BowTie", "Vertex", None):
            d[{"BowTie": "bow-tie", "Vertex": "on-vertex", None: "null-geometry"}[gtype]].append(props["id"])
        elif gtype == "Point" and not wijk.covers(g):
            d["outside-FB"].append(props["id"])
        if props["thema"] not in THEMAS:
            d["thema %r" % props["thema"]].append(props["id"])
    for row, p in r2:
        if row[3] not in THEMAS:
            d["thema %r" % row[3]].append(row[0])
        if row[-1].startswith("="):
            d["formula"].append(row[0])
    print("defects:     " + "; ".join("%s %s" % (k, ",".join(v)) for k, v in d.items()))
    if cw:
        selected, out = cw
        print("cbs:         %d rows (%s)" % (len(selected), ", ".join("%s=%s" % (a, b) for a, b, _ in selected)))
        for row in out:
            print("             " + ",".join(row.values()))
    if args.plot:
        plot(args.plot, B, blocks, streets, r1, specials)
        print("plot:        %s" % args.plot)


if __name__ == "__main__":
    main()
