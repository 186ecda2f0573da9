#!/bin/sh
# check-install.sh STAGE PREFIX VMCSLINT OUT -- the installed host library as a C program uses
# it (make check-install, part of make test):
#   1. every global symbol libvmcslint-host.a defines, and every name its header declares,
#      carries the vmcsl_/VMCSL_ prefix;
#   2. examples/c/lint.c builds with pkg-config against the staged install (STAGE/PREFIX);
#   3. on every example its verdict is vmcslint check's (outcome and deciding check).
set -eu
stage=$1 prefix=$2 vmcslint=$3 out=$4
lib=$stage$prefix/lib/libvmcslint-host.a
hdr=$stage$prefix/include/vmcsl_host.h
fail() { echo "check-install: $*" >&2; exit 1; }

# every global symbol a library defines carries the prefix
check_lib() {
	[ -f "$1" ] || fail "$1 is not installed"
	syms=$(nm -g --defined-only "$1" | awk 'NF == 3 { print $3 }')
	[ -n "$syms" ] || fail "$1 defines no global symbol"
	bad=$(printf '%s\n' "$syms" | grep -v '^vmcsl_' || true)
	[ -z "$bad" ] || fail "$1 exports names without the vmcsl_ prefix: $(echo $bad | cut -c1-300)"
	printf '%s\n' "$syms" | wc -l
}
# the names a header gives the linker and the preprocessor: macros, struct and enum tags,
# enumerators and functions (members and parameter names live in their own scopes)
check_header() {
	bad=$(sed -e 's|/\*.*\*/||' -e '/^[[:space:]]*\*/d' -e '/^[[:space:]]*\/\*/d' "$1" | {
		grep -oE '#define [A-Za-z_][A-Za-z0-9_]*|(struct|enum) [A-Za-z_][A-Za-z0-9_]*|[A-Za-z_][A-Za-z0-9_]*\(|^[[:space:]]+[A-Z_][A-Z0-9_]*[[:space:],=]' || true
	} | sed -E 's/^#define |^(struct|enum) |\($|[[:space:],=]$//; s/^[[:space:]]+//' | sort -u |
		grep -vxE 'sizeof' | grep -vE '^(vmcsl_|VMCSL_)' || true)
	[ -z "$bad" ] || fail "$1 declares names without the prefix: $(echo $bad)"
}
n_host=$(check_lib "$lib")
n_core=$(check_lib "$stage$prefix/lib/libvmcslint.a")
check_header "$hdr"
check_header "$stage$prefix/include/vmcsl.h"

export PKG_CONFIG_PATH="$stage$prefix/lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$stage"
flags=$(pkg-config --cflags --libs vmcslint-host) || fail "pkg-config does not find vmcslint-host"
${CC:-cc} -std=c11 -Wall -Wextra -Werror examples/c/lint.c $flags -o "$out" ||
	fail "examples/c/lint.c does not build against the installed library"

n=0
for f in examples/*.yaml examples/hypervisors/*.yaml; do
	got=$("$out" --capsdb capsdb/cpus "$f" | head -n 1) || true
	want=$("$vmcslint" check --capsdb capsdb/cpus --format json "$f" 2>/dev/null |
		python3 -c '
import json, sys
r = json.load(sys.stdin)["results"][0]
p = r["prediction"]
print(p["outcome"], p.get("check") or "-", r["caps"])') || true
	set -- $want
	case "$got" in
	"$f: $1"*"on $3: "*) ;;
	*) fail "$f: lint says '$got'; vmcslint check says $want" ;;
	esac
	if [ "$2" != - ]; then
		case "$got" in *"[$2]"*) ;; *) fail "$f: lint says '$got', not the deciding check $2" ;; esac
	fi
	n=$((n + 1))
done
# a configuration with errors: its loader error at file:line:column, exit status 1
printf 'vmcs:\n  NO_SUCH_FIELD: 1\n' > "$out.bad.yaml"
got=$("$out" "$out.bad.yaml") && fail "a broken configuration exits 0"
case "$got" in
*"not_loaded"*"$out.bad.yaml:2:3: error: [CONFIG-LOAD]"*) ;;
*) fail "a broken configuration gives: $got" ;;
esac
rm -f "$out.bad.yaml"
# the core as a hypervisor embeds it: its prediction and message are vmcslint check's
flags=$(pkg-config --cflags --libs vmcslint) || fail "pkg-config does not find vmcslint"
${CC:-cc} -std=c11 -Wall -Wextra -Werror examples/c/embed.c $flags -o "$out-embed" ||
	fail "examples/c/embed.c does not build against the installed core library"
got=$("$out-embed") || fail "examples/c/embed.c exits with an error"
printf 'caps: bochs-corei7_skylake_x\nvmcs:\n  PIN_BASED_VM_EXEC_CONTROL: 0\n' > "$out.pin.yaml"
want=$("$vmcslint" check --capsdb capsdb/cpus --format json "$out.pin.yaml" 2>/dev/null |
	python3 -c '
import json, sys
r = json.load(sys.stdin)["results"][0]
p = r["prediction"]
d = [d for d in r["diagnostics"] if d["check"] == p["check"]][0]
print("prediction: %s %s [%s]" % (p["outcome"], p["vm_instruction_error"], p["check"]))
print("message: " + d["message"])') || fail "vmcslint check on $out.pin.yaml"
rm -f "$out.pin.yaml"
case "$got" in
"$want"*) ;;
*) fail "embed.c says '$got'; vmcslint check says '$want'" ;;
esac
echo "check-install: libvmcslint.a and libvmcslint-host.a export $n_core and $n_host vmcsl_ symbols and nothing else, vmcsl.h and vmcsl_host.h declare only prefixed names; examples/c/lint.c built with pkg-config agrees with vmcslint check on $n examples, examples/c/embed.c (the core on the stack: $(echo "$got" | sed -n 's/^result: //p')) on its VMCS"
