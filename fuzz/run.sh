#!/bin/sh
# Fuzzes each target for a bounded time, one after the other, and prints
# one summary line per target: executions, seconds, corpus size, result.
# Usage: run.sh BUILD SECONDS TARGET...
set -u
build=$1 secs=$2
shift 2
status=0
summary=$build/summary.txt
: > "$summary"
for t in "$@"; do
	mkdir -p "$build/corpus/$t" "$build/artifacts"
	log=$build/$t.log
	seeds=corpus/$t
	[ -d "$seeds" ] || seeds=
	# -timeout: a single input taking over 10 s is a hang worth reporting.
	"$build/fuzz_$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=1024 \
		-print_final_stats=1 -artifact_prefix="$build/artifacts/$t-" \
		"$build/corpus/$t" $seeds > "$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	took=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)
	files=$(ls "$build/corpus/$t" | wc -l)
	if [ $rc -eq 0 ]; then res=ok; else res="FAILED (rc $rc, see $log)"; status=1; fi
	printf '%-12s %12s executions in %4ss, corpus %5s inputs: %s\n' \
		"$t" "${runs:-?}" "${took:-?}" "$files" "$res" | tee -a "$summary"
done
exit $status
