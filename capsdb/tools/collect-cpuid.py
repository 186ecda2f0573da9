#!/usr/bin/env python3
"""collect-cpuid.py -- extract the CPUID leaves vmcslint reads from public dumps into
capsdb/sources/cpuid/*.yaml (one excerpt file per dump file, with its link and line numbers).

Developer tool, not part of the build; the importer (import-sources.py) reads only the
excerpts it writes, never the dumps themselves.  Needs Python 3 and PyYAML.

Usage:
    capsdb/tools/collect-cpuid.py --mirrors DIR [--sources DIR] [--out DIR] [--check]

    --mirrors DIR  local git copies of the public repositories, one per repository, laid out
                   as DIR/OWNER+NAME/repo (a bare repository or a clone); the dumps are read
                   with `git show COMMIT:PATH`, the commit and path taken from each link
    --sources DIR  the shared capsdb-sources directory (default /work/shared/capsdb-sources)
    --out DIR      default: capsdb/sources/cpuid next to this tools/ directory
    --check        write nothing; exit 1 when an excerpt would change

Which dumps: every link of every real/*.yaml source file that is a dump with CPUID leaves
(AIDA64 and InstLatx64 CPUID dumps, CPU-Z reports, VMware vmware.log `hostCPUID` lines,
VirtualBox VBox.log `Hst:` lines of the CPUID dump, VirtualBox CPU profiles), plus the
CPU-Z report that Bochs ships next to a linked cpudb model (`MODEL.txt` beside `MODEL.cc`),
plus the extra dumps listed in EXTRA (InstLatx64 dumps of the same processor, or of
the same signature for entries that have no dump of their own).

What is taken: leaves 0, 1, 7.0, 7.1, 0AH, 0DH.0, 0DH.1, 14H.0, 14H.1, 1CH.0, 80000000H,
80000001H, 80000008H, where the dump has them, of the first logical CPU it lists (AIDA64:
logical CPU #0; CPU-Z: CPU thread 0; VMware/VirtualBox: the host).  A sub-leaf is taken only
when the dump says which sub-leaf a line is (AIDA64 `[SL nn]`, `hostCPUID level L, S:`,
VirtualBox `L/SSSS`, profile rows), or, in dumps that repeat a leaf without saying so, when
the repetition can only be that sub-leaf (see sub_from_repeat()).  Nothing else is derived.
"""

import argparse
import glob
import os
import re
import subprocess
import sys

try:
    import yaml
except ImportError:  # pragma: no cover
    sys.exit("collect-cpuid.py: needs PyYAML (Debian: apt-get install python3-yaml)")

MARK = "Written by capsdb/tools/collect-cpuid.py"

# (leaf, sub-leaf) pairs taken from each dump, in output order.
WANTED = [(0, 0), (1, 0), (7, 0), (7, 1), (0xA, 0), (0xD, 0), (0xD, 1), (0x14, 0), (0x14, 1),
          (0x1C, 0), (0x80000000, 0), (0x80000001, 0), (0x80000008, 0)]
# leaves with sub-leaves: the key is "0xL.S"; others "0xL"
SUBLEAF_LEAVES = {7, 0xD, 0x14, 0x1C}

INSTLAT = "https://github.com/InstLatx64/InstLatx64/blob/087af2c7d72c9a6af85a3a079e8fdb878db23ba1/"

# Dumps not linked by the shared sources: own dumps of an entry's processor (same brand
# string and signature) or dumps of the same signature that entries without a dump of their
# own can be inferred from (the importer decides).  Each was read in full before listing.
EXTRA = [
]


def leaf_key(leaf, sub):
    return "0x%x.%d" % (leaf, sub) if leaf in SUBLEAF_LEAVES else "0x%x" % leaf


def url_parse(url):
    m = re.match(r"https://github\.com/([^/]+)/([^/]+)/blob/([0-9a-f]{40})/(.+)$", url)
    if not m:
        return None
    return m.group(1), m.group(2), m.group(3), m.group(4)


