#!/usr/bin/python3
"""The hostile input corpus (issue 8): every case of tests/hostile/cases.toml against the real command.

The corpus is made fresh by tests/hostile/make_corpus.py into TEST_TMP/hostile/corpus, with the address of
a local HTTP server written into the files that point at the network; the server fails the test when
anything asks it for something. Each case runs with a 30 s timeout (times E2E_TIME_FACTOR under the
sanitizers), and besides what the case itself expects (exit code, message, report, output) every case
must: not hang, not die of a signal, never exit 10 or say "internal error", leave the corpus unchanged,
fetch nothing, and on failure leave no output and no hidden temporary file behind.
"""
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import tomllib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_common as e2e  # noqa: E402

HOSTILE = os.path.join(e2e.REPO, "tests", "hostile")
TIME_FACTOR = int(os.environ.get("E2E_TIME_FACTOR", "1"))  # > 1 under the sanitizers (tests/CMakeLists.txt)
TIMEOUT_S = 30 * TIME_FACTOR
EXIT_INTERNAL = 10
DURATIONS = {}  # case id -> seconds, so a log shows which case came near its timeout


class Recorder(http.server.BaseHTTPRequestHandler):
    """Answers 404 to everything and remembers what was asked."""
    hits = []

    def do_GET(self):  # noqa: N802 - the http.server API
        Recorder.hits.append(f"{self.command} {self.path}")
        self.send_response(404)
        self.end_headers()

    do_HEAD = do_GET
    do_POST = do_GET

    def log_message(self, *_args):
        pass


def start_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def expand(value, subst):
    for k, v in subst.items():
        value = value.replace("{" + k + "}", v)
    return value


def expand_args(args, presets, subst):
    out = []
    for a in args:
        if a.startswith("@"):
            out += [expand(p, subst) for p in presets[a[1:]]]
        else:
            out.append(expand(a, subst))
    return out


def listing(folder):
    """Every file and folder under `folder` (hidden ones too), relative."""
    out = set()
    for root, dirs, files in os.walk(folder):
        for n in dirs + files:
            out.add(os.path.relpath(os.path.join(root, n), folder))
    return out


def report_inputs(report):
    return report.get("inputs", [])


def ids_in(report, key):
    return {n["id"] for i in report_inputs(report) for n in i.get(key, [])}


def layer_values(path, layer, field):
    from osgeo import ogr
    ds = ogr.Open(path)
    lyr = ds.GetLayerByName(layer)
    if lyr is None:
        return None
    idx = lyr.GetLayerDefn().GetFieldIndex(field)
    if idx < 0:
        return None
    return [f.GetFieldAsString(idx) if f.IsFieldSetAndNotNull(idx) else None for f in lyr]


def layer_count(path, layer):
    from osgeo import ogr
    ds = ogr.Open(path)
    lyr = ds.GetLayerByName(layer)
    return None if lyr is None else sum(1 for _ in lyr)


class KnownFailure:
    """Stands in for the Checker in a case marked xfail: failed checks are printed as "xfail", not counted."""

    def __init__(self, checker):
        self.checker = checker
        self.failures = []

    def check(self, ok, what, detail=""):
        if ok:
            return self.checker.check(True, what)
        self.failures.append(what)
        print(f"  xfail {what}")
        return False

    def equal(self, actual, expected, what):
        return self.check(actual == expected, f"{what}: {actual!r} == {expected!r}")

    def note(self, text):
        self.checker.note(text)


def case_timeout(case):
    return case.get("timeout", 30) * TIME_FACTOR


