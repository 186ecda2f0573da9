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

[ -f "$lib" ] || fail "$lib is not installed"
syms=$(nm -g --defined-only "$lib" | awk 'NF == 3 { print $3 }')
[ -n "$syms" ] || fail "$lib defines no global symbol"
bad=$(printf '%s\n' "$syms" | grep -v '^vmcsl_' || true)
[ -z "$bad" ] || fail "$lib exports names without the vmcsl_ prefix: $(echo $bad | cut -c1-300)"

# the names the header gives the linker and the preprocessor: macros, struct and enum tags,
# enumerators and functions (members and parameter names live in their own scopes)
bad=$(sed -e 's|/\*.*\*/||' -e '/^[[:space:]]*\*/d' -e '/^[[:space:]]*\/\*/d' "$hdr" | {
	grep -oE '#define [A-Za-z_][A-Za-z0-9_]*|(struct|enum) [A-Za-z_][A-Za-z0-9_]*|[A-Za-z_][A-Za-z0-9_]*\(|^[[:space:]]+[A-Z_][A-Z0-9_]*[[:space:],=]' || true
} | sed -E 's/^#define |^(struct|enum) |\($|[[:space:],=]$//; s/^[[:space:]]+//' | sort -u |
	grep -vE '^(vmcsl_|VMCSL_)' || true)
[ -z "$bad" ] || fail "$hdr declares names without the prefix: $(echo $bad)"

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
echo "check-install: libvmcslint-host.a exports $(printf '%s\n' "$syms" | wc -l) vmcsl_ symbols and nothing else; examples/c/lint.c built with pkg-config agrees with vmcslint check on $n examples"
