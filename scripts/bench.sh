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
"$BENCH" examples/valid-long-mode.yaml examples/broken-guest-cr0-fixed.yaml "$CORPUS" 2>/dev/null ||
	"$BENCH" examples/valid-long-mode.yaml tests/fixtures/rules/VMWRITE-FIELD-EXISTS.fail.yaml "$CORPUS"
# The whole CLI: one process checking every file of the corpus.
start=$(date +%s.%N)
find "$CORPUS" -name 'c*.yaml' | xargs "$BIN" check >/dev/null 2>&1 || true
end=$(date +%s.%N)
echo "cli.load_check: $(echo "$N / ($end - $start)" | bc -l | cut -d. -f1) configs/s"