def git_show(mirrors, url):
    p = url_parse(url)
    if not p:
        return None
    owner, name, commit, path = p
    base = os.path.join(mirrors, "%s+%s" % (owner, name), "repo")
    if not os.path.isdir(base):
        return None
    r = subprocess.run(["git", "-C", base, "show", "%s:%s" % (commit, path)], capture_output=True)
    if r.returncode != 0:
        return None
    return r.stdout.decode("latin-1")


# ---------------------------------------------------------------------------------------------
# parsers: each returns (format, {(leaf, sub): (regs, line)}) for the first CPU, or None


def sub_from_repeat(leaf, n, first):
    """In dumps that repeat a leaf without naming the sub-leaf: the n-th line (0-based) of a
    leaf is sub-leaf n only where that cannot be wrong for what is taken here: leaf 7 and 14H
    number their sub-leaves 0..EAX of sub-leaf 0 and are dumped in order; leaf 0DH sub-leaf 1
    is accepted only when the line after it is the AVX state component (sub-leaf 2: EAX 100H,
    EBX 240H), which pins the numbering."""
    if n == 0:
        return 0
    if leaf in (7, 0x14) and first is not None and n <= first[0]:
        return n
    return None


def parse_aida(text):
    hdr = re.compile(r"(------\[ Logical CPU #\d+ \]------|CPUID Registers \(CPU #\d+\):?|CPU#\d+ AffMask:[^\n]*)")
    line_re = re.compile(r"^CPUID ([0-9A-Fa-f]{8}): ([0-9A-Fa-f]{8})-([0-9A-Fa-f]{8})-([0-9A-Fa-f]{8})-"
                         r"([0-9A-Fa-f]{8})(?:\s*\[SL (\d+)\])?")
    lines = text.split("\n")
    start = None
    label = None
    for i, l in enumerate(lines):
        if hdr.search(l):
            start, label = i + 1, hdr.search(l).group(1).strip()
            break
        if line_re.match(l.strip()):
            start, label = i, "first CPUID block"
            break
    if start is None:
        return None
    got = {}
    rows = {}
    seen0 = False
    for i in range(start, len(lines)):
        l = lines[i].strip()
        if hdr.search(l):
            break
        m = line_re.match(l)
        if not m:
            continue
        leaf = int(m.group(1), 16)
        if leaf == 0:
            if seen0:
                break  # next CPU of an undivided dump
            seen0 = True
        regs = tuple(int(m.group(k), 16) for k in range(2, 6))
        rows.setdefault(leaf, []).append((regs, i + 1, None if m.group(6) is None else int(m.group(6))))
    for leaf, rs in rows.items():
        marked = any(r[2] is not None for r in rs)
        for n, (regs, ln, sl) in enumerate(rs):
            if marked:
                sub = sl
            else:
                sub = sub_from_repeat(leaf, n, rs[0][0])
                if leaf == 0xD and n == 1 and len(rs) >= 3 and rs[2][0][:2] == (0x100, 0x240):
                    sub = 1
            if sub is not None and (leaf, sub) not in got:
                got[(leaf, sub)] = (regs, ln)
    return ("aida64" if "AIDA64" in text or "EVEREST" in text else "instlatx64-cpuid"), got, label


def parse_cpuz(text):
    lines = text.split("\n")
    start = None
    for i, l in enumerate(lines):
        if l.strip() == "CPU Thread 0":
            start = i
            break
    if start is None:
        return None
    line_re = re.compile(r"^0x([0-9A-Fa-f]{8})\s+0x([0-9A-Fa-f]{8})\s+0x([0-9A-Fa-f]{8})\s+0x([0-9A-Fa-f]{8})\s+0x([0-9A-Fa-f]{8})$")
    rows = {}
    for i in range(start + 1, len(lines)):
        l = lines[i].strip()
        if l.startswith("CPU Thread "):
            break
        m = line_re.match(l)
        if m:
            leaf = int(m.group(1), 16)
            rows.setdefault(leaf, []).append((tuple(int(m.group(k), 16) for k in range(2, 6)), i + 1))
    got = {}
    for leaf, rs in rows.items():
        for n, (regs, ln) in enumerate(rs):
            sub = sub_from_repeat(leaf, n, rs[0][0])
            if leaf == 0xD and n == 1 and len(rs) >= 3 and rs[2][0][:2] == (0x100, 0x240):
                sub = 1
            if sub is not None:
                got.setdefault((leaf, sub), (regs, ln))
    return "cpu-z", got, "CPU thread 0"


