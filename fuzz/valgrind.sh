#!/bin/sh
# valgrind.sh BIN VALGRIND... -- runs the CLI over examples/ (configurations, and the logs of
# examples/dumps/ when present) and the hostile fixtures of tests/fixtures/config/ under
# valgrind memcheck; fails on any error or leak (`make valgrind`).
set -u

bin=$1
shift
log=${TMPDIR:-/tmp}/vmcslint-valgrind.$$
n=0 bad=0

# One command under valgrind: its own exit status may be 0, 1 (findings) or 2 (bad input);
# valgrind's is 99, and anything it writes to its log is an error or a leak.
vg() {
	n=$((n + 1))
	rm -f "$log"
	"$@" >/dev/null 2>&1
	rc=$?
	if [ "$rc" -gt 2 ] || [ -s "$log" ]; then
		bad=$((bad + 1))
		echo "valgrind: FAILED (exit status $rc): ${*##*$bin}"
		cat "$log" 2>/dev/null
	fi
}

V="$* --log-file=$log"
for f in examples/*.yaml; do
	# shellcheck disable=SC2086
	for fmt in text json sarif; do vg $V "$bin" check --format "$fmt" "$f"; done
done
# shellcheck disable=SC2086
{
	vg $V "$bin" check examples/*.yaml
	vg $V "$bin" check tests/fixtures/config/*.yaml
	vg $V "$bin" check --caps bochs-tigerlake examples/valid-long-mode.yaml
	vg $V "$bin" matrix examples/valid-long-mode.yaml
	vg $V "$bin" matrix --format json examples/broken-guest-cr0-fixed.yaml
	vg $V "$bin" explain GUEST-CR0-FIXED1
	vg $V "$bin" explain --format json --list
	vg $V "$bin" fields
	vg $V "$bin" fields --format json
	vg $V "$bin" fields --search pml
	vg $V "$bin" fields TERTIARY_VM_EXEC_CONTROL
	vg $V "$bin" caps list
	vg $V "$bin" caps show bochs-corei7_skylake_x
	vg $V "$bin" caps decode bochs-tigerlake
	vg $V "$bin" caps diff bochs-corei7_skylake_x bochs-tigerlake
	vg $V "$bin" check no-such-file.yaml
}
if [ -d examples/dumps ]; then
	for f in examples/dumps/*.log examples/dumps/real/*.log; do
		[ -f "$f" ] || continue
		# shellcheck disable=SC2086
		{
			vg $V "$bin" diagnose "$f"
			vg $V "$bin" diagnose --verbose --format json "$f"
			vg $V "$bin" diagnose --emit-config "$f"
		}
	done
fi
rm -f "$log"
if [ "$bad" -gt 0 ]; then
	echo "valgrind: $bad of $n runs with errors or leaks"
	exit 1
fi
echo "valgrind: $n runs of $bin, no error, no leak"
