#!/bin/sh
# github-action.sh -- the steps of the vmcslint GitHub Action (action.yml), runnable anywhere:
#   github-action.sh install   build vmcslint from this checkout and put it on the PATH
#   github-action.sh check     annotate the configurations, write the SARIF file, record status
#   github-action.sh result    fail the job on findings (unless told not to) or on bad input
# Inputs come from the environment (action.yml maps its inputs to them):
#   VMCSLINT_FILES      configurations: file names and shell patterns, space separated
#   VMCSLINT_CAPS       --caps for every file (empty: each file's caps:, else the default)
#   VMCSLINT_SARIF      where the SARIF file goes (default vmcslint.sarif)
#   VMCSLINT_FAIL_ON_FINDINGS  true (default) or false
#   VMCSLINT_STATUS     result: the status `check` recorded
#   VMCSLINT_PREFIX     install: where to install (default $RUNNER_TEMP/vmcslint or /tmp/...)
#   VMCSLINT            check: the binary to run (default: vmcslint on the PATH)
# GitHub's own files ($GITHUB_PATH, $GITHUB_OUTPUT) are written when set.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)

case "${1:-}" in
install)
	prefix=${VMCSLINT_PREFIX:-${RUNNER_TEMP:-/tmp}/vmcslint}
	# only the build dependencies: the action never boots the probe
	sh "$here/scripts/deps.sh" gcc make pkg-config libyaml-dev libcpuid-dev
	make -C "$here" -s all
	make -C "$here" -s install PREFIX="$prefix" >/dev/null
	echo "vmcslint installed in $prefix/bin"
	if [ -n "${GITHUB_PATH:-}" ]; then
		echo "$prefix/bin" >>"$GITHUB_PATH"
	fi
	;;
check)
	bin=${VMCSLINT:-vmcslint}
	sarif=${VMCSLINT_SARIF:-vmcslint.sarif}
	patterns=${VMCSLINT_FILES:?VMCSLINT_FILES names no configuration}
	status=0
	files=""
	set -f
	for p in $patterns; do
		set +f
		# shellcheck disable=SC2086
		set -- $p
		if [ "$#" -eq 1 ] && [ "$1" = "$p" ] && [ ! -e "$p" ]; then
			# a pattern that matched nothing stays itself: say so, do not skip it silently
			echo "::error title=vmcslint::no configuration matches '$p'"
			status=2
			continue
		fi
		for f in "$@"; do
			files="$files
$f"
		done
	done
	set +f
	caps=""
	if [ -n "${VMCSLINT_CAPS:-}" ]; then
		caps="--caps=$VMCSLINT_CAPS"
	fi
	# one name a line: names with spaces stay whole
	old_ifs=$IFS
	IFS='
'
	# shellcheck disable=SC2086
	set -- $files
	IFS=$old_ifs
	if [ "$#" -eq 0 ]; then
		echo "::error title=vmcslint::no configuration to check in '$patterns'"
		status=2
	fi
	if [ "$#" -gt 0 ]; then
		rc=0
		# shellcheck disable=SC2086
		"$bin" check --format github $caps -- "$@" || rc=$?
		# the worst status wins: bad input (2) over findings (1)
		if [ "$rc" -gt "$status" ]; then
			status=$rc
		fi
		# shellcheck disable=SC2086
		"$bin" check --format sarif $caps -- "$@" >"$sarif" 2>/dev/null || true
	fi
	echo "vmcslint: exit status $status; SARIF in $sarif"
	if [ -n "${GITHUB_OUTPUT:-}" ]; then
		{
			echo "status=$status"
			echo "sarif=$sarif"
		} >>"$GITHUB_OUTPUT"
	fi
	;;
result)
	status=${VMCSLINT_STATUS:?VMCSLINT_STATUS is not set (run check first)}
	case "$status" in
	0) exit 0 ;;
	1)
		if [ "${VMCSLINT_FAIL_ON_FINDINGS:-true}" = true ]; then
			echo "::error title=vmcslint::a configuration is predicted to fail VM entry (see the annotations)"
			exit 1
		fi
		exit 0
		;;
	*)
		echo "::error title=vmcslint::a configuration could not be checked (exit status $status)"
		exit 2
		;;
	esac
	;;
*)
	echo "usage: github-action.sh install|check|result" >&2
	exit 2
	;;
esac
