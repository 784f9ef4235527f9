#!/bin/sh
# Issue 11's targets: `list` at any scale.  Prints one markdown section.
#
#   1. `list -p` of the descriptor mix against the syscall floor
#      (bench/floor.c) and lsfd.
#   2. A host of many sockets (bench/sockhost.c processes, loopback only):
#      `list -p` of a 3-socket process and of a socket holder, quiet and
#      busy.  Each process runs in a cgroup of its own, as a service does
#      under systemd, when the cgroup2 mount may be written (root); a
#      second 3-socket process shares the bench's cgroup with every
#      holder, for information.
#   3. `list --all` with four large holders, one holding a 4000-byte path:
#      time and peak RSS against lsfd, output size against `list --all -r`.
#   4. Time per descriptor (1000 against the largest) and per process (10
#      against SCALE_PROCS small processes).
#
# Environment (bench/run.sh sets the first four): FDSCOPE_BIN, BENCH_DIR,
# BENCH_ROUNDS, BENCH_TMP; and for a small trial run SCALE_FDS (default
# 19000, or what the hard limit allows), SCALE_SOCKETS (40000),
# SCALE_PROCS (1000).
set -eu

bin=${FDSCOPE_BIN:?}
bdir=${BENCH_DIR:?}
rounds=${BENCH_ROUNDS:-15}
tmp=${BENCH_TMP:-$(mktemp -d "${TMPDIR:-/tmp}/fdscope-scale.XXXXXX")}
mkdir -p "$tmp"
hard=$(ulimit -Hn)
fds=${SCALE_FDS:-19000}
if [ "$hard" != unlimited ] && [ $((hard - 8)) -lt "$fds" ]; then
	fds=$((hard - 8))
fi
sockets=${SCALE_SOCKETS:-40000}
nprocs=${SCALE_PROCS:-1000}
# Per sockhost process: what the hard limit leaves room for.
per=$((fds < 18000 ? fds : 18000))
pids=
trap 'cleanup' EXIT INT TERM

cleanup() {
	for p in $pids; do
		kill "$p" 2>/dev/null || true
	done
	for p in $pids; do
		wait "$p" 2>/dev/null || true
	done
	pids=
	rm -rf "$tmp/long"
	for c in $cgroups; do
		rmdir "$c" 2>/dev/null || true
	done
	cgroups=
}

# The cgroup2 mount, where fdscope looks for it; empty when it cannot be
# written.
cgroups=
cgmount=
for m in /sys/fs/cgroup /sys/fs/cgroup/unified; do
	if [ "$(stat -f -c %T "$m" 2>/dev/null)" = cgroup2fs ] &&
	   mkdir "$m/fdscope-bench-probe-$$" 2>/dev/null; then
		rmdir "$m/fdscope-bench-probe-$$"
		cgmount=$m
		break
	fi
done

# in_cgroup NAME: sets $incg to the command prefix that runs a command in
# a new cgroup NAME of the bench (empty without a writable cgroup2 mount).
incg=
in_cgroup() {
	incg=
	[ -n "$cgmount" ] || return 0
	c=$cgmount/fdscope-bench-$$-$1
	mkdir -p "$c"
	cgroups="$cgroups $c"
	if [ ! -x "$tmp/incg" ]; then
		printf '#!/bin/sh\necho $$ > "$1/cgroup.procs" || exit 1\nshift\nexec "$@"\n' \
			> "$tmp/incg"
		chmod +x "$tmp/incg"
	fi
	incg="$tmp/incg $c"
}

# start_ready FILE COMMAND...: runs COMMAND in the background with its
# output in FILE and waits (30 s at most) for its "ready" line; its PID is
# then in $started.  Not in a $(...) subshell: the holders exit with their
# parent.
start_ready() {
	out=$1
	shift
	"$bdir/closefds" "$@" > "$out" &
	started=$!
	pids="$pids $started"
	i=0
	while ! grep -q '^ready' "$out" 2>/dev/null; do
		i=$((i + 1))
		if [ $i -gt 300 ]; then
			echo "bench: '$*' did not get ready" >&2
			exit 1
		fi
		sleep 0.1
	done
}

# field TSV LABEL N: the Nth field (2 wall ms, 3 CPU ms, 4 RSS KiB).
field() {
	awk -F '\t' -v l="$2" -v n="$3" '$1 == l { print $n; exit }' "$1"
}

# target TEXT MEASURED REFERENCE LIMIT: a row "text | a | b | a/b | PASS".
target() {
	awk -v t="$1" -v a="$2" -v b="$3" -v lim="$4" 'BEGIN {
		if (a == "" || b == "" || b + 0 == 0) {
			printf "| %s | %s | %s | - | not measured |\n", t, a, b
			exit
		}
		r = a / b
		# Per-descriptor times are fractions of a millisecond.
		fa = a < 10 ? "%.4f" : "%.1f"
		fb = b < 10 ? "%.4f" : "%.1f"
		printf "| %s | " fa " | " fb " | %.2f (target <= %s) | %s |\n", t, a,
			b, r, lim, r <= lim + 0 ? "PASS" : "MISS"
	}'
}