def run_case(checker, case, presets, subst, corpus_hashes, root):
    c = KnownFailure(checker) if case.get("xfail") else checker
    cid = case["id"]
    out_dir = e2e.fresh_tmp(os.path.join("hostile", "out", cid))
    subst = dict(subst, out=out_dir)
    if "mkdir" in case:
        os.makedirs(expand(case["mkdir"], subst), exist_ok=True)
    args = expand_args(case["args"], presets, subst)
    out_before = listing(out_dir)
    root_before = listing(root) - {p for p in listing(root) if p.startswith("out" + os.sep) or p == "out"}
    hits_before = len(Recorder.hits)
    xfail = case.get("xfail")
    started = time.monotonic()
    try:
        proc = subprocess.run([e2e.BUURTBALANS] + args, capture_output=True, text=True, errors="replace",
                              timeout=case_timeout(case), cwd=out_dir)
    except subprocess.TimeoutExpired:
        seconds = case_timeout(case)
        shutil.rmtree(out_dir, ignore_errors=True)  # a killed run leaves its (large) temporary file
        if xfail:
            c.note(f"{cid}: known failure (timed out after {seconds} s): {xfail}")
            return
        c.check(False, f"{cid}: finishes within {seconds} s (a hang is a failure)", " ".join(args))
        return
    DURATIONS[cid] = time.monotonic() - started
    text = proc.stdout + proc.stderr
    tag = f"{cid}"
    ok_signal = c.check(proc.returncode >= 0, f"{tag}: no crash (signal {-proc.returncode if proc.returncode < 0 else 0})", proc.stderr[-2000:])
    c.check(proc.returncode != EXIT_INTERNAL and "internal error" not in proc.stderr, f"{tag}: no internal error (exit 10)", proc.stderr[-2000:])
    c.check(proc.returncode == case["exit"], f"{tag}: exit code {proc.returncode} == {case['exit']}",
            f"args: {' '.join(args)}\nstderr: {proc.stderr[-2000:]}\nstdout: {proc.stdout[-1500:]}")
    for want in case.get("contains", []):
        want = expand(want, subst)
        c.check(want in text, f"{tag}: message/report contains {want!r}", f"stderr: {proc.stderr[-1500:]}\nstdout: {proc.stdout[-1500:]}")
    # Messages come from the engine, with file and layer: GDAL's own lines on the terminal mean an
    # error went around the engine's error handling.
    raw = [l for l in proc.stderr.splitlines() if re.match(r"^(ERROR \d+|Warning \d+):", l)]
    c.check(not raw, f"{tag}: no raw GDAL messages on standard error", "\n".join(raw[:5]))

    json_keys = [k for k in case if k.startswith("json_")]
    if json_keys and proc.returncode == 0:
        try:
            report = json.loads(proc.stdout)
        except ValueError as err:
            c.check(False, f"{tag}: --json prints JSON", f"{err}: {proc.stdout[:500]}")
            report = {}
        for i in case.get("json_repaired", []):
            c.check(i in ids_in(report, "repaired"), f"{tag}: report lists {i!r} as repaired", json.dumps([x.get("repaired") for x in report_inputs(report)])[:1500])
        for i in case.get("json_skipped", []):
            c.check(i in ids_in(report, "skipped"), f"{tag}: report lists {i!r} as skipped", json.dumps([x.get("skipped") for x in report_inputs(report)])[:1500])
        counts = report.get("counts", {})
        for k, v in case.get("json_counts", {}).items():
            c.equal(counts.get(k), v, f"{tag}: report count {k}")
        kinds = {p["kind"] for p in report.get("hierarchy_problems", [])}
        for k in case.get("json_hierarchy", []):
            c.check(k in kinds, f"{tag}: hierarchy problem {k!r} reported", str(sorted(kinds)))

    out_after = listing(out_dir)
    if proc.returncode != 0:
        c.check(out_after == out_before, f"{tag}: failed run leaves its output folder as it was (no output, no hidden temporary)",
                str(sorted(out_after - out_before)))
    if "output" in case and proc.returncode == 0:
        path = os.path.normpath(expand(case["output"], subst))
        if c.check(os.path.isfile(path), f"{tag}: wrote {os.path.basename(path)}"):
            folder = os.path.dirname(path)
            hidden = [n for n in os.listdir(folder) if n.startswith(".") and ".tmp" in n]
            c.check(not hidden, f"{tag}: no hidden temporary file left beside the output", str(hidden))
            for layer, n in case.get("rows", {}).items():
                c.equal(layer_count(path, layer), n, f"{tag}: {layer} has {n} rows")
            for layer, field, value in case.get("values", []):
                values = layer_values(path, layer, field)
                c.check(values is not None and value in values, f"{tag}: {layer}.{field} holds {value!r}", str(values)[:800])
            if not path.startswith(out_dir):
                os.remove(path)
    # Nothing appears outside the case's output folder, apart from an output the case names.
    root_after = listing(root) - {p for p in listing(root) if p.startswith("out" + os.sep) or p == "out"}
    c.check(root_after == root_before, f"{tag}: nothing written outside its output folder", str(sorted(root_after ^ root_before))[:800])
    changed = [p for p, h in corpus_hashes.items() if not os.path.exists(os.path.join(subst["corpus"], p))
               or e2e.sha256(os.path.join(subst["corpus"], p)) != h]
    c.check(not changed, f"{tag}: inputs unchanged", str(changed))
    c.check(len(Recorder.hits) == hits_before, f"{tag}: nothing fetched from the network", "\n".join(Recorder.hits[hits_before:]))

    then = case.get("then")
    if then and ok_signal and proc.returncode == 0:
        targs = expand_args(then["args"], presets, subst)
        p2 = subprocess.run([e2e.BUURTBALANS] + targs, capture_output=True, text=True, timeout=TIMEOUT_S, cwd=out_dir)
        c.check(p2.returncode == then.get("exit", 0), f"{tag}: then {' '.join(then['args'][:1])}: exit code {p2.returncode}", p2.stderr[-1500:])
        for want in then.get("contains", []):
            c.check(want in p2.stdout, f"{tag}: then: output contains {want!r}", p2.stdout[-1500:])
        for pattern in then.get("not_regex", []):
            bad = [l for l in p2.stdout.splitlines() if re.search(pattern, l)]
            c.check(not bad, f"{tag}: then: no line matches {pattern!r}", "\n".join(bad[:5]))
    if xfail:
        if c.failures:
            checker.note(f"{cid}: known failure: {xfail}")
        else:
            checker.check(False, f"{cid}: marked xfail but passes: remove the xfail from cases.toml")


