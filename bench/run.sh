#!/bin/sh
# The fdscope benchmark (issue 5), run by `make bench`: times `fdscope list`
# against lsfd, lsof and the `ls -l /proc/PID/fd` floor on a holder process
# with N descriptors of a realistic mix, then on the whole machine, and
# writes the tables to bench/results.md.
#
# Environment: FDSCOPE_BIN and BENCH_DIR (set by make), BENCH_ROUNDS
# (default 15), BENCH_SIZES (default "1000 5000 MAX", MAX being 19000 or as
# close as the hard RLIMIT_NOFILE allows), BENCH_OUT (default
# bench/results.md), BENCH_PROFILE=no to skip the perf profile.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
bin=${FDSCOPE_BIN:?set FDSCOPE_BIN to the fdscope binary}
bdir=${BENCH_DIR:?set BENCH_DIR to the directory holding holder and timer}
rounds=${BENCH_ROUNDS:-15}
out=${BENCH_OUT:-$here/results.md}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fdscope-bench.XXXXXX")
holder_pid=
trap 'cleanup' EXIT INT TERM

cleanup() {
	[ -n "$holder_pid" ] && kill "$holder_pid" 2>/dev/null || true
	[ -n "$holder_pid" ] && wait "$holder_pid" 2>/dev/null || true
	rm -rf "$tmp"
}

for tool in lsfd lsof ls; do
	command -v "$tool" >/dev/null || {
		echo "bench: '$tool' not found: run \`make deps\`" >&2
		exit 1
	}
done

# The largest holder: 19000, or what the hard limit leaves room for (the
# holder wants a margin of 8 for its own short-lived descriptors).
hard=$(ulimit -Hn)
max=19000
if [ "$hard" != unlimited ] && [ $((hard - 8)) -lt $max ]; then
	max=$((hard - 8))
fi
sizes=$(echo "${BENCH_SIZES:-1000 5000 MAX}" | sed "s/MAX/$max/")

# Every socket column `fdscope list` offers, as one -o argument.
sock_cols=$("$bin" list --list-columns --raw --noheadings |
	awk '$1 ~ /^(SOCK\.|LADDR$|RADDR$|STATE$|ENDPOINTS$)/ { printf "%s%s", sep, $1; sep = "," }')

# A file of its own for each holder: the shell truncates a reused one in
# the child, after the loop below may have read the last holder's lines.
start_holder() {
	out_file="$tmp/holder-$1.out"
	"$bdir/holder" -t 900 "$1" > "$out_file" &
	holder_pid=$!
	i=0
	while ! grep -q '^ready' "$out_file" 2>/dev/null; do
		i=$((i + 1))
		if [ $i -gt 300 ] || ! kill -0 "$holder_pid" 2>/dev/null; then
			echo "bench: the holder did not get ready with $1 descriptors" >&2
			exit 1
		fi
		sleep 0.1
	done
	pid=$(head -n 1 "$out_file")
}

stop_holder() {
	kill "$holder_pid"
	wait "$holder_pid" 2>/dev/null || true
	holder_pid=
}

# What the holder really holds, classified by link text as the kernel
# gives it.
describe_mix() {
	ls -l "/proc/$1/fd" | awk 'NR > 1 {
		t = $NF
		if (t ~ /^socket:/) k = "socket"
		else if (t ~ /^pipe:/) k = "pipe"
		else if (t ~ /^anon_inode:/) { k = t; sub(/^anon_inode:/, "", k) }
		else if (t ~ /^\/dev\//) k = "device"
		else k = "file"
		n[k]++
	} END { for (k in n) printf "%s %d, ", k, n[k] }' | sed 's/, $//'
	printf '; sockets by protocol: TCP %s, UDP %s, UNIX %s' \
		"$(grep -c . "/proc/$1/net/tcp" 2>/dev/null || echo ?)" \
		"$(grep -c . "/proc/$1/net/udp" 2>/dev/null || echo ?)" \
		"$(grep -c . "/proc/$1/net/unix" 2>/dev/null || echo ?)"
	echo " (line counts of /proc/PID/net/*, machine-wide, header included)"
}

bench_one() {
	n=$1
	start_holder "$n"
	echo "bench: $n descriptors, holder $pid" >&2
	{
		echo "### $n descriptors"
		echo
		echo "Holder: $(describe_mix "$pid")."
		echo
		if [ -n "$sock_cols" ]; then
			set -- "fdscope list -p PID -o +$sock_cols" \
				"$bin list -p $pid -o +$sock_cols"
		else
			set --
		fi
		"$bdir/timer" -r "$rounds" -w 2 -n "$n" -T "$tmp/size-$n.tsv" \
			-R "lsfd -p PID" -F "ls -l /proc/PID/fd" \
			"fdscope list -p PID" "$bin list -p $pid" \
			"$@" \
			"fdscope list -p PID -J" "$bin list -p $pid -J" \
			"lsfd -p PID" "lsfd -p $pid" \
			"lsof -p PID" "lsof -p $pid" \
			"ls -l /proc/PID/fd" "ls -l /proc/$pid/fd"
		echo
	} >> "$tmp/sizes.md"
	if [ "$n" = "$max" ]; then
		{
			echo "### What each call costs alone ($max descriptors, bench/syscost.c)"
			echo
			"$bdir/syscost" "$pid"
			echo
		} > "$tmp/syscost.md"
		profile "$pid" ""
		[ -n "$sock_cols" ] && profile "$pid" "-o +$sock_cols"
		bench_all "with the $n-descriptor holder running" holder
	fi
	stop_holder
}

