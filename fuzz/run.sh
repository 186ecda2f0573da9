#!/bin/sh
# run.sh -- runs or minimises one libFuzzer target (the fuzzing section of the Makefile).
#
#   run.sh run TARGET FUZZ_O SECONDS
#       fuzzes SECONDS on fuzz/corpus/TARGET; new inputs go to FUZZ_O/corpus/TARGET, a crash to
#       FUZZ_O/crashes/TARGET/, the log to FUZZ_O/TARGET.log; prints one line of figures
#   run.sh merge TARGET FUZZ_O INPUT...
#       minimises fuzz/corpus/TARGET plus the INPUTs (files or directories) into
#       fuzz/corpus/TARGET (libFuzzer -set_cover_merge=1 -use_counters=0: a small set of inputs
#       that covers the same edges; an input that crashes is left out)
#   run.sh seeds FUZZ_O REPLAY
#       seeds from the tree, merged into every corpus: configurations (examples/*.yaml, the
#       rule and config fixtures, their `extends: ../../../examples/X` made `extends: X` as
#       fuzz_config.c provides X), capsdb/cpus/*.yaml, the logs of examples/dumps/ and
#       tests/fixtures/dumps/, and the configurations in the checker's input format (REPLAY
#       --seed-checker)
set -eu

if [ "$1" = seeds ]; then
	o=$2 replay=$3
	rm -rf "$o/seeds"
	mkdir -p "$o/seeds/config" "$o/seeds/checker"
	for f in examples/*.yaml examples/hypervisors/*.yaml tests/fixtures/rules/*.yaml \
		tests/fixtures/config/*.yaml; do
		sed 's|^extends: \.\./\.\./\.\./examples/|extends: |' "$f" >"$o/seeds/config/${f##*/}"
	done
	"$replay" --seed-checker "$o/seeds/checker" examples/*.yaml tests/fixtures/rules/*.yaml
	sh "$0" merge config "$o" "$o/seeds/config"
	sh "$0" merge capsdb "$o" capsdb/cpus
	sh "$0" merge checker "$o" "$o/seeds/checker"
	sh "$0" merge dump "$o" examples/dumps tests/fixtures/dumps
	exit 0
fi

mode=$1 t=$2 o=$3
shift 3
bin=$o/fuzz_$t
opts="-timeout=20 -rss_limit_mb=2048"
case $t in
config) opts="$opts -dict=$o/config.dict -max_len=8192" ;;
capsdb) opts="$opts -dict=$o/capsdb.dict -max_len=8192" ;;
checker) opts="$opts -max_len=8192" ;;
dump) opts="$opts -max_len=40000" ;; # lines past DUMP_MAX_LINE (16384)
*) echo "run.sh: no fuzz target '$t'" >&2; exit 2 ;;
esac
mkdir -p "fuzz/corpus/$t"

case $mode in
run)
	secs=$1
	log=$o/$t.log
	mkdir -p "$o/corpus/$t" "$o/crashes/$t"
	echo "== fuzz $t: $secs s"
	# shellcheck disable=SC2086
	if ! "$bin" $opts -max_total_time="$secs" -print_final_stats=1 \
		-artifact_prefix="$o/crashes/$t/" "$o/corpus/$t" "fuzz/corpus/$t" >"$log" 2>&1; then
		tail -n 60 "$log"
		echo "fuzz $t: FAILED; the input is in $o/crashes/$t/ (full log: $log)." \
			"Replay it: $o/fuzz_$t FILE, or ${o%/fuzz}/fuzz-replay $t FILE"
		exit 1
	fi
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	corp=$(grep -o 'corp: [0-9]*/[0-9a-zA-Z]*' "$log" | tail -n 1 | cut -d' ' -f2)
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
	echo "fuzz $t: $runs runs in $secs s ($eps exec/s), corpus $corp (files/size)," \
		"$cov coverage points, no crash"
	;;
merge)
	in=$o/merge-in/$t out=$o/merge-out/$t
	rm -rf "$in" "$out"
	mkdir -p "$in" "$out"
	n=0
	for x in "$@"; do
		if [ -d "$x" ]; then
			for f in "$x"/*; do
				[ -f "$f" ] || continue
				n=$((n + 1))
				cp "$f" "$in/$n-${f##*/}"
			done
		elif [ -f "$x" ]; then
			n=$((n + 1))
			cp "$x" "$in/$n-${x##*/}"
		fi
	done
	# shellcheck disable=SC2086
	# The smallest set of inputs that covers the same edges (hit counts aside): a small seed.
	if ! "$bin" $opts -set_cover_merge=1 -use_counters=0 "$out" "fuzz/corpus/$t" "$in" \
		>"$o/$t-merge.log" 2>&1; then
		tail -n 40 "$o/$t-merge.log"
		echo "fuzz merge $t: FAILED (log: $o/$t-merge.log)"
		exit 1
	fi
	rm -rf "fuzz/corpus/$t"
	mv "$out" "fuzz/corpus/$t"
	echo "fuzz merge $t: $(find "fuzz/corpus/$t" -type f | wc -l) files," \
		"$(cat "fuzz/corpus/$t"/* | wc -c) bytes in fuzz/corpus/$t (from $n new inputs)"
	;;
*)
	echo "usage: run.sh run|merge TARGET FUZZ_O ..." >&2
	exit 2
	;;
esac
