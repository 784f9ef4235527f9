#!/bin/bash
# Runs the built fdscope under valgrind through every command's success and
# error paths.  Each run must exit with the status its case expects, valgrind
# must report no error and no leak, and no descriptor fdscope opened may be
# left open at exit (valgrind lists those with the stack that opened them;
# the ones inherited from this script are marked as such).
# Usage: tests/valgrind.sh FDSCOPE_BIN [HELPERS_DIR [CHECK_RUNNER]]
# With the Check runner, the unit suites run under valgrind as well.
# Commands that are not built in yet (`fdscope help CMD` fails) are skipped.
set -u
bin=${1:?usage: valgrind.sh FDSCOPE_BIN [HELPERS_DIR [CHECK_RUNNER]]}
helpers=${2:-}
runner=${3:-}
tmp=$(mktemp -d /tmp/fdscope-vg.XXXXXX) || exit 1
runs=0 failed=0 skipped=0
bg_pids=()

cleanup()
{
	local p
	for p in "${bg_pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT

# Nothing but 0, 1 and 2 may reach fdscope, so that whatever valgrind
# lists at exit was opened by fdscope itself.
for fd in /proc/$$/fd/*; do
	fd=${fd##*/}
	[ "$fd" -gt 2 ] 2>/dev/null && eval "exec $fd>&-" 2>/dev/null
done

have_cmd() { "$bin" help "$1" >/dev/null 2>&1; }

# The descriptors above 2 that valgrind lists at an exit and that the
# process did not inherit across exec, as "fd N left open (log PID)".
vg_open_fds()
{
	awk '/Open file descriptor [0-9]+:/ {
		split($0, a, "descriptor "); n = a[2] + 0; getline nx;
		if (n > 2 && nx !~ /inherited from parent/) {
			f = FILENAME; sub(/.*\./, "", f)
			print "fd " n " left open (process " f ")" } }' "$@"
}

# vg_stdin: a file, or "closed"; vg_prefix: a command to run valgrind under.
vg_stdin=/dev/null
vg_prefix=()

# vg NAME EXPECTED_STATUS ARGS...
# Children are followed (--trace-children=yes: the exchange's server and
# client, the tables demo's child and the program it runs), each with its
# own log, and every one of them is held to "nothing open at exit but 0,
# 1, 2 and what it inherited across exec".  Programs of the system that
# fdscope runs on purpose (`exec`'s commands, which may leak by design)
# are not followed.
vg_skip='/bin/*,/usr/bin/*,/sbin/*,/usr/sbin/*'

vg()
{
	local name=$1 want=$2 rc log out err bad vpid f
	shift 2
	log=$tmp/$name.vg out=$tmp/$name.out err=$tmp/$name.err
	runs=$((runs + 1))
	# --error-exitcode is 99, not 1, so that it cannot be mistaken for
	# fdscope's own runtime-failure status on the error paths.
	if [ "$vg_stdin" = closed ]; then
		"${vg_prefix[@]}" valgrind -q --track-fds=yes --trace-children=yes \
			--trace-children-skip="$vg_skip" \
			--leak-check=full \
			--errors-for-leak-kinds=definite,indirect,possible \
			--error-exitcode=99 --log-file="$log.%p" "$bin" "$@" \
			>"$out" 2>"$err" <&- &
	else
		"${vg_prefix[@]}" valgrind -q --track-fds=yes --trace-children=yes \
			--trace-children-skip="$vg_skip" \
			--leak-check=full \
			--errors-for-leak-kinds=definite,indirect,possible \
			--error-exitcode=99 --log-file="$log.%p" "$bin" "$@" \
			>"$out" 2>"$err" <"$vg_stdin" &
	fi
	vpid=$!
	wait "$vpid"
	rc=$?
	# An "Open file descriptor N" entry above 2 that is not followed by
	# "<inherited from parent>" was opened by fdscope and never closed.
	bad=
	[ -f "$log.$vpid" ] && bad=$(vg_open_fds "$log".*)
	[ -f "$log.$vpid" ] || bad="no valgrind log"
	if [ "$rc" -ne "$want" ] || [ -n "$bad" ] ||
	   cat "$log".* | grep -q 'definitely lost\|indirectly lost\|possibly lost\|Invalid \|uninitialised\|Mismatched\|overlap'; then
		failed=$((failed + 1))
		echo "FAIL $name: fdscope $* exited $rc (expected $want) $bad"
		for f in "$log".*; do sed "s|^|    ${f##*.}: |" "$f" | head -40; done
		sed 's/^/    stderr: /' "$err" | head -5
	else
		printf 'ok   %-28s exit %d  fdscope %s\n' "$name" "$rc" "$*"
	fi
}

