/* A process holding one descriptor of every anonymous-inode and special
 * kind this machine lets it make, for tests/check_decode.c: eventfd,
 * epoll watching three of the others, timerfd, signalfd, inotify watching
 * a directory it also holds open, pidfd, fanotify, io_uring, userfaultfd,
 * perf_event, a bpf map, /dev/null, a pty pair and /dev/net/tun.  It
 * prints "ready NAME=FD ..." (-1 for a kind refused, with the errno as
 * NAME_errno=N) and waits until its stdin closes (at most 60 s). */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/if_tun.h>
#include <linux/io_uring.h>
#include <linux/perf_event.h>
#include <linux/userfaultfd.h>
#include <net/if.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <sys/fanotify.h>
#include <sys/inotify.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/vm_sockets.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <unistd.h>

static char ready[2048];
static size_t used;

static void say(const char *name, int fd)
{
	int n;

	if (fd < 0)
		n = snprintf(ready + used, sizeof(ready) - used, " %s=-1 %s_errno=%d",
			     name, name, errno);
	else
		n = snprintf(ready + used, sizeof(ready) - used, " %s=%d", name, fd);
	if (n > 0 && (size_t)n < sizeof(ready) - used)
		used += (size_t)n;
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static int make_timerfd(void)
{
	/* 1.5 s left at first, then every 2 s: the NAME example. */
	struct itimerspec its = { { 2, 0 }, { 1, 500000000 } };
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);

	if (fd >= 0 && timerfd_settime(fd, 0, &its, NULL) < 0)
		die("timerfd_settime");
	return fd;
}

static int make_signalfd(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGTERM);
	return signalfd(-1, &set, SFD_CLOEXEC);
}

static int make_bpf_map(void)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_ARRAY;
	attr.key_size = 4;
	attr.value_size = 8;
	attr.max_entries = 4;
	snprintf(attr.map_name, sizeof(attr.map_name), "kindholder");
	return (int)syscall(SYS_bpf, BPF_MAP_CREATE, &attr, sizeof(attr));
}

/* A socket filter that accepts nothing: r0 = 0; exit. */
static int make_bpf_prog(void)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	attr.insn_cnt = 2;
	attr.insns = (unsigned long)insns;
	attr.license = (unsigned long)"GPL";
	snprintf(attr.prog_name, sizeof(attr.prog_name), "kindholder");
	return (int)syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
}

/* The first block device of /proc/partitions, read-only (root only). */
static int make_blk(void)
{
	char line[256], name[64], path[96];
	FILE *f = fopen("/proc/partitions", "re");
	int fd = -1;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		unsigned int maj, min;
		unsigned long long blocks;

		if (sscanf(line, " %u %u %llu %63s", &maj, &min, &blocks, name) != 4)
			continue;
		snprintf(path, sizeof(path), "/dev/%s", name);
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
		if (fd >= 0)
			break;
	}
	fclose(f);
	return fd;
}

static int make_perf(void)
{
	struct perf_event_attr pa;

	memset(&pa, 0, sizeof(pa));
	pa.type = PERF_TYPE_SOFTWARE;
	pa.size = sizeof(pa);
	pa.config = PERF_COUNT_SW_TASK_CLOCK;
	pa.disabled = 1;
	return (int)syscall(SYS_perf_event_open, &pa, 0, -1, -1,
			    PERF_FLAG_FD_CLOEXEC);
}

static int make_tun(void)
{
	struct ifreq ifr;
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "fdsk%d", (int)(getpid() % 100000));
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif

/* Sockets of every family this machine allows, on loopback only: a TCP
 * pair with 5 bytes unread on the accepted end and the connecting end
 * shut for writing, UDP-Lite, netlink route in group RTMGRP_LINK, packet,
 * raw ICMP, MPTCP, SCTP and vsock listeners. */