def scan_lines(text, regex, key_groups, reg_first):
    """{(leaf, sub): (regs, line)} from every line matching regex (first match wins)."""
    got = {}
    for i, l in enumerate(text.split("\n")):
        m = regex.search(l)
        if m:
            k = tuple(int(m.group(g), 16) for g in key_groups)
            got.setdefault(k, (tuple(int(m.group(j), 16) for j in range(reg_first, reg_first + 4)), i + 1))
    return got


def parse_vmware(text):
    r = re.compile(r"hostCPUID level ([0-9a-fA-F]{8}), ([0-9a-fA-F]+): 0x([0-9a-f]{8}) 0x([0-9a-f]{8}) "
                   r"0x([0-9a-f]{8}) 0x([0-9a-f]{8})")
    got = scan_lines(text, r, (1, 2), 3)
    return ("vmware-log", got, "host (hostCPUID lines)") if got else None


def parse_vbox_log(text):
    lines = text.split("\n")
    got = {}
    cur = None
    in_dump = False
    for i, l in enumerate(lines):
        if "CPUID dump" in l and "End of" not in l:
            if in_dump or got:
                break
            in_dump = True
            continue
        if not in_dump:
            continue
        if "End of CPUID dump" in l:
            break
        m = re.search(r"(Gst|Hst):\s+(?:([0-9a-f]{8})(?:/([0-9a-f]{4}))?\s+)?([0-9a-f]{8}) ([0-9a-f]{8}) ([0-9a-f]{8}) "
                      r"([0-9a-f]{8})\s*$", l)
        if not m:
            continue
        if m.group(2):
            cur = (int(m.group(2), 16), int(m.group(3), 16) if m.group(3) else 0)
        if m.group(1) == "Hst" and cur is not None:
            got.setdefault(cur, (tuple(int(m.group(j), 16) for j in range(4, 8)), i + 1))
    return ("vbox-log", got, "host (Hst: lines of the CPUID dump)") if got else None


def parse_vbox_profile(text):
    r = re.compile(r"\{\s*0x([0-9a-f]{8}),\s*0x([0-9a-f]{8}),\s*(?:0x[0-9a-f]{8}|UINT32_MAX),\s*0x([0-9a-f]{8}),"
                   r"\s*0x([0-9a-f]{8}),\s*0x([0-9a-f]{8}),\s*0x([0-9a-f]{8}),")
    got = scan_lines(text, r, (1, 2), 3)
    return ("vbox-cpu-profile", got, "the profiled host") if got else None


def parse_any(url, text):
    base = url.rsplit("/", 1)[-1]
    if base.endswith(".h"):
        return parse_vbox_profile(text)
    if "hostCPUID level" in text:
        return parse_vmware(text)
    if "CPUID dump" in text and "Hst:" in text:
        return parse_vbox_log(text)
    if "CPU-Z" in text[:400] and "CPU Thread 0" in text:
        return parse_cpuz(text)
    if re.search(r"^CPUID [0-9A-F]{8}: ", text, re.M):
        return parse_aida(text)
    return None


def brand_of(got):
    s = b""
    for leaf in (0x80000002, 0x80000003, 0x80000004):
        if (leaf, 0) not in got:
            return None
        for x in got[(leaf, 0)][0]:
            s += x.to_bytes(4, "little")
    return " ".join(s.split(b"\0")[0].decode("latin-1").split())


def slug(url):
    owner, name, commit, path = url_parse(url)
    if owner == "InstLatx64":
        s = os.path.splitext(path.rsplit("/", 1)[-1])[0]
    else:
        s = "%s--%s--%s" % (owner, name, path)
    s = re.sub(r"[^A-Za-z0-9._-]+", "_", s)
    return s[:120]


def q(s):
    return '"' + str(s).replace("\\", "\\\\").replace('"', '\\"') + '"'