skip() { skipped=$((skipped + 1)); echo "skip $1: $2"; }

# A process of another user, for the permission-denied paths, and one of
# ours; long enough to outlive every run before the limits cases on a
# loaded machine (they are killed at the end).
setpriv --reuid=65534 --regid=65534 --clear-groups sleep 600 </dev/null >/dev/null 2>&1 &
nobody=$!
bg_pids+=("$nobody")
sleep 600 </dev/null >/dev/null 2>&1 &
mine=$!
bg_pids+=("$mine")
nocaps=(setpriv --inh-caps=-all --bounding-set=-all --)

echo "== dispatcher"
vg main-help 0 --help
vg main-version 0 --version
vg main-none 2
vg main-unknown-cmd 2 frobnicate
vg main-unknown-opt 2 --frob
vg help-list 0 help list
vg help-unknown 2 help frobnicate
vg help-help 0 help --help
vg main-mistyped 2 lst
vg list-version 0 list -V
vg completion-bash 0 completion bash
vg completion-zsh 0 completion zsh
vg completion-fish 0 completion fish
vg completion-unknown 2 completion tcsh

echo "== list"
vg list-self 0 list
vg list-self-json 0 list -J
vg list-all-columns 0 list -o pid,command,fd,type,mode,flags,pos,inode,dev,rdev,mntid,size,deleted,name,sock.family,sock.type,sock.proto,note
vg list-raw 0 list -r -n
vg list-columns 0 list --list-columns
vg list-pid 0 list -p "$mine"
vg list-pids 0 list -p "$mine,$$,1"
vg list-pids-blank 0 list -p "$mine $mine,$$"
vg list-kthread 0 list -p 2
vg list-all 0 list --all
vg list-help 0 list --help
vg list-pid-zero 2 list -p 0
vg list-pid-neg 2 list -p -1
vg list-pid-abc 2 list -p abc
vg list-pid-1e3 2 list -p 1e3
vg list-pid-empty 2 list -p ''
vg list-pid-missing 2 list -p
vg list-pid-gone 1 list -p 99999999
vg list-bad-column 2 list -o nosuchcolumn
vg list-all-and-pid 2 list --all -p 1
# Issue 12's selections, filters and counters, on their success and
# error paths.
vg list-sel-port 1 list -i tcp:1 -s SYN_SENT
vg list-sel-fds 0 list -d 0-2 -p "$mine" -o pid,fd,name --summary
vg list-sel-inet-unix 1 list -i -U -p "$mine"
vg list-sel-path 0 list /dev/null -t
vg list-sel-under 0 list --under /dev -c /./ -u "$(id -u),^65534" -d 0-2,^1
vg list-sel-filter 0 list -p "$mine" -Q 'FD >= 0 and (TYPE == "CHR" or NAME =~ "^/")' -J
vg list-sel-summary 0 list -p "$mine" --summary=only -C 'low:FD < 3' -J
vg list-sel-inode 1 list --inode 0:0:1
vg list-sel-path-gone 1 list /nonexistent/fdscope-vg
vg list-sel-bad-inet 2 list -i tcp:nosuchservicexyz
vg list-sel-bad-user 2 list -u nosuchuserxyz
vg list-sel-bad-fds 2 list -d 3-1
vg list-sel-bad-filter 2 list -Q 'FD > "x"'
vg list-sel-bad-counter 2 list -C 'n:(' --summary
vg list-extra-arg 1 list extra
vg list-unknown-opt 2 list --frob
vg_prefix=("${nocaps[@]}")
vg list-denied 1 list -p "$nobody"
vg list-all-nocaps 0 list --all
vg_prefix=()
vg_stdin=closed
vg list-stdin-closed 0 list

vg_stdin=/dev/null