static void make_sockets(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	struct sockaddr_nl snl = { .nl_family = AF_NETLINK, .nl_groups = RTMGRP_LINK };
	socklen_t len = sizeof(sa);
	int l, c, a, fd;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (l < 0 || bind(l, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(l, 4) < 0 || getsockname(l, (struct sockaddr *)&sa, &len) < 0)
		die("tcp listen");
	c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c < 0 || connect(c, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		die("tcp connect");
	a = accept4(l, NULL, NULL, SOCK_CLOEXEC);
	if (a < 0 || write(c, "hello", 5) != 5 || shutdown(c, SHUT_WR) < 0)
		die("tcp accept");
	say("tcp_listen", l);
	say("tcp_conn", c);
	say("tcp_acc", a);
	{
		int u[2], d1, d2;
		struct sockaddr_in s1 = sa, s2 = sa;
		socklen_t l1 = sizeof(s1), l2 = sizeof(s2);

		/* 3 bytes unread on unix_b; two UDP sockets connected to
		 * each other. */
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, u) < 0 ||
		    write(u[0], "abc", 3) != 3)
			die("socketpair");
		say("unix_a", u[0]);
		say("unix_b", u[1]);
		s1.sin_port = s2.sin_port = 0;
		d1 = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		d2 = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (d1 < 0 || d2 < 0 || bind(d1, (struct sockaddr *)&s1, sizeof(s1)) < 0 ||
		    bind(d2, (struct sockaddr *)&s2, sizeof(s2)) < 0 ||
		    getsockname(d1, (struct sockaddr *)&s1, &l1) < 0 ||
		    getsockname(d2, (struct sockaddr *)&s2, &l2) < 0 ||
		    connect(d1, (struct sockaddr *)&s2, sizeof(s2)) < 0 ||
		    connect(d2, (struct sockaddr *)&s1, sizeof(s1)) < 0)
			die("udp pair");
		say("udp_a", d1);
		say("udp_b", d2);
	}
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDPLITE);
	sa.sin_port = 0;
	if (fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		die("udplite bind");
	say("udplite", fd);
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd >= 0 && bind(fd, (struct sockaddr *)&snl, sizeof(snl)) < 0)
		die("netlink bind");
	say("netlink", fd);
	len = sizeof(snl);
	if (fd >= 0 && getsockname(fd, (struct sockaddr *)&snl, &len) == 0)
		say("netlink_port", (int)snl.nl_pid);
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(0x0806));
	say("packet", fd);
	fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
	say("raw", fd);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_MPTCP);
	if (fd >= 0 && (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
			listen(fd, 1) < 0))
		die("mptcp listen");
	say("mptcp", fd);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_SCTP);
	if (fd >= 0 && (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
			listen(fd, 1) < 0))
		die("sctp listen");
	say("sctp", fd);
	fd = socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0) {
		struct sockaddr_vm vm = { .svm_family = AF_VSOCK,
					  .svm_cid = VMADDR_CID_LOCAL,
					  .svm_port = VMADDR_PORT_ANY };

		if (bind(fd, (struct sockaddr *)&vm, sizeof(vm)) < 0 ||
		    listen(fd, 1) < 0) {
			int e = errno;

			close(fd);
			fd = -1;
			errno = e;
		}
	}
	say("vsock", fd);
}

static int make_file(const char *dir, const char *name, int flags)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, flags | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		die(path);
	return fd;
}

/* flock W on lock_flock, POSIX W on bytes 10-29 of lock_posix, OFD R on
 * lock_ofd, a read lease on lock_lease, and a flock on a file whose
 * descriptor only a child keeps: the lock stays this process's in
 * /proc/locks without a descriptor of it.  Returns the child. */
