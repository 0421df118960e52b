#!/usr/bin/python3
"""The heat map of `buurtbalans run` against QGIS's own heatmap algorithm on the same points.

QGIS (qgis:heatmapkerneldensityestimation, run headless with qgis_process.bin) gets the run's
`observations` layer (the point observations, the same points the engine's heat map is made of) with
the same radius, cell size, the quartic kernel and raw output values.

The two grids differ by construction: ours covers the buurten extent buffered by the radius in whole
cells of exactly `heat_cell`; QGIS's starts at the points' extent buffered by the radius, with
rows = ceil(height / cell) + 1 (columns likewise). QGIS 3.22 writes pixels of exactly the cell size
from the buffered extent's north-west corner (other versions stretch the extent over those rows, making
pixels slightly smaller); either way its pixel centres are offset from ours (here by 2.7 m and 3.3 m).
Values are therefore compared at common coordinates: at each of our cell centres, QGIS's value
interpolated bilinearly from its four surrounding pixel centres (nearest-pixel sampling would compare
values up to half a pixel apart: on a 150 m kernel that alone is a few per cent where it is steep).

Three comparisons:
  1. ours against the exact kernel sum (numpy, sum over all points of (1 - (d/r)^2)^2 for d <= r) at our
     own cell centres: to float32 precision. This pins the grid (origin, size, orientation) exactly.
  2. QGIS against the same exact sum at QGIS's pixel centres: not asserted, printed. It measures how far
     QGIS's own discretisation is from the kernel sum (it computes distances with the nominal pixel
     size, not the stretched one), which is what the tolerance in 3 has to allow for.
  3. ours against QGIS at common coordinates. Tolerances: QGIS's own median deviation from the exact sum
     (2) is ~0.7 %, bilinear interpolation adds well under 1 % on a kernel 15 cells wide; so the median
     absolute relative difference where the density is above 10 % of the maximum must be below 2 %;
     Pearson r > 0.999; total mass on the common cells within 1 %; the maxima (each grid's own cell) at
     most one cell apart, diagonally (1.5 cells), their values within 2 %.
Exit 77 (skip) when qgis_process.bin is not installed.
"""
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_common as e2e  # noqa: E402

import numpy as np  # noqa: E402
from osgeo import gdal, ogr  # noqa: E402

QGIS = shutil.which("qgis_process.bin")


def read_raster(path, options=None):
    ds = gdal.OpenEx(path, gdal.OF_RASTER | gdal.OF_READONLY, open_options=options or [])
    band = ds.GetRasterBand(1)
    values = band.ReadAsArray().astype(np.float64)
    nodata = band.GetNoDataValue()
    if nodata is not None:
        values[values == nodata] = 0.0  # QGIS marks pixels no kernel reached as nodata (-9999): density 0
    return ds.GetGeoTransform(), values, band.DataType


def point_xy(gpkg):
    ds = e2e.open_vector(gpkg)
    lyr = ds.GetLayerByName("observations")
    pts = []
    for f in lyr:
        g = f.GetGeometryRef()
        if g is not None and g.GetGeometryType() in (ogr.wkbPoint, ogr.wkbPoint25D):
            pts.append((g.GetX(), g.GetY()))
    return np.array(pts)


