#!/bin/sh
# Issue 16's bench case: one `fdscope watch` tick on a large table that does
# not change, against one full `fdscope list -p`.  A tick looks once at each
# descriptor (statx of a path, readlink of anything else) and counts the
# table by the fd directory's size, listing it only when something changed;
# the first sample decodes everything (as list does), so a tick is
# (watch of 11 samples - watch of 1 sample) / 10, interval 0.
#
# Environment: FDSCOPE_BIN, BENCH_DIR (holder, timer), BENCH_ROUNDS,
# BENCH_TMP (bench/run.sh sets them); BENCH_WATCH_N descriptors (default
# 19000, or what the hard RLIMIT_NOFILE leaves room for).
set -eu

bin=${FDSCOPE_BIN:?set FDSCOPE_BIN to the fdscope binary}
bdir=${BENCH_DIR:?set BENCH_DIR to the directory holding holder and timer}
rounds=${BENCH_ROUNDS:-15}
tmp=${BENCH_TMP:-$(mktemp -d "${TMPDIR:-/tmp}/fdscope-bench-watch.XXXXXX")}
mkdir -p "$tmp"
holder_pid=
trap 'cleanup' EXIT INT TERM

cleanup() {
	[ -n "$holder_pid" ] && kill "$holder_pid" 2>/dev/null || true
	[ -n "$holder_pid" ] && wait "$holder_pid" 2>/dev/null || true
}

hard=$(ulimit -Hn)
n=${BENCH_WATCH_N:-19000}
if [ "$hard" != unlimited ] && [ $((hard - 8)) -lt "$n" ]; then
	n=$((hard - 8))
fi

"$bdir/holder" -t 300 "$n" > "$tmp/holder.out" &
holder_pid=$!
i=0
while ! grep -q '^ready' "$tmp/holder.out" 2>/dev/null; do
	i=$((i + 1))
	if [ $i -gt 300 ] || ! kill -0 "$holder_pid" 2>/dev/null; then
		echo "bench: the holder did not get ready with $n descriptors" >&2
		exit 1
	fi
	sleep 0.1
done
pid=$(head -n 1 "$tmp/holder.out")

: > "$tmp/watch.tsv"
"$bdir/timer" -r "$rounds" -n "$n" -T "$tmp/watch.tsv" \
	list "$bin list -p $pid" \
	watch1 "$bin watch -p $pid --count 1 -J" \
	watch11 "$bin watch -p $pid --count 11 --interval 0 -J" > /dev/null

med() { awk -F '\t' -v l="$1" '$1 == l { print $2 }' "$tmp/watch.tsv"; }
list_ms=$(med list)
w1=$(med watch1)
w11=$(med watch11)

echo "## watch: one tick on an unchanging table (issue 16)"
echo
echo "Holder with $n descriptors, $rounds rounds, medians of wall time."
echo "A tick is (watch --count 11 - watch --count 1) / 10."
echo
echo "| target | list -p (ms) | watch, 1 sample (ms) | one tick (ms) | tick / list | result |"
echo "|---|---:|---:|---:|---:|---|"
awk -v l="$list_ms" -v a="$w1" -v b="$w11" 'BEGIN {
	tick = (b - a) / 10
	if (tick < 0) tick = 0
	r = tick / l
	printf "| tick ≤ 0.3× list -p | %.1f | %.1f | %.2f | %.2f× | %s |\n",
		l, a, tick, r, r <= 0.3 ? "PASS" : "MISS"
}'
echo
