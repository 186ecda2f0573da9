#!/usr/bin/env python3
"""readme-figures.py -- the figures of README.md that vmcslint itself can count, computed.

Usage:
    scripts/readme-figures.py [--check] [--vmcslint BIN] [--readme FILE]

Each figure lives in README.md between two markers,
    <!-- figures:NAME -->...<!-- /figures:NAME -->
on one line (a phrase inside a sentence) or around whole lines (a table).  The script asks
BIN (default build/vmcslint) for the facts -- `fields --format json`, `caps list --format
json`, `matrix --format json examples/*.yaml` -- and rewrites what stands between each pair of
markers.  With --check it writes nothing and exits 1, showing the difference, when README.md
is not what it would write (`make test` runs it so).  Other text, the differential-test
figures included, is left alone.  Python 3 standard library only.
"""

import argparse
import difflib
import glob
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_json(binary, *args):
    """vmcslint's JSON output; exit status 1 (findings) is an answer, not an error."""
    p = subprocess.run([binary, *args], cwd=ROOT, capture_output=True, text=True)
    if p.returncode not in (0, 1):
        sys.exit("readme-figures: %s %s failed (%d): %s"
                 % (binary, " ".join(args), p.returncode, p.stderr.strip()))
    return json.loads(p.stdout)


def plural(n, one, many):
    return "%d %s" % (n, one if n == 1 else many)


def fields_figures(fields):
    rows = fields["fields"]
    sdm = sum(1 for f in rows if f["origin"] == "SDM")
    fred = sum(1 for f in rows if f["origin"] == "FRED")
    encodings = len(rows) + sum(1 for f in rows if f["width"] == "64-bit")
    return {"fields": "%d SDM fields and %d FRED fields (%d encodings with the high halves)"
                      % (sdm, fred, encodings)}


def capsdb_figures(caps):
    entries = caps["entries"]

    def count(**want):
        return sum(1 for e in entries if all(e.get(k) == v for k, v in want.items()))

    real, emu, virt = count(kind="real"), count(kind="emulator"), count(kind="virtualized")
    figures = {
        "capsdb": "%s: %d real, %d emulator models and %d virtualized (a hypervisor's view)"
                  % (plural(len(entries), "processor", "processors"), real, emu, virt),
        "capsdb-inferred": plural(count(cpuid="inferred"), "entry has", "entries have"),
    }
    # The same columns as `caps list` (KIND, MSRS, CPUID), counted.
    cpuid_kinds = ["own", "inferred", "signature", "none"]
    lines = ["| kind | entries | MSRs complete | MSRs partial | "
             + " | ".join("CPUID %s" % c for c in cpuid_kinds) + " |",
             "|---|---|---|---|" + "---|" * len(cpuid_kinds)]
    for kind in ("real", "emulator", "virtualized", None):
        sel = [e for e in entries if kind is None or e["kind"] == kind]
        cells = [len(sel),
                 sum(1 for e in sel if e["completeness"] == "complete"),
                 sum(1 for e in sel if e["completeness"] == "partial")]
        cells += [sum(1 for e in sel if e["cpuid"] == c) for c in cpuid_kinds]
        lines.append("| %s | %s |" % (kind or "all", " | ".join(str(c) for c in cells)))
    figures["capsdb-table"] = "\n".join(lines)
    return figures


def matrix_figures(matrix):
    files = matrix["files"]
    n = len(files[0]["results"]) if files else 0
    lines = ["| configuration | enters | fails | processor-dependent | undecided |",
             "|---|---|---|---|---|"]
    figures = {}
    for f in files:
        lines.append("| `%s` | %d | %d | %d | %d |" % (f["file"], f["success"], f["fail"],
                                                    f["processor_dependent"], f["undecided"]))
        if f["name"] == "valid-long-mode.yaml":
            figures["matrix-valid"] = ("`valid-long-mode.yaml` enters on %d of %d, fails on %d "
                                       "and is undecided on %d"
                                       % (f["success"], n, f["fail"], f["undecided"]))
    lines.append("")
    lines.append("(on the %s of the capsdb; `make readme-figures` writes this table)"
                 % plural(n, "entry", "entries"))
    figures["matrix"] = "\n".join(lines)
    return figures


MARKER = re.compile(r"<!-- figures:([a-z0-9-]+) -->(.*?)<!-- /figures:\1 -->", re.S)


def rewrite(text, figures):
    seen = set()

    def repl(m):
        name, old = m.group(1), m.group(2)
        if name not in figures:
            sys.exit("readme-figures: README.md has a region 'figures:%s' this script does not "
                     "compute" % name)
        seen.add(name)
        new = figures[name]
        if old.startswith("\n"):  # a block: the markers stand on lines of their own
            new = "\n" + new + "\n"
        return "<!-- figures:%s -->%s<!-- /figures:%s -->" % (name, new, name)

    out = MARKER.sub(repl, text)
    missing = sorted(set(figures) - seen)
    if missing:
        sys.exit("readme-figures: README.md lacks the regions %s"
                 % ", ".join("figures:" + m for m in missing))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true",
                    help="write nothing; exit 1 when README.md is not current")
    ap.add_argument("--vmcslint", default=os.path.join(ROOT, "build", "vmcslint"))
    ap.add_argument("--readme", default=os.path.join(ROOT, "README.md"))
    args = ap.parse_args()

    examples = sorted(os.path.relpath(p, ROOT)
                      for p in glob.glob(os.path.join(ROOT, "examples", "*.yaml")))
    figures = {}
    figures.update(fields_figures(run_json(args.vmcslint, "fields", "--format", "json")))
    # --capsdb: the tree's entries, not an installed or $VMCSLINT_CAPSDB copy
    capsdb = os.path.join(ROOT, "capsdb", "cpus")
    figures.update(capsdb_figures(run_json(args.vmcslint, "caps", "--capsdb", capsdb, "list",
                                           "--format", "json")))
    figures.update(matrix_figures(run_json(args.vmcslint, "matrix", "--capsdb", capsdb,
                                           "--format", "json", *examples)))
    with open(args.readme, encoding="utf-8") as f:
        old = f.read()
    new = rewrite(old, figures)
    if args.check:
        if new != old:
            sys.stdout.writelines(difflib.unified_diff(
                old.splitlines(True), new.splitlines(True), "README.md", "README.md (computed)"))
            print("readme-figures: README.md's figures are not current: run "
                  "`make readme-figures`", file=sys.stderr)
            return 1
        print("readme-figures: README.md's figures are current")
        return 0
    if new != old:
        with open(args.readme, "w", encoding="utf-8") as f:
            f.write(new)
    return 0


if __name__ == "__main__":
    sys.exit(main())