machine_fds() {
	awk '{ print $1 }' /proc/sys/fs/file-nr
}

bench_all() {
	nproc=$(ls -d /proc/[0-9]* | wc -l)
	{
		echo "### Whole machine, $1"
		echo
		echo "$nproc processes, $(machine_fds) open files system-wide (fs.file-nr)."
		echo
		"$bdir/timer" -r "$rounds" -w 2 -R lsfd -T "$tmp/all-$2.tsv" \
			"fdscope list --all" "$bin list --all" \
			"lsfd" "lsfd" \
			"lsof" "lsof"
		echo
	} >> "$tmp/all.md"
}

# Where fdscope's time goes at the largest size: kernel or user space, each
# thread, and how much of it is collecting versus printing through
# libsmartcols.  $2: extra options (the socket columns), or empty.
profile() {
	if [ "${BENCH_PROFILE:-yes}" = no ] || ! command -v perf >/dev/null; then
		return 0
	fi
	# shellcheck disable=SC2086 # $2 is a word list
	if ! perf record -q -o "$tmp/perf.data" --call-graph dwarf,16384 \
		"$bin" list -p "$1" $2 >/dev/null 2>"$tmp/perf.err"; then
		echo "(perf record failed: $(head -n 1 "$tmp/perf.err"))" >> "$tmp/profile.md"
		echo >> "$tmp/profile.md"
		return 0
	fi
	report() {
		perf report -i "$tmp/perf.data" --stdio -g none "$@" 2>/dev/null |
			grep -v '^#' | grep -v '^$'
	}
	{
		echo "### Profile: \`fdscope list -p PID${2:+ $2}\`, $max descriptors"
		echo
		echo "perf record --call-graph dwarf, one run; shares of all CPU samples."
		echo "By object:"
		echo
		echo '```'
		report --no-children --sort dso | head -n 6
		echo '```'
		echo
		echo "By thread (the first is the main thread: its share is the wall time):"
		echo
		echo '```'
		report --no-children --sort pid | head -n 9
		echo '```'
		echo
		echo "By stage (children included): collecting (fd_proc_collect in the"
		echo "main thread, collect_range in each), decoding sockets (prefetch_run"
		echo "in a thread of its own), formatting rows (format_chunk in each"
		echo "thread) and printing them (print_chunk, scols_print_table):"
		echo
		echo '```'
		report --children --sort sym |
			grep -E ' (fd_proc_collect|collect_range|read_fdinfo|read_link|read_stat|read_fd_numbers|prefetch_run|sock_table_load|net_attach_sockets|holder_index_new|out_table_print_rows|format_chunk|print_chunk|scols_print_table|out_table_print|__x64_sys_(openat|read|readlinkat|newfstatat|close|getdents64))$' |
			head -n 24
		echo '```'
		echo
	} >> "$tmp/profile.md"
}

# Median wall ms, CPU ms or RSS (field 2, 3, 4) of a label in a TSV file.
tsv() {
	awk -F '\t' -v l="$2" -v f="$3" '$1 == l { print $f }' "$1"
}

ratio_line() {
	# what, value, reference, target ratio
	awk -v what="$1" -v a="$2" -v b="$3" -v t="$4" 'BEGIN {
		if (a == "" || b == "" || b == 0) { printf "| %s | – | ≤ %.2f× | not measured |\n", what, t; exit }
		r = a / b
		printf "| %s | %.2f× | ≤ %.2f× | %s |\n", what, r, t,
			r <= t ? "met" : sprintf("missed by %.0f%%", (r / t - 1) * 100)
	}'
}

