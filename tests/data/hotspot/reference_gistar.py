#!/usr/bin/python3
"""Independent reference for local Getis-Ord Gi* on the fixed test dataset in this folder.

Written from the paper, not from the engine: Ord, J.K. and Getis, A. (1995), "Local spatial
autocorrelation statistics: distributional issues and an application", Geographical Analysis 27(4),
eq. (14)-(15) for Gi*(d) (the feature itself included, w_ii = 1):

    Gi* = ( sum_j w_ij x_j  -  xbar * W_i ) / ( s * sqrt( (n * S1_i - W_i^2) / (n - 1) ) )

    xbar = sum_j x_j / n          s^2 = sum_j x_j^2 / n - xbar^2        (population variance)
    W_i  = sum_j w_ij             S1_i = sum_j w_ij^2                   (j runs over all n, i included)

with binary distance-band weights w_ij = 1 when d_ij <= band (so w_ii = 1), computed here as a dense
n x n matrix with numpy. p is two-sided from the standard normal: p = 2 (1 - Phi(|z|)) = erfc(|z|/sqrt 2).
Classes -3..+3 for 99/95/90 % confidence, either plainly (p <= 0.01/0.05/0.10) or after the
Benjamini-Hochberg (1995) step-up procedure at alpha = 0.10/0.05/0.01 (sort the m p-values, find the
largest rank k with p_(k) <= k/m * alpha, reject the k smallest).

The default band is the rule ArcGIS's Optimized Hot Spot Analysis falls back to: the mean over all
features of the distance to the k-th nearest neighbour, k = clamp(floor(0.05 n), 3, 30).

Files (all CSV, comma separated, '.' decimals, written with repr so every double round-trips):
  points.csv            the input: id, x, y (EPSG:28992 metres, 0.01 m), concern, strength (counts)
  gistar_reference.csv  per point: neighbours (within the band, itself excluded) and, for concern and
                        strength, z, p, class with FDR and class without
  gistar_params.csv     band, n, default_k, default_band

Usage:
  reference_gistar.py --write   recompute from points.csv and (re)write the two reference files
  reference_gistar.py --check   recompute and compare with the stored files; exit 1 on any difference
  reference_gistar.py --generate-points   how points.csv was made (fixed seed); overwrites it
"""
import csv
import math
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
POINTS = os.path.join(HERE, "points.csv")
REFERENCE = os.path.join(HERE, "gistar_reference.csv")
PARAMS = os.path.join(HERE, "gistar_params.csv")

# 150 m: a few hundred metres of neighbourhood, so the clusters (spread ~40-60 m) are inside one band,
# while some background points have no neighbour at all (W_i = 1). No pair lies within MARGIN of it.
BAND = 150.0
MARGIN = 1e-3
LEVELS = [(1, 0.10), (2, 0.05), (3, 0.01)]
FIELDS = ["concern", "strength"]


def read_points(path=POINTS):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    ids = [int(r["id"]) for r in rows]
    xy = np.array([[float(r["x"]), float(r["y"])] for r in rows])
    values = {k: np.array([float(r[k]) for r in rows]) for k in FIELDS}
    return ids, xy, values


def distances(xy):
    d = xy[:, None, :] - xy[None, :, :]
    return np.sqrt((d ** 2).sum(axis=2))


def gi_star(x, w):
    """Ord & Getis (1995) Gi* for every i; w is the full n x n weight matrix with w_ii included."""
    n = len(x)
    xbar = x.sum() / n
    s = math.sqrt((x ** 2).sum() / n - xbar ** 2)
    W = w.sum(axis=1)
    S1 = (w ** 2).sum(axis=1)
    num = w @ x - xbar * W
    den = s * np.sqrt((n * S1 - W ** 2) / (n - 1))
    return num / den


def two_sided_p(z):
    return np.array([math.erfc(abs(v) / math.sqrt(2.0)) for v in z])


def bh_rejected(p, alpha):
    """Benjamini-Hochberg step-up: boolean mask of the rejected hypotheses."""
    m = len(p)
    order = np.argsort(p, kind="stable")
    passing = [k for k in range(1, m + 1) if p[order[k - 1]] <= k / m * alpha]
    rejected = np.zeros(m, dtype=bool)
    if passing:
        rejected[order[:max(passing)]] = True
    return rejected


