#!/usr/bin/python3
"""`buurtbalans print`, `basemap` and `atlas` on the Geuzenveld sample, the outputs read back.

The PDFs are read with poppler (pdfinfo, pdftotext, pdffonts), the PNG with GDAL, the run's
GeoPackage with osgeo.ogr. What a map should say is computed here, independently of the engine:
paper sizes from ISO 216 millimetres, the blocks of a buurt from the GeoPackage's codes, their
balance classes and class colours from styles/balance.toml and styles/ramps.toml (tomllib), a point
inside each block with shapely's polylabel, the buurten of a wijk by their wijk_code.
"""
import json
import os
import subprocess
import sys
import tomllib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_common as e2e  # noqa: E402

from osgeo import gdal  # noqa: E402
from shapely import wkb  # noqa: E402
from shapely.ops import polylabel  # noqa: E402

PT_PER_MM = 72 / 25.4
ISO_216_MM = {"A0": (841, 1189), "A1": (594, 841), "A2": (420, 594), "A3": (297, 420), "A4": (210, 297)}


def paper_pt(name, landscape):
    w, h = ISO_216_MM[name]
    if landscape:
        w, h = h, w
    return w * PT_PER_MM, h * PT_PER_MM


def tool(args):
    return subprocess.run(args, capture_output=True, text=True, timeout=120)


def pdfinfo(path):
    out = {}
    for line in tool(["pdfinfo", path]).stdout.splitlines():
        key, _, value = line.partition(":")
        out[key.strip()] = value.strip()
    return out


def page_size(info):
    # "1190.55 x 841.89 pts (A3)"
    parts = info["Page size"].split()
    return float(parts[0]), float(parts[2])


def pdf_text(path, page=None, mode="-layout"):
    args = ["pdftotext", mode]
    if page is not None:
        args += ["-f", str(page), "-l", str(page)]
    return tool(args + [path, "-"]).stdout


def fonts(path):
    """(name, embedded) of every font in the PDF."""
    lines = tool(["pdffonts", path]).stdout.splitlines()[2:]
    out = []
    for line in lines:
        cols = line.split()
        # name type... encoding emb sub uni object ID: emb is the fifth field from the end
        out.append((cols[0], cols[-5] == "yes"))
    return out


def balance_classes():
    """(lower, upper, label prefix, '#rrggbb') per class of styles/balance.toml, from its own TOML."""
    with open(os.path.join(e2e.REPO, "styles", "balance.toml"), "rb") as f:
        style = tomllib.load(f)
    with open(os.path.join(e2e.REPO, "styles", "ramps.toml"), "rb") as f:
        ramps = tomllib.load(f)["ramps"]
    breaks = style["breaks"]
    colors = ramps[style["ramp"]]["colors"]
    assert style["classification"] == "fixed" and len(colors) == len(breaks) - 1, "the check assumes one ramp colour per fixed class"
    return [(breaks[i], breaks[i + 1], style["labels"][i], colors[i]) for i in range(len(breaks) - 1)]


def class_of(value, classes):
    """The documented rule: the first class includes its lower bound, later ones do not; all include the upper."""
    for i, (lo, hi, _label, _color) in enumerate(classes):
        if (value >= lo if i == 0 else value > lo) and value <= hi:
            return i
    return None


def blocks_of(gpkg, buurt):
    return [{"code": r["code"], "balance": r["balance"], "geometry": shape_of(r)} for r in e2e.read_layer(gpkg, "blocks") if r["buurt_code"] == buurt]


def shape_of(row):
    return wkb.loads(row["_wkb"])


def streets_crossing(gpkg, buurt):
    shape = next(shape_of(r) for r in e2e.read_layer(gpkg, "buurten") if r["code"] == buurt)
    return {r["name"] for r in e2e.read_layer(gpkg, "streets") if r["name"] and shape_of(r).intersects(shape)}


def to_pixel(page, x, y, dpi):
    m = page["map"]
    k = m["pt_per_m"]
    px = (m["frame_pt"]["x"] + (x - m["extent"]["min_x"]) * k) * dpi / 72
    py = (m["frame_pt"]["y"] + (m["extent"]["max_y"] - y) * k) * dpi / 72
    return px, py


