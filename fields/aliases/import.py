#!/usr/bin/env python3
"""import.py -- one project's VMCS field names, as fields/aliases/<project>.def.

    python3 fields/aliases/import.py PROJECT HEADER REVISION > fields/aliases/PROJECT.def

PROJECT is one of the keys of PROJECTS below; HEADER is that project's header, fetched by hand
from the source and revision the table names (it stays out of this repository: only the
name -> encoding pairs, which are facts, are kept, with where they come from); REVISION is the
commit or tag it was taken at.  Each project has its own parser, because each writes its list
in its own way; every parser returns the names in the order the header gives them.

The output is sorted by name under the name-matching rule of vmcs_name_equal() (case folded,
' ' and '-' read as '_'), because fields/project_aliases.c binary-searches it; a test checks
the order.  A name that collides with one of our own names of a different field, or with
another project's name of a different field, must be listed in EXCLUDED with the reason:
`make test` (tests/test_aliases.c) fails on any collision that is not.
"""
import re
import sys

# Names deliberately left out: (project, name) -> why.  Our own names win over a project's;
# between projects nobody wins and the spelling is left out of both.
EXCLUDED = {}


def enum_body(text, start):
    """The text between `start` (e.g. 'enum Encoding {') and the closing '};'."""
    i = text.index(start)
    return text[i + len(start):text.index("};", i)]


def parse_enum(text, start):
    """`NAME = 0x...` members of a C enum; #define lines and comments inside are skipped."""
    body = re.sub(r"/\*.*?\*/", "", enum_body(text, start), flags=re.S)
    out = []
    for line in body.splitlines():
        m = re.match(r"\s*([A-Z][A-Z0-9_]*)\s*=\s*(0x[0-9a-fA-F]+)u?l?\s*,?\s*$", line)
        if m:
            out.append((m.group(1), int(m.group(2), 16)))
    return out


def parse_kvm_unit_tests(text):
    # x86/vmx.h: `enum Encoding { VPID = 0x0000ul, ... }`; a few 64-bit fields also have
    # their high access as NAME_HI (TSC_OFFSET_HI = 0x2011ul).
    return parse_enum(text, "enum Encoding {")


def parse_xen(text):
    # xen/arch/x86/include/asm/hvm/vmx/vmcs.h: `enum vmcs_field { ... }`; the
    # function-like macros between the members (GUEST_SEG_SELECTOR(sel), ...) are not names.
    return parse_enum(text, "enum vmcs_field {")


def parse_defines(text, pattern):
    """Object-like `#define NAME 0x...` whose NAME matches pattern, in header order."""
    out = []
    for m in re.finditer(r"^#define\s+([A-Z][A-Z0-9_]*)\s+(0x[0-9a-fA-F]+)\b", text, re.M):
        if re.fullmatch(pattern, m.group(1)):
            out.append((m.group(1), int(m.group(2), 16)))
    return out


def parse_ia32_doc(text):
    # out/ia32.h: every field is `#define VMCS_<GROUP>_<NAME> 0x0000XXXX` inside the Doxygen
    # groups VMCS_16_BIT ... VMCS_NATURAL_WIDTH; the prefix VMCS_ is part of the name.  The
    # VMCS_COMPONENT_ENCODING_* macros before them describe the encoding, not a field.
    start = text.index("@defgroup VMCS_16_BIT ")
    return [(n, e) for n, e in parse_defines(text[start:], r"VMCS_[A-Z0-9_]+")
            if not n.startswith("VMCS_COMPONENT_ENCODING")]


def parse_virtualbox(text):
    # include/VBox/vmm/hm_vmx.h, section "VMCS fields and encoding": the width is in the
    # prefix (VMX_VMCS16_, VMX_VMCS32_, VMX_VMCS64_, VMX_VMCS_ for natural width), and every
    # 64-bit field is listed twice, NAME_FULL and NAME_HIGH (its high access).
    start = text.index("@name VMCS fields and encoding")
    return parse_defines(text[start:], r"VMX_VMCS(16|32|64)?_[A-Z0-9_]+")


def parse_bochs(text):
    # bochs/cpu/vmx.h: the width is in the prefix (VMCS_16BIT_, VMCS_32BIT_, VMCS_64BIT_,
    # VMCS_ for natural width) and every 64-bit field has its high access as NAME_HI.  The
    # parenthesised VMCS_*_FIELD_ENCODING values are Bochs-internal pseudo-fields.
    return parse_defines(text, r"VMCS_[A-Z0-9_]+")


