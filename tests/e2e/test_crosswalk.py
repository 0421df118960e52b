"""Indicators from another area scheme: CBS 2021 figures on the 2015 buurten carried over to the 2022 buurten.

The engine's figures per 2022 buurt are recomputed here from the same files with OGR's own geometry
intersection (not the engine's code): counts as sum over 2015 buurten s of area(b & s) / area(s) x value(s),
the other fields as means weighted by the apportioned inhabitants, coverage as the share of the 2022
buurt covered by 2015 buurten with figures. The counts are also compared with the sample's pre-derived
CSV (tools/gen_sample_data.py, which leaves out slivers and rounds). Then the bad inputs: a scheme
without its code field, a code given twice, a 2015 buurt without figures.
"""
import csv
import json
import os
import shutil

from osgeo import ogr

import e2e_common as e2e

PROJECT = e2e.sample_path("geuzenveld_cbs2015.toml")
SCHEME = e2e.sample_path("buurten_2015_fb.gpkg")
CBS = e2e.sample_path("cbs_kerncijfers_2021_fb.csv")
FIELDS = ["aantal_inwoners", "aantal_huishoudens", "woningvoorraad", "gemiddelde_woningwaarde",
          "percentage_personen_0_tot_15_jaar", "percentage_personen_65_jaar_en_ouder"]
COUNTS = {"aantal_inwoners", "aantal_huishoudens", "woningvoorraad"}


def polygons(path, layer, key):
    ds = ogr.Open(path)
    return {f.GetField(key): f.GetGeometryRef().Clone() for f in ds.GetLayerByName(layer)}


def expected(cbs_rows):
    """{2022 code: {field: value}}, {2022 code: coverage}, {(2015 code, 2022 code): overlap m2}."""
    new = polygons(e2e.sample_path("geuzenveld_gebieden.gpkg"), "buurten", "code")
    old = polygons(SCHEME, "buurten_2015", "cbs_code")
    values, coverage, overlaps = {}, {}, {}
    for b, gb in new.items():
        sums = {f: 0.0 for f in FIELDS}
        weights = {f: 0.0 for f in FIELDS}
        covered = 0.0
        for s, gs in old.items():
            a = gb.Intersection(gs).GetArea()
            if a <= 0:
                continue
            overlaps[(s, b)] = a
            if s not in cbs_rows:
                continue
            covered += a
            share = a / gs.GetArea()
            row = cbs_rows[s]
            for f in FIELDS:
                if f in COUNTS:
                    sums[f] += share * float(row[f])
                else:
                    w = share * float(row["aantal_inwoners"])
                    sums[f] += w * float(row[f])
                    weights[f] += w
        values[b] = {f: sums[f] if f in COUNTS else sums[f] / weights[f] for f in FIELDS}
        coverage[b] = min(1.0, covered / gb.GetArea())
    return values, coverage, overlaps


def read_cbs(path):
    with open(path, encoding="utf-8", newline="") as f:
        return {r["buurtcode"]: r for r in csv.DictReader(f)}


def flag_args(out, cbs=CBS, scheme=SCHEME, code="cbs_code"):
    """The sample's crosswalk given as flags only, so the flag route is checked too."""
    return ["run", "--quiet", "--out", out,
            "--area", f"buurt={e2e.sample_path('geuzenveld_gebieden.gpkg')},layer=buurten,code=code",
            "--observations", f"{e2e.sample_path('waarnemingen_ronde2.csv')},crs=EPSG:4326,x=lon,y=lat,id=id",
            "--indicators", f"{cbs},code=buurtcode,population=aantal_inwoners,fields={';'.join(FIELDS)},"
                            f"counts=aantal_huishoudens;woningvoorraad,areas.source={scheme},areas.layer=buurten_2015,areas.code={code}"]


