#!/bin/sh
# deps.sh -- installs the Debian packages vmcslint needs that are missing; a no-op when all are
# present.  Called by `make deps`, which `make demo` and `make test` run first.
# Usage: scripts/deps.sh [PACKAGE...]   (default: the full list below)
set -eu

# bochs, bochsbios, vgabios and bochs-term (Debian's Bochs has no `nogui` display; the vmx-probe
# runner uses the ncurses `term` one, a separate package) run the vmx-probe image.
PACKAGES=${*:-"gcc make pkg-config libyaml-dev libcpuid-dev libcriterion-dev clang-format python3 python3-jsonschema python3-yaml bochs bochsbios vgabios bochs-term"}

missing=""
for p in $PACKAGES; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$status" in
	*" installed") ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
	SUDO=""
elif command -v sudo >/dev/null 2>&1; then
	SUDO="sudo"
else
	echo "deps: missing Debian packages:$missing; run as root or install sudo" >&2
	exit 1
fi
echo "deps: installing missing Debian packages:$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
