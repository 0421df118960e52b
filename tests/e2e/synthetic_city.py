#!/usr/bin/python3
"""A synthetic city for the tests that need volume: blocks, buurten, wijken, named streets and point
observations in one GeoPackage (EPSG:28992), deterministic for a seed. The project's own, so the tests
run on any clean clone.

  synthetic_city.py --blocks 400 --points 30000 --seed 7 -o city.gpkg

Layers (as the engine's tests map them):
  bouwblokken  block_id, buurt_code, wijk_code   blocks: quadrilaterals on a jittered grid, streets between
  buurten      buurt_code, wijk_code, naam       groups of 4 x 4 grid cells, streets included
  wijken       wijk_code, naam                   groups of 3 x 3 buurten
  straten      straat_id, naam, breedte          one line per cell edge along each grid line
  observations theme, valence, source, created_at
Points: 70 % around a few hotspots, 30 % spread evenly; one in 1,000 lies exactly on a block corner
(the boundary rule must place it in exactly one block).
"""
import argparse
import math
import os
import random

from osgeo import ogr, osr

CELL = 100.0  # metres between street centre lines
STREET = 12.0  # street width: blocks are inset by half of it
ORIGIN = (110000.0, 480000.0)
THEMES = ["groen", "spelen", "overlast", "veiligheid", "vuil", "verkeer", "wonen", "voorzieningen", "ontmoeten"]
SOURCES = ["bewoner", "bewoner", "bewoner", "professional", "cijfers"]


def polygon(ring):
    r = ogr.Geometry(ogr.wkbLinearRing)
    for x, y in ring + [ring[0]]:
        r.AddPoint_2D(x, y)
    p = ogr.Geometry(ogr.wkbPolygon)
    p.AddGeometry(r)
    m = ogr.Geometry(ogr.wkbMultiPolygon)
    m.AddGeometry(p)
    return m


def layer(ds, srs, name, gtype, fields):
    lyr = ds.CreateLayer(name, srs, gtype, ["GEOMETRY_NAME=geom"])
    for fname, ftype in fields:
        lyr.CreateField(ogr.FieldDefn(fname, ftype))
    return lyr


