#!/usr/bin/python3
"""Nothing lost (issue 8): a run killed with SIGKILL while writing leaves the previous output intact and
no half-written file under the output's name; the next run cleans up and succeeds. A run stopped with
SIGINT, SIGTERM or SIGHUP cleans up itself. Inputs never change.

A synthetic city (tests/e2e/synthetic_city.py; 400 blocks, 150,000 points) makes the write take long
enough to be caught in the middle: the test waits until the hidden temporary file is growing, then kills.
"""
import glob
import os
import signal
import subprocess
import time

import e2e_common as e

GEN_CITY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "synthetic_city.py")


def city_flags(city):
    return ["--area", f"block={city},layer=bouwblokken,code=block_id,parent=buurt_code",
            "--area", f"buurt={city},layer=buurten,code=buurt_code,parent=wijk_code",
            "--area", f"wijk={city},layer=wijken,code=wijk_code",
            "--streets", f"{city},layer=straten,name=naam",
            "--observations", f"{city},layer=observations,fields.theme=theme,fields.valence=valence,fields.source=source"]


def body(c):
    tmp = e.fresh_tmp("atomic_kill")
    city = os.path.join(tmp, "city.gpkg")
    gen = subprocess.run(["/usr/bin/python3", GEN_CITY, "--blocks", "400", "--points", "150000", "--seed", "3", "-o", city],
                         capture_output=True, text=True, timeout=300)
    c.check(gen.returncode == 0, "synthetic city generated", gen.stderr[-2000:])
    city_hash = e.sha256(city)
    out = os.path.join(tmp, "out", "city.gpkg")
    first = e.run_cli(["run", *city_flags(city), "--out", out, "--quiet"], timeout=600)
    c.exit_code(first, 0, "first run writes the output")
    before = e.sha256(out)
    features_before = e.count_features(out, "observations")

    proc = subprocess.Popen([e.BUURTBALANS, "run", *city_flags(city), "--out", out, "--overwrite", "--quiet"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    temp_pattern = os.path.join(os.path.dirname(out), f".city.gpkg.tmp-{proc.pid}")
    deadline = time.time() + 120
    killed_while_writing = False
    while time.time() < deadline and proc.poll() is None:
        if os.path.exists(temp_pattern) and os.path.getsize(temp_pattern) > 2_000_000:
            os.kill(proc.pid, signal.SIGKILL)
            killed_while_writing = True
            break
        time.sleep(0.02)
    proc.wait()
    c.check(killed_while_writing, "the second run was killed while its temporary file was being written")
    c.equal(proc.returncode, -signal.SIGKILL, "the second run died of SIGKILL")
    c.equal(e.sha256(out), before, "the previous output is byte for byte unchanged")
    c.equal(e.count_features(out, "observations"), features_before, "the previous output still opens with all its observations")
    leftovers = glob.glob(os.path.join(os.path.dirname(out), ".city.gpkg.tmp-*"))
    c.check(all(os.path.basename(p).startswith(".") for p in leftovers), "what the killed run left is a hidden temporary, not the output", leftovers)

    third = e.run_cli(["run", *city_flags(city), "--out", out, "--overwrite", "--quiet"], timeout=600)
    c.exit_code(third, 0, "the next run succeeds")
    c.equal(glob.glob(os.path.join(os.path.dirname(out), ".city.gpkg.tmp-*")), [], "and removes the killed run's temporary files")

    # Ctrl-C, a scheduler's SIGTERM, a closed terminal's SIGHUP: the run stops at the next feature,
    # removes its temporary file itself and says so, with the shell's exit code for that signal.
    after = e.sha256(out)
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        name = signal.Signals(sig).name
        proc = subprocess.Popen([e.BUURTBALANS, "run", *city_flags(city), "--out", out, "--overwrite", "--quiet"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        temp = os.path.join(os.path.dirname(out), f".city.gpkg.tmp-{proc.pid}")
        deadline = time.time() + 120
        sent = False
        while time.time() < deadline and proc.poll() is None:
            if os.path.exists(temp) and os.path.getsize(temp) > 2_000_000:
                os.kill(proc.pid, sig)
                sent = True
                break
            time.sleep(0.02)
        _, err = proc.communicate(timeout=120)
        c.check(sent, f"{name}: sent while the temporary file was being written")
        c.equal(proc.returncode, 128 + sig, f"{name}: exit code 128 + {int(sig)}")
        c.check(f"interrupted by signal {int(sig)}" in err and "nothing was written" in err, f"{name}: says it stopped and wrote nothing", err)
        c.equal(glob.glob(os.path.join(os.path.dirname(out), ".city.gpkg.tmp-*")), [], f"{name}: no temporary file is left")
        c.equal(e.sha256(out), after, f"{name}: the previous output is byte for byte unchanged")
    c.equal(e.sha256(city), city_hash, "the input GeoPackage was never written to")


e.main("A killed run loses nothing", body)
