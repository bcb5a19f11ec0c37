#!/usr/bin/env bash
# Paired benchmark of `pyguide check` against ruff on the same trees (issue
# 12). Both tools run alternately in one loop, so a load change on a shared
# machine hits both; the ratio of the medians is the figure to quote.
#
#   benches/check-vs-ruff.sh                 # 5 rounds, release build
#   RUNS=9 benches/check-vs-ruff.sh
#   PYGUIDE_BIN=path benches/check-vs-ruff.sh
#   BASELINE_JSON=old.json benches/check-vs-ruff.sh   # findings must be equal
#   BASELINE_BIN=old/pyguide benches/check-vs-ruff.sh # also times that binary
#                                                     # (default rules), in the same rounds
#
# Creates a venv with a pinned ruff (target/bench-venv), fetches Django
# 5.2.8 from PyPI (target/bench-corpus/django-5.2.8) and, when present,
# checks wagtail 8.0.1 from ../shared/realcode (target/realcode or
# /work/realcode; set WAGTAIL to its folder). Needs the network on the first
# run, so it is not part of `cargo test`. Prints per command the median
# wall and CPU (user + system of the child) and the ratio to ruff, the load
# average it ran at, and writes `pyguide check --hints --format json` of the
# Django tree to target/bench-corpus/django-findings.json; with
# BASELINE_JSON, exits 1 when those findings differ from the baseline's.
#
# The detectors' own overhead over a bare tree-sitter parse (single thread,
# CPU) comes from `cargo bench --bench detect` (its first line of figures).
set -euo pipefail
cd "$(dirname "$0")/.."
RUFF_VERSION=${RUFF_VERSION:-0.17.5}
RUNS=${RUNS:-5}
if [[ -z "${PYGUIDE_BIN:-}" ]]; then
  cargo build --release --locked --quiet
  PYGUIDE_BIN=target/release/pyguide
fi
venv=target/bench-venv
if [[ ! -x "$venv/bin/ruff" ]] || [[ "$("$venv/bin/ruff" --version)" != "ruff $RUFF_VERSION" ]]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet "ruff==$RUFF_VERSION"
fi
corpus=target/bench-corpus/django-5.2.8
if [[ ! -d "$corpus/django" ]]; then
  mkdir -p "$corpus"
  python3 -m pip download --quiet --no-deps --dest "$corpus" django==5.2.8
  python3 -m zipfile -e "$corpus"/django-5.2.8-py3-none-any.whl "$corpus"
fi
wagtail=
for candidate in ${WAGTAIL:-} target/realcode/wagtail /work/realcode/wagtail; do
  if [[ -z "$wagtail" && -d "$candidate" ]]; then wagtail=$candidate; fi
done

python3 - "$PYGUIDE_BIN" "$venv/bin/ruff" "$RUNS" "$corpus/django" "${wagtail:-}" "${BASELINE_JSON:-}" "${BASELINE_BIN:-}" <<'EOF'
import json, os, resource, statistics, subprocess, sys, time

pyguide, ruff, runs, django, wagtail, baseline, baseline_bin = sys.argv[1:8]
runs = int(runs)
RUFF_RULES = ["--select", "F632,E711,E712,ASYNC,DJ"]

def timed(cmd):
    """Wall and CPU seconds (user + system) of one run of `cmd`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        sys.exit(f"{' '.join(cmd)} exited {done.returncode}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu

def paired(tree, commands):
    """Alternates the commands `runs` times; medians of wall and CPU."""
    samples = {name: [] for name, _ in commands}
    for _ in range(runs):
        for name, cmd in commands:
            samples[name].append(timed(cmd))
    return {
        name: (statistics.median(w for w, _ in s), statistics.median(c for _, c in s))
        for name, s in samples.items()
    }

def report(title, tree, commands):
    files = sum(f.endswith(".py") for _, _, fs in os.walk(tree) for f in fs)
    print(f"{title}: {tree} ({files} .py files), {runs} paired rounds, load {os.getloadavg()[0]:.2f} at start")
    medians = paired(tree, commands)
    print(f"  load {os.getloadavg()[0]:.2f} at end")
    ruff_wall, ruff_cpu = medians["ruff"]
    for name, (wall, cpu) in medians.items():
        ratio = "" if name == "ruff" else f"   wall {wall / ruff_wall:.2f}x ruff, CPU {cpu / ruff_cpu:.2f}x ruff"
        print(f"  {name:<22} wall {wall * 1000:7.0f} ms   CPU {cpu * 1000:7.0f} ms{ratio}")

ruff_cmd = lambda tree: [ruff, "check", "--no-cache", "--isolated", *RUFF_RULES, "--quiet", tree]
baseline_cmd = lambda tree: [("baseline check", [baseline_bin, "check", tree])] if baseline_bin else []
report("Django 5.2.8", django, [
    ("pyguide check", [pyguide, "check", django]),
    ("ruff", ruff_cmd(django)),
    ("pyguide check --hints", [pyguide, "check", "--hints", django]),
    *baseline_cmd(django),
])
if wagtail:
    report("wagtail", wagtail, [
        ("pyguide check", [pyguide, "check", wagtail]),
        ("ruff", ruff_cmd(wagtail)),
        ("pyguide check --hints", [pyguide, "check", "--hints", wagtail]),
        *baseline_cmd(wagtail),
    ])
else:
    print("wagtail: not found (run ../shared/realcode/fetch.sh target/realcode) - skipped")

out = subprocess.run([pyguide, "check", "--hints", "--format", "json", django],
                     capture_output=True, text=True).stdout
path = os.path.join(os.path.dirname(django), "..", "django-findings.json")
with open(path, "w") as f:
    f.write(out)
findings = json.loads(out)
print(f"findings (--hints, JSON): {len(findings)} in {path}")
if baseline:
    with open(baseline) as f:
        old = json.load(f)
    strip = lambda fs: [{**x, "path": os.path.relpath(x["path"], django)} for x in fs]
    if strip(old) != strip(findings):
        sys.exit(f"findings differ from {baseline}: {len(old)} before, {len(findings)} now")
    print(f"findings identical to {baseline}")
EOF
