#!/bin/sh
# demo.sh -- what `make demo` shows: the main job of vmcslint on its built-in defaults.
set -eu
BIN=${1:-build/vmcslint}
echo "== vmcslint fields (the VMCS field database, $($BIN fields | wc -l) fields)"
$BIN fields | head -n 12
echo "   ..."
echo
echo "== vmcslint fields 0x6828"
$BIN fields 0x6828
echo
echo "== vmcslint fields TERTIARY_VM_EXEC_CONTROL"
$BIN fields TERTIARY_VM_EXEC_CONTROL
