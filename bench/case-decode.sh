#!/bin/sh
# Issue 13's case: the default `list -p` on the 19000-descriptor mix must
# not be slower for all that `list` now decodes (anonymous inodes, locks,
# sockets of every family, --assoc), since every extra read happens only
# for the columns that need it.  Compared with FDSCOPE_BASE_BIN, a build
# from before issue 13, when given; the costs of the decoding columns are
# shown beside for information.
set -eu

bin=${FDSCOPE_BIN:?}
bdir=${BENCH_DIR:?}
rounds=${BENCH_ROUNDS:-15}
tmp=${BENCH_TMP:?}
n=${BENCH_DECODE_N:-19000}
base=${FDSCOPE_BASE_BIN:-}
holder_pid=

cleanup() {
	[ -n "$holder_pid" ] && kill "$holder_pid" 2>/dev/null || true
	[ -n "$holder_pid" ] && wait "$holder_pid" 2>/dev/null || true
}
trap cleanup EXIT INT TERM

hard=$(ulimit -Hn)
if [ "$hard" != unlimited ] && [ $((hard - 8)) -lt "$n" ]; then
	n=$((hard - 8))
fi
"$bdir/holder" -t 600 "$n" > "$tmp/holder.out" &
holder_pid=$!
i=0
while ! grep -q '^ready' "$tmp/holder.out" 2>/dev/null; do
	i=$((i + 1))
	if [ $i -gt 300 ] || ! kill -0 "$holder_pid" 2>/dev/null; then
		echo "bench: case decode: the holder did not get ready" >&2
		exit 1
	fi
	sleep 0.1
done
pid=$(head -n 1 "$tmp/holder.out")

echo "## Decoding (issue 13): \`list -p\` on $n descriptors"
echo
set -- "fdscope list -p PID" "$bin list -p $pid"
[ -n "$base" ] && set -- "$@" "before issue 13: list -p PID" "$base list -p $pid"
"$bdir/timer" -r "$rounds" -w 2 -n "$n" -T "$tmp/decode.tsv" \
	-R "fdscope list -p PID" "$@" \
	"list -p PID -o +SOURCE,USER,OWNER,NLINK" "$bin list -p $pid -o +SOURCE,USER,OWNER,NLINK" \
	"list -p PID -o +LOCKS,XMODE" "$bin list -p $pid -o +LOCKS,XMODE" \
	"list -p PID -o +SOCK.RECVQ,SOCK.SHUTDOWN" "$bin list -p $pid -o +SOCK.RECVQ,SOCK.SHUTDOWN" \
	"list -p PID --assoc" "$bin list -p $pid --assoc"
echo
now=$(awk -F '\t' '$1 == "fdscope list -p PID" { print $2 }' "$tmp/decode.tsv")
if [ -n "$base" ]; then
	before=$(awk -F '\t' '$1 == "before issue 13: list -p PID" { print $2 }' "$tmp/decode.tsv")
	awk -v a="$now" -v b="$before" 'BEGIN {
		r = b > 0 ? a / b : 0
		printf "- Target: default `list -p` no slower than before issue 13: %.1f ms against %.1f ms, %.2fx: %s\n",
			a, b, r, r <= 1.05 ? "PASS" : "MISS"
	}'
else
	echo "- Target: default \`list -p\` no slower than before issue 13: not measured (set FDSCOPE_BASE_BIN to a build from before it); now $now ms"
fi
echo