def near_label_or_grid(page, px, py, dpi, margin_pt=3):
    x, y = px * 72 / dpi, py * 72 / dpi
    for box in page["labels"]["boxes"]:
        b = box["bounds_pt"]
        if b["x"] - margin_pt <= x <= b["x"] + b["w"] + margin_pt and b["y"] - margin_pt <= y <= b["y"] + b["h"] + margin_pt:
            return True
    frame = page["map"]["frame_pt"]
    cols, rows = page["grid"]["columns"], page["grid"]["rows"]
    for c in range(1, cols):
        if abs(x - (frame["x"] + c * frame["w"] / cols)) < margin_pt:
            return True
    for r in range(1, rows):
        if abs(y - (frame["y"] + r * frame["h"] / rows)) < margin_pt:
            return True
    return False


def check_pdf_basics(c, path, paper, landscape, what):
    c.check(os.path.exists(path), f"{what}: {os.path.basename(path)} written")
    info = pdfinfo(path)
    w, h = page_size(info)
    ew, eh = paper_pt(paper, landscape)
    c.check(abs(w - ew) < 0.01 and abs(h - eh) < 0.01, f"{what}: page size {w} x {h} pt is {paper} {'landscape' if landscape else 'portrait'}",
            f"expected {ew:.2f} x {eh:.2f} pt, pdfinfo: {info.get('Page size')}")
    fs = fonts(path)
    c.check(fs and all(emb for _name, emb in fs), f"{what}: every font is embedded ({len(fs)} fonts)", str(fs))
    c.check(any("DejaVuSans" in name for name, _emb in fs), f"{what}: the fonts are DejaVu Sans (Debian fonts-dejavu)", str(fs))
    return info


