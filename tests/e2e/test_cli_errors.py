#!/usr/bin/python3
"""The command's exit codes and error messages (0 ok, 2 usage, 3 project, 4 input, 5 output).

Broken project files are written into a fresh temp folder: copies of the sample project with absolute
input paths and one deliberate fault each; the expected line numbers and field lists are taken from
those files and from the inputs themselves (json module), not from the engine.
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_common as e2e  # noqa: E402


def sample_toml_lines():
    """The sample project file, with every `source = "..."` made absolute (so copies work anywhere)."""
    with open(e2e.PROJECT_FILE, encoding="utf-8") as f:
        lines = f.read().splitlines()
    out, table = [], ""
    for line in lines:
        if line.startswith("["):
            table = line.strip("[] ")
        # Only the input tables' `source` is a path; [observations.fields] has a `source` role too.
        m = re.match(r'^(source\s*=\s*")([^"]+)"(.*)$', line)
        if m and table.split(".")[0] in ("areas", "streets", "observations", "indicators") and not table.endswith(("fields", "values")) \
                and ".values." not in table:
            line = m.group(1) + os.path.join(e2e.SAMPLE_DATA, m.group(2)) + '"' + m.group(3)
        out.append(line)
    return out


def table_span(lines, header, nth=0):
    """(first line index after `header`, end index) of the nth table with that header."""
    starts = [i for i, l in enumerate(lines) if l.strip() == header]
    start = starts[nth] + 1
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("[")), len(lines))
    return start, end


def write(tmp, name, lines):
    path = os.path.join(tmp, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    return path


def no_stdout(c, proc, what):
    c.check(proc.stdout.strip() == "", f"{what}: nothing on standard output (the message goes to standard error)",
            f"stdout: {proc.stdout[:500]}")


def body(c):
    tmp = e2e.fresh_tmp("cli_errors")
    base = sample_toml_lines()
    c.check(any(l.strip() == "[areas.buurt]" for l in base), "the sample project has an [areas.buurt] table")

    # --- usage errors: 2 ----------------------------------------------------------------------------
    p = e2e.run_cli([], cwd=tmp)
    c.exit_code(p, 2, "no arguments")
    c.check("Usage" in p.stdout + p.stderr, "no arguments: prints the usage")
    p = e2e.run_cli(["frobnicate"], cwd=tmp)
    c.exit_code(p, 2, "unknown command")
    c.check("frobnicate" in p.stderr, f"unknown command: message names it: {p.stderr.strip()!r}")
    no_stdout(c, p, "unknown command")
    for cmd in ("validate", "run"):
        p = e2e.run_cli([cmd, e2e.PROJECT_FILE, "--no-such-option"], cwd=tmp)
        c.exit_code(p, 2, f"{cmd}: unknown option")
        c.check("--no-such-option" in p.stderr, f"{cmd}: unknown option: message names it: {p.stderr.strip()!r}")
    p = e2e.run_cli(["validate", e2e.PROJECT_FILE, "--threads", "many"], cwd=tmp)
    c.exit_code(p, 2, "--threads with a non-number")
    p = e2e.run_cli(["run", e2e.PROJECT_FILE, "--out"], cwd=tmp)
    c.exit_code(p, 2, "--out without a value")
    p = e2e.run_cli(["validate", e2e.PROJECT_FILE, e2e.PROJECT_FILE], cwd=tmp)
    c.exit_code(p, 2, "two project files")

    # --- project errors: 3 --------------------------------------------------------------------------
    start, end = table_span(base, "[areas.buurt]")
    lines = base[:start] + ['colour = "red"'] + base[start:]
    bad_key_line = start + 1  # 1-based line number of the inserted key
    path = write(tmp, "unknown_key.toml", lines)
    p = e2e.run_cli(["validate", path], cwd=tmp)
    c.exit_code(p, 3, "project file with an unknown key")
    c.check("unknown_key.toml" in p.stderr, f"message names the file: {p.stderr.strip()!r}")
    c.check("colour" in p.stderr, "message names the key 'colour'")
    c.check(re.search(rf"\bline {bad_key_line}\b", p.stderr) is not None, f"message names the line ({bad_key_line})")
    no_stdout(c, p, "unknown key")

    lines = ['nmae = "typo"'] + base
    path = write(tmp, "unknown_top_key.toml", lines)
    p = e2e.run_cli(["run", path, "--out", os.path.join(tmp, "never.gpkg")], cwd=tmp)
    c.exit_code(p, 3, "project file with an unknown top-level key (run)")
    c.check("unknown_top_key.toml" in p.stderr and "nmae" in p.stderr and re.search(r"\bline 1\b", p.stderr),
            f"message names the file, the key 'nmae' and line 1: {p.stderr.strip()!r}")
    c.check(not os.path.exists(os.path.join(tmp, "never.gpkg")), "nothing written after a project error")

    p = e2e.run_cli(["validate", os.path.join(tmp, "does_not_exist.toml")], cwd=tmp)
    c.exit_code(p, 3, "project file that does not exist")
    c.check("does_not_exist.toml" in p.stderr, "message names the missing project file")

    flags = e2e.sample_flags()
    p = e2e.run_cli(["run"] + flags, cwd=tmp)
    c.exit_code(p, 3, "run with flags only and no --out (no output given)")

    # --- input errors: 4 ----------------------------------------------------------------------------
    # An observations source without a field the project maps (theme -> 'thema_x').
    r1_start, r1_end = table_span(base, "[observations.fields]", 0)
    lines = list(base)
    for i in range(r1_start, r1_end):
        if lines[i].startswith("theme"):
            lines[i] = 'theme = "thema_x"'
    path = write(tmp, "missing_field.toml", lines)
    geojson = os.path.join(e2e.SAMPLE_DATA, "waarnemingen_ronde1.geojson")
    p = e2e.run_cli(["validate", path], cwd=tmp)
    c.exit_code(p, 4, "observations source without a mapped field")
    msg = p.stderr
    feats = e2e.read_geojson_features(geojson)
    props = sorted({k for f in feats for k in f["properties"]})
    c.check("waarnemingen_ronde1.geojson" in msg, f"message names the file: {msg.strip()!r}")
    c.check("waarnemingen_ronde1" in msg.replace("waarnemingen_ronde1.geojson", ""), "message names the layer")
    c.check("thema_x" in msg, "message names the missing field")
    missing = [k for k in props if not re.search(rf"\b{re.escape(k)}\b", msg.split("thema_x", 1)[-1])]
    c.check(not missing, f"message lists the fields that exist ({', '.join(props)})", f"not listed: {missing}")

    # The same through flags.
    p = e2e.run_cli(["validate", "--area", f"buurt={e2e.sample_path('geuzenveld_gebieden.gpkg')},layer=buurten,code=code",
                     "--observations", f"{geojson},fields.valence=waardering"], cwd=tmp)
    c.exit_code(p, 4, "flags: observations source without a mapped field")
    c.check("waardering" in p.stderr and "soort" in p.stderr, f"flags: message names the field and lists 'soort': {p.stderr.strip()!r}")

    # A CSV observations input without crs.
    r2_start, r2_end = table_span(base, "[[observations]]", 1)
    lines = [l for i, l in enumerate(base) if not (r2_start <= i < r2_end and l.startswith("crs"))]
    c.check(len(lines) == len(base) - 1, "(setup) removed the crs line of the CSV observations table")
    path = write(tmp, "csv_without_crs.toml", lines)
    p = e2e.run_cli(["validate", path], cwd=tmp)
    c.exit_code(p, 4, "CSV observations without crs")
    c.check("no CRS" in p.stderr, f"message mentions 'no CRS': {p.stderr.strip()!r}")
    c.check("waarnemingen_ronde2.csv" in p.stderr, "message names the CSV file")

    # Non-existent input files: observations, and an area level.
    missing_obs = os.path.join(tmp, "geen_waarnemingen.geojson")
    lines = [l.replace(os.path.join(e2e.SAMPLE_DATA, "waarnemingen_ronde1.geojson"), missing_obs) for l in base]
    path = write(tmp, "missing_input.toml", lines)
    p = e2e.run_cli(["validate", path], cwd=tmp)
    c.exit_code(p, 4, "non-existent observations file")
    c.check("geen_waarnemingen.geojson" in p.stderr, f"message names the file: {p.stderr.strip()!r}")
    missing_area = os.path.join(tmp, "geen_gebieden.gpkg")
    p = e2e.run_cli(["run", "--area", f"buurt={missing_area},layer=buurten,code=code", "--observations", geojson,
                     "--out", os.path.join(tmp, "never.gpkg")], cwd=tmp)
    c.exit_code(p, 4, "non-existent area file (run)")
    c.check("geen_gebieden.gpkg" in p.stderr, f"message names the file: {p.stderr.strip()!r}")
    c.check(not os.path.exists(os.path.join(tmp, "never.gpkg")), "nothing written after an input error")

    # --- version and help ---------------------------------------------------------------------------
    with open(os.path.join(e2e.REPO, "CMakeLists.txt"), encoding="utf-8") as f:
        m = re.search(r"project\(\s*buurtbalans\s+VERSION\s+([0-9.]+)", f.read())
    version = m.group(1) if m else None
    p = e2e.run_cli(["--version"], cwd=tmp)
    c.exit_code(p, 0, "--version")
    c.equal(p.stdout.strip(), f"buurtbalans {version}", "--version prints the version of CMakeLists.txt's project()")
    for args, needle in ((["--help"], "Usage"), (["-h"], "Usage"), (["help"], "Usage"), (["validate", "--help"], "validate"),
                         (["run", "--help"], "--out"), (["run", "-h"], "--overwrite"), (["validate", "-h"], "--json")):
        p = e2e.run_cli(args, cwd=tmp)
        c.check(p.returncode == 0 and needle in p.stdout, f"{' '.join(args)}: exit 0 and the help names {needle!r}",
                f"exit {p.returncode}, stdout {p.stdout[:300]!r}, stderr {p.stderr[:300]!r}")

    left = sorted(n for n in os.listdir(tmp) if not n.endswith(".toml"))
    c.equal(left, [], "no outputs or temporary files left by the failing commands")


if __name__ == "__main__":
    e2e.main("command line: exit codes and messages", body)