def body(c):
    tmp = e2e.fresh_tmp("crosswalk")
    out = os.path.join(tmp, "cw.gpkg")
    c.exit_code(e2e.run_cli(["run", PROJECT, "--out", out, "--quiet"]), 0, "run the crosswalk sample")
    cbs = read_cbs(CBS)
    want, want_cov, want_links = expected(cbs)

    buurten = {r["code"]: r for r in e2e.read_layer(out, "buurten")}
    c.equal(sorted(buurten), sorted(want), "every 2022 buurt has a row")
    worst = 0.0
    for b, fields in want.items():
        for f, v in fields.items():
            got = buurten[b]["ind_" + f]
            worst = max(worst, abs(got - v) / max(1.0, abs(v)) if got is not None else float("inf"))
    c.check(worst < 1e-6, f"carried figures agree with OGR's intersection (largest relative difference {worst:.2e})")
    c.close(buurten["FB06"]["population"], want["FB06"]["aantal_inwoners"], 1e-6, "FB06 population is the apportioned inhabitants")
    total = sum(float(r["aantal_inwoners"]) for r in cbs.values())
    c.close(sum(r["ind_aantal_inwoners"] for r in buurten.values()), total, total * 0.005,
            "inhabitants add up to the 7 source rows but for the slivers outside wijk FB")

    # The generator's crosswalk (slivers left out, rounded to integers) gives nearly the same counts.
    with open(e2e.sample_path("kerncijfers_2021_buurten_2022.csv"), encoding="utf-8", newline="") as f:
        derived = {r["code"]: r for r in csv.DictReader(f)}
    diffs = {b: abs(buurten[b]["ind_aantal_inwoners"] - float(derived[b]["aantal_inwoners"])) for b in derived}
    c.check(max(diffs.values()) <= 0.005 * total / len(derived) + 1, f"inhabitants within slivers and rounding of the pre-derived CSV {diffs}")

    links = e2e.read_layer(out, "indicator_crosswalk")
    got_links = {(r["source_code"], r["target_code"]): r for r in links}
    c.equal(sorted(got_links), sorted(want_links), "indicator_crosswalk has every overlapping pair")
    bad = [(k, r["overlap_m2"], want_links[k]) for k, r in got_links.items() if k in want_links and abs(r["overlap_m2"] - want_links[k]) > 1e-3]
    c.check(not bad, "overlap_m2 agrees with OGR to the square millimetre", str(bad[:3]))
    split = got_links[("BU03637800", "FB08")]
    c.close(split["share_of_source"], 0.72, 0.01, "Buurt 6 (F78a) goes 72 % to FB08, as the sample README says")
    c.check(all(r["input"] == "cbs_kerncijfers_2021_fb.csv" and r["level"] == "buurt" for r in links), "links name their input and level")

    cov = {r["code"]: r for r in e2e.read_layer(out, "indicator_coverage")}
    c.check(all(abs(cov[b]["coverage"] - want_cov[b]) < 1e-9 for b in want_cov), "indicator_coverage agrees with OGR",
            str({b: (cov[b]["coverage"], want_cov[b]) for b in want_cov}))
    c.check(all(cov[b]["coverage"] > 0.99 and cov[b]["low_coverage"] == 0 for b in cov), "every 2022 buurt is covered (> 0.99), none flagged")

    report = e2e.read_layer(out, "run_report")
    section = [r for r in report if r["section"] == "crosswalk cbs_kerncijfers_2021_fb.csv"]
    stated = {r["detail"]: r["value"] for r in section if r["item"] == "coverage"}
    c.equal(sorted(stated), sorted(want_cov), "run_report states the coverage of every 2022 buurt")
    c.check(all(abs(stated[b] - want_cov[b]) < 1e-9 for b in want_cov), "with the recomputed values")
    link_rows = [r for r in section if r["item"] == "link"]
    c.equal(len(link_rows), len(want_links), "run_report has one row per link")
    row = next(r for r in link_rows if r["detail"].startswith("BU03637800 -> FB08"))
    new_fb08 = polygons(e2e.sample_path("geuzenveld_gebieden.gpkg"), "buurten", "code")["FB08"].GetArea()
    c.close(row["value"], want_links[("BU03637800", "FB08")] / new_fb08, 1e-9, "a link row's value is the share of the 2022 buurt it covers")

    p = e2e.run_cli(["validate", PROJECT, "--json"])
    c.exit_code(p, 0, "validate the crosswalk sample")
    cw = json.loads(p.stdout)["crosswalks"]
    c.equal([x["input"] for x in cw], ["cbs_kerncijfers_2021_fb.csv"], "validate --json lists the crosswalk")
    c.check(all(abs(v["coverage"] - want_cov[v["code"]]) < 1e-9 for v in cw[0]["coverage"]), "validate --json states the coverage")
    p = e2e.run_cli(["validate", PROJECT])
    c.check(f"coverage FB06: {want_cov['FB06']:.3f}" in p.stdout, "validate's text report states the coverage per buurt", p.stdout[-1500:])

    # Flags build the same crosswalk.
    out2 = os.path.join(tmp, "flags.gpkg")
    c.exit_code(e2e.run_cli(flag_args(out2)), 0, "the same crosswalk as flags")
    flagged = {r["code"]: r for r in e2e.read_layer(out2, "buurten")}
    c.check(all(flagged[b]["ind_" + f] == buurten[b]["ind_" + f] for b in want for f in FIELDS), "flags give the same figures")

    # A 2015 buurt without figures: reported, its part not covered, the buurten it fed flagged.
    cbs_without = os.path.join(tmp, "cbs_zonder_buurt8.csv")
    with open(CBS, encoding="utf-8") as f, open(cbs_without, "w", encoding="utf-8") as g:
        g.writelines(line for line in f if "BU03637802" not in line)
    out3 = os.path.join(tmp, "missing.gpkg")
    p = e2e.run_cli(flag_args(out3, cbs=cbs_without))
    c.exit_code(p, 0, "a 2015 buurt without figures is not an error")
    _, cov_without, _ = expected(read_cbs(cbs_without))
    cov3 = {r["code"]: r for r in e2e.read_layer(out3, "indicator_coverage")}
    c.check(all(abs(cov3[b]["coverage"] - cov_without[b]) < 1e-9 for b in cov_without), "coverage without Buurt 8 agrees with OGR",
            str({b: (cov3[b]["coverage"], cov_without[b]) for b in cov_without}))
    low = sorted(b for b, r in cov3.items() if r["low_coverage"] == 1)
    c.equal(low, sorted(b for b, v in cov_without.items() if v < 0.95), "the buurten Buurt 8 fed are flagged below 0.95")
    c.check("FB07" in low and "FB06" in low, "FB06 and FB07 among them", str(low))
    report3 = e2e.read_layer(out3, "run_report")
    c.check(any(r["item"] == "low coverage" and r["detail"].startswith("FB07") for r in report3), "run_report flags FB07's low coverage")
    note = [r["detail"] for r in report3 if r["item"] == "skipped" and r["detail"].startswith("BU03637802")]
    c.check(note and "buurtcode" in note[0] and "cbs_zonder_buurt8.csv" in note[0], "the report names the 2015 buurt, the field and the file", str(note))

    # A scheme source without the code field: input error naming file, layer and field.
    p = e2e.run_cli(flag_args(os.path.join(tmp, "nocode.gpkg"), code="buurt_nummer"))
    c.exit_code(p, e2e.EXIT_INPUT, "a scheme without the code field is an input error")
    c.check(all(s in p.stderr for s in ("buurten_2015_fb.gpkg", "buurten_2015", "buurt_nummer")), "the message names file, layer and field", p.stderr)

    # A code given twice: input error naming file, layer, the code and the field.
    twice = os.path.join(tmp, "buurten_2015_twice.gpkg")
    shutil.copyfile(SCHEME, twice)
    ds = ogr.Open(twice, 1)
    lyr = ds.GetLayerByName("buurten_2015")
    f = next(x for x in lyr if x.GetField("buurt_code") == "F78c")
    f.SetField("cbs_code", "BU03637800")
    lyr.SetFeature(f)
    ds = None
    p = e2e.run_cli(flag_args(os.path.join(tmp, "twice.gpkg"), scheme=twice))
    c.exit_code(p, e2e.EXIT_INPUT, "a scheme code given twice is an input error")
    c.check(all(s in p.stderr for s in ("buurten_2015_twice.gpkg", "buurten_2015", "BU03637800", "cbs_code", "twice")),
            "the message names file, layer, feature and field", p.stderr)


e2e.main("indicators carried over from the 2015 buurten by area overlap", body)