def body(c):
    tmp = e2e.fresh_tmp("print")
    gpkg = os.path.join(tmp, "geuzenveld.gpkg")
    p = e2e.run_cli(["run", e2e.PROJECT_FILE, "--out", gpkg, "--quiet"])
    c.exit_code(p, e2e.EXIT_OK, "run on the sample")
    classes = balance_classes()

    # --- print: a thematic map of one buurt, PDF -----------------------------------------------------
    pdf = os.path.join(tmp, "FB08.pdf")
    p = e2e.run_cli(["print", gpkg, "--layer", "balance_blocks", "--area", "FB08", "--paper", "A3", "--landscape", "--out", pdf, "--json"])
    c.exit_code(p, e2e.EXIT_OK, "print balance_blocks for FB08 on A3 landscape")
    report = json.loads(p.stdout)
    page = report["pages"][0]
    check_pdf_basics(c, pdf, "A3", True, "print")
    text = pdf_text(pdf)
    flat = " ".join(text.split())
    c.check("Balans kansen en zorgen per bouwblok" in flat, "print: the layer's title (layers/balance_blocks.toml) is on the map")
    c.check("Wegener Sleeswijkbuurt" in flat, "print: the buurt's name is on the map")
    c.check("rondes 2024-03 en 2024-10" in flat, "print: the subtitle names the rounds of the observations")
    for _lo, _hi, label, _color in classes:
        c.check(label in flat, f"print: legend entry '{label}'")
    c.check("Gemeente Amsterdam, CBS; buurtbalans" in flat, "print: the source line")
    # Labels along steep streets come out of pdftotext in pieces ("S", "lo", "te", ...) but in order:
    # compared without white space, a label's letters must be there as one run of text.
    squeezed = "".join(pdf_text(pdf, mode="-raw").split())
    streets = streets_crossing(gpkg, "FB08")
    found = sorted(s for s in streets if "".join(s.split()) in squeezed)
    c.check(len(found) >= 5, f"print: street names of FB08 on the map ({len(found)} of {len(streets)}: {', '.join(found[:6])}, ...)",
            f"streets: {sorted(streets)}\ntext: {flat[:2000]}")
    placed = [b["text"] for b in page["labels"]["boxes"]]
    missing = [t for t in placed if "".join(t.split()) not in squeezed]
    c.check(not missing, f"print: every placed label ({len(placed)}) is text in the PDF", f"missing: {missing}")
    c.equal(page["labels"]["overlaps"], 0, "print: the label placer reports no overlaps")
    c.check(page["grid"]["columns"] >= 2 and page["grid"]["rows"] >= 2, f"print: a reference grid of {page['grid']['columns']} x {page['grid']['rows']} cells")
    for letter in ["A", "B"]:
        c.check(f" {letter} " in f" {flat} ", f"print: grid column {letter} is labelled")

    # Legend counts: the blocks of FB08 per class, computed here from the balance values and fixed breaks.
    blocks = blocks_of(gpkg, "FB08")
    expected = [0] * len(classes)
    no_data = 0
    for b in blocks:
        if b["balance"] is None:
            no_data += 1
        else:
            expected[class_of(b["balance"], classes)] += 1
    legend = {entry["label"]: entry["count"] for entry in page["legend"]}
    for i, (_lo, _hi, label, _color) in enumerate(classes):
        got = next((n for l, n in legend.items() if l.startswith(label)), None)
        c.equal(got, expected[i], f"print: legend count of '{label}' = blocks of FB08 in that class")
    c.equal(legend.get("niemand sprak hierover"), no_data, "print: legend count of blocks nobody spoke about")
    c.equal(sum(legend.values()), len(blocks), "print: the legend counts add up to the blocks of FB08")

    # --- the same map as PNG: the class colour of known blocks at a point inside each ----------------
    png = os.path.join(tmp, "FB08.png")
    dpi = 100
    p = e2e.run_cli(["print", gpkg, "--layer", "balance_blocks", "--area", "FB08", "--paper", "A3", "--landscape", "--out", png,
                     "--dpi", str(dpi), "--json"])
    c.exit_code(p, e2e.EXIT_OK, "print to PNG at 100 dpi")
    png_page = json.loads(p.stdout)["pages"][0]
    image = gdal.Open(png)
    ew, eh = paper_pt("A3", True)
    c.equal((image.RasterXSize, image.RasterYSize), (round(ew * dpi / 72 + 0.5), round(eh * dpi / 72 + 0.5)), "PNG: size in pixels is A3 at 100 dpi")
    bands = [image.GetRasterBand(i + 1).ReadAsArray() for i in range(3)]
    checked = 0
    for b in sorted(blocks, key=lambda b: -b["geometry"].area):
        if b["balance"] is None:
            continue
        inner = polylabel(b["geometry"] if b["geometry"].geom_type == "Polygon" else max(b["geometry"].geoms, key=lambda g: g.area), 0.1)
        px, py = to_pixel(png_page, inner.x, inner.y, dpi)
        if near_label_or_grid(png_page, px, py, dpi):
            continue
        colour = "#%02x%02x%02x" % tuple(int(band[int(py), int(px)]) for band in bands)
        want = classes[class_of(b["balance"], classes)][3]
        c.equal(colour, want, f"PNG: block {b['code']} (balance {b['balance']:.2f}) has its class colour at ({int(px)}, {int(py)})")
        checked += 1
        if checked == 6:
            break
    c.check(checked >= 4, f"PNG: {checked} blocks checked away from labels and grid lines")

    # --- SVG -------------------------------------------------------------------------------------------
    svg = os.path.join(tmp, "FB08.svg")
    p = e2e.run_cli(["print", gpkg, "--layer", "balance_blocks,observations_theme", "--area", "FB08", "--paper", "A4", "--out", svg])
    c.exit_code(p, e2e.EXIT_OK, "print two layers to SVG on A4 portrait")
    with open(svg, encoding="utf-8") as f:
        head = f.read(600)
    w, h = paper_pt("A4", False)
    c.check(f'width="{w:.6f}pt"' in head and f'height="{h:.6f}pt"' in head, "SVG: the page is A4 portrait in points", head)

    # --- basemap: the blank session map ------------------------------------------------------------------
    base = os.path.join(tmp, "basemap.pdf")
    p = e2e.run_cli(["basemap", gpkg, "--area", "FB", "--paper", "A1", "--landscape", "--out", base, "--json"])
    c.exit_code(p, e2e.EXIT_OK, "basemap of wijk FB on A1 landscape")
    check_pdf_basics(c, base, "A1", True, "basemap")
    flat = " ".join(pdf_text(base).split())
    squeezed = "".join(pdf_text(base, mode="-raw").split())
    for word in ["Sessie", "Datum", "groen", "spelen", "overlast", "kans / kracht", "zorg", "neutraal"]:
        c.check(word in flat, f"basemap: '{word}' in the session box or marker legend")
    buurten = e2e.read_layer(gpkg, "buurten")
    buurt_names = [r["name"] for r in buurten]
    c.check(all(n in flat for n in buurt_names), f"basemap: all {len(buurt_names)} buurt names of FB", f"names: {buurt_names}")
    all_streets = {r["name"] for r in e2e.read_layer(gpkg, "streets") if r["name"]}
    c.check(sum(1 for s in all_streets if "".join(s.split()) in squeezed) >= 20, "basemap: at least 20 street names along the streets")
    c.equal(json.loads(p.stdout)["pages"][0]["labels"]["overlaps"], 0, "basemap: no label overlaps")

    # --- atlas: a page per buurt of the wijk -------------------------------------------------------------
    atlas = os.path.join(tmp, "atlas.pdf")
    p = e2e.run_cli(["atlas", gpkg, "--layer", "balance_blocks", "--wijk", "FB", "--paper", "A4", "--out", atlas])
    c.exit_code(p, e2e.EXIT_OK, "atlas of wijk FB on A4")
    expected_pages = sorted((r["code"], r["name"]) for r in buurten if r["wijk_code"] == "FB")
    info = check_pdf_basics(c, atlas, "A4", False, "atlas")
    c.equal(int(info["Pages"]), len(expected_pages), "atlas: one page per buurt of FB")
    for number, (code, name) in enumerate(expected_pages, start=1):
        page_text = " ".join(pdf_text(atlas, number).split())
        c.check(f"{name} ({code})" in page_text and f"pagina {number} van {len(expected_pages)}" in page_text,
                f"atlas: page {number} is {name} ({code})")

    # --- reproducible: the same map twice is the same file ------------------------------------------------
    again = os.path.join(tmp, "FB08-again.pdf")
    e2e.run_cli(["print", gpkg, "--layer", "balance_blocks", "--area", "FB08", "--paper", "A3", "--landscape", "--out", again])
    c.equal(e2e.sha256(again), e2e.sha256(pdf), "print: two runs give byte-identical PDFs (dates from the run's provenance)")

    # --- callouts: observations numbered on the map, their texts beside it -----------------------------
    said = [r for r in e2e.read_layer(gpkg, "observations") if r["buurt_code"] == "FB08" and r["obs_text"]][:3]
    drawn = [r for r in e2e.read_layer(gpkg, "observation_areas") if r["buurt_code"] == "FB08" and r["obs_text"]][:1]
    elsewhere = next(r for r in e2e.read_layer(gpkg, "observations") if r["buurt_code"] == "FB01" and r["obs_text"])
    asked = [r["obs_id"] for r in said + drawn] + [elsewhere["obs_id"]]
    callouts_pdf = os.path.join(tmp, "callouts.pdf")
    p = e2e.run_cli(["print", gpkg, "--layer", "balance_blocks", "--area", "FB08", "--paper", "A3", "--landscape", "--out", callouts_pdf,
                     "--callouts", ",".join(asked), "--json"])
    c.exit_code(p, e2e.EXIT_OK, f"print FB08 with callouts {', '.join(asked)}")
    page = json.loads(p.stdout)["pages"][0]
    placed = {m["id"]: m for m in page["callouts"]}
    c.equal(sorted(placed), sorted(r["obs_id"] for r in said + drawn), "callouts: those in FB08 are on the map, the one in FB01 is not")
    c.check(elsewhere["obs_id"] in p.stderr, "callouts: a callout on no map is named on the terminal", p.stderr)
    c.equal([placed[r["obs_id"]]["number"] for r in said + drawn], list(range(1, len(said) + len(drawn) + 1)),
            "callouts: numbered in the order asked for")
    t = page["map"]
    frame, extent = t["frame_pt"], t["extent"]
    for r in said:
        point = shape_of(r)
        want = (frame["x"] + (point.x - extent["min_x"]) * t["pt_per_m"], frame["y"] + (extent["max_y"] - point.y) * t["pt_per_m"])
        got = (placed[r["obs_id"]]["x_pt"], placed[r["obs_id"]]["y_pt"])
        c.check(abs(got[0] - want[0]) < 0.01 and abs(got[1] - want[1]) < 0.01, f"callouts: {r['obs_id']} sits on its point {want}", f"got {got}")
    for r in drawn:
        m = placed[r["obs_id"]]
        ground = (extent["min_x"] + (m["x_pt"] - frame["x"]) / t["pt_per_m"], extent["max_y"] - (m["y_pt"] - frame["y"]) / t["pt_per_m"])
        c.check(shape_of(r).buffer(0.01).contains(wkb.loads(bytes.fromhex("0101000000") + __import__("struct").pack("<dd", *ground))),
                f"callouts: the drawn area {r['obs_id']} has its number inside it")
    flat = " ".join(pdf_text(callouts_pdf, mode="-raw").split())  # -layout interleaves the two legend columns
    c.check("Wat mensen zeiden" in flat, "callouts: the side panel has its heading")
    for r in said + drawn:
        c.check(" ".join(r["obs_text"].split())[:40] in flat, f"callouts: the text of {r['obs_id']} is printed", flat[-1500:])
    c.check(" ".join(elsewhere["obs_text"].split())[:40] not in flat, "callouts: the text of the one off the map is not")
    published = os.path.join(tmp, "published.gpkg")
    p = e2e.run_cli(["run", e2e.PROJECT_FILE, "--out", published, "--publish", "--quiet"])
    c.exit_code(p, e2e.EXIT_OK, "run the sample with --publish")
    p = e2e.run_cli(["print", published, "--layer", "balance_blocks", "--area", "FB08", "--callouts", asked[0], "--out", os.path.join(tmp, "x.pdf")])
    c.exit_code(p, e2e.EXIT_INPUT, "callouts on a published GeoPackage are refused")
    c.check("published" in p.stderr and "callouts" in p.stderr, "the message says why", p.stderr)
    p = e2e.run_cli(["print", gpkg, "--layer", "balance_blocks", "--callouts", "no-such-id", "--out", os.path.join(tmp, "x.pdf")])
    c.exit_code(p, e2e.EXIT_INPUT, "a callout id that no observation has")
    c.check("no-such-id" in p.stderr and "obs_id" in p.stderr, "the message names the id and the field", p.stderr)

    # --- errors ------------------------------------------------------------------------------------------
    p = e2e.run_cli(["print", gpkg, "--layer", "balance_blocks", "--area", "FB08", "--out", pdf])
    c.exit_code(p, e2e.EXIT_OUTPUT, "an existing map is not replaced without --overwrite")
    p = e2e.run_cli(["print", gpkg, "--layer", "no_such_layer", "--out", os.path.join(tmp, "x.pdf")])
    c.exit_code(p, e2e.EXIT_CONFIG, "an unknown layer")
    c.check("balance_blocks" in p.stderr, "the message lists the layers there are", p.stderr)
    p = e2e.run_cli(["print", gpkg, "--layer", "balance_blocks", "--area", "XX99", "--out", os.path.join(tmp, "x.pdf")])
    c.exit_code(p, e2e.EXIT_CONFIG, "an unknown area code")
    p = e2e.run_cli(["atlas", gpkg, "--layer", "balance_blocks", "--wijk", "FB", "--out", os.path.join(tmp, "x.png")])
    c.exit_code(p, e2e.EXIT_CONFIG, "an atlas needs a PDF (a PNG holds one page)")
    c.check(not any(n.startswith(".") for n in os.listdir(tmp)), "no temporary files are left behind", str(os.listdir(tmp)))
    p = e2e.run_cli(["print", e2e.sample_path("geuzenveld_gebieden.gpkg"), "--layer", "balance_buurten", "--out", os.path.join(tmp, "x.pdf")])
    c.exit_code(p, e2e.EXIT_INPUT, "a GeoPackage not written by run")
    p = e2e.run_cli(["print", gpkg, "--out", os.path.join(tmp, "x.pdf")])
    c.exit_code(p, e2e.EXIT_USAGE, "print without --layer")


if __name__ == "__main__":
    e2e.main("print, basemap and atlas: printed maps read back", body)