def body(c):
    with open(os.path.join(HOSTILE, "cases.toml"), "rb") as f:
        spec = tomllib.load(f)
    cases = spec["case"]
    c.check(len(cases) >= 40, f"the corpus has at least 40 cases ({len(cases)})")
    ids = [k["id"] for k in cases]
    c.check(len(ids) == len(set(ids)), "case ids are unique")

    server, http_base = start_server()
    root = e2e.fresh_tmp("hostile")
    corpus = os.path.join(root, "corpus")
    gen = subprocess.run(["/usr/bin/python3", os.path.join(HOSTILE, "make_corpus.py"), corpus, "--http", http_base],
                         capture_output=True, text=True, timeout=300)
    if not c.check(gen.returncode == 0, "make_corpus.py writes the corpus", gen.stderr[-2000:]):
        return
    c.note(gen.stdout.strip())
    for case in cases:
        for name in [n.strip().split(" ")[0] for n in case.get("input", "").split(",")]:
            if name and "." in name and "\\" not in name and not name.endswith("/"):
                c.check(os.path.exists(os.path.join(corpus, name)), f"{case['id']}: corpus file {name} exists")
    corpus_hashes = {os.path.relpath(os.path.join(r, n), corpus): e2e.sha256(os.path.join(r, n))
                     for r, _d, files in os.walk(corpus) for n in files}
    # A file name that is not UTF-8: passed to the command as the same bytes (surrogate escapes).
    subst = {"corpus": corpus, "http": http_base, "latin1_name": os.fsdecode(b"obs_caf\xe9.csv")}
    selected = set(sys.argv[1:])
    for case in cases:
        if selected and case["id"] not in selected:
            continue
        run_case(c, case, spec["presets"], subst, corpus_hashes, root)
    server.shutdown()
    slowest = sorted(DURATIONS.items(), key=lambda kv: -kv[1])[:5]
    c.note("slowest cases: " + ", ".join(f"{k} {v:.1f} s" for k, v in slowest))
    c.check(not Recorder.hits, "the local server was asked for nothing during the whole corpus", "\n".join(Recorder.hits))


if __name__ == "__main__":
    e2e.main("hostile input corpus (tests/hostile/cases.toml)", body)