def classes(z, p, fdr):
    level = np.zeros(len(z), dtype=int)
    for lv, alpha in LEVELS:
        hit = bh_rejected(p, alpha) if fdr else p <= alpha
        level[hit] = lv
    return np.where(z > 0, level, -level)


def default_band(xy):
    n = len(xy)
    k = min(max(n // 20, 3), 30)
    d = distances(xy)
    np.fill_diagonal(d, np.inf)  # the k-th nearest *other* feature
    kth = np.sort(d, axis=1)[:, k - 1]
    return k, float(kth.mean())


def compute(path=POINTS):
    ids, xy, values = read_points(path)
    d = distances(xy)
    off = d[~np.eye(len(xy), dtype=bool)]
    closest = np.abs(off - BAND).min()
    if closest <= MARGIN:
        raise SystemExit(f"a pair lies {closest} m from the band: the band is not robust to rounding")
    w = (d <= BAND).astype(float)  # the diagonal (d = 0) gives w_ii = 1
    rows = []
    cols = {}
    for field in FIELDS:
        z = gi_star(values[field], w)
        p = two_sided_p(z)
        cols[field] = (z, p, classes(z, p, True), classes(z, p, False))
    for i, ident in enumerate(ids):
        row = {"id": ident, "neighbours": int(w[i].sum()) - 1}
        for field in FIELDS:
            z, p, cf, cp = cols[field]
            row.update({f"{field}_z": repr(float(z[i])), f"{field}_p": repr(float(p[i])),
                        f"{field}_class_fdr": int(cf[i]), f"{field}_class_plain": int(cp[i])})
        rows.append(row)
    k, band0 = default_band(xy)
    params = [("band", repr(BAND)), ("n", str(len(ids))), ("default_k", str(k)), ("default_band", repr(band0))]
    return rows, params


def write_csv(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        wr = csv.writer(f, lineterminator="\n")
        wr.writerow(header)
        wr.writerows(rows)


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def as_tables(rows, params):
    header = list(rows[0].keys())
    return [header] + [[str(r[h]) for h in header] for r in rows], [["name", "value"]] + [list(p) for p in params]


def generate_points():
    """Irregular layout: background points plus three clusters; concern is high in cluster A, low in the
    background; strength is high in cluster B; cluster C is dense but ordinary (a cluster of points is not
    a hotspot of values). Coordinates in Geuzenveld's RD range, 0.01 m, at least 5 m apart (so the
    end-to-end test can put a 1 m block around each)."""
    rng = np.random.RandomState(20240917)
    pts = []
    def add(x, y):
        if all((x - a) ** 2 + (y - b) ** 2 >= 25.0 for a, b, *_ in pts):
            pts.append((x, y))
            return True
        return False
    centres = {"A": (115500.0, 487600.0, 45.0, 16), "B": (116300.0, 487300.0, 60.0, 16), "C": (115800.0, 486900.0, 40.0, 14)}
    kind = []
    for name, (cx, cy, sd, count) in centres.items():
        made = 0
        while made < count:
            if add(round(cx + rng.normal(0, sd), 2), round(cy + rng.normal(0, sd), 2)):
                kind.append(name)
                made += 1
    made = 0
    while made < 50:
        if add(round(rng.uniform(115000, 116800), 2), round(rng.uniform(486600, 487900), 2)):
            kind.append("-")
            made += 1
    concern_mean = {"A": 7.0, "B": 1.5, "C": 2.0, "-": 2.0}
    strength_mean = {"A": 1.0, "B": 6.0, "C": 1.5, "-": 1.5}
    rows = []
    for i, ((x, y), k) in enumerate(zip(pts, kind)):
        rows.append([i + 1, f"{x:.2f}", f"{y:.2f}", int(rng.poisson(concern_mean[k])), int(rng.poisson(strength_mean[k]))])
    write_csv(POINTS, ["id", "x", "y", "concern", "strength"], rows)


def main(argv):
    if argv[1:] == ["--generate-points"]:
        generate_points()
        return 0
    rows, params = compute()
    ref, par = as_tables(rows, params)
    if argv[1:] == ["--write"]:
        write_csv(REFERENCE, ref[0], ref[1:])
        write_csv(PARAMS, par[0], par[1:])
        return 0
    if argv[1:] == ["--check"]:
        ok = read_csv(REFERENCE) == ref and read_csv(PARAMS) == par
        print("stored reference matches the recomputation" if ok else "stored reference DIFFERS from the recomputation")
        return 0 if ok else 1
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