def kernel_sum(px, py, pts, radius):
    """Exact quartic kernel sum (raw) at the coordinates px, py (flat arrays)."""
    out = np.zeros(px.shape)
    r2 = radius * radius
    for chunk in np.array_split(pts, max(1, len(pts) // 64)):
        d2 = (px[:, None] - chunk[None, :, 0]) ** 2 + (py[:, None] - chunk[None, :, 1]) ** 2
        t = np.where(d2 <= r2, 1.0 - d2 / r2, 0.0)
        out += (t * t).sum(axis=1)
    return out


def centres(gt, shape):
    rows, cols = shape
    cx = gt[0] + (np.arange(cols) + 0.5) * gt[1]
    cy = gt[3] + (np.arange(rows) + 0.5) * gt[5]
    return np.meshgrid(cx, cy)


def body(c):
    project = e2e.read_project()
    hs = project.get("hotspots", {})
    radius, cell = float(hs.get("heat_radius", 150.0)), float(hs.get("heat_cell", 10.0))
    tmp = e2e.fresh_tmp("heatmap_qgis")
    out = os.path.join(tmp, "out.gpkg")
    c.exit_code(e2e.run_cli(["run", e2e.PROJECT_FILE, "--out", out, "--quiet"], timeout=120), e2e.EXIT_OK, "run the sample")

    gt, ours, dtype = read_raster(out, ["TABLE=heatmap"])
    c.equal(gdal.GetDataTypeName(dtype), "Float32", "heatmap is Float32")
    pts = point_xy(out)
    c.check(len(pts) > 100, f"{len(pts)} point observations to smooth")

    # The grid: the buurten extent buffered by the radius, in whole cells of heat_cell, north up.
    vds = e2e.open_vector(out)  # kept: the layer dies with its dataset
    bx0, bx1, by0, by1 = vds.GetLayerByName("buurten").GetExtent()
    c.close(gt[0], bx0 - radius, 1e-6, "west edge = buurten west - radius")
    c.close(gt[3], by1 + radius, 1e-6, "north edge = buurten north + radius")
    c.check(gt[1] == cell and gt[5] == -cell and gt[2] == 0 and gt[4] == 0, f"cells of {cell} m, north up", gt)
    c.equal(ours.shape, (int(np.ceil((by1 - by0 + 2 * radius) / cell)), int(np.ceil((bx1 - bx0 + 2 * radius) / cell))),
            "rows and columns: ceil(extent + 2 radius) / cell")

    # 1. ours against the exact kernel sum at our own cell centres
    ox, oy = centres(gt, ours.shape)
    exact = kernel_sum(ox.ravel(), oy.ravel(), pts, radius).reshape(ours.shape)
    worst = np.abs(ours - exact).max()
    c.check(worst <= 1e-5 * exact.max(), f"ours = exact kernel sum at our cell centres (worst {worst:.2e}, max {exact.max():.2f})")

    if QGIS is None:
        c.note("qgis_process.bin not installed: the comparison with QGIS is skipped")
        if c.failed:
            c.finish()  # what was checked without QGIS failed: that is a failure, not a skip
        sys.exit(77)
    qgis_tif = os.path.join(tmp, "qgis_heatmap.tif")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_RUNTIME_DIR=tmp)
    proc = subprocess.run([QGIS, "run", "qgis:heatmapkerneldensityestimation", "--",
                           f"INPUT={out}|layername=observations", f"RADIUS={radius}", f"PIXEL_SIZE={cell}",
                           "KERNEL=0", "OUTPUT_VALUE=0", f"OUTPUT={qgis_tif}"],
                          capture_output=True, text=True, env=env, timeout=120)
    c.check(proc.returncode == 0 and os.path.exists(qgis_tif), "qgis_process.bin ran the heatmap algorithm",
            proc.stdout[-2000:] + proc.stderr[-2000:])
    qgt, theirs, _ = read_raster(qgis_tif)
    c.note(f"QGIS grid: {theirs.shape[1]} x {theirs.shape[0]} pixels of {qgt[1]:.4f} x {-qgt[5]:.4f} m from ({qgt[0]:.2f}, {qgt[3]:.2f})")

    # 2. QGIS against the exact sum at its own pixel centres (informative: QGIS's own discretisation)
    qx, qy = centres(qgt, theirs.shape)
    qexact = kernel_sum(qx.ravel(), qy.ravel(), pts, radius).reshape(theirs.shape)
    big = qexact > 0.1 * qexact.max()
    qrel = np.median(np.abs(theirs[big] - qexact[big]) / qexact[big])
    c.note(f"QGIS vs exact at its own pixel centres: max abs {np.abs(theirs - qexact).max():.3f} "
           f"(max value {qexact.max():.2f}), median relative {qrel:.4f} where > 10 % of max")

    # 3. ours against QGIS at our cell centres, QGIS interpolated bilinearly between its pixel centres
    fx = (ox - qgt[0]) / qgt[1] - 0.5  # fractional column of QGIS pixel centres
    fy = (oy - qgt[3]) / qgt[5] - 0.5
    j0, i0 = np.floor(fx).astype(int), np.floor(fy).astype(int)
    inside = (j0 >= 0) & (j0 + 1 < theirs.shape[1]) & (i0 >= 0) & (i0 + 1 < theirs.shape[0])
    j0, i0, tx, ty = j0[inside], i0[inside], (fx - np.floor(fx))[inside], (fy - np.floor(fy))[inside]
    b = ((1 - tx) * (1 - ty) * theirs[i0, j0] + tx * (1 - ty) * theirs[i0, j0 + 1]
         + (1 - tx) * ty * theirs[i0 + 1, j0] + tx * ty * theirs[i0 + 1, j0 + 1])
    a = ours[inside]
    c.check(inside.sum() > 0.5 * theirs.size, f"{inside.sum()} common sample points")
    # the maximum: where is it, in each grid (its own coordinates)
    oi = np.unravel_index(np.argmax(ours), ours.shape)
    qi = np.unravel_index(np.argmax(theirs), theirs.shape)
    dist = np.hypot(ox[oi] - qx[qi], oy[oi] - qy[qi])
    c.check(dist <= 1.5 * cell, f"the maxima are within one cell (diagonal) of each other: {dist:.1f} m")
    c.check(abs(ours.max() / theirs.max() - 1) <= 0.02, f"maximum value: ours {ours.max():.3f}, QGIS {theirs.max():.3f} (within 2 %)")
    # mass on the common cells (the grids' extents differ, so whole-grid sums are not comparable)
    ratio = a.sum() / b.sum()
    c.check(abs(ratio - 1) <= 0.01, f"total mass on the common cells: ratio {ratio:.4f} (within 1 %)")
    r = np.corrcoef(a, b)[0, 1]
    c.check(r > 0.999, f"Pearson r = {r:.5f} > 0.999")
    sel = b > 0.1 * theirs.max()
    med = np.median(np.abs(a[sel] - b[sel]) / b[sel])
    c.check(med < 0.02, f"median |ours - QGIS| / QGIS = {med:.4f} < 2 % at {sel.sum()} cells above 10 % of the maximum")

if __name__ == "__main__":
    e2e.main("heat map against QGIS's heatmap algorithm", body)
