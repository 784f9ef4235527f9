# Sourced by tests/valgrind.sh: the demos and the network commands under
# valgrind, on their success and error paths.  Uses vg, skip, have_cmd,
# $bin, $tmp and bg_pids from there.

# Unix sockets and temporary files go to a private TMPDIR that must be
# empty again after every run.
export TMPDIR=$tmp/tmpdir
mkdir -p "$TMPDIR"
check_tmpdir()
{
	if [ -n "$(ls -A "$TMPDIR")" ]; then
		failed=$((failed + 1))
		echo "FAIL $1: left in TMPDIR: $(ls -A "$TMPDIR")"
		rm -rf "${TMPDIR:?}"/*
	fi
}

if have_cmd open; then
	echo "== open"
	# Not pidfd: valgrind 3.19 does not know pidfd_open (434) and fails it.
	# tcp6 and udp6 only where there is a ::1 (containers often lack it).
	v6=
	grep -qs '^0\{31\}1 ' /proc/net/if_inet6 && v6="tcp6 udp6"
	# shellcheck disable=SC2086
	vg open-all 0 open file dir null pipe fifo tcp udp $v6 unix \
		unix-dgram socketpair eventfd epoll timerfd signalfd inotify memfd \
		dup:0 dup2:0:50
	check_tmpdir open-all
	vg open-json 0 open -J file pipe tcp
	vg open-cloexec 0 open --cloexec -q file socketpair
	vg open-path 0 open file:/etc/hostname dir:/
	vg open-hold 0 open --hold=0.2 pipe
	vg open-bad-spec 2 open bogus
	vg open-no-spec 2 open
	vg open-bad-dup2 2 open dup2:1:
	vg open-missing-file 1 open file:/nonexistent/x
	vg open-bad-dup 1 open dup:99999
	check_tmpdir open-errors
else
	skip open "not built in"
fi

for c in alloc recycle tables; do
	if have_cmd $c; then
		echo "== $c"
		vg $c 0 $c
		vg $c-json 0 $c -J
		vg $c-quiet 0 $c -q
		vg $c-extra 2 $c extra
		check_tmpdir $c
	else
		skip $c "not built in"
	fi
done
if have_cmd tables; then
	vg tables-dot 0 tables --dot
	check_tmpdir tables-dot
	FDSCOPE_NO_KCMP=1 vg tables-nokcmp 0 tables -q
	check_tmpdir tables-nokcmp
	if command -v dot >/dev/null 2>&1; then
		vg tables-svg 0 tables --svg "$tmp/tables.svg"
		check_tmpdir tables-svg
	fi
fi
if have_cmd alloc; then
	vg_stdin=closed
	vg alloc-stdin-closed 0 alloc -q
	vg_stdin=/dev/null
fi

if have_cmd exhaust; then
	echo "== exhaust"
	vg exhaust 0 exhaust
	vg exhaust-json 0 exhaust -J --limit 64
	vg exhaust-limit-0 2 exhaust --limit 0
	vg exhaust-limit-3 1 exhaust --limit 3
	vg exhaust-limit-huge 2 exhaust --limit 9223372036854775808
	vg exhaust-limit-abc 2 exhaust --limit abc
	check_tmpdir exhaust
else
	skip exhaust "not built in"
fi

if have_cmd exchange; then
	echo "== exchange"
	protos="tcp udp unix unix-dgram socketpair"
	# Containers often have no ::1.
	if grep -qs '^0\{31\}1 ' /proc/net/if_inet6; then
		protos="$protos tcp6 udp6"
	else
		skip exchange-ipv6 "no ::1 on this machine"
	fi
	for p in $protos; do
		vg exchange-$p 0 exchange --proto $p --quiet
	done
	vg exchange-json 0 exchange -J --message "$(printf 'a\033[2J\377b')"
	vg exchange-bad-port 2 exchange --port 65536
	vg exchange-bad-proto 2 exchange --proto bogus
	check_tmpdir exchange
else
	skip exchange "not built in"
fi

if have_cmd demo; then
	echo "== demo"
	vg demo 0 demo
	vg demo-json 0 demo -J
	vg demo-extra 2 demo extra
	vg demo-section 0 demo --section 4 --width 60
	vg demo-from 0 demo --from 9 -q
	vg demo-list 0 demo --list-sections
	vg demo-bad-step 2 demo --step=sideways
	vg demo-bad-width 2 demo --width 10
	check_tmpdir demo
else
	skip demo "not built in"
fi

if have_cmd serve && have_cmd connect; then
	echo "== serve and connect"
	# A server not under valgrind for connect to talk to; its port is on
	# its first line.
	"$bin" serve --port 0 --timeout 2 >"$tmp/serve.out" 2>&1 &
	bg_pids+=("$!")
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		port=$(sed -n '1s/.*127\.0\.0\.1:\([0-9]*\).*/\1/p' "$tmp/serve.out")
		[ -n "$port" ] && break
		sleep 0.2
	done
	vg connect-ok 0 connect 127.0.0.1 "$port" --message hello
	vg connect-refused 1 connect 127.0.0.1 1
	vg connect-unresolvable 1 connect "" 1234
	vg connect-bad-port 2 connect 127.0.0.1 65536
	vg connect-bad-timeout 2 connect 127.0.0.1 1 --timeout -1
	vg connect-unix-missing 1 connect --unix "$tmp/nosuch.sock"
	# A shutdown made to fail (a seccomp filter, tests/helpers/sysfail):
	# the failure's path, narrated with its errno, leaks nothing either.
	if [ -x "$helpers/sysfail" ]; then
		vg_prefix=("$helpers/sysfail" shutdown 107)
		vg connect-shutdown-fails 0 connect 127.0.0.1 "$port" --message hello
		vg_prefix=()
	else
		skip connect-shutdown-fails "no tests/helpers/sysfail built"
	fi

	# The server under valgrind: --once, with a client sent from here.
	(
		for _ in $(seq 1 50); do
			p=$(sed -n '1s/.*127\.0\.0\.1:\([0-9]*\).*/\1/p' "$tmp/serve-once.out" 2>/dev/null)
			[ -n "$p" ] && { "$bin" connect 127.0.0.1 "$p" --message hi >/dev/null 2>&1; exit; }
			sleep 0.2
		done
	) &
	bg_pids+=("$!")
	runs=$((runs + 1))
	valgrind -q --track-fds=yes --leak-check=full --error-exitcode=99 \
		--log-file="$tmp/serve-once.vg" "$bin" serve --port 0 --once \
		--timeout 2 >"$tmp/serve-once.out" 2>"$tmp/serve-once.err" </dev/null
	rc=$?
	if [ $rc -ne 0 ] || grep -q 'lost\|Invalid \|uninitialised' "$tmp/serve-once.vg" ||
	   awk '/Open file descriptor [0-9]+:/ { split($0, a, "descriptor "); n = a[2] + 0; getline nx;
		if (n > 2 && nx !~ /inherited from parent/) bad = 1 } END { exit !bad }' "$tmp/serve-once.vg"; then
		failed=$((failed + 1))
		echo "FAIL serve-once: exited $rc"
		sed 's/^/    vg: /' "$tmp/serve-once.vg" | head -30
	else
		echo "ok   serve-once                   exit 0  fdscope serve --port 0 --once"
	fi

	# Hostile operators and peers, each server under valgrind in the
	# background and ended by a signal (issue 14).
	vg_bg_start()
	{
		local name=$1
		shift
		runs=$((runs + 1))
		"${vg_bg_prefix[@]}" valgrind -q --track-fds=yes --trace-children=yes \
			--trace-children-skip="$vg_skip" --leak-check=full \
			--errors-for-leak-kinds=definite,indirect,possible \
			--error-exitcode=99 --log-file="$tmp/$name.vg.%p" "$bin" "$@" \
			>"$tmp/$name.out" 2>"$tmp/$name.err" </dev/null &
		vg_bg_pid=$!
		for _ in $(seq 1 100); do
			grep -q '^listening on' "$tmp/$name.out" 2>/dev/null && return 0
			sleep 0.1
		done
		return 1
	}
	# vg_bg_finish NAME SIGNAL EXPECTED_STATUS
	vg_bg_finish()
	{
		local name=$1 rc bad
		kill -"$2" "$vg_bg_pid"
		wait "$vg_bg_pid"
		rc=$?
		bad=$(vg_open_fds "$tmp/$name.vg".*)
		if [ "$rc" -ne "$3" ] || [ -n "$bad" ] ||
		   cat "$tmp/$name.vg".* | grep -q 'lost\|Invalid \|uninitialised'; then
			failed=$((failed + 1))
			echo "FAIL $name: exited $rc (expected $3) $bad"
			cat "$tmp/$name.vg".* | sed 's/^/    vg: /' | head -30
		else
			printf 'ok   %-28s exit %d  after SIG%s\n' "$name" "$rc" "$2"
		fi
	}
	# vg_bg_prefix: a command that execs valgrind (same PID), or nothing.
	vg_bg_prefix=()
	# Every interface, from the resolved address ("0" is 0.0.0.0): in a
	# network namespace of its own, where only its loopback, down, is.
	if unshare -n true 2>/dev/null; then
		vg_bg_prefix=(unshare -n)
		vg_bg_start serve-any serve --host 0 --port 0
		vg_bg_finish serve-any TERM 0
		vg_bg_prefix=()
		grep -q 'listening on every interface' "$tmp/serve-any.err" || {
			failed=$((failed + 1))
			echo "FAIL serve-any: no every-interface warning: $(head -c 200 "$tmp/serve-any.err")"
		}
	else
		skip serve-any "no network namespace (unshare -n)"
	fi
	# connect to a peer that never stops sending: the timeout ends it,
	# exit 1 (a python3 streamer on loopback, ended with the run).
	if command -v python3 >/dev/null; then
		python3 -c '
import socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(1)
s.settimeout(60)
print(s.getsockname()[1], flush=True)
c, _ = s.accept()
try:
    while True:
        c.sendall(b"x" * 65536)
except OSError:
    pass
' >"$tmp/streamer.out" &
		streamer=$!
		for _ in $(seq 1 100); do
			[ -s "$tmp/streamer.out" ] && break
			sleep 0.1
		done
		vg connect-endless-stream 1 connect 127.0.0.1 "$(cat "$tmp/streamer.out")" -t 0.5
		kill "$streamer" 2>/dev/null
		wait "$streamer" 2>/dev/null
	else
		skip connect-endless-stream "no python3"
	fi
	# A UDP port taken: the second server says so, exit 1.
	if vg_bg_start serve-udp serve -P udp --port 0; then
		p=$(sed -n '1s/.*127\.0\.0\.1:\([0-9]*\).*/\1/p' "$tmp/serve-udp.out")
		vg serve-udp-taken 1 serve -P udp --port "$p"
		"$bin" connect -P udp 127.0.0.1 "$p" -t 2 >/dev/null 2>&1
	fi
	vg_bg_finish serve-udp HUP 0
	# A stale socket file replaced, then SIGQUIT removes it.
	python3 -c 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' \
		"$tmp/stale.sock"
	vg_bg_start serve-stale serve --path "$tmp/stale.sock"
	vg serve-path-live 1 serve --path "$tmp/stale.sock"
	vg_bg_finish serve-stale QUIT 0
	[ -e "$tmp/stale.sock" ] && { failed=$((failed + 1)); echo "FAIL serve-stale: socket file left"; }
	# A log nobody reads (1.2 MB of lines for a 1 MiB buffer and a 64 KiB
	# pipe): the clients are still served, SIGTERM ends it.
	mkfifo "$tmp/stalled.fifo"
	exec 7<>"$tmp/stalled.fifo"
	runs=$((runs + 1))
	valgrind -q --track-fds=yes --leak-check=full --error-exitcode=99 \
		--log-file="$tmp/serve-stalled.vg.%p" "$bin" serve --port 0 \
		>"$tmp/stalled.fifo" 2>"$tmp/serve-stalled.err" </dev/null &
	vg_bg_pid=$!
	p=
	for _ in $(seq 1 100); do
		p=$(ss -ltnpH 2>/dev/null | sed -n "/pid=$vg_bg_pid,/s/.*127\.0\.0\.1:\([0-9]*\) .*/\1/p")
		[ -n "$p" ] && break
		sleep 0.1
	done
	msg=$(head -c 3000 /dev/zero | tr '\0' x)
	for _ in $(seq 1 400); do
		timeout 5 "$bin" connect 127.0.0.1 "$p" -t 2 --message "$msg" \
			>/dev/null 2>&1
	done
	vg_bg_finish serve-stalled TERM 0
	exec 7<&-
	# A client that says nothing is closed at its idle deadline (the
	# server's close ends this read), then SIGTERM ends the server.
	if vg_bg_start serve-idle serve --port 0 --timeout 1; then
		p=$(sed -n '1s/.*127\.0\.0\.1:\([0-9]*\).*/\1/p' "$tmp/serve-idle.out")
		if exec 8<>"/dev/tcp/127.0.0.1/$p"; then
			timeout 10 cat <&8 >/dev/null
			exec 8<&-
		fi
	fi
	vg_bg_finish serve-idle TERM 0
	# The log's reader gone (serve | head -1): serve stops quietly once a
	# client makes it log again.
	runs=$((runs + 1))
	( valgrind -q --track-fds=yes --leak-check=full \
		--errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99 \
		--log-file="$tmp/serve-epipe.vg" "$bin" serve --port 0 --timeout 2 \
		2>"$tmp/serve-epipe.err" </dev/null; echo $? >"$tmp/serve-epipe.rc" ) |
		head -1 >"$tmp/serve-epipe.out"
	# head exited after the first line; a client makes the server write.
	p=$(sed -n '1s/.*127\.0\.0\.1:\([0-9]*\).*/\1/p' "$tmp/serve-epipe.out")
	[ -n "$p" ] && timeout 5 "$bin" connect 127.0.0.1 "$p" -t 2 -m hi >/dev/null 2>&1
	for _ in $(seq 1 100); do
		[ -s "$tmp/serve-epipe.rc" ] && break
		sleep 0.1
	done
	if [ "$(cat "$tmp/serve-epipe.rc" 2>/dev/null)" != 0 ] || [ -s "$tmp/serve-epipe.err" ] ||
	   grep -q 'lost\|Invalid \|uninitialised' "$tmp/serve-epipe.vg"; then
		failed=$((failed + 1))
		echo "FAIL serve-epipe: exited $(cat "$tmp/serve-epipe.rc" 2>/dev/null) $(head -c 300 "$tmp/serve-epipe.err")"
		sed 's/^/    vg: /' "$tmp/serve-epipe.vg" | head -30
	else
		echo "ok   serve-epipe                  exit 0  fdscope serve | head -1"
	fi
	vg serve-unix-hint 1 serve --path /proc/fdscope-no-such-dir/s.sock
	vg connect-ipv6-zone 1 connect "fe80::1%lo" 9 -t 0.3
	vg connect-udp-every-address 1 connect -P udp localhost 9 -t 0.3 -m hi
	vg serve-bad-port 2 serve --port 65536
	vg serve-bad-timeout 2 serve --timeout 0
	vg serve-unix-nopath 2 serve --proto unix
	vg serve-unresolvable 1 serve --host "" --port 0
	check_tmpdir serve
