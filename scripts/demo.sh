#!/bin/sh
# demo.sh -- what `make demo` shows: vmcslint's main job on its built-in defaults (the default
# capabilities bochs-corei7_skylake_x are compiled in): predict VM entry for every example.
set -u
BIN=${1:-build/vmcslint}

echo "== vmcslint check examples/*.yaml   (one line per file: the prediction)"
$BIN check examples/*.yaml 2>/dev/null | grep ': prediction: '
echo
echo "== vmcslint check examples/broken-inject-extint-if0.yaml   (a finding in full)"
$BIN check examples/broken-inject-extint-if0.yaml
echo
echo "== vmcslint diagnose examples/dumps/real/01-kvm-qemu-proxmox-smm-sti-shadow.log   (a real KVM dump from kvm@)"
$BIN diagnose examples/dumps/real/01-kvm-qemu-proxmox-smm-sti-shadow.log | head -n 8
echo
echo "== vmcslint fields 0x6828   (the field database: $($BIN fields | wc -l) fields)"
$BIN fields 0x6828
echo
echo "== vmcslint explain --list | wc -l   (checks)"
$BIN explain --list | wc -l
exit 0