# The issue's targets, from this run's medians.
targets() {
	big="$tmp/size-$max.tsv"
	small="$tmp/size-$(echo "$sizes" | awk '{ print $1 }').tsv"
	def="fdscope list -p PID"
	sock="fdscope list -p PID -o +$sock_cols"
	echo "## Targets ($max descriptors unless said otherwise)"
	echo
	echo "| target | measured | wanted | verdict |"
	echo "|---|--:|--:|---|"
	ratio_line "\`list -p\` (sockets decoded in NAME) / lsfd, wall" \
		"$(tsv "$big" "$def" 2)" "$(tsv "$big" "lsfd -p PID" 2)" 0.5
	ratio_line "\`list -p\` / \`ls -l\` floor, wall" \
		"$(tsv "$big" "$def" 2)" "$(tsv "$big" "ls -l /proc/PID/fd" 2)" 1.5
	if [ -n "$sock_cols" ]; then
		ratio_line "\`list -p -o +(every socket column)\` / lsfd, wall" \
			"$(tsv "$big" "$sock" 2)" "$(tsv "$big" "lsfd -p PID" 2)" 0.5
		ratio_line "\`list -p -o +(every socket column)\` / floor, wall" \
			"$(tsv "$big" "$sock" 2)" "$(tsv "$big" "ls -l /proc/PID/fd" 2)" 1.5
	fi
	ratio_line "\`list -p\` peak RSS / lsfd's" \
		"$(tsv "$big" "$def" 4)" "$(tsv "$big" "lsfd -p PID" 4)" 1.0
	if [ -n "$sock_cols" ]; then
		ratio_line "\`list -p -o +(every socket column)\` peak RSS / lsfd's" \
			"$(tsv "$big" "$sock" 4)" "$(tsv "$big" "lsfd -p PID" 4)" 1.0
	fi
	ratio_line "\`list -p\` time per descriptor at $max / at $(echo "$sizes" | awk '{ print $1 }') (flat: ≤ 1)" \
		"$(awk -v w="$(tsv "$big" "$def" 2)" -v n="$max" 'BEGIN { print w / n }')" \
		"$(awk -v w="$(tsv "$small" "$def" 2)" -v n="$(echo "$sizes" | awk '{ print $1 }')" 'BEGIN { print w / n }')" 1.0
	ratio_line "\`list --all\` / lsfd, machine as it is" \
		"$(tsv "$tmp/all-quiet.tsv" "fdscope list --all" 2)" "$(tsv "$tmp/all-quiet.tsv" lsfd 2)" 0.5
	ratio_line "\`list --all\` / lsfd, with the $max-descriptor holder" \
		"$(tsv "$tmp/all-holder.tsv" "fdscope list --all" 2)" "$(tsv "$tmp/all-holder.tsv" lsfd 2)" 0.5
	echo
}

: > "$tmp/sizes.md"
: > "$tmp/all.md"
: > "$tmp/profile.md"
: > "$tmp/syscost.md"
bench_all "as it is (no holder)" quiet
for n in $sizes; do
	bench_one "$n"
done

rev=$(cd "$here/.." && git rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(cd "$here/.." && git status --porcelain 2>/dev/null | grep -q . && echo " plus uncommitted changes" || true)
# Each issue's own cases: bench/case-*.sh, run in name order with the same
# environment (FDSCOPE_BIN, BENCH_DIR, BENCH_ROUNDS, BENCH_TMP), each printing
# one markdown section ("## ...") with its targets, measured and as ratios.
# BENCH_CASES="scale query" runs only those.
: > "$tmp/cases.md"
for case_sh in "$here"/case-*.sh; do
	[ -e "$case_sh" ] || continue
	name=$(basename "$case_sh" .sh)
	name=${name#case-}
	if [ -n "${BENCH_CASES:-}" ]; then
		case " $BENCH_CASES " in *" $name "*) ;; *) continue ;; esac
	fi
	echo "bench: case $name" >&2
	mkdir -p "$tmp/$name"
	FDSCOPE_BIN=$bin BENCH_DIR=$bdir BENCH_ROUNDS=$rounds BENCH_TMP=$tmp/$name \
		sh "$case_sh" >> "$tmp/cases.md"
done

{
	echo "# fdscope benchmark results"
	echo
	echo "Generated by \`make bench\` (bench/run.sh); do not edit by hand."
	echo
	echo "- Date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "- Machine: $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $(nproc) CPUs, $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM"
	echo "- Kernel: $(uname -sr)"
	echo "- fdscope: $("$bin" --version 2>/dev/null | head -n 1) (git $rev$dirty)"
	echo "- lsfd: $(lsfd --version | head -n 1); lsof: $(lsof -v 2>&1 | awk '$1 == "revision:" { print $2; exit }'); ls: $(ls --version | head -n 1)"
	echo "- Hard RLIMIT_NOFILE: $hard; sizes: $sizes; $rounds rounds each after 2 warm-up rounds, commands interleaved (bench/timer.c), output to /dev/null"
	echo "- Socket columns measured: ${sock_cols:-none (this fdscope has no socket columns)}"
	echo
	echo "Wall and CPU times are medians; \"× lsfd\" and \"× ls -l\" are ratios of"
	echo "median wall times; peak RSS is the largest ru_maxrss over the rounds."
	echo
	targets
	echo "## One process"
	echo
	cat "$tmp/sizes.md"
	echo "## Every process"
	echo
	cat "$tmp/all.md"
	echo "## Where the time goes"
	echo
	cat "$tmp/syscost.md"
	cat "$tmp/profile.md"
	cat "$tmp/cases.md"
	if [ -f "$here/analysis.md" ]; then
		cat "$here/analysis.md"
	fi
} > "$out"
echo "bench: wrote $out" >&2
