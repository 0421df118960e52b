"""Who spoke where and rounds, recomputed from the run's own observation tables with GDAL and Python.

Per block, buurt and street the observations of each round are counted again from the point codes and
from `observation_shares` (a shape counts in every area it has a share in, a block's share also in its
buurt); the p-value of the change is recomputed with exact integers (math.comb) and the change class
with the README's rule. Per buurt the residents' and professionals' direction per theme (sign of
weighted strengths - concerns) and the blind-spot class are recomputed from the same tables.
"""
import math
import os
from collections import defaultdict

import e2e_common as e2e


def p_change(k1, k2):
    n = k1 + k2
    return min(1.0, 2 * sum(math.comb(n, j) for j in range(min(k1, k2) + 1)) / 2 ** n)


def change_class(k1, k2, min_total=5):
    if k1 + k2 < min_total:
        return "te weinig om iets te zeggen"
    if k1 == 0:
        return "nieuw"
    if k2 == 0:
        return "verdwenen"
    if p_change(k1, k2) >= 0.05:
        return "blijvend"
    return "toegenomen" if k2 > k1 else "afgenomen"


def body(c):
    out = os.path.join(e2e.fresh_tmp("knowledge"), "k.gpkg")
    c.exit_code(e2e.run_cli(["run", e2e.PROJECT_FILE, "--out", out, "--quiet"]), 0, "run the sample")
    obs = e2e.read_observations(out)
    shares = e2e.read_layer(out, "observation_shares")
    block_buurt = {b["code"]: b["buurt_code"] for b in e2e.read_layer(out, "blocks")}
    by_key = {(o["input"], o["obs_id"]): o for o in obs}
    rounds = sorted({o["round"] for o in obs if o["round"]})
    c.equal(rounds, ["2024-03", "2024-10"], "the sample's two rounds, in text order")

    # (input, obs_id) -> weight per (level, code): points weigh 1 in their block and buurt.
    weights = defaultdict(lambda: defaultdict(float))
    for o in obs:
        if o["kind"] == "point":
            for level in ("block", "buurt"):
                if o[f"{level}_code"]:
                    weights[(o["input"], o["obs_id"])][(level, o[f"{level}_code"])] += 1.0
    for s in shares:
        w = weights[(s["input"], s["obs_id"])]
        if s["level"] == "block":
            w[("block", s["code"])] += s["share"]
            w[("buurt", block_buurt[s["code"]])] += s["share"]
        elif s["level"] == "buurt":
            w[("buurt", s["code"])] += s["share"]

    counts = defaultdict(int)  # (level, code, round) -> observations touching
    for key, w in weights.items():
        o = by_key[key]
        for (level, code) in w:
            counts[(level, code, o["round"])] += 1
    for o in obs:
        if o["street"]:
            counts[("street", o["street"], o["round"])] += 1

    for level, table, key in (("block", "rounds_blocks", "code"), ("buurt", "rounds_buurten", "code"), ("street", "rounds_streets", "name")):
        rows = e2e.read_layer(out, table)
        bad = []
        classes = defaultdict(int)
        for r in rows:
            k1, k2 = counts[(level, r[key], rounds[0])], counts[(level, r[key], rounds[1])]
            got = (r["n_r1"], r["n_r2"], r["change_class"])
            if got != (k1, k2, change_class(k1, k2)) or abs(r["p_change"] - p_change(k1, k2)) > 1e-9 or r["change"] != k2 - k1:
                bad.append((r[key], got, (k1, k2, change_class(k1, k2))))
            classes[r["change_class"]] += 1
        c.check(not bad, f"{table}: round counts, change, p and class as recomputed ({len(rows)} rows)", str(bad[:5]))
        c.check(sum(r["n_r1"] + r["n_r2"] for r in rows) > 0, f"{table}: there is something to compare")
        c.note(f"{table}: {dict(classes)}")
    c.check(any(r["change_class"] not in ("blijvend", "te weinig om iets te zeggen") for r in e2e.read_layer(out, "rounds_buurten")),
            "some buurt changed beyond chance (the check can tell classes apart)")

    # Residents and professionals per buurt and theme: weighted strengths - concerns.
    themes = e2e.read_project().get("themes", ["groen", "spelen", "overlast", "veiligheid", "vuil", "verkeer", "wonen", "voorzieningen", "ontmoeten"])
    net = defaultdict(float)
    heard = defaultdict(float)
    for key, w in weights.items():
        o = by_key[key]
        if o["source"] not in ("bewoner", "professional") or o["valence"] == 0:
            continue
        theme = o["theme"] if o["theme"] in themes else "other"
        for (level, code), share in w.items():
            if level == "buurt":
                net[(code, theme, o["source"])] += share * o["valence"]
                heard[(code, theme, o["source"])] += share
    sign = lambda v, h: 0 if abs(v) <= 1e-9 * h else (1 if v > 0 else -1)  # noqa: E731
    problems = {"FB04": "gemiddelde_woningwaarde", "FB08": "gemiddelde_woningwaarde", "FB05": "percentage_personen_0_tot_15_jaar"}
    bad = []
    for r in e2e.read_layer(out, "buurten"):
        agree, differ = 0, []
        for t in themes + ["other"]:
            if heard[(r["code"], t, "bewoner")] > 0 and heard[(r["code"], t, "professional")] > 0:
                a = sign(net[(r["code"], t, "bewoner")], heard[(r["code"], t, "bewoner")])
                b = sign(net[(r["code"], t, "professional")], heard[(r["code"], t, "professional")])
                if a == b:
                    agree += 1
                else:
                    differ.append(t)
        views = "verschil" if differ else "eens" if agree else "onbekend"
        if (r["agree_themes"], r["differ_themes"], r["differ_list"] or "", r["views"]) != (agree, len(differ), ", ".join(differ), views):
            bad.append((r["code"], r["agree_themes"], r["differ_themes"], r["views"], agree, differ))
        if (r["problem_indicators"] or "") != problems.get(r["code"], ""):
            bad.append((r["code"], "problem", r["problem_indicators"]))
    c.check(not bad, "buurten: agree/differ per theme and problem indicators as recomputed", str(bad[:5]))

    blocks = e2e.read_layer(out, "blocks")
    silent = [b for b in blocks if b["n_obs"] == 0]
    c.check(silent and all(b["blind"] == "niemand" for b in silent), f"blocks nobody spoke about are 'niemand' ({len(silent)})")
    one = [b for b in blocks if b["n_obs"] > 0 and b["n_sources"] <= 1]
    c.check(one and all(b["blind"] == "één bron" for b in one), f"blocks only one source spoke about are 'één bron' ({len(one)})")

    # Figures without a signal: a threshold no buurt passes except one without concerns is made by flag.
    out2 = os.path.join(e2e.fresh_tmp("knowledge_flag"), "k.gpkg")
    c.exit_code(e2e.run_cli(["run", e2e.PROJECT_FILE, "--out", out2, "--quiet", "--problem-indicator", "dekking,worse=high,threshold=0"]), 0,
                "run with --problem-indicator")
    rows = e2e.read_layer(out2, "buurten")
    c.check(all("dekking" in (r["problem_indicators"] or "") for r in rows), "every buurt with a dekking figure is flagged by threshold 0")
    expected = {r["code"]: "cijfers zonder signaal" if r["w_concern"] == 0 else "één bron" if r["n_sources"] <= 1 else "meer bronnen"
                for r in rows if r["n_obs"] > 0}
    c.equal({r["code"]: r["blind"] for r in rows if r["n_obs"] > 0}, expected, "flagged buurten: no concern heard is 'cijfers zonder signaal'")
    p = e2e.run_cli(["run", e2e.PROJECT_FILE, "--out", out2, "--overwrite", "--quiet", "--problem-indicator", "woningwaarde,worse=low"])
    c.exit_code(p, 3, "a problem indicator that is no indicator is a project error")
    c.check("woningwaarde" in p.stderr and "problem_indicators" in p.stderr, "the message names the key and the field", p.stderr)


e2e.main("who spoke where and rounds, recomputed from the observation tables", body)