# timer -T TSV LABEL COMMAND...: the TSV starts empty (timer appends).
timer() {
	: > "$2"
	"$bdir/timer" -r "$rounds" -w 1 "$@" > /dev/null
}

rows=$tmp/targets.md
: > "$rows"

# 1. The floor.
start_ready "$tmp/holder.out" "$bdir/holder" -t 900 "$fds"
hpid=$started
timer -T "$tmp/floor.tsv" "list" "$bin list -p $hpid" \
	"floor" "$bdir/floor $hpid" "lsfd" "lsfd -p $hpid" \
	"lsof" "lsof -n -P -p $hpid"
t=$tmp/floor.tsv
target "\`list -p\` wall / floor wall, $fds descriptors" \
	"$(field "$t" list 2)" "$(field "$t" floor 2)" 0.8 >> "$rows"
target "\`list -p\` CPU / floor CPU" \
	"$(field "$t" list 3)" "$(field "$t" floor 3)" 1.3 >> "$rows"
target "\`list -p\` wall / lsfd wall" \
	"$(field "$t" list 2)" "$(field "$t" lsfd 2)" 0.25 >> "$rows"
# The issue's opening claim (no number given): faster than lsof.
target "\`list -p\` wall / \`lsof -n -P -p\` wall" \
	"$(field "$t" list 2)" "$(field "$t" lsof 2)" 1.0 >> "$rows"

# 4a. Per descriptor: 1000 against $fds, time per descriptor.
start_ready "$tmp/holder-small.out" "$bdir/holder" -t 900 1000
small=$started
timer -T "$tmp/perfd.tsv" "small" "$bin list -p $small" "large" "$bin list -p $hpid"
t=$tmp/perfd.tsv
target "time per descriptor, $fds / 1000 descriptors" \
	"$(awk -v a="$(field "$t" large 2)" -v n="$fds" 'BEGIN { print a / n }')" \
	"$(awk -v a="$(field "$t" small 2)" 'BEGIN { print a / 1000 }')" 1.2 >> "$rows"

# 2. Many sockets.  A process with 3 sockets and a socket holder, first on
# the quiet host.
in_cgroup three
start_ready "$tmp/three.out" $incg "$bdir/sockhost" -t 900 3
three=$started
start_ready "$tmp/three-shared.out" "$bdir/sockhost" -t 900 3
shared=$started
in_cgroup sockhost-1
start_ready "$tmp/sockhost-1.out" $incg "$bdir/sockhost" -t 900 $((per < sockets ? per : sockets))
sh1=$started
timer -T "$tmp/quiet.tsv" "three" "$bin list -p $three" "holder" "$bin list -p $sh1" \
	"lsfd-three" "lsfd -p $three" "shared" "$bin list -p $shared"
made=$(awk '/^ready/ { print $2 }' "$tmp/sockhost-1.out")
k=2
while [ "$made" -lt "$sockets" ]; do
	want=$((sockets - made < per ? sockets - made : per))
	[ "$want" -lt 3 ] && break
	start_ready "$tmp/sockhost-$k.out" "$bdir/sockhost" -t 900 "$want"
	made=$((made + $(awk '/^ready/ { print $2 }' "$tmp/sockhost-$k.out")))
	k=$((k + 1))
done
host=$(ss -Htuax 2>/dev/null | wc -l)
# The 3-socket process's UDP port and unix inode, for the kernel's floor of
# decoding them read-only (bench/walkfloor.c), and the same listing with
# no socket decoded: what the 3-socket target leaves to fdscope itself.
udp_port=$("$bin" list -p "$three" -r -n -o SOCK.PROTO,LADDR |
	awk '$1 == "UDP" { sub(/.*:/, "", $2); print $2; exit }')
unix_ino=$("$bin" list -p "$three" -r -n -o SOCK.PROTO,INODE |
	awk '$1 == "UNIX" { print $2; exit }')
timer -T "$tmp/busy.tsv" "three" "$bin list -p $three" "holder" "$bin list -p $sh1" \
	"lsfd-three" "lsfd -p $three" "shared" "$bin list -p $shared" \
	"three-copy" "env FDSCOPE_INET_LOOKUP=copy $bin list -p $three" \
	"three-nodecode" "$bin list -p $three -o FD,TYPE,INODE" \
	"walkfloor" "$bdir/walkfloor ${udp_port:-0} ${unix_ino:-0}"
target "3-socket \`list -p\`, $host sockets / quiet host" \
	"$(field "$tmp/busy.tsv" three 2)" "$(field "$tmp/quiet.tsv" three 2)" 1.5 >> "$rows"
target "3-socket \`list -p\` / lsfd, $host sockets" \
	"$(field "$tmp/busy.tsv" three 2)" "$(field "$tmp/busy.tsv" lsfd-three 2)" 1.0 >> "$rows"