else
	skip serve "not built in"
fi

if have_cmd exec && have_cmd watch && have_cmd metrics; then
	echo "== exec, watch, metrics"
	# exec traces: valgrind's fdscope is the tracer, the command runs
	# natively.
	vg exec-true 0 exec -- /bin/true
	vg exec-status 7 exec -- /bin/sh -c 'exit 7'
	vg exec-json 0 exec -J --report "$tmp/exec.json" -- /bin/sh -c /bin/true
	vg exec-strict 1 exec --strict -- /bin/sh -c 'exec 7>/dev/null; /bin/true'
	vg exec-missing 127 exec -- /nonexistent/cmd
	vg exec-usage 2 exec
	sleep 30 &
	target=$!
	bg_pids+=("$target")
	vg watch-count 0 watch -p "$target" --interval 0.1 --count 3 -J
	vg watch-gone 1 watch -p 999999999 --count 2
	vg watch-usage 2 watch
	vg metrics-pid 0 metrics -p "$target"
	vg metrics-textfile 0 metrics -p "$target" --textfile "$tmp/fdscope.prom"
	vg metrics-count 0 metrics -p "$target" --textfile "$tmp/fdscope.prom" --count 3 \
		--interval 0.05
	vg metrics-unwritable 1 metrics -p "$target" --textfile /nonexistent/x.prom
	vg metrics-usage 2 metrics -p x
	check_tmpdir leaks
else
	skip exec "not built in"
fi