static pid_t make_locks(const char *dir)
{
	struct flock posix = { .l_type = F_WRLCK, .l_whence = SEEK_SET,
			       .l_start = 10, .l_len = 20 };
	struct flock ofd = { .l_type = F_RDLCK, .l_whence = SEEK_SET };
	int fd, gone;
	pid_t child;

	fd = make_file(dir, "lock_flock", O_RDWR);
	if (flock(fd, LOCK_EX) < 0)
		die("flock");
	say("lock_flock", fd);
	fd = make_file(dir, "lock_posix", O_RDWR);
	if (fcntl(fd, F_SETLK, &posix) < 0)
		die("posix lock");
	say("lock_posix", fd);
	fd = make_file(dir, "lock_ofd", O_RDWR);
	if (fcntl(fd, F_OFD_SETLK, &ofd) < 0)
		fd = -1;
	say("lock_ofd", fd);
	fd = make_file(dir, "lock_lease", O_RDONLY);
	if (fcntl(fd, F_SETLEASE, F_RDLCK) < 0) {
		int e = errno;

		close(fd);
		fd = -1;
		errno = e;
	}
	say("lock_lease", fd);
	gone = make_file(dir, "lock_gone", O_RDWR);
	if (flock(gone, LOCK_SH) < 0)
		die("flock");
	child = fork();
	if (child < 0)
		die("fork");
	if (child == 0) {
		struct pollfd pf = { 0, POLLIN, 0 };

		/* Keeps the description (and its lock) until stdin closes. */
		poll(&pf, 1, 60000);
		_exit(0);
	}
	close(gone);
	say("lock_child", (int)child);
	return child;
}

/* Two mappings without a descriptor: a memfd's and a deleted file's
 * (lsfd 2.38 leaves both out of its mem rows). */
static void make_maps(const char *dir)
{
	char path[256];
	void *a, *b;
	int fd = memfd_create("kindholder-map", MFD_CLOEXEC);

	if (fd < 0 || ftruncate(fd, 8192) < 0 ||
	    (a = mmap(NULL, 8192, PROT_READ, MAP_SHARED, fd, 0)) == MAP_FAILED)
		die("memfd map");
	close(fd);
	snprintf(path, sizeof(path), "%s/mapped-then-deleted", dir);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0 || ftruncate(fd, 4096) < 0 ||
	    (b = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0)) == MAP_FAILED)
		die("file map");
	close(fd);
	unlink(path);
	printf("map_memfd=%p map_deleted=%p ", a, b);
}

static pthread_mutex_t thread_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t thread_ready = PTHREAD_COND_INITIALIZER;
static int thread_fd = -2;
static pid_t thread_tid;

/* A thread with a table of its own holding /dev/zero, reporting its TID
 * and descriptor, then idle until the process exits. */
static void *own_table_thread(void *arg)
{
	int fd = -1;

	(void)arg;
	if (unshare(CLONE_FILES) == 0)
		fd = open("/dev/zero", O_RDONLY | O_CLOEXEC);
	pthread_mutex_lock(&thread_lock);
	thread_fd = fd;
	thread_tid = gettid();
	pthread_cond_signal(&thread_ready);
	pthread_mutex_unlock(&thread_lock);
	for (;;)
		pause();
	return NULL;
}

