#!/bin/sh
# bench.sh -- `make bench`: speed figures as `name: value unit`, one per line.
# Builds a corpus of 10,000 configurations (mutations of the examples) under build/bench.
set -eu
BIN=${1:-build/vmcslint}
BENCH=${2:-build/vmcslint-bench}
CORPUS=build/bench/corpus
N=10000
if [ ! -f "$CORPUS/.complete" ] || [ "$(cat "$CORPUS/.complete")" != "$N" ]; then
	rm -rf "$CORPUS"
	mkdir -p "$CORPUS"
	i=0
	for ex in examples/*.yaml; do
		cp "$ex" "$CORPUS/base-$(basename "$ex")"
	done
	# Each file: a whole example, with the guest RIP varied so no two are identical.
	set -- examples/*.yaml
	while [ $i -lt $N ]; do
		for ex in "$@"; do
			[ $i -ge $N ] && break
			{ sed -e '/^extends:/d' "$ex"; } >"$CORPUS/c$i.yaml"
			i=$((i + 1))
		done
	done
	echo $N >"$CORPUS/.complete"
fi
# The loader, the checker and the whole CLI (one process checking every file of the corpus,
# its peak memory at 1,000 files and at all of them).
"$BENCH" examples/valid-long-mode.yaml examples/broken-guest-cr0-fixed.yaml "$CORPUS" "$BIN" 2>/dev/null ||
	"$BENCH" examples/valid-long-mode.yaml tests/fixtures/rules/VMWRITE-FIELD-EXISTS.fail.yaml "$CORPUS" "$BIN"
# The probe under Bochs: 2,000 configurations in as few boots as the runner needs, and one
# boot with no case (the boot time), if Bochs and the image are there.
if command -v bochs >/dev/null 2>&1 && [ -f build/vmx-probe/vmx-probe.bin ]; then
	files=$(find "$CORPUS" -name 'c*.yaml' | sort | head -n 2000)
	n=$(echo "$files" | wc -l)
	start=$(date +%s.%N)
	"$BIN" caps harvest --probe bochs >/dev/null 2>&1 || true
	end=$(date +%s.%N)
	boot=$(echo "$end - $start" | bc -l)
	summary=$(echo "$files" | xargs "$BIN" probe 2>/dev/null | tail -n 1)
	boots=$(echo "$summary" | sed -n 's/.*(\([0-9]*\) boots*, \([0-9.]*\) s).*/\1/p')
	secs=$(echo "$summary" | sed -n 's/.*(\([0-9]*\) boots*, \([0-9.]*\) s).*/\2/p')
	if [ -n "$boots" ] && [ -n "$secs" ]; then
		echo "probe.bochs.boot: $(printf '%.2f' "$boot") s"
		echo "probe.bochs.cases_per_boot: $(echo "$n / $boots" | bc)"
		echo "probe.bochs.cases_per_s: $(echo "$n / $secs" | bc) cases/s"
		echo "probe.bochs.cases_per_s_excl_boot: $(echo "$n / ($secs - $boots * $boot)" | bc) cases/s"
	fi
fi
