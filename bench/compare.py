#!/usr/bin/python3
"""Check buurtbalans's counts against PostGIS's on the same synthetic city.

  compare.py --city CITY.gpkg --ours SUMMARIES.gpkg [--full FULL.gpkg] [--postgis DIR]

Ours: the blocks / buurten / wijken / streets summary layers (n_points) and the run_report of the
--summaries-only run; from the full run, the observations layer (street, street_dist_m).
PostGIS (run_postgis.sh): blocks.csv and buurten.csv (ST_Contains, interior only), nearest.csv
(per straat_id segment) and nearest_summary.txt (assigned=N sum_dist=D).

Expected differences: a point exactly on a block's boundary is in no block for ST_Contains; the engine
gives it to one block (documented boundary rule), so per-block counts may differ by those points.
Streets: PostGIS assigns the nearest *segment* (straat_id), the engine the nearest *named street*; the
number of points assigned and the sum of distances must agree, and per name they agree up to
equal-distance ties between differently named segments at a crossing.
Only the standard library is used (sqlite3 reads the GeoPackages' attribute tables).
"""
import argparse
import csv
import os
import sqlite3
from collections import Counter


def ro(path):
    return sqlite3.connect(f'file:{os.path.abspath(path)}?mode=ro', uri=True)


def read_csv(path, key):
    with open(path, newline='') as f:
        return {r[key]: int(r['n']) for r in csv.DictReader(f)}


def diff(label, ours, theirs):
    keys = set(ours) | set(theirs)
    d = {k: ours.get(k, 0) - theirs.get(k, 0) for k in keys}
    bad = {k: v for k, v in d.items() if v}
    only_o = len(set(ours) - set(theirs))
    only_t = len(set(theirs) - set(ours))
    net = sum(d.values())
    line = (f'{label:<34} {len(keys):>6} keys, {len(bad):>5} differ, sum |diff| {sum(abs(v) for v in bad.values()):>6}, '
            f'net ours-PostGIS {net:+d}; totals ours {sum(ours.values())} PostGIS {sum(theirs.values())}')
    if only_o or only_t:
        line += f'; keys only ours {only_o}, only PostGIS {only_t}'
    print(line)
    if bad:
        sample = sorted(bad.items(), key=lambda kv: (-abs(kv[1]), kv[0]))[:5]
        print(' ' * 36 + 'largest: ' + ', '.join(f'{k} {v:+d}' for k, v in sample))
    return bad


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--city', required=True)
    ap.add_argument('--ours', required=True)
    ap.add_argument('--full')
    ap.add_argument('--postgis')
    a = ap.parse_args()

    o = ro(a.ours)
    report = {item: int(v) for item, v in o.execute("SELECT item, value FROM run_report WHERE section='join'")}
    blocks = dict(o.execute('SELECT code, n_points FROM blocks'))
    buurten = dict(o.execute('SELECT code, n_points FROM buurten'))
    wijken = dict(o.execute('SELECT code, n_points FROM wijken'))
    streets = dict(o.execute('SELECT name, n_points FROM streets'))
    joined = report.get('observations_joined', 0)
    outside = report.get('observations_outside_all_areas', 0)
    print('## agreement (buurtbalans vs PostGIS)')
    print('buurtbalans run report: ' + ', '.join(f'{k}={v}' for k, v in sorted(report.items())
                                                  if not k.startswith('hotspots_')))

    ok = True
    # internal consistency: counted once, roll-ups add up
    inside = joined - outside
    for name, layer in (('buurten', buurten), ('wijken', wijken)):
        s = sum(layer.values())
        flag = 'ok' if s == inside else 'MISMATCH'
        ok &= s == inside
        print(f'ours: sum over {name:<8} = {s} (observations joined {joined} - outside {outside} = {inside}) {flag}')
    s = sum(blocks.values())
    flag = 'ok' if s == report.get('finest_level_block', -1) else 'MISMATCH'
    print(f'ours: sum over blocks   = {s} (finest level block in the report: {report.get("finest_level_block")}) {flag}')

    full = None
    if a.full and os.path.exists(a.full):
        f = ro(a.full)
        n, with_street, dist = f.execute('SELECT count(*), count(street), sum(street_dist_m) FROM observations').fetchone()
        full = (n, with_street, dist or 0.0)
        flag = 'ok' if (n, with_street) == (joined, report.get('observations_with_street')) else 'MISMATCH'
        print(f'ours full run: {n} observations written, {with_street} with a street, sum street_dist_m '
              f'{full[2]:.3f} {flag}')

    if a.postgis:
        pg = a.postgis
        print()
        bad_b = diff('per-block counts (n_points)', blocks, read_csv(os.path.join(pg, 'blocks.csv'), 'block_id'))
        bad_u = diff('per-buurt counts (n_points)', buurten, read_csv(os.path.join(pg, 'buurten.csv'), 'buurt_code'))
        if bad_b:
            net = sum(bad_b.values())
            print(f'  -> {sum(abs(v) for v in bad_b.values())} point(s) in {len(bad_b)} block(s) differ; net {net:+d}: '
                  + ('points on a block boundary, which ST_Contains (interior only) puts in no block and the engine '
                     'gives to one block' if all(v > 0 for v in bad_b.values()) else 'NOT only boundary points: look'))
        if bad_u:
            print(f'  -> {sum(abs(v) for v in bad_u.values())} point(s) differ per buurt (boundary points between buurten)')
        # nearest street
        summ = dict(kv.split('=') for kv in open(os.path.join(pg, 'nearest_summary.txt')).read().split())
        pg_assigned, pg_dist = int(summ['assigned']), float(summ['sum_dist'])
        ours_assigned = report.get('observations_with_street', sum(streets.values()))
        flag = 'ok' if ours_assigned == pg_assigned else 'DIFFERENT'
        print(f'nearest street <= max distance: points assigned ours {ours_assigned} PostGIS {pg_assigned} {flag}')
        if full:
            flag = 'ok' if abs(full[2] - pg_dist) < 1e-6 * max(1.0, pg_dist) else 'DIFFERENT'
            print(f'  sum of distances ours {full[2]:.3f} PostGIS {pg_dist:.3f} {flag}')
        # PostGIS per segment -> per street name, through the city's straten layer
        c = ro(a.city)
        name_of = dict(c.execute('SELECT straat_id, naam FROM straten'))
        per_name = Counter()
        for sid, n in read_csv(os.path.join(pg, 'nearest.csv'), 'straat_id').items():
            per_name[name_of[int(sid)]] += n
        bad_s = diff('per-street-name counts', {k: v for k, v in streets.items() if v}, dict(per_name))
        if bad_s:
            print(f'  -> {sum(abs(v) for v in bad_s.values()) // 2} point(s) went to another street name; with equal '
                  f'assigned count and distance sum these are equal-distance ties (at a crossing)')
    print('RESULT:', 'consistent' if ok else 'INCONSISTENT (see above)')


if __name__ == '__main__':
    main()
