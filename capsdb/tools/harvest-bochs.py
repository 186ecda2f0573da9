#!/usr/bin/env python3
"""harvest-bochs.py -- read the VMX capability MSRs and CPUID of Bochs cpu models with the
project's own probe (`vmcslint caps harvest --probe bochs:MODEL`, Debian's Bochs 2.7) and
write them in the format of the shared capsdb-sources/bochs-2.7.txt, for import-sources.py.

Developer tool; needs `make probe` and Debian's bochs package.  Usage:
    capsdb/tools/harvest-bochs.py [--vmcslint build/vmcslint] [--out capsdb/sources/bochs-2.7-probe.txt] MODEL...

Every model the probe can boot (all of Bochs 2.7's cpudb but the 32-bit core_duo_t2400_yonah):
    capsdb/tools/harvest-bochs.py broadwell_ult core2_penryn_t9600 corei3_cnl corei5_arrandale_m520 \
        corei5_lynnfield_750 corei7_haswell_4770 corei7_icelake_u corei7_ivy_bridge_3770k \
        corei7_sandy_bridge_2600k corei7_skylake_x tigerlake
Lines: "## MODEL", "INDEX=VALUE" or "INDEX=GP" (RDMSR raised #GP), "cpuid LEAF[.SUB] EAX EBX ECX EDX"
(the sub-leaf in decimal, for the leaves whose capsdb key has one).
"""
import argparse
import os
import re
import subprocess
import sys

import yaml

MSR_INDEX = {
    "IA32_VMX_BASIC": 0x480, "IA32_VMX_PINBASED_CTLS": 0x481, "IA32_VMX_PROCBASED_CTLS": 0x482,
    "IA32_VMX_EXIT_CTLS": 0x483, "IA32_VMX_ENTRY_CTLS": 0x484, "IA32_VMX_MISC": 0x485,
    "IA32_VMX_CR0_FIXED0": 0x486, "IA32_VMX_CR0_FIXED1": 0x487, "IA32_VMX_CR4_FIXED0": 0x488,
    "IA32_VMX_CR4_FIXED1": 0x489, "IA32_VMX_VMCS_ENUM": 0x48A, "IA32_VMX_PROCBASED_CTLS2": 0x48B,
    "IA32_VMX_EPT_VPID_CAP": 0x48C, "IA32_VMX_TRUE_PINBASED_CTLS": 0x48D,
    "IA32_VMX_TRUE_PROCBASED_CTLS": 0x48E, "IA32_VMX_TRUE_EXIT_CTLS": 0x48F,
    "IA32_VMX_TRUE_ENTRY_CTLS": 0x490, "IA32_VMX_VMFUNC": 0x491, "IA32_VMX_PROCBASED_CTLS3": 0x492,
    "IA32_VMX_EXIT_CTLS2": 0x493,
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vmcslint", default="build/vmcslint")
    ap.add_argument("--out", default="capsdb/sources/bochs-2.7-probe.txt")
    ap.add_argument("models", nargs="+")
    a = ap.parse_args()
    out = ["# Bochs 2.7 (Debian 12 package 2.7+dfsg-4) VMX capability MSRs and CPUID, read by vmx-probe",
           "# under each model: `vmcslint caps harvest --probe bochs:MODEL`, written by",
           "# capsdb/tools/harvest-bochs.py (format of the shared capsdb-sources/bochs-2.7.txt)"]
    for m in a.models:
        r = subprocess.run([a.vmcslint, "caps", "harvest", "--probe", "bochs:" + m.lower()], capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit("%s: %s" % (m, r.stderr.strip()))
        d = yaml.safe_load(r.stdout)
        out.append("## " + m.lower())  # as Bochs's `cpu: model=` takes it
        if any("the probe file gives" in n for n in d.get("notes") or []):
            # an MSR read with a value the capability bits say is not implemented: this file
            # format cannot say both; no Bochs 2.7 model does it
            sys.exit("%s: an MSR value written as absent: %s" % (m, d["notes"]))
        fc = re.search(r"IA32_FEATURE_CONTROL \(0x3a\) reads 0x([0-9a-f]+)", r.stdout)
        if fc:
            out.append("0000003A=%016X" % int(fc.group(1), 16))
        for n, v in d["msrs"].items():
            if isinstance(v, int):
                out.append("%08X=%016X" % (MSR_INDEX[n], v))
            else:
                # absent: the probe's RDMSR raised #GP (Bochs runs with ignore_bad_msrs=0)
                out.append("%08X=GP" % MSR_INDEX[n])
        for k, regs in (d.get("cpuid") or {}).items():
            leaf, _, sub = str(k).partition(".")
            out.append("cpuid %08X%s %08X %08X %08X %08X" % ((int(leaf, 16), "." + sub if sub else "")
                                                             + tuple(regs[x] for x in ("eax", "ebx", "ecx", "edx"))))
    with open(a.out, "w", encoding="ascii", newline="\n") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
