#!/bin/sh
# check-core.sh OBJ... -- the core objects (fields/, capsdb/, checker/, compiled freestanding
# and without PIC) hold no mutable data: every .data and .bss section is empty, so the core is
# re-entrant and may run on several processors at once (the tables are const, in .rodata).
set -eu
bad=0
for o in "$@"; do
	size -A "$o" | awk -v o="$o" '
		($1 ~ /^\.(data|bss|tdata|tbss)(\.|$)/) && $2 > 0 {
			printf "check-core: %s: section %s holds %d bytes of mutable data\n", o, $1, $2
			found = 1
		}
		END { exit found }' || bad=1
done
if [ $bad -ne 0 ]; then
	echo "check-core: the core must have no mutable static data (nm shows the symbols)" >&2
	exit 1
fi
echo "check-core: $# core objects have empty .data and .bss"