PROJECTS = {
    "kvm-unit-tests": dict(
        file="kvm_unit_tests.def", parse=parse_kvm_unit_tests,
        url="https://gitlab.com/kvm-unit-tests/kvm-unit-tests (mirror: "
            "https://github.com/kvm-unit-tests/kvm-unit-tests)",
        path="x86/vmx.h, enum Encoding", license="GPL-2.0"),
    "ia32-doc": dict(
        file="ia32_doc.def", parse=parse_ia32_doc,
        url="https://github.com/ia32-doc/ia32-doc",
        path="out/ia32.h, #define VMCS_* of the groups VMCS_16_BIT ... VMCS_NATURAL_WIDTH",
        license="MIT"),
    "Xen": dict(
        file="xen.def", parse=parse_xen,
        url="https://xenbits.xen.org/gitweb/?p=xen.git (mirror: "
            "https://github.com/xen-project/xen)",
        path="xen/arch/x86/include/asm/hvm/vmx/vmcs.h, enum vmcs_field",
        license="GPL-2.0-only"),
    "VirtualBox": dict(
        file="virtualbox.def", parse=parse_virtualbox,
        url="https://www.virtualbox.org/svn/vbox/trunk (mirror: "
            "https://github.com/VirtualBox/virtualbox)",
        path="include/VBox/vmm/hm_vmx.h, section \"VMCS fields and encoding\" (VMX_VMCS*)",
        license="GPL-3.0-only OR CDDL-1.0"),
    "Bochs": dict(
        file="bochs.def", parse=parse_bochs,
        url="https://github.com/bochs-emu/Bochs",
        path="bochs/cpu/vmx.h, #define VMCS_*", license="LGPL-2.1-or-later"),
}


def fold(name):
    """The key of vmcs_name_equal(): upper case, ' ' and '-' read as '_'."""
    return name.upper().replace(" ", "_").replace("-", "_")


def main(argv):
    if len(argv) != 4 or argv[1] not in PROJECTS:
        sys.exit("usage: import.py {%s} HEADER REVISION" % "|".join(PROJECTS))
    project, header, revision = argv[1], argv[2], argv[3]
    p = PROJECTS[project]
    with open(header, encoding="utf-8", errors="replace") as f:
        names = p["parse"](f.read())
    if not names:
        sys.exit("import.py: no field names found in %s" % header)
    seen = {}
    for name, enc in names:
        if fold(name) in seen and seen[fold(name)] != enc:
            sys.exit("import.py: %s is given two encodings in %s" % (name, header))
        seen[fold(name)] = enc
    excluded = sorted((n, seen[fold(n)], why) for (pr, n), why in EXCLUDED.items()
                      if pr == project and fold(n) in seen)
    kept = sorted(((n, e) for n, e in set(names)
                   if (project, n) not in EXCLUDED), key=lambda x: fold(x[0]))
    high = [n for n, e in kept if e & 1]
    w = sys.stdout.write
    w("/*\n * %s -- the VMCS field names of %s.  GENERATED: do not edit.\n *\n" %
      (p["file"], project))
    w(" * Source:   %s\n *           %s\n" % (p["url"].replace(" (", "\n *           ("),
                                           p["path"]))
    w(" * Revision: %s\n" % revision)
    w(" * Made by:  python3 fields/aliases/import.py %s HEADER \"<the revision>\"\n" % project)
    w(" *\n * %d names, %d of them the high access of a 64-bit field (encoding bit 0 set).\n" %
      (len(kept), len(high)))
    w(" * Only the name -> encoding pairs are kept: the header itself (%s) is not\n"
      " * part of this repository.  Sorted by name under vmcs_name_equal(), for binary search.\n"
      % p["license"])
    if excluded:
        w(" *\n * Left out on purpose (see PROJECT_ALIAS_EXCLUDED below):\n")
        for n, e, why in excluded:
            w(" *   %s (0x%04x): %s\n" % (n, e, why))
    w(" */\n")
    w("/* The includer defines PROJECT_ALIAS(name, enc) and PROJECT_ALIAS_EXCLUDED(name, enc, why). */\n")
    w("/* clang-format off */\n")
    for n, e in kept:
        w("PROJECT_ALIAS(%s, 0x%04x)\n" % (n, e))
    for n, e, why in excluded:
        w("PROJECT_ALIAS_EXCLUDED(%s, 0x%04x, \"%s\")\n" % (n, e, why))
    w("/* clang-format on */\n")


if __name__ == "__main__":
    main(sys.argv)
