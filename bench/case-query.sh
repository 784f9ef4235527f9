#!/bin/sh
# Issue 12's targets: `list -i :PORT` and `list PATH` over the whole
# machine with four holders of 19000 descriptors each, against lsof (and
# ss for the port), and `-Q 'TYPE == "REG"'` against the same listing
# without the filter.  Prints one markdown section.
#
# Environment: FDSCOPE_BIN, BENCH_DIR (holder, timer), BENCH_ROUNDS,
# BENCH_TMP as bench/run.sh sets them; BENCH_QUERY_FDS (default 19000, or
# what the hard RLIMIT_NOFILE leaves room for) to check at small scale.
set -eu

bin=${FDSCOPE_BIN:?set FDSCOPE_BIN to the fdscope binary}
bdir=${BENCH_DIR:?set BENCH_DIR to the directory holding holder and timer}
rounds=${BENCH_ROUNDS:-15}
tmp=${BENCH_TMP:?set BENCH_TMP to a scratch directory}
pids=

cleanup() {
	for p in $pids; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
}
trap cleanup EXIT INT TERM

for tool in lsof ss; do
	command -v "$tool" >/dev/null || {
		echo "bench: '$tool' not found: run \`make deps\`" >&2
		exit 1
	}
done

hard=$(ulimit -Hn)
n=${BENCH_QUERY_FDS:-19000}
if [ "$hard" != unlimited ] && [ $((hard - 8)) -lt "$n" ]; then
	n=$((hard - 8))
fi

# Four holders, each with its own files, started at once, waited for in
# turn (each gets 60 s to get ready).
mkdir -p "$tmp"
for k in 1 2 3 4; do
	mkdir -p "$tmp/h$k"
	"$bdir/holder" -t 900 -d "$tmp/h$k" "$n" > "$tmp/h$k.out" &
	pids="$pids $!"
done
for k in 1 2 3 4; do
	i=0
	while ! grep -q '^ready' "$tmp/h$k.out" 2>/dev/null; do
		i=$((i + 1))
		if [ $i -gt 600 ]; then
			echo "bench: holder $k did not get ready with $n descriptors" >&2
			exit 1
		fi
		sleep 0.1
	done
done
pid=$(head -n 1 "$tmp/h1.out")

# The first holder's TCP listener and one of its files, as fdscope and
# the kernel name them.
port=$("$bin" list -p "$pid" -r -n -o LADDR,STATE -i tcp --listening |
	awk 'NR == 1 { sub(/.*:/, "", $1); print $1 }')
file=$(ls "$tmp"/h1/fdscope-holder.*/data-00.bin)
[ -n "$port" ] && [ -e "$file" ] || {
	echo "bench: no listener or file found in holder $pid" >&2
	exit 1
}

"$bdir/timer" -r "$rounds" -w 1 -R "lsof -i :PORT" -T "$tmp/port.tsv" \
	"fdscope list -i :PORT" "$bin list -i :$port" \
	"lsof -i :PORT" "lsof -n -P -i :$port" \
	"ss -ltnp sport = :PORT" "ss -ltnp sport = :$port" > "$tmp/port.md"
"$bdir/timer" -r "$rounds" -w 1 -R "lsof PATH" -T "$tmp/path.tsv" \
	"fdscope list PATH" "$bin list $file" \
	"lsof PATH" "lsof -n -P $file" > "$tmp/path.md"
# timer splits on spaces without a shell: the expression is one word.
"$bdir/timer" -r "$rounds" -w 1 -n "$n" -R "fdscope list -p PID" \
	-T "$tmp/filter.tsv" \
	"fdscope list -p PID -Q TYPE==\"REG\"" "$bin list -p $pid -Q TYPE==\"REG\"" \
	"fdscope list -p PID" "$bin list -p $pid" > "$tmp/filter.md"

tsv() {
	awk -F '\t' -v l="$2" '$1 == l { print $2 }' "$1"
}

verdict() {
	# what, value, reference, target ratio
	awk -v what="$1" -v a="$2" -v b="$3" -v t="$4" 'BEGIN {
		if (a == "" || b == "" || b == 0) { printf "| %s | – | – | ≤ %.2f× | not measured |\n", what, t; exit }
		r = a / b
		printf "| %s | %.1f ms / %.1f ms | %.2f× | ≤ %.2f× | %s |\n", what, a, b, r, t,
			r <= t ? "PASS" : "MISS"
	}'
}

echo "## Selections (issue 12)"
echo
echo "Four holders of $n descriptors each (bench/holder.c) besides the machine's"
echo "own processes; $rounds rounds after 1 warm-up round, medians."
echo
echo "| target | medians | ratio | wanted | verdict |"
echo "|---|--:|--:|--:|---|"
fi_port=$(tsv "$tmp/port.tsv" "fdscope list -i :PORT")
verdict "\`list -i :PORT\` / \`lsof -i :PORT\`" "$fi_port" \
	"$(tsv "$tmp/port.tsv" "lsof -i :PORT")" 0.3
verdict "\`list -i :PORT\` / \`ss -ltnp sport = :PORT\`" "$fi_port" \
	"$(tsv "$tmp/port.tsv" "ss -ltnp sport = :PORT")" 1.0
verdict "\`list PATH\` / \`lsof PATH\`" "$(tsv "$tmp/path.tsv" "fdscope list PATH")" \
	"$(tsv "$tmp/path.tsv" "lsof PATH")" 0.3
verdict "\`list -p PID -Q 'TYPE == \"REG\"'\` / without -Q" \
	"$(tsv "$tmp/filter.tsv" "fdscope list -p PID -Q TYPE==\"REG\"")" \
	"$(tsv "$tmp/filter.tsv" "fdscope list -p PID")" 1.0
echo
cat "$tmp/port.md"
echo
cat "$tmp/path.md"
echo
cat "$tmp/filter.md"
echo