target "socket holder \`list -p\`, $host sockets / quiet host" \
	"$(field "$tmp/busy.tsv" holder 2)" "$(field "$tmp/quiet.tsv" holder 2)" 1.2 >> "$rows"
# For information: a 3-socket process in the cgroup of the host's other
# holders, whose dumps the cgroup does not narrow (the listening state
# still narrows TCP).
target "3-socket \`list -p\` sharing the holders' cgroup, $host sockets / quiet host (not a target)" \
	"$(field "$tmp/busy.tsv" shared 2)" "$(field "$tmp/quiet.tsv" shared 2)" 1.5 >> "$rows"
target "3-socket \`list -p\` sharing the holders' cgroup / lsfd, $host sockets (not a target)" \
	"$(field "$tmp/busy.tsv" shared 2)" "$(field "$tmp/busy.tsv" lsfd-three 2)" 1.0 >> "$rows"
# The opt-in copy path (not read-only, so not the default): for information.
target "3-socket \`list -p\` with FDSCOPE_INET_LOOKUP=copy / lsfd, $host sockets (opt-in, not a target)" \
	"$(field "$tmp/busy.tsv" three-copy 2)" "$(field "$tmp/busy.tsv" lsfd-three 2)" 1.0 >> "$rows"
# Why the 3-socket target is missed: the kernel's walks alone, asked by
# any read-only lister, against lsfd's whole run (which decodes none).
target "read-only decode floor (kernel UDP table walk + unix look-up, bench/walkfloor) / lsfd, $host sockets (the 3-socket target's floor)" \
	"$(field "$tmp/busy.tsv" walkfloor 2)" "$(field "$tmp/busy.tsv" lsfd-three 2)" 1.0 >> "$rows"
target "3-socket \`list -p -o FD,TYPE,INODE\` (no socket decoded) / lsfd, $host sockets (not a target)" \
	"$(field "$tmp/busy.tsv" three-nodecode 2)" "$(field "$tmp/busy.tsv" lsfd-three 2)" 1.0 >> "$rows"
cleanup

# 3. Four large holders, one holding a file whose path is 4000 bytes.
long=$tmp/long
mkdir -p "$long"
path=$long
while [ ${#path} -lt 3790 ]; do
	path=$path/dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd
done
mkdir -p "$path"
file=$path/$(printf '%*s' $((3999 - ${#path})) '' | tr ' ' f)
: > "$file"
for k in 1 2 3 4; do
	start_ready "$tmp/big-$k.out" "$bdir/holder" -t 900 "$fds"
done
"$bdir/closefds" sh -c 'exec 3< "$1"; exec sleep 900' sh "$file" &
pids="$pids $!"
timer -T "$tmp/all.tsv" "all" "$bin list --all" "lsfd" "lsfd"
t=$tmp/all.tsv
target "\`list --all\` wall / lsfd, 4 x $fds descriptors" \
	"$(field "$t" all 2)" "$(field "$t" lsfd 2)" 0.3 >> "$rows"
target "\`list --all\` peak RSS / lsfd's (KiB)" \
	"$(field "$t" all 4)" "$(field "$t" lsfd 4)" 1.0 >> "$rows"
bytes=$("$bin" list --all 2>/dev/null | wc -c)
raw=$("$bin" list --all -r 2>/dev/null | wc -c)
target "\`list --all\` output / \`list --all -r\` output (bytes)" "$bytes" "$raw" 1.1 >> "$rows"
cleanup

# 4b. Per process: 10 against $nprocs small processes, time per process.
i=0
list=
while [ $i -lt "$nprocs" ]; do
	"$bdir/closefds" sleep 900 < /dev/null > /dev/null 2>&1 &
	pids="$pids $!"
	list=${list:+$list,}$!
	[ $i -eq 9 ] && ten=$list
	i=$((i + 1))
done
[ "$nprocs" -ge 10 ] || ten=$list
timer -T "$tmp/perproc.tsv" "ten" "$bin list -p $ten" "many" "$bin list -p $list"
t=$tmp/perproc.tsv
target "time per process, $nprocs / 10 processes" \
	"$(awk -v a="$(field "$t" many 2)" -v n="$nprocs" 'BEGIN { print a / n }')" \
	"$(awk -v a="$(field "$t" ten 2)" 'BEGIN { print a / 10 }')" 1.2 >> "$rows"
cleanup

echo "## Scale (issue 11)"
echo
echo "$rounds rounds, medians (bench/timer.c); times in ms, RSS in KiB, sizes in bytes."
if [ -n "$cgmount" ]; then
	echo "The 3-socket process and the first socket holder each ran in a cgroup of their own (under $cgmount), the other holders in the bench's."
else
	echo "No writable cgroup2 mount: every process ran in the bench's cgroup."
fi
echo
echo "| Target | Measured | Reference | Ratio | |"
echo "|---|---:|---:|---:|---|"
cat "$rows"
echo