def add(lyr, geom, **values):
    f = ogr.Feature(lyr.GetLayerDefn())
    for k, v in values.items():
        f.SetField(k, v)
    f.SetGeometry(geom)
    lyr.CreateFeature(f)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--blocks", type=int, default=400)
    ap.add_argument("--points", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-o", "--out", required=True)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    n = max(4, math.ceil(math.sqrt(a.blocks)))  # n x n grid cells, one block each
    x0, y0 = ORIGIN
    # Grid nodes jittered, so blocks are not all rectangles and no edge is axis-parallel by luck.
    node = [[(x0 + i * CELL + (rnd.uniform(-12, 12) if 0 < i < n else 0), y0 + j * CELL + (rnd.uniform(-12, 12) if 0 < j < n else 0))
             for j in range(n + 1)] for i in range(n + 1)]

    if os.path.exists(a.out):
        os.remove(a.out)
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(a.out)
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(28992)
    blocks = layer(ds, srs, "bouwblokken", ogr.wkbMultiPolygon, [("block_id", ogr.OFTString), ("buurt_code", ogr.OFTString), ("wijk_code", ogr.OFTString)])
    buurten = layer(ds, srs, "buurten", ogr.wkbMultiPolygon, [("buurt_code", ogr.OFTString), ("wijk_code", ogr.OFTString), ("naam", ogr.OFTString)])
    wijken = layer(ds, srs, "wijken", ogr.wkbMultiPolygon, [("wijk_code", ogr.OFTString), ("naam", ogr.OFTString)])
    straten = layer(ds, srs, "straten", ogr.wkbLineString, [("straat_id", ogr.OFTInteger), ("naam", ogr.OFTString), ("breedte", ogr.OFTReal)])
    obs = layer(ds, srs, "observations", ogr.wkbPoint, [("theme", ogr.OFTString), ("valence", ogr.OFTInteger), ("source", ogr.OFTString),
                                                        ("created_at", ogr.OFTDateTime)])
    ds.StartTransaction()

    def buurt_of(i, j):
        return f"B{i // 4:02d}{j // 4:02d}"

    def wijk_of(i, j):
        return f"W{i // 12:02d}{j // 12:02d}"

    def cell_ring(i0, j0, i1, j1):
        """The outline of grid cells [i0, i1) x [j0, j1) along the jittered street centre lines."""
        ring = [node[i][j0] for i in range(i0, i1)] + [node[i1][j] for j in range(j0, j1)]
        ring += [node[i][j1] for i in range(i1, i0, -1)] + [node[i0][j] for j in range(j1, j0, -1)]
        return ring

    corners = []
    for i in range(n):
        for j in range(n):
            quad = [node[i][j], node[i + 1][j], node[i + 1][j + 1], node[i][j + 1]]
            cx = sum(p[0] for p in quad) / 4
            cy = sum(p[1] for p in quad) / 4
            # Inset towards the centre: the street between blocks belongs to no block (buurt level).
            inset = [(cx + (x - cx) * (1 - STREET / CELL), cy + (y - cy) * (1 - STREET / CELL)) for x, y in quad]
            corners.extend(inset)
            add(blocks, polygon(inset), block_id=f"K{i:03d}{j:03d}", buurt_code=buurt_of(i, j), wijk_code=wijk_of(i, j))
    for bi in range(0, n, 4):
        for bj in range(0, n, 4):
            add(buurten, polygon(cell_ring(bi, bj, min(bi + 4, n), min(bj + 4, n))), buurt_code=buurt_of(bi, bj), wijk_code=wijk_of(bi, bj),
                naam=f"Buurt {bi // 4}-{bj // 4}")
    for wi in range(0, n, 12):
        for wj in range(0, n, 12):
            add(wijken, polygon(cell_ring(wi, wj, min(wi + 12, n), min(wj + 12, n))), wijk_code=wijk_of(wi, wj), naam=f"Wijk {wi // 12}-{wj // 12}")
    sid = 0
    for k in range(n + 1):
        for m in range(n):
            for (a_, b_), name in (((node[k][m], node[k][m + 1]), f"Laan {k}"), ((node[m][k], node[m + 1][k]), f"Straat {k}")):
                line = ogr.Geometry(ogr.wkbLineString)
                line.AddPoint_2D(*a_)
                line.AddPoint_2D(*b_)
                sid += 1
                add(straten, line, straat_id=sid, naam=name, breedte=STREET)

    span = n * CELL
    hotspots = [(x0 + rnd.uniform(0.15, 0.85) * span, y0 + rnd.uniform(0.15, 0.85) * span) for _ in range(5)]
    for k in range(a.points):
        u = rnd.random()
        if u < 0.001:
            x, y = corners[rnd.randrange(len(corners))]
        elif u < 0.7:
            hx, hy = hotspots[rnd.randrange(len(hotspots))]
            x, y = rnd.gauss(hx, 0.04 * span), rnd.gauss(hy, 0.04 * span)
        else:
            x, y = x0 + rnd.uniform(0, span), y0 + rnd.uniform(0, span)
        p = ogr.Geometry(ogr.wkbPoint)
        p.AddPoint_2D(x, y)
        f = ogr.Feature(obs.GetLayerDefn())
        f.SetField("theme", THEMES[rnd.randrange(len(THEMES))])
        f.SetField("valence", rnd.choice([-1, -1, 0, 1, 1]))
        f.SetField("source", SOURCES[rnd.randrange(len(SOURCES))])
        f.SetField("created_at", 2025, 1 + k % 12, 1 + k % 28, k % 24, k % 60, k % 60, 100)
        f.SetGeometry(p)
        obs.CreateFeature(f)
    ds.CommitTransaction()
    ds = None


if __name__ == "__main__":
    main()