def render(url, fmt, label, got, own):
    l1 = got.get((1, 0))
    out = ["# CPUID excerpt of one public dump. %s from the file at `link`;" % MARK,
           "# leaves the vmcslint checks read, with the line of the file each comes from."]
    out.append("link: %s" % q(url))
    out.append("format: %s" % fmt)
    out.append("cpu: %s" % q(label))
    b = brand_of(got)
    if b:
        out.append("brand: %s" % q(b))
    if l1:
        out.append("signature: 0x%08x" % l1[0][0])
        out.append("hypervisor-bit: %s" % ("true" if (l1[0][2] >> 31) & 1 else "false"))
    out.append("own-dump-of: [%s]" % ", ".join(sorted(own)))
    out.append("leaves:")
    for leaf, sub in WANTED:
        if (leaf, sub) in got:
            regs, ln = got[(leaf, sub)]
            out.append('  "%s": {eax: 0x%08x, ebx: 0x%08x, ecx: 0x%08x, edx: 0x%08x, line: %d}'
                       % ((leaf_key(leaf, sub),) + regs + (ln,)))
    return "\n".join(out) + "\n"


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mirrors", required=True)
    ap.add_argument("--sources", default="/work/shared/capsdb-sources")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(here), "sources", "cpuid"))
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()

    # entry name -> (brand strings, signatures), and link -> entries linking it
    linked = {}
    info = {}
    for f in sorted(glob.glob(os.path.join(args.sources, "real", "*.yaml"))):
        if os.path.basename(f).startswith("emulator-"):
            continue
        name = os.path.basename(f)[:-5]
        with open(f, encoding="utf-8") as fh:
            d = yaml.safe_load(fh)
        cpu = d["cpu"]
        info[name] = ({" ".join(b.split()) for b in cpu.get("brand_strings") or []},
                      {int(x, 16) for x in cpu.get("cpuid_leaf1_eax_values") or []})
        for s in d["sources"]:
            urls = [s["url"]]
            if s["type"] == "bochs_cpudb_comment" and s["url"].endswith(".cc"):
                urls.append(s["url"][:-3] + ".txt")  # the CPU-Z report shipped beside it
            for u in urls:
                linked.setdefault(u, set()).add(name)
    urls = sorted(set(linked) | {u for u, _ in EXTRA})
    extra_for = {}
    for u, names in EXTRA:
        extra_for.setdefault(u, set()).update(names)

    written = {}
    problems = []
    for u in urls:
        text = git_show(args.mirrors, u)
        if text is None:
            problems.append("cannot read %s" % u)
            continue
        p = parse_any(u, text)
        if not p:
            continue  # no CPUID in this file (e.g. a Bochs model source, a log without a dump)
        fmt, got, label = p
        if (1, 0) not in got:
            problems.append("%s: no leaf 1" % u)
            continue
        own = set()
        b = brand_of(got)
        sig = got[(1, 0)][0][0]
        for n in linked.get(u, set()) | extra_for.get(u, set()):
            brands, sigs = info.get(n, (set(), set()))
            if sigs and sig not in sigs:
                problems.append("%s: signature 0x%x is not one of %s's; not an own dump" % (u, sig, n))
                continue
            if b and brands and b not in brands and n not in linked.get(u, set()):
                problems.append("%s: brand %r is not %s's %s; not an own dump" % (u, b, n, sorted(brands)))
                continue
            own.add(n)
        written[slug(u) + ".yaml"] = render(u, fmt, label, got, own)

    changed = []
    os.makedirs(args.out, exist_ok=True)
    for fn, t in sorted(written.items()):
        p = os.path.join(args.out, fn)
        old = open(p, encoding="ascii").read() if os.path.exists(p) else None
        if old != t:
            changed.append(fn)
            if not args.check:
                with open(p, "w", encoding="ascii", newline="\n") as f:
                    f.write(t)
    stale = []
    for fn in sorted(os.listdir(args.out)):
        p = os.path.join(args.out, fn)
        if fn.endswith(".yaml") and fn not in written and MARK in open(p, encoding="ascii").read(300):
            stale.append(fn)
            if not args.check:
                os.remove(p)
    for pr in problems:
        print("note: " + pr, file=sys.stderr)
    print("%d excerpts; %d changed, %d stale%s" % (len(written), len(changed), len(stale),
                                                   " [check only]" if args.check else ""))
    return 1 if args.check and (changed or stale) else 0


if __name__ == "__main__":
    sys.exit(main())
