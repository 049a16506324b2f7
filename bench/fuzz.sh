#!/usr/bin/env bash
# bench/fuzz.sh: run every fuzz target of the module for a while and
# summarise executions and failures.
#
#   bench/fuzz.sh [-t DURATION] [-j JOBS] [-w WORKERS] [-l LOGDIR] [PATTERN]
#
#   -t  fuzz time per target (default 5m)
#   -j  targets run at once (default 2)
#   -w  workers per target, go test -parallel (default 1)
#   -l  folder for one log per target (default ${TMPDIR:-/tmp}/devicescan-fuzz)
#   -m  time to minimise each new interesting input (default 60s, go test's;
#       slow targets such as SQLite readers spend their whole run on it)
#   PATTERN  only targets whose "pkg Name" matches this grep -E pattern
#
# A failing input is written by go test to the package's
# testdata/fuzz/FuzzXxx/ folder: commit it as a regression seed.
# Run from the repository root.
set -euo pipefail

time=5m jobs=2 workers=1 minimize=60s logs="${TMPDIR:-/tmp}/devicescan-fuzz"
while getopts "t:j:w:l:m:h" opt; do
	case $opt in
	t) time=$OPTARG ;;
	j) jobs=$OPTARG ;;
	w) workers=$OPTARG ;;
	l) logs=$OPTARG ;;
	m) minimize=$OPTARG ;;
	*) sed -n '2,17p' "$0"; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
pattern=${1:-.}
mkdir -p "$logs"

# "pkgdir FuzzName" for every target.
targets=$(grep -rn --include='*_test.go' -E '^func Fuzz[A-Za-z0-9_]*\(' . |
	sed -E 's#^\./(.*)/[^/]*_test\.go:[0-9]+:func (Fuzz[A-Za-z0-9_]*)\(.*#\1 \2#' |
	sort -u | grep -E -- "$pattern" || true)
if [[ -z $targets ]]; then
	echo "no fuzz target matches $pattern" >&2
	exit 1
fi
echo "$(echo "$targets" | wc -l) targets, $time each, $jobs at a time; logs in $logs"

run_one() {
	local pkg=$1 name=$2 time=$3 workers=$4 logs=$5 minimize=$6
	local log="$logs/${pkg//\//_}_$name.log"
	local start rc=0
	start=$(date +%s)
	go test -run '^$' -fuzz "^$name\$" -fuzztime "$time" -fuzzminimizetime "$minimize" -parallel "$workers" "./$pkg" >"$log" 2>&1 || rc=$?
	local execs
	execs=$(grep -oE 'execs: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+' || echo 0)
	local status=ok
	if [[ $rc != 0 ]]; then
		status=FAIL
		grep -q 'Failing input written to' "$log" && status=CRASH
	fi
	printf '%s\t%s\t%s\t%s\t%ss\n' "$pkg" "$name" "$status" "$execs" "$(($(date +%s) - start))"
}
export -f run_one

echo "$targets" | xargs -P "$jobs" -L 1 bash -c 'run_one "$0" "$1" '"$time $workers $logs $minimize" |
	tee "$logs/summary.tsv"
echo "== failures (see the logs):"
grep -vP '\tok\t' "$logs/summary.tsv" || echo "none"