# A table large enough for the threaded paths: collection in several
# threads, the socket dumps prefetched in another, the rows formatted and
# printed in blocks (bench/holder, built next to the binary).
big_holder=$(dirname "$bin")/bench/holder
if [ -x "$big_holder" ]; then
	"$big_holder" -t 600 2500 >"$tmp/big.out" 2>/dev/null &
	bg_pids+=("$!")
	for _ in $(seq 100); do
		grep -q '^ready' "$tmp/big.out" 2>/dev/null && break
		sleep 0.1
	done
	big=$(head -n 1 "$tmp/big.out")
fi
if [ -x "$big_holder" ] && grep -q '^ready' "$tmp/big.out"; then
	vg list-large 0 list -p "$big" -o +SOCK.FAMILY,SOCK.TYPE,SOCK.PROTO,LADDR,RADDR,STATE,SOCK.PEER,ENDPOINTS
	vg list-large-raw 0 list -p "$big" -r -n
	vg list-large-json 0 list -p "$big" -J
	FDSCOPE_NO_NETLINK=1 vg list-large-procnet 0 list -p "$big" -o +LADDR,RADDR,STATE
	vg list-large-all 0 list --all
else
	skip list-large "$big_holder missing or not ready (run make valgrind)"
fi

echo "== limits"
vg limits-self 0 limits
vg limits-json 0 limits -J
vg limits-pid 0 limits -p "$mine"
vg limits-kthread 0 limits -p 2
vg limits-columns 0 limits --list-columns
vg limits-help 0 limits --help
vg limits-gone 1 limits -p 99999999
vg limits-pid-abc 2 limits -p abc
vg limits-set-ok 0 limits --set 512:
vg limits-set-pid 0 limits -p "$mine" --set 1024:4096
vg limits-set-garbage 2 limits --set garbage
vg limits-set-colons 2 limits --set 1:2:3
vg limits-set-neg 2 limits --set -5
vg limits-set-soft 0 limits -p "$mine" --set 1000:
vg limits-set-hard 0 limits -p "$mine" --set :4000
vg limits-set-both 0 limits -p "$mine" --set 2048
vg limits-set-pids 2 limits -p "$mine,$$"
vg limits-set-above-hard 1 limits --set 30000:20000
vg limits-set-raise-hard 1 limits --set 100:2000000
vg limits-set-gone 1 limits -p 99999999 --set 100
vg_prefix=("${nocaps[@]}")
vg limits-denied 1 limits -p "$nobody"
vg limits-set-denied 1 limits -p "$nobody" --set 100
vg_prefix=()

# Cases for the commands that land later are in tests/valgrind-cmds.sh,
# sourced when present, so that this script runs on any tree.
here=$(dirname "$0")
if [ -f "$here/valgrind-cmds.sh" ]; then
	# shellcheck source=/dev/null
	. "$here/valgrind-cmds.sh"
fi

# The unit suites of the parsers and formatters under valgrind too, on
# their fixtures, one process each (CK_FORK=no, so that valgrind sees the
# tests themselves rather than Check's children).  Not the suites that
# need real descriptors: valgrind reserves the top of the descriptor space
# and does not know pidfd_open, which those tests rightly use.
if [ -n "$runner" ] && [ -x "$runner" ]; then
	echo "== unit suites"
	for s in util procfs fdtype fuzzfound netaddr procnet parallel holders openspec; do
		log=$tmp/unit-$s.vg
		runs=$((runs + 1))
		CK_FORK=no CK_RUN_SUITE=$s FDSCOPE_BIN=$bin FDSCOPE_HELPERS=$helpers \
			valgrind -q --leak-check=full \
			--errors-for-leak-kinds=definite,indirect,possible \
			--error-exitcode=99 --log-file="$log" "$runner" \
			>"$tmp/unit-$s.out" 2>&1 </dev/null
		rc=$?
		if grep -q "^Running suite" "$tmp/unit-$s.out" && [ $rc -ne 0 ]; then
			failed=$((failed + 1))
			echo "FAIL unit suite $s: exit $rc"
			sed 's/^/    vg: /' "$log" | head -40
			grep -v '^Running' "$tmp/unit-$s.out" | sed 's/^/    /' | head -5
		elif ! grep -q "^Running suite" "$tmp/unit-$s.out"; then
			skip "unit-$s" "no such suite in this build"
		else
			printf 'ok   %-28s %s\n' "unit-$s" "$(grep '%' "$tmp/unit-$s.out")"
		fi
	done
fi

echo "valgrind: $runs runs, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