static void *shared_table_thread(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

static void make_threads(void)
{
	pthread_t a, b;

	if (pthread_create(&b, NULL, shared_table_thread, NULL) != 0 ||
	    pthread_create(&a, NULL, own_table_thread, NULL) != 0)
		die("pthread_create");
	pthread_mutex_lock(&thread_lock);
	while (thread_fd == -2)
		pthread_cond_wait(&thread_ready, &thread_lock);
	pthread_mutex_unlock(&thread_lock);
	say("thread_fd", thread_fd);
	say("thread_tid", (int)thread_tid);
}

/* What a child made, reported to its parent. */
struct child_msg {
	int fd, err;
	pid_t grandchild;
};

/* Forks a child that runs make, sends what it made back through a pipe,
 * waits until stdin closes and reaps the grandchild make may have left;
 * returns its PID with *msg filled in. */
static pid_t fork_maker(void (*make)(struct child_msg *), struct child_msg *msg,
			const char *what)
{
	int p[2];
	pid_t child;

	if (pipe(p) < 0)
		die("pipe");
	child = fork();
	if (child < 0)
		die("fork");
	if (child == 0) {
		struct pollfd pf = { 0, POLLIN, 0 };

		close(p[0]);
		msg->fd = -1;
		msg->err = 0;
		msg->grandchild = -1;
		make(msg);
		if (write(p[1], msg, sizeof(*msg)) != sizeof(*msg))
			_exit(1);
		close(p[1]);
		poll(&pf, 1, 60000);
		if (msg->grandchild > 0)
			waitpid(msg->grandchild, NULL, 0);
		_exit(0);
	}
	close(p[1]);
	if (read(p[0], msg, sizeof(*msg)) != sizeof(*msg))
		die(what);
	close(p[0]);
	errno = msg->err;
	return child;
}

/* In a new network namespace, after inheriting the sockets made so far:
 * a UDP socket there, bound so that the namespace's UDP table has it. */
static void make_netns_udp(struct child_msg *msg)
{
	struct sockaddr_in any = { .sin_family = AF_INET };

	if (unshare(CLONE_NEWNET) < 0)
		msg->err = errno;
	else if ((msg->fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		msg->err = errno;
	else if (bind(msg->fd, (struct sockaddr *)&any, sizeof(any)) < 0)
		msg->err = errno;
}

/* Reports "netns_child=PID netns_udp=FD". */
static pid_t make_netns_child(void)
{
	struct child_msg msg;
	pid_t child = fork_maker(make_netns_udp, &msg, "netns child");

	say("netns_child", msg.fd < 0 ? -1 : (int)child);
	say("netns_udp", msg.fd);
	return child;
}

/* A named FIFO, both ends held here and (after make_locks forks) by the
 * lock child: ENDPOINTS of a FIFO across processes. */
static void make_fifo(const char *dir)
{
	char path[256];
	int r, w;

	snprintf(path, sizeof(path), "%s/fifo", dir);
	if (mkfifo(path, 0600) < 0)
		die("mkfifo");
	r = open(path, O_RDONLY | O_NONBLOCK);
	w = open(path, O_WRONLY);
	if (r < 0 || w < 0)
		die("fifo");
	say("fifo_r", r);
	say("fifo_w", w);
}

/* An SQPOLL io_uring made by a child, whose SQPOLL thread is then the
 * child's, and inherited by a grandchild: the owner fdscope names for the
 * grandchild's descriptor is the child.  (Since Linux 6.7 an io_uring
 * cannot be passed over SCM_RIGHTS, so fork is the way to share one.) */
static void make_sqpoll_ring(struct child_msg *msg)
{
	struct io_uring_params up;
	struct pollfd pf = { 0, POLLIN, 0 };

	memset(&up, 0, sizeof(up));
	up.flags = IORING_SETUP_SQPOLL;
	up.sq_thread_idle = 60000;
	msg->fd = (int)syscall(SYS_io_uring_setup, 4, &up);
	if (msg->fd < 0) {
		msg->err = errno;
		return;
	}
	msg->grandchild = fork();
	if (msg->grandchild == 0) {
		poll(&pf, 1, 60000);
		_exit(0);
	}
}

static pid_t make_uring_child(void)
{
	struct child_msg msg;
	pid_t child = fork_maker(make_sqpoll_ring, &msg, "uring child");

	say("uring_child", msg.fd < 0 ? -1 : (int)child);
	say("uring_grandchild", msg.fd < 0 ? -1 : (int)msg.grandchild);
	say("io_uring_sqpoll", msg.fd);
	return child;
}

int main(void)
{
	char dir[] = "/tmp/kindholder-XXXXXX";
	struct io_uring_params up;
	struct epoll_event ev = { 0 };
	int efd, ep, tfd, sfd, ino, dfd, wd, pfd, fan, ring, uffd, perf, map;
	int null, ptm, pts, tun, p[2];
	pid_t lock_child, netns_child, uring_child;
	struct pollfd pf = { 0, POLLIN, 0 };
	sigset_t set;
	char buf[64];

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	if (mkdtemp(dir) == NULL)
		die("mkdtemp");
	if (pipe(p) < 0)
		die("pipe");
	say("pipe_r", p[0]);
	efd = eventfd(7, EFD_CLOEXEC);
	if (efd < 0)
		die("eventfd");
	say("eventfd", efd);
	tfd = make_timerfd();
	say("timerfd", tfd);
	sfd = make_signalfd();
	say("signalfd", sfd);
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0)
		die("epoll");
	ev.events = EPOLLIN;
	ev.data.fd = efd;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev) < 0)
		die("epoll_ctl");
	ev.events = EPOLLIN | EPOLLOUT;
	ev.data.fd = p[0];
	if (epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev) < 0)
		die("epoll_ctl");
	if (tfd >= 0) {
		ev.events = EPOLLIN | EPOLLET;
		ev.data.fd = tfd;
		if (epoll_ctl(ep, EPOLL_CTL_ADD, tfd, &ev) < 0)
			die("epoll_ctl");
	}
	say("epoll", ep);
	ino = inotify_init1(IN_CLOEXEC);
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (ino < 0 || dfd < 0)
		die("inotify");
	wd = inotify_add_watch(ino, dir, IN_CREATE | IN_DELETE);
	if (wd < 0)
		die("inotify_add_watch");
	say("inotify", ino);
	say("dir", dfd);
	pfd = (int)syscall(SYS_pidfd_open, getpid(), 0);
	say("pidfd", pfd);
	fan = fanotify_init(FAN_CLASS_NOTIF | FAN_CLOEXEC, O_RDONLY);
	if (fan >= 0 && fanotify_mark(fan, FAN_MARK_ADD, FAN_OPEN, AT_FDCWD, dir) < 0)
		die("fanotify_mark");
	say("fanotify", fan);
	memset(&up, 0, sizeof(up));
	ring = (int)syscall(SYS_io_uring_setup, 8, &up);
	say("io_uring", ring);
	uffd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | UFFD_USER_MODE_ONLY);
	say("userfaultfd", uffd);
	perf = make_perf();
	say("perf_event", perf);
	map = make_bpf_map();
	say("bpf_map", map);
	say("bpf_prog", make_bpf_prog());
	say("blk", make_blk());
	null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	say("null", null);
	ptm = posix_openpt(O_RDWR | O_NOCTTY);
	pts = -1;
	if (ptm >= 0 && grantpt(ptm) == 0 && unlockpt(ptm) == 0)
		pts = open(ptsname(ptm), O_RDWR | O_NOCTTY | O_CLOEXEC);
	say("ptmx", ptm);
	say("pts", pts);
	tun = make_tun();
	say("tun", tun);
	make_sockets();
	make_fifo(dir);
	lock_child = make_locks(dir);
	netns_child = make_netns_child();
	uring_child = make_uring_child();
	make_threads();
	printf("ready ");
	make_maps(dir);
	printf("dir_path=%s%s\n", dir, ready);
	fflush(stdout);
	/* Until the test closes our stdin; never longer than a minute. */
	if (poll(&pf, 1, 60000) > 0)
		(void)!read(0, buf, sizeof(buf));
	waitpid(lock_child, NULL, 0);
	waitpid(netns_child, NULL, 0);
	waitpid(uring_child, NULL, 0);
	{
		static const char *const files[] = { "lock_flock", "lock_posix",
			"lock_ofd", "lock_lease", "lock_gone", "fifo" };
		char path[256];
		size_t i;

		for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
			snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
			unlink(path);
		}
	}
	rmdir(dir);
	return 0;
}
