/* What `list` decodes beyond the link and stat: error rows for what cannot
 * be read (on a fixture proc root), and the anonymous inodes of a holder
 * (tests/helpers/kindholder.c) checked field by field against its fdinfo
 * and against lsfd where lsfd 2.38 has the column. */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <linux/rtnetlink.h>
#include <linux/vm_sockets.h>
#include <linux/vm_sockets_diag.h>
#include <netinet/in.h>

#include "net/sockx.h"
#include "proc/anon.h"
#include "proc/assoc.h"
#include "proc/chrdev.h"
#include "proc/fanflags.h"
#include "proc/locks.h"
#include "proc/mounts.h"
#include "proc/procfs.h"
#include "lib/util.h"
#include "testutil.h"

#define FIXTURE_PID "4242"

/* A fake proc root with one process: fd 3 a good link, 4 a link that
 * loops (stat ELOOP), 5 a plain file (readlink EINVAL), 6 a good link. */
static void make_fixture(char *root, size_t len)
{
	char path[4200];
	int fd;

	snprintf(root, len, "/tmp/fdscope-decode-XXXXXX");
	ck_assert(mkdtemp(root) != NULL);
	ck_assert_int_eq(chmod(root, 0755), 0);
	snprintf(path, sizeof(path), "%s/" FIXTURE_PID, root);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/" FIXTURE_PID "/fd", root);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/" FIXTURE_PID "/comm", root);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "holder\n", 7), 7);
	close(fd);
	snprintf(path, sizeof(path), "%s/" FIXTURE_PID "/fd/3", root);
	ck_assert_int_eq(symlink("/etc/passwd", path), 0);
	snprintf(path, sizeof(path), "%s/" FIXTURE_PID "/fd/4", root);
	ck_assert_int_eq(symlink("4", path), 0);
	snprintf(path, sizeof(path), "%s/" FIXTURE_PID "/fd/5", root);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ck_assert_int_ge(fd, 0);
	close(fd);
	snprintf(path, sizeof(path), "%s/" FIXTURE_PID "/fd/6", root);
	ck_assert_int_eq(symlink("/etc/passwd", path), 0);
}

static void remove_fixture(const char *root)
{
	static const char *const rel[] = {
		"/" FIXTURE_PID "/fd/3", "/" FIXTURE_PID "/fd/4",
		"/" FIXTURE_PID "/fd/5", "/" FIXTURE_PID "/fd/6",
		"/" FIXTURE_PID "/comm",
	};
	char path[4200];
	size_t i;

	snprintf(path, sizeof(path), "%s/" FIXTURE_PID "/fd", root);
	chmod(path, 0755);
	for (i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", root, rel[i]);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/" FIXTURE_PID "/fd", root);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/" FIXTURE_PID, root);
	rmdir(path);
	rmdir(root);
}

static int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

START_TEST(test_error_rows_name_the_failed_call_and_errno)
{
	char root[64], expect_ino[32];
	struct run_result r;
	struct json *doc;
	const struct json *row;
	struct stat st;

	make_fixture(root, sizeof(root));
	setenv("FDSCOPE_PROC_ROOT", root, 1);
	run_fdscope(&r, "list", "-p", FIXTURE_PID, "-J", "-o",
		    "FD,TYPE,SOURCE,NAME,INODE", NULL);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	/* JSON rows speak for themselves: nothing on stderr. */
	ck_assert_uint_eq(r.err_len, 0);
	doc = json_parse(r.out);
	ck_assert_msg(doc != NULL, "invalid JSON: %s", r.out);
	ck_assert_uint_eq(json_get(doc, "descriptors")->n, 4);

	row = json_find_fd(doc, 3);
	ck_assert_str_eq(json_str(row, "type"), "REG");
	/* Where /etc/passwd lives, not an error. */
	ck_assert_ptr_nonnull(json_str(row, "source"));
	ck_assert_ptr_null(strstr(json_str(row, "source"), "stat:"));
	ck_assert_ptr_null(strstr(json_str(row, "source"), "readlink:"));
	ck_assert_int_eq(stat("/etc/passwd", &st), 0);
	ck_assert_int_eq(json_int(row, "inode"), (long long)st.st_ino);

	row = json_find_fd(doc, 4);
	ck_assert_str_eq(json_str(row, "type"), "ERROR");
	ck_assert_str_eq(json_str(row, "source"), "stat:ELOOP");
	/* The link was read: NAME keeps it. */
	ck_assert_str_eq(json_str(row, "name"), "4");

	row = json_find_fd(doc, 5);
	ck_assert_str_eq(json_str(row, "type"), "ERROR");
	ck_assert_str_eq(json_str(row, "source"), "readlink:EINVAL");
	ck_assert_str_eq(json_str(row, "name"), "readlink:EINVAL");
	json_free(doc);
	run_result_release(&r);

	/* Text: the rows, and one line on stderr counting them. */
	run_fdscope(&r, "list", "-p", FIXTURE_PID, NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_int_eq(count_lines(r.out), 5);
	ck_assert_msg(strstr(r.err, "2 of 4 rows are error rows") != NULL &&
		      strstr(r.err, "SOURCE stat:ELOOP") != NULL, "%s", r.err);
	ck_assert_int_eq(count_lines(r.err), 1);
	snprintf(expect_ino, sizeof(expect_ino), "%llu",
		 (unsigned long long)st.st_ino);
	ck_assert_msg(strstr(r.out, expect_ino) != NULL, "%s", r.out);
	run_result_release(&r);
	remove_fixture(root);
}
END_TEST

/* `fdscope list -p FIXTURE_PID A B C` as user nobody. */
static void run_as_nobody(struct run_result *r, const char *a, const char *b,
			  const char *c)
{
	char *bin = strdup(fdscope_bin());
	char *argv[] = {
		"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
		bin, "list", "-p", FIXTURE_PID, (char *)0, (char *)0, (char *)0,
		NULL,
	};

	ck_assert_ptr_nonnull(bin);
	argv[8] = (char *)(uintptr_t)a;
	argv[9] = (char *)(uintptr_t)b;
	argv[10] = (char *)(uintptr_t)c;
	run_argv(r, argv, 20);
	free(bin);
}

/* The case of a container's PID 1 seen from outside: the table can be
 * listed, no link can be read.  A directory readable but not searchable
 * gives exactly that to an unprivileged user. */
START_TEST(test_error_rows_for_links_denied_say_what_would_allow_them)
{
	char root[64], fddir[128];
	struct run_result r;
	struct json *doc;
	size_t i;

	make_fixture(root, sizeof(root));
	snprintf(fddir, sizeof(fddir), "%s/" FIXTURE_PID "/fd", root);
	ck_assert_int_eq(chmod(fddir, 0644), 0);
	setenv("FDSCOPE_PROC_ROOT", root, 1);
	run_as_nobody(&r, "-J", "-o", "FD,TYPE,SOURCE,NAME");
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	doc = json_parse(r.out);
	ck_assert_msg(doc != NULL, "invalid JSON: %s", r.out);
	ck_assert_uint_eq(json_get(doc, "descriptors")->n, 4);
	for (i = 0; i < 4; i++) {
		const struct json *row = json_at(json_get(doc, "descriptors"), i);

		ck_assert_int_eq(json_int(row, "fd"), 3 + (long long)i);
		ck_assert_str_eq(json_str(row, "type"), "ERROR");
		ck_assert_str_eq(json_str(row, "source"), "readlink:EACCES");
		ck_assert_str_eq(json_str(row, "name"), "readlink:EACCES");
	}
	json_free(doc);
	run_result_release(&r);
	run_as_nobody(&r, NULL, NULL, NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_msg(strstr(r.err, "4 of 4 rows are error rows") != NULL &&
		      strstr(r.err, "CAP_SYS_PTRACE") != NULL, "%s", r.err);
	ck_assert_int_eq(count_lines(r.err), 1);
	/* Never a blank row: every line names the error. */
	ck_assert_int_eq(count_lines(r.out), 5);
	ck_assert_ptr_null(strstr(r.out, "unknown"));
	run_result_release(&r);
	remove_fixture(root);
}
END_TEST


/* Texts as this kernel (6.18) wrote them for tests/helpers/kindholder. */
static const char eventfd_text[] =
	"pos:\t0\nflags:\t02000002\nmnt_id:\t17\nino:\t1038\n"
	"eventfd-count:               1f\neventfd-id: 12\neventfd-semaphore: 1\n";
static const char epoll_text[] =
	"pos:\t0\nflags:\t02000002\nmnt_id:\t17\nino:\t1038\n"
	"tfd:        6 events: 80000019 data:                6  pos:0 ino:40e sdev:10\n"
	"tfd:        5 events:       19 data:                5  pos:0 ino:40e sdev:10\n"
	"tfd:       12 events:       1d data: ffffffffffffffff  pos:0 ino:11b69c sdev:f\n";
static const char timerfd_text[] =
	"pos:\t0\nflags:\t02000002\nmnt_id:\t17\nino:\t1038\nclockid: 1\n"
	"ticks: 3\nsettime flags: 00\nit_value: (1, 500000000)\n"
	"it_interval: (2, 0)\n";
static const char inotify_text[] =
	"pos:\t0\nflags:\t02000000\nmnt_id:\t17\nino:\t1038\n"
	"inotify wd:1 ino:a720e3 sdev:fe00001 mask:300 ignored_mask:0 "
	"fhandle-bytes:8 fhandle-type:1 f_handle:e320a7005f32d43a\n";
static const char fanotify_text[] =
	"pos:\t0\nflags:\t02000002\nmnt_id:\t17\nino:\t1038\n"
	"fanotify flags:1 event-flags:8000\n"
	"fanotify ino:a720e3 sdev:fe00000 mflags:0 mask:20 ignored_mask:0 "
	"fhandle-bytes:8 fhandle-type:1 f_handle:e320a7005f32d43a\n"
	"fanotify mnt_id:1c mflags:0 mask:20 ignored_mask:0\n";

START_TEST(test_anon_eventfd_count_is_hex_and_id_decimal)
{
	struct anon_eventfd ev;
	char buf[256];

	ck_assert_int_eq(anon_parse_eventfd(eventfd_text, strlen(eventfd_text), &ev), 0);
	ck_assert_uint_eq(ev.count, 31);
	ck_assert(ev.has_id);
	ck_assert_uint_eq(ev.id, 12);
	ck_assert(ev.semaphore);
	ck_assert_str_eq(anon_summary(ANON_EVENTFD, eventfd_text, strlen(eventfd_text),
				      NULL, buf, sizeof(buf)),
			 "eventfd: id 12, count 31, semaphore");
	/* Not an eventfd's fdinfo. */
	ck_assert_int_eq(anon_parse_eventfd("pos:\t0\n", 7, &ev), -1);
}
END_TEST

START_TEST(test_anon_epoll_targets_masks_and_summary)
{
	struct anon_epoll_target t[2];
	char buf[256];
	unsigned int maj, min;

	/* Three lines, two kept. */
	ck_assert_int_eq(anon_parse_epoll(epoll_text, strlen(epoll_text), t, 2), 3);
	ck_assert_int_eq(t[0].tfd, 6);
	ck_assert_uint_eq(t[0].events, 0x80000019);
	ck_assert_uint_eq(t[0].ino, 0x40e);
	ck_assert_uint_eq(t[1].tfd, 5);
	ck_assert_uint_eq(t[1].data, 5);
	anon_sdev_split(0xfe00001, &maj, &min);
	ck_assert_uint_eq(maj, 254);
	ck_assert_uint_eq(min, 1);
	ck_assert_str_eq(anon_summary(ANON_EVENTPOLL, epoll_text, strlen(epoll_text),
				      NULL, buf, sizeof(buf)),
			 "eventpoll: 3 targets: 5 6 12");
	ck_assert_str_eq(anon_field_text(ANON_F_EVENTPOLL_TFDS, ANON_EVENTPOLL,
					 epoll_text, strlen(epoll_text), buf,
					 sizeof(buf)), "5\n6\n12");
	ck_assert_str_eq(anon_field_text(ANON_F_EVENTPOLL_EVENTS, ANON_EVENTPOLL,
					 epoll_text, strlen(epoll_text), buf,
					 sizeof(buf)),
			 "5:IN,ERR,HUP 6:IN,ERR,HUP,ET 12:IN,OUT,ERR,HUP");
	/* The field of another kind is absent, not wrong. */
	ck_assert_ptr_null(anon_field_text(ANON_F_EVENTPOLL_TFDS, ANON_TIMERFD,
					   epoll_text, strlen(epoll_text), buf,
					   sizeof(buf)));
	ck_assert_str_eq(anon_summary(ANON_EVENTPOLL, "pos:\t0\n", 7, NULL, buf,
				      sizeof(buf)), "eventpoll: 0 targets");
}
END_TEST

START_TEST(test_anon_timerfd_clock_interval_remaining)
{
	struct anon_timerfd tf;
	char buf[256];
	static const char disarmed[] = "clockid: 0\nticks: 0\nit_value: (0, 0)\n"
		"it_interval: (0, 0)\n";
	static const char once[] = "clockid: 7\nticks: 1\nit_value: (3, 250)\n"
		"it_interval: (0, 0)\n";

	ck_assert_int_eq(anon_parse_timerfd(timerfd_text, strlen(timerfd_text), &tf), 0);
	ck_assert_int_eq(tf.clockid, 1);
	ck_assert_uint_eq(tf.ticks, 3);
	ck_assert_uint_eq(tf.value_s, 1);
	ck_assert_uint_eq(tf.value_ns, 500000000);
	ck_assert_uint_eq(tf.interval_s, 2);
	ck_assert_str_eq(anon_summary(ANON_TIMERFD, timerfd_text, strlen(timerfd_text),
				      NULL, buf, sizeof(buf)),
			 "timerfd: CLOCK_MONOTONIC, 1.5 s left, every 2 s, 3 ticks");
	ck_assert_str_eq(anon_field_text(ANON_F_TIMERFD_REMAINING, ANON_TIMERFD,
					 timerfd_text, strlen(timerfd_text), buf,
					 sizeof(buf)), "1.5");
	ck_assert_str_eq(anon_summary(ANON_TIMERFD, disarmed, strlen(disarmed),
				      NULL, buf, sizeof(buf)),
			 "timerfd: CLOCK_REALTIME, disarmed");
	ck_assert_str_eq(anon_summary(ANON_TIMERFD, once, strlen(once), NULL, buf,
				      sizeof(buf)),
			 "timerfd: CLOCK_BOOTTIME, 3 s left, once, 1 tick");
	/* The column keeps the nanoseconds the kernel gave. */
	ck_assert_str_eq(anon_field_text(ANON_F_TIMERFD_REMAINING, ANON_TIMERFD,
					 once, strlen(once), buf, sizeof(buf)),
			 "3.00000025");
	/* A malformed pair is no value, not a wrong one. */
	ck_assert_int_eq(anon_parse_timerfd("clockid: 1\nit_value: (1, 2000000000)\n",
					    37, &tf), 0);
	ck_assert(!tf.has_value);
}
END_TEST

START_TEST(test_anon_signalfd_mask_names)
{
	char buf[256];
	static const char text[] = "pos:\t0\nsigmask:\t0000000000004200\n";
	static const char rt[] = "sigmask:\t0000000280000001\n";

	ck_assert_str_eq(anon_summary(ANON_SIGNALFD, text, strlen(text), NULL, buf,
				      sizeof(buf)), "signalfd: USR1,TERM");
	anon_sigmask_format(1ULL << (SIGRTMIN - 1), buf, sizeof(buf));
	ck_assert_str_eq(buf, "RT0");
	ck_assert_str_eq(anon_field_text(ANON_F_SIGNALFD_MASK, ANON_SIGNALFD, rt,
					 strlen(rt), buf, sizeof(buf)), "HUP,32,RT0");
}
END_TEST

static const char *fake_path(const void *ctx, unsigned int maj,
			     unsigned int min, unsigned long long ino)
{
	(void)ctx;
	return maj == 254 && min == 1 && ino == 0xa720e3 ? "/watched" : NULL;
}

START_TEST(test_anon_inotify_and_fanotify_watches)
{
	struct anon_watch w[4];
	struct anon_fanotify fa;
	struct anon_ctx ctx = { .path_of = fake_path };
	char buf[256];

	ck_assert_int_eq(anon_parse_watches(inotify_text, strlen(inotify_text),
					    "inotify", w, 4), 1);
	ck_assert_int_eq(w[0].wd, 1);
	ck_assert_uint_eq(w[0].ino, 0xa720e3);
	ck_assert_uint_eq(w[0].mask, 0x300);
	ck_assert_str_eq(anon_summary(ANON_INOTIFY, inotify_text, strlen(inotify_text),
				      &ctx, buf, sizeof(buf)),
			 "inotify: 1 watch: /watched");
	ck_assert_str_eq(anon_summary(ANON_INOTIFY, inotify_text, strlen(inotify_text),
				      NULL, buf, sizeof(buf)),
			 "inotify: 1 watch: 254:1:10952931");
	ck_assert_str_eq(anon_field_text(ANON_F_INOTIFY_INODES, ANON_INOTIFY,
					 inotify_text, strlen(inotify_text), buf,
					 sizeof(buf)), "10952931");
	/* The flags line is no mark; a mount mark has no inode. */
	ck_assert_int_eq(anon_parse_watches(fanotify_text, strlen(fanotify_text),
					    "fanotify", w, 4), 2);
	ck_assert_int_eq(w[1].mnt_id, 0x1c);
	ck_assert_int_eq(anon_parse_fanotify(fanotify_text, strlen(fanotify_text), &fa), 0);
	ck_assert_uint_eq(fa.flags, 1);
	ck_assert_uint_eq(fa.event_flags, 0x8000);
	ck_assert_str_eq(anon_summary(ANON_FANOTIFY, fanotify_text, strlen(fanotify_text),
				      NULL, buf, sizeof(buf)),
			 "fanotify: CLASS_NOTIF,CLOEXEC, events O_RDONLY,O_LARGEFILE, "
			 "2 marks: 254:0:10952931 mount 28");
}
END_TEST

/* fs/notify/fdinfo.c: the group's init flags and its events' open flags
 * in hex, then one line per inode, mount or filesystem mark. */
START_TEST(test_anon_fanotify_flags_and_marks_decoded)
{
	static const char text[] =
		"pos:\t0\nflags:\t02000002\nmnt_id:\t17\nino:\t1038\n"
		"fanotify flags:286 event-flags:8802\n"
		"fanotify ino:a720e3 sdev:fe00001 mflags:0 mask:1000028 "
		"ignored_mask:0 fhandle-bytes:8 fhandle-type:1 f_handle:e3\n"
		"fanotify mnt_id:1c mflags:0 mask:20 ignored_mask:0\n"
		"fanotify sdev:fe00002 mflags:0 mask:40000302 ignored_mask:0\n";
	struct anon_watch w[4];
	char buf[512];

	ck_assert_int_eq(anon_parse_watches(text, strlen(text), "fanotify", w, 4), 3);
	ck_assert(w[2].fs);
	ck_assert_uint_eq(w[2].sdev, 0xfe00002);
	/* 0x286: CLASS_CONTENT (4), NONBLOCK (2), REPORT_PIDFD (0x80),
	 * REPORT_FID (0x200); 0x8802: O_RDWR, O_NONBLOCK, O_LARGEFILE. */
	ck_assert_str_eq(anon_field_text(ANON_F_FANOTIFY_FLAGS, ANON_FANOTIFY, text,
					 strlen(text), buf, sizeof(buf)),
			 "CLASS_CONTENT,NONBLOCK,REPORT_PIDFD,REPORT_FID");
	ck_assert_str_eq(anon_field_text(ANON_F_FANOTIFY_EVENT_FLAGS, ANON_FANOTIFY,
					 text, strlen(text), buf, sizeof(buf)),
			 "O_RDWR,O_NONBLOCK,O_LARGEFILE");
	ck_assert_str_eq(anon_field_text(ANON_F_FANOTIFY_MARKS, ANON_FANOTIFY, text,
					 strlen(text), buf, sizeof(buf)),
			 "inode 254:1:10952931 CLOSE_WRITE,OPEN,MNT_ATTACH\n"
			 "mount 28 OPEN\n"
			 "filesystem 254:2 MODIFY,CREATE,DELETE,ONDIR");
	/* A filesystem mark has no inode to list. */
	ck_assert_str_eq(anon_field_text(ANON_F_INOTIFY_INODES, ANON_FANOTIFY, text,
					 strlen(text), buf, sizeof(buf)), "10952931");
	ck_assert_str_eq(anon_summary(ANON_FANOTIFY, text, strlen(text), NULL, buf,
				      sizeof(buf)),
			 "fanotify: CLASS_CONTENT,NONBLOCK,REPORT_PIDFD,REPORT_FID, "
			 "events O_RDWR,O_NONBLOCK,O_LARGEFILE, 3 marks: "
			 "254:1:10952931 mount 28 filesystem 254:2");
	/* Unnamed bits stay visible, in hex. */
	fanflags_mask_format(0x80000020, buf, sizeof(buf));
	ck_assert_str_eq(buf, "OPEN,0x80000000");
	ck_assert_ptr_null(anon_field_text(ANON_F_FANOTIFY_FLAGS, ANON_INOTIFY,
					   inotify_text, strlen(inotify_text), buf,
					   sizeof(buf)));
}
END_TEST

/* io_uring/fdinfo.c: SqThread is -1 without SQPOLL, else the thread's
 * ID; the owner is the caller's to find (its thread group). */
START_TEST(test_anon_io_uring_sq_thread_and_owner)
{
	static const char plain[] = "SqMask:\t0x7\nCqMask:\t0xf\nSqThread:\t-1\n"
		"SqThreadCpu:\t-1\nUserFiles:\t0\nUserBufs:\t0\n";
	static const char sqpoll[] = "SqMask:\t0x3\nCqMask:\t0x7\n"
		"SqThread:\t4242\nSqThreadCpu:\t1\nUserFiles:\t2\nUserBufs:\t1\n";
	struct anon_ctx ctx = { .io_uring_owner = 4240,
				.io_uring_owner_comm = "nginx" };
	struct anon_io_uring io;
	char buf[256];

	ck_assert_int_eq(anon_parse_io_uring(plain, strlen(plain), &io), 0);
	ck_assert_int_eq(io.sq_thread, -1);
	ck_assert_int_eq(io.sq_cpu, -1);
	ck_assert_ptr_null(anon_field_text(ANON_F_IO_URING_SQTHREAD, ANON_IO_URING,
					   plain, strlen(plain), buf, sizeof(buf)));
	/* Without an SQPOLL thread no owner is named, even when given. */
	ck_assert_str_eq(anon_summary(ANON_IO_URING, plain, strlen(plain), &ctx, buf,
				      sizeof(buf)), "io_uring: 8 SQ, 16 CQ entries");
	ck_assert_int_eq(anon_parse_io_uring(sqpoll, strlen(sqpoll), &io), 0);
	ck_assert_int_eq(io.sq_thread, 4242);
	ck_assert_int_eq(io.sq_cpu, 1);
	ck_assert_str_eq(anon_field_text(ANON_F_IO_URING_SQTHREAD, ANON_IO_URING,
					 sqpoll, strlen(sqpoll), buf, sizeof(buf)),
			 "4242");
	ck_assert_str_eq(anon_summary(ANON_IO_URING, sqpoll, strlen(sqpoll), &ctx,
				      buf, sizeof(buf)),
			 "io_uring: 4 SQ, 8 CQ entries, sq thread 4242 of 4240 "
			 "(nginx), 2 files, 1 buffers registered");
	ck_assert_int_eq(anon_parse_io_uring("SqMask:\t0x3\n", 12, &io), -1);
	/* perf_event's fdinfo has only the common lines: the phrase says so. */
	ck_assert_str_eq(anon_summary(ANON_PERF_EVENT, "pos:\t0\nino:\t1038\n", 16,
				      NULL, buf, sizeof(buf)),
			 "perf_event: event not shown by the kernel");
	ck_assert_int_eq(anon_kind_of_link("anon_inode:[perf_event]"), ANON_PERF_EVENT);
}
END_TEST

START_TEST(test_anon_pidfd_bpf_io_uring_tun_ptmx)
{
	struct anon_pidfd pf;
	struct anon_ctx ctx = { .pidfd_comm = "nginx" };
	char buf[256];
	static const char pid[] = "pos:\t0\nPid:\t4213\nNSpid:\t4213\t1\n";
	static const char gone[] = "Pid:\t-1\nNSpid:\t-1\n";
	static const char map[] = "map_type:\t2\nkey_size:\t4\nmax_entries:\t4\n"
		"map_id:\t25\n";
	static const char prog[] = "prog_type:\t1\nprog_jited:\t1\n"
		"prog_tag:\t3b185187f1855c4c\nprog_id:\t7\n";
	static const char ring[] = "SqMask:\t0x7\nSqHead:\t0\nCqMask:\t0xf\n";
	static const char tun[] = "pos:\t0\niff:\tfdsk1\n";
	static const char ptmx[] = "pos:\t0\ntty-index:\t3\n";

	ck_assert_int_eq(anon_parse_pidfd(pid, strlen(pid), &pf), 0);
	ck_assert_int_eq(pf.pid, 4213);
	ck_assert_str_eq(pf.nspid, "4213 1");
	ck_assert_str_eq(anon_summary(ANON_PIDFD, pid, strlen(pid), &ctx, buf,
				      sizeof(buf)), "pidfd: 4213 (nginx)");
	ck_assert_str_eq(anon_summary(ANON_PIDFD, gone, strlen(gone), &ctx, buf,
				      sizeof(buf)), "pidfd: exited");
	ck_assert_ptr_null(anon_field_text(ANON_F_PIDFD_PID, ANON_PIDFD, gone,
					   strlen(gone), buf, sizeof(buf)));
	ck_assert_str_eq(anon_summary(ANON_BPF_MAP, map, strlen(map), NULL, buf,
				      sizeof(buf)), "bpf-map: id 25, array, 4 entries");
	ck_assert_str_eq(anon_summary(ANON_BPF_PROG, prog, strlen(prog), NULL, buf,
				      sizeof(buf)),
			 "bpf-prog: id 7, socket_filter, tag 3b185187f1855c4c");
	/* The name the bpf syscall gives, when the caller found one. */
	ctx.bpf_name = "kindholder";
	ck_assert_str_eq(anon_summary(ANON_BPF_MAP, map, strlen(map), &ctx, buf,
				      sizeof(buf)),
			 "bpf-map: id 25 (kindholder), array, 4 entries");
	ctx.bpf_name = NULL;
	{
		static const char odd[] = "prog_type:\t99\nprog_id:\t8\n";

		ck_assert_str_eq(anon_summary(ANON_BPF_PROG, odd, strlen(odd), NULL,
					      buf, sizeof(buf)), "bpf-prog: id 8, type 99");
	}
	ck_assert_str_eq(anon_summary(ANON_IO_URING, ring, strlen(ring), NULL, buf,
				      sizeof(buf)), "io_uring: 8 SQ, 16 CQ entries");
	ck_assert_str_eq(anon_summary(ANON_TUN, tun, strlen(tun), NULL, buf,
				      sizeof(buf)), "/dev/net/tun: interface fdsk1");
	ck_assert_str_eq(anon_summary(ANON_PTMX, ptmx, strlen(ptmx), NULL, buf,
				      sizeof(buf)), "/dev/ptmx: pty 3 (peer /dev/pts/3)");
	ck_assert_int_eq(anon_kind_of_link("anon_inode:[eventpoll]"), ANON_EVENTPOLL);
	ck_assert_int_eq(anon_kind_of_link("anon_inode:inotify"), ANON_INOTIFY);
	ck_assert_int_eq(anon_kind_of_link("anon_inode:bpf-map"), ANON_BPF_MAP);
	ck_assert_int_eq(anon_kind_of_link("/dev/ptmx"), ANON_PTMX);
	ck_assert_int_eq(anon_kind_of_link("anon_inode:[eventpollx]"), ANON_NONE);
	ck_assert_int_eq(anon_kind_of_link("/tmp/anon_inode:[eventfd]"), ANON_NONE);
}
END_TEST

START_TEST(test_devtab_parses_devices_misc_partitions)
{
	struct devtab t;
	static const char devices[] = "Character devices:\n  1 mem\n  5 /dev/tty\n"
		"  5 /dev/console\n 10 misc\n136 pts\n\nBlock devices:\n  7 loop\n"
		"254 virtblk\n";
	static const char misc[] = "200 tun\n183 hw_random\nbogus line here\n";
	static const char parts[] = "major minor  #blocks  name\n\n"
		" 254        0   10485760 vda\n 254        1    1048576 vda1\n";

	devtab_init(&t);
	ck_assert_int_eq(devtab_parse_devices(&t, devices, strlen(devices)), 7);
	ck_assert_int_eq(devtab_parse_misc(&t, misc, strlen(misc)), 2);
	ck_assert_int_eq(devtab_parse_partitions(&t, parts, strlen(parts)), 2);
	ck_assert_str_eq(devtab_chrdrv(&t, 1), "mem");
	/* The first of a shared major, as lsfd. */
	ck_assert_str_eq(devtab_chrdrv(&t, 5), "/dev/tty");
	ck_assert_str_eq(devtab_blkdrv(&t, 254), "virtblk");
	ck_assert_ptr_null(devtab_chrdrv(&t, 254));
	ck_assert_str_eq(devtab_misc(&t, 200), "tun");
	ck_assert_str_eq(devtab_partition(&t, 254, 1), "vda1");
	ck_assert_ptr_null(devtab_partition(&t, 254, 2));
	devtab_release(&t);
}
END_TEST

#define ANON_COLUMNS "FD,TYPE,NAME,XMODE,INODE,MNTID,POS,EVENTFD.ID,EVENTFD.COUNT," \
	"EVENTPOLL.TFDS,EVENTPOLL.EVENTS,EVENTPOLL.BY,TIMERFD.CLOCKID," \
	"TIMERFD.INTERVAL,TIMERFD.REMAINING,TIMERFD.TICKS,SIGNALFD.MASK," \
	"INOTIFY.INODES,PIDFD.PID,PIDFD.COMM,PIDFD.NSPID,BPF-MAP.ID," \
	"BPF-MAP.TYPE,BPF-PROG.ID,BPF-PROG.TYPE,BPF-PROG.TAG,IO_URING.SQ," \
	"IO_URING.CQ,PTMX.TTY-INDEX,TUN.IFACE,CHRDRV,MISCDEV,BLKDRV,PARTITION," \
	"BPF.NAME"

/* The holder's fdinfo for fd, whole. */
static void holder_fdinfo(pid_t pid, int fd, char *buf, size_t len)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%ld/fdinfo/%d", (long)pid, fd);
	ck_assert_int_gt(procfs_read_at(AT_FDCWD, path, buf, len), 0);
}

/* "key: VALUE" of fdinfo read with sscanf, independent of proc/anon. */
static unsigned long long fdinfo_num(const char *text, const char *fmt)
{
	const char *p = strstr(text, fmt);
	unsigned long long v = 0;
	char spec[64];
	size_t n = strlen(fmt);

	ck_assert_msg(p != NULL, "no '%s' in %s", fmt, text);
	ck_assert_uint_lt(n, sizeof(spec) - 8);
	/* Built by hand: gcc -O1 with the sanitizers takes fmt for NULL
	 * in a snprintf here (-Wformat-truncation). */
	memcpy(spec, fmt, n);
	strcpy(spec + n, strstr(fmt, "count") ? " %llx" : " %llu");
	ck_assert_int_eq(sscanf(p, spec, &v), 1);
	return v;
}

static const struct json *row_of(const struct json *doc, int fd)
{
	const struct json *row = json_find_fd(doc, fd);

	ck_assert_msg(row != NULL, "no row for fd %d", fd);
	return row;
}

static const struct json *array_of(const struct json *row, const char *key)
{
	const struct json *a = json_get(row, key);

	ck_assert_msg(a != NULL && a->kind == JSON_ARRAY, "%s is not an array", key);
	return a;
}

/* A kind the holder could not make: skipped visibly. */
static bool made(const struct holder *h, const char *kind)
{
	if (holder_value(h, kind) >= 0)
		return true;
	skip_part("decode %s: this machine refused it (errno %lld)", kind,
	       holder_value(h, strcat(strcpy((char[64]){ 0 }, kind), "_errno")));
	return false;
}

START_TEST(test_kindholder_anon_columns_match_fdinfo)
{
	struct holder h;
	struct run_result r;
	struct json *doc;
	const struct json *row, *a;
	char pidtext[32], info[8192], expect[512], dir[256];
	const char *p;
	int efd, ep, tfd, sfd, ino, pfd, pipe_r;
	struct stat st;
	size_t i;

	holder_start(&h, "kindholder", NULL);
	p = strstr(h.line, "dir_path=");
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(sscanf(p, "dir_path=%255s", dir), 1);
	snprintf(pidtext, sizeof(pidtext), "%ld", (long)h.pid);
	run_fdscope(&r, "list", "-p", pidtext, "-J", "-o", ANON_COLUMNS, NULL);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	doc = json_parse(r.out);
	ck_assert_msg(doc != NULL, "invalid JSON: %s", r.out);

	efd = (int)holder_value(&h, "eventfd");
	holder_fdinfo(h.pid, efd, info, sizeof(info));
	row = row_of(doc, efd);
	ck_assert_str_eq(json_str(row, "type"), "eventfd");
	ck_assert_int_eq(json_int(row, "eventfd.count"),
			 (long long)fdinfo_num(info, "eventfd-count:"));
	ck_assert_int_eq(json_int(row, "eventfd.count"), 7);
	ck_assert_int_eq(json_int(row, "eventfd.id"),
			 (long long)fdinfo_num(info, "eventfd-id:"));
	snprintf(expect, sizeof(expect), "eventfd: id %llu, count 7",
		 fdinfo_num(info, "eventfd-id:"));
	ck_assert_str_eq(json_str(row, "name"), expect);

	/* epoll: targets sorted, each target names its watcher. */
	ep = (int)holder_value(&h, "epoll");
	tfd = (int)holder_value(&h, "timerfd");
	pipe_r = (int)holder_value(&h, "pipe_r");
	holder_fdinfo(h.pid, ep, info, sizeof(info));
	row = row_of(doc, ep);
	ck_assert_str_eq(json_str(row, "type"), "eventpoll");
	a = array_of(row, "eventpoll.tfds");
	ck_assert_uint_eq(a->n, tfd >= 0 ? 3 : 2);
	for (i = 0; i < a->n; i++) {
		char line[32];

		snprintf(line, sizeof(line), "tfd: %8d ", (int)a->items[i]->num);
		ck_assert_msg(strstr(info, line) != NULL, "%s not in %s", line, info);
		if (i > 0)
			ck_assert(a->items[i - 1]->num < a->items[i]->num);
	}
	snprintf(expect, sizeof(expect), "eventpoll: %zu targets:", a->n);
	ck_assert_msg(strncmp(json_str(row, "name"), expect, strlen(expect)) == 0,
		      "%s", json_str(row, "name"));
	p = json_str(row, "eventpoll.events");
	snprintf(expect, sizeof(expect), "%d:IN,OUT,ERR,HUP", pipe_r);
	ck_assert_msg(p && strstr(p, expect) != NULL, "%s", p ? p : "null");
	a = array_of(row_of(doc, efd), "eventpoll.by");
	ck_assert_str_eq(json_str(row_of(doc, efd), "xmode"), "rw---m");
	ck_assert_str_eq(json_str(row_of(doc, ep), "xmode"), "rw----");
	ck_assert_uint_eq(a->n, 1);
	ck_assert_int_eq((int)a->items[0]->num, ep);
	ck_assert_uint_eq(array_of(row_of(doc, ep), "eventpoll.by")->n, 0);

	if (made(&h, "timerfd")) {
		holder_fdinfo(h.pid, tfd, info, sizeof(info));
		row = row_of(doc, tfd);
		ck_assert_str_eq(json_str(row, "timerfd.clockid"), "CLOCK_MONOTONIC");
		ck_assert_int_eq(fdinfo_num(info, "clockid:"), 1);
		ck_assert_int_eq(json_int(row, "timerfd.interval"), 2);
		ck_assert(json_get(row, "timerfd.remaining")->num > 0 &&
			  json_get(row, "timerfd.remaining")->num <= 1.5);
		ck_assert_int_eq(json_int(row, "timerfd.ticks"),
				 (long long)fdinfo_num(info, "ticks:"));
		ck_assert_msg(strncmp(json_str(row, "name"),
				      "timerfd: CLOCK_MONOTONIC, ", 26) == 0 &&
			      strstr(json_str(row, "name"), " s left, every 2 s") != NULL,
			      "%s", json_str(row, "name"));
	}
	if (made(&h, "signalfd")) {
		sfd = (int)holder_value(&h, "signalfd");
		holder_fdinfo(h.pid, sfd, info, sizeof(info));
		ck_assert_msg(strstr(info, "sigmask:\t0000000000004200") != NULL, "%s", info);
		row = row_of(doc, sfd);
		ck_assert_str_eq(json_str(row, "signalfd.mask"), "USR1,TERM");
		ck_assert_str_eq(json_str(row, "name"), "signalfd: USR1,TERM");
	}

	/* inotify: the watched directory's inode, and its path, which the
	 * holder also has open. */
	ino = (int)holder_value(&h, "inotify");
	ck_assert_int_eq(stat(dir, &st), 0);
	row = row_of(doc, ino);
	a = array_of(row, "inotify.inodes");
	ck_assert_uint_eq(a->n, 1);
	ck_assert_uint_eq((unsigned long long)a->items[0]->num,
			  (unsigned long long)st.st_ino);
	snprintf(expect, sizeof(expect), "inotify: 1 watch: %s", dir);
	ck_assert_str_eq(json_str(row, "name"), expect);

	if (made(&h, "pidfd")) {
		pfd = (int)holder_value(&h, "pidfd");
		row = row_of(doc, pfd);
		ck_assert_int_eq(json_int(row, "pidfd.pid"), h.pid);
		ck_assert_str_eq(json_str(row, "pidfd.comm"), "kindholder");
		snprintf(expect, sizeof(expect), "%ld", (long)h.pid);
		ck_assert_str_eq(json_str(row, "pidfd.nspid"), expect);
		snprintf(expect, sizeof(expect), "pidfd: %ld (kindholder)", (long)h.pid);
		ck_assert_str_eq(json_str(row, "name"), expect);
	}
	if (made(&h, "fanotify")) {
		row = row_of(doc, (int)holder_value(&h, "fanotify"));
		/* FAN_CLASS_NOTIF | FAN_CLOEXEC is 0x1 here; O_RDONLY events. */
		snprintf(expect, sizeof(expect), "fanotify: CLASS_NOTIF,CLOEXEC, "
			 "events O_RDONLY,O_LARGEFILE, 1 mark: %s", dir);
		ck_assert_str_eq(json_str(row, "name"), expect);
	}
	if (made(&h, "io_uring")) {
		row = row_of(doc, (int)holder_value(&h, "io_uring"));
		ck_assert_int_eq(json_int(row, "io_uring.sq"), 8);
		ck_assert_int_eq(json_int(row, "io_uring.cq"), 16);
	}
	if (made(&h, "userfaultfd")) {
		row = row_of(doc, (int)holder_value(&h, "userfaultfd"));
		ck_assert_str_eq(json_str(row, "type"), "userfaultfd");
		ck_assert_str_eq(json_str(row, "name"), "userfaultfd: 0 pending, 0 in all");
	}
	if (made(&h, "perf_event")) {
		int perf = (int)holder_value(&h, "perf_event");

		/* Only the four common lines: nothing more to decode. */
		holder_fdinfo(h.pid, perf, info, sizeof(info));
		ck_assert_int_eq(count_lines(info), 4);
		row = row_of(doc, perf);
		ck_assert_str_eq(json_str(row, "type"), "perf_event");
		ck_assert_str_eq(json_str(row, "name"),
				 "perf_event: event not shown by the kernel");
	}
	if (made(&h, "bpf_map")) {
		int map = (int)holder_value(&h, "bpf_map");

		holder_fdinfo(h.pid, map, info, sizeof(info));
		row = row_of(doc, map);
		ck_assert_int_eq(json_int(row, "bpf-map.id"),
				 (long long)fdinfo_num(info, "map_id:"));
		ck_assert_str_eq(json_str(row, "bpf-map.type"), "array");
		/* Named by the bpf syscall, which wants CAP_SYS_ADMIN. */
		if (geteuid() == 0) {
			ck_assert_str_eq(json_str(row, "bpf.name"), "kindholder");
			snprintf(expect, sizeof(expect), "bpf-map: id %llu (kindholder), "
				 "array, 4 entries", fdinfo_num(info, "map_id:"));
			ck_assert_str_eq(json_str(row, "name"), expect);
		} else {
			skip_part("decode bpf.name: not root");
		}
	}
	if (made(&h, "bpf_prog")) {
		int prog = (int)holder_value(&h, "bpf_prog");
		char tag[32];
		const char *t;

		holder_fdinfo(h.pid, prog, info, sizeof(info));
		row = row_of(doc, prog);
		ck_assert_str_eq(json_str(row, "type"), "bpf-prog");
		ck_assert_int_eq(json_int(row, "bpf-prog.id"),
				 (long long)fdinfo_num(info, "prog_id:"));
		ck_assert_int_eq(json_int(row, "bpf-prog.type"), 1);
		t = strstr(info, "prog_tag:");
		ck_assert_ptr_nonnull(t);
		ck_assert_int_eq(sscanf(t, "prog_tag: %31s", tag), 1);
		ck_assert_str_eq(json_str(row, "bpf-prog.tag"), tag);
		if (geteuid() == 0) {
			ck_assert_str_eq(json_str(row, "bpf.name"), "kindholder");
			snprintf(expect, sizeof(expect), "bpf-prog: id %llu (kindholder), "
				 "socket_filter, tag %s", fdinfo_num(info, "prog_id:"), tag);
			ck_assert_str_eq(json_str(row, "name"), expect);
		}
	}
	row = row_of(doc, (int)holder_value(&h, "null"));
	ck_assert_str_eq(json_str(row, "chrdrv"), "mem");
	ck_assert_ptr_null(json_str(row, "miscdev"));
	if (made(&h, "ptmx") && made(&h, "pts")) {
		int ptm = (int)holder_value(&h, "ptmx");
		char link[64], path[64];
		ssize_t n;

		holder_fdinfo(h.pid, ptm, info, sizeof(info));
		row = row_of(doc, ptm);
		ck_assert_int_eq(json_int(row, "ptmx.tty-index"),
				 (long long)fdinfo_num(info, "tty-index:"));
		/* The peer the holder opened is the one NAME names. */
		snprintf(path, sizeof(path), "/proc/%ld/fd/%lld", (long)h.pid,
			 holder_value(&h, "pts"));
		n = readlink(path, link, sizeof(link) - 1);
		ck_assert_int_gt(n, 0);
		link[n] = '\0';
		snprintf(expect, sizeof(expect), "(peer %s)", link);
		ck_assert_msg(strstr(json_str(row, "name"), expect) != NULL, "%s",
			      json_str(row, "name"));
	}
	if (made(&h, "tun")) {
		int tun = (int)holder_value(&h, "tun");

		holder_fdinfo(h.pid, tun, info, sizeof(info));
		row = row_of(doc, tun);
		snprintf(expect, sizeof(expect), "iff:\t%s\n", json_str(row, "tun.iface"));
		ck_assert_msg(strstr(info, expect) != NULL, "%s", info);
		ck_assert_str_eq(json_str(row, "miscdev"), "tun");
		ck_assert_str_eq(json_str(row, "chrdrv"), "misc");
	}
	json_free(doc);
	run_result_release(&r);
	holder_stop(&h);
}
END_TEST

/* The kinds this machine may refuse, probed when the suite is built so
 * that a refusal is a skip Check's runner counts (tcase_add_test_if). */
static bool can_sctp(void)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_SCTP);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

static bool can_vsock(void)
{
	struct sockaddr_vm vm = { .svm_family = AF_VSOCK, .svm_cid = VMADDR_CID_LOCAL,
				  .svm_port = VMADDR_PORT_ANY };
	int fd = socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool ok;

	if (fd < 0)
		return false;
	ok = bind(fd, (struct sockaddr *)&vm, sizeof(vm)) == 0;
	close(fd);
	return ok;
}

/* As the holder: the first partition, opened read-only. */
static bool can_open_blk(void)
{
	char line[256], name[64], path[96];
	FILE *f = fopen("/proc/partitions", "re");
	bool ok = false;

	if (f == NULL)
		return false;
	while (!ok && fgets(line, sizeof(line), f) != NULL) {
		unsigned int maj, min;
		unsigned long long blocks;
		int fd;

		if (sscanf(line, " %u %u %llu %63s", &maj, &min, &blocks, name) != 4)
			continue;
		snprintf(path, sizeof(path), "/dev/%s", name);
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
		if (fd < 0)
			break;
		close(fd);
		ok = true;
	}
	fclose(f);
	return ok;
}

/* A block device: its driver, and as SOURCE the /proc/partitions name
 * the holder opened as /dev/NAME. */
START_TEST(test_kindholder_block_device)
{
	struct holder h;
	struct run_result r;
	struct json *doc;
	const struct json *row;
	char pidtext[32];
	const char *name;

	holder_start(&h, "kindholder", NULL);
	ck_assert_int_ge(holder_value(&h, "blk"), 0);
	snprintf(pidtext, sizeof(pidtext), "%ld", (long)h.pid);
	run_fdscope(&r, "list", "-p", pidtext, "-J", "-o",
		    "FD,TYPE,BLKDRV,SOURCE,NAME", NULL);
	ck_assert_int_eq(r.status, 0);
	doc = json_parse(r.out);
	ck_assert_ptr_nonnull(doc);
	row = row_of(doc, (int)holder_value(&h, "blk"));
	ck_assert_str_eq(json_str(row, "type"), "BLK");
	ck_assert_ptr_nonnull(json_str(row, "blkdrv"));
	name = json_str(row, "name");
	ck_assert_ptr_nonnull(name);
	ck_assert_int_eq(strncmp(name, "/dev/", 5), 0);
	ck_assert_str_eq(json_str(row, "source"), name + 5);
	json_free(doc);
	run_result_release(&r);
	holder_stop(&h);
}
END_TEST

/* SCTP and vsock listeners, where the machine has the modules: named
 * from the sockx dumps, listening, their protocol the kernel's. */
START_TEST(test_kindholder_sctp_and_vsock_listeners)
{
	struct holder h;
	struct run_result r;
	struct json *doc;
	const struct json *row;
	char pidtext[32];

	holder_start(&h, "kindholder", NULL);
	snprintf(pidtext, sizeof(pidtext), "%ld", (long)h.pid);
	run_fdscope(&r, "list", "-p", pidtext, "-J", "-o",
		    "FD,NAME,SOCK.PROTO,SOCK.LISTENING,VSOCK.LCID", NULL);
	ck_assert_int_eq(r.status, 0);
	doc = json_parse(r.out);
	ck_assert_ptr_nonnull(doc);
	if (can_sctp()) {
		ck_assert_int_ge(holder_value(&h, "sctp"), 0);
		row = row_of(doc, (int)holder_value(&h, "sctp"));
		ck_assert_msg(strncmp(json_str(row, "name"), "SCTP 127.0.0.1:", 15) == 0,
			      "%s", json_str(row, "name"));
		ck_assert_str_eq(json_str(row, "sock.proto"), "SCTP");
		ck_assert_int_eq(json_get(row, "sock.listening")->b, 1);
	}
	if (can_vsock()) {
		ck_assert_int_ge(holder_value(&h, "vsock"), 0);
		row = row_of(doc, (int)holder_value(&h, "vsock"));
		ck_assert_msg(strncmp(json_str(row, "name"), "VSOCK 1:", 8) == 0,
			      "%s", json_str(row, "name"));
		ck_assert_int_eq(json_int(row, "vsock.lcid"), VMADDR_CID_LOCAL);
		ck_assert_int_eq(json_get(row, "sock.listening")->b, 1);
	}
	json_free(doc);
	run_result_release(&r);
	holder_stop(&h);
}
END_TEST

/* fanotify's columns against the holder's fdinfo line by line, and an
 * SQPOLL ring made by one process and held by its child: the owner is
 * the maker, whose thread the SQPOLL thread is. */
START_TEST(test_kindholder_fanotify_and_io_uring_owner)
{
	struct holder h;
	struct run_result r;
	struct json *doc;
	const struct json *row, *a;
	char pidtext[32], info[8192], expect[512], path[128];
	unsigned long long flags, evflags, sqthread;
	const char *p;
	struct stat st;

	holder_start(&h, "kindholder", NULL);
	snprintf(pidtext, sizeof(pidtext), "%ld", (long)h.pid);
	if (made(&h, "fanotify")) {
		int fan = (int)holder_value(&h, "fanotify");

		holder_fdinfo(h.pid, fan, info, sizeof(info));
		p = strstr(info, "fanotify flags:");
		ck_assert_ptr_nonnull(p);
		ck_assert_int_eq(sscanf(p, "fanotify flags:%llx event-flags:%llx",
					&flags, &evflags), 2);
		/* FAN_CLASS_NOTIF | FAN_CLOEXEC; O_RDONLY plus O_LARGEFILE. */
		ck_assert_uint_eq(flags, 1);
		ck_assert_uint_eq(evflags, 0100000);
		run_fdscope(&r, "list", "-p", pidtext, "-J", "-o",
			    "FD,FANOTIFY.FLAGS,FANOTIFY.EVENT-FLAGS,FANOTIFY.MARKS",
			    NULL);
		ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
		doc = json_parse(r.out);
		ck_assert_ptr_nonnull(doc);
		row = row_of(doc, fan);
		ck_assert_str_eq(json_str(row, "fanotify.flags"), "CLASS_NOTIF,CLOEXEC");
		ck_assert_str_eq(json_str(row, "fanotify.event-flags"),
				 "O_RDONLY,O_LARGEFILE");
		a = array_of(row, "fanotify.marks");
		ck_assert_uint_eq(a->n, 1);
		/* The marked directory: its inode and device by stat. */
		p = strstr(h.line, "dir_path=");
		ck_assert_ptr_nonnull(p);
		ck_assert_int_eq(sscanf(p, "dir_path=%127s", path), 1);
		ck_assert_int_eq(stat(path, &st), 0);
		snprintf(expect, sizeof(expect), "inode %u:%u:%llu OPEN",
			 major(st.st_dev), minor(st.st_dev),
			 (unsigned long long)st.st_ino);
		ck_assert_int_eq(json_at(a, 0)->kind, JSON_STRING);
		ck_assert_str_eq(json_at(a, 0)->str, expect);
		/* Another kind has none of them. */
		row = row_of(doc, (int)holder_value(&h, "eventfd"));
		ck_assert_ptr_null(json_str(row, "fanotify.flags"));
		json_free(doc);
		run_result_release(&r);
	}
	if (made(&h, "io_uring_sqpoll")) {
		int ring = (int)holder_value(&h, "io_uring_sqpoll");
		long long child = holder_value(&h, "uring_child");
		long long grandchild = holder_value(&h, "uring_grandchild");

		snprintf(pidtext, sizeof(pidtext), "%lld", grandchild);
		holder_fdinfo((pid_t)grandchild, ring, info, sizeof(info));
		sqthread = fdinfo_num(info, "SqThread:");
		/* The kernel's SQPOLL thread is a thread of the maker. */
		snprintf(path, sizeof(path), "/proc/%lld/task/%llu", child, sqthread);
		ck_assert_msg(stat(path, &st) == 0, "%s: %s", path, strerror(errno));
		run_fdscope(&r, "list", "-p", pidtext, "-J", "-o",
			    "FD,IO_URING.SQ,IO_URING.CQ,IO_URING.SQTHREAD,"
			    "IO_URING.OWNER,NAME", NULL);
		ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
		doc = json_parse(r.out);
		ck_assert_ptr_nonnull(doc);
		row = row_of(doc, ring);
		ck_assert_int_eq(json_int(row, "io_uring.sq"), 4);
		ck_assert_int_eq(json_int(row, "io_uring.cq"), 8);
		ck_assert_int_eq(json_int(row, "io_uring.sqthread"), (long long)sqthread);
		ck_assert_int_eq(json_int(row, "io_uring.owner"), child);
		ck_assert_int_ne(child, grandchild);
		snprintf(expect, sizeof(expect), "io_uring: 4 SQ, 8 CQ entries, sq "
			 "thread %llu of %lld (kindholder)", sqthread, child);
		ck_assert_str_eq(json_str(row, "name"), expect);
		json_free(doc);
		run_result_release(&r);
	}
	if (made(&h, "io_uring")) {
		/* Without SQPOLL the kernel names no owner: none is printed. */
		run_fdscope(&r, "list", "-p", (snprintf(pidtext, sizeof(pidtext), "%ld",
							(long)h.pid), pidtext),
			    "-J", "-o", "FD,IO_URING.SQTHREAD,IO_URING.OWNER", NULL);
		ck_assert_int_eq(r.status, 0);
		doc = json_parse(r.out);
		ck_assert_ptr_nonnull(doc);
		row = row_of(doc, (int)holder_value(&h, "io_uring"));
		ck_assert_int_eq(json_get(row, "io_uring.owner")->kind, JSON_NULL);
		ck_assert_int_eq(json_get(row, "io_uring.sqthread")->kind, JSON_NULL);
		json_free(doc);
		run_result_release(&r);
	}
	holder_stop(&h);
}
END_TEST

/* A socket no TCP/UDP/unix dump decodes (MPTCP, netlink, packet) is
 * named from the other families' dumps whatever the columns: NAME alone
 * collects no stat, the default set does, -o with a SOCK.* column asks
 * for the dumps outright. */
START_TEST(test_mptcp_and_netlink_named_with_any_columns)
{
	static const char *const sets[] = { "FD,NAME", "FD,TYPE,INODE,NAME",
					    "FD,SOCK.RECVQ,NAME" };
	static const char *const kinds[] = { "mptcp", "netlink", "packet" };
	static const char *const prefix[] = { "MPTCP 127.0.0.1:", "NETLINK route",
					      "PACKET " };
	char names[3][3][256];
	struct holder h;
	struct run_result r;
	struct json *doc;
	char pidtext[32];
	size_t i, k;

	holder_start(&h, "kindholder", NULL);
	snprintf(pidtext, sizeof(pidtext), "%ld", (long)h.pid);
	for (i = 0; i < ARRAY_SIZE(sets); i++) {
		run_fdscope(&r, "list", "-p", pidtext, "-J", "-o", sets[i], NULL);
		ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
		doc = json_parse(r.out);
		ck_assert_ptr_nonnull(doc);
		for (k = 0; k < ARRAY_SIZE(kinds); k++) {
			const char *name;

			names[i][k][0] = '\0';
			if (holder_value(&h, kinds[k]) < 0)
				continue;
			name = json_str(row_of(doc, (int)holder_value(&h, kinds[k])),
					"name");
			ck_assert_ptr_nonnull(name);
			ck_assert_msg(strncmp(name, prefix[k], strlen(prefix[k])) == 0,
				      "-o %s: %s", sets[i], name);
			snprintf(names[i][k], sizeof(names[i][k]), "%s", name);
			if (i > 0)
				ck_assert_str_eq(names[i][k], names[0][k]);
		}
		json_free(doc);
		run_result_release(&r);
	}
	for (k = 0; k < ARRAY_SIZE(kinds); k++)
		(void)made(&h, kinds[k]);
	holder_stop(&h);
}
END_TEST

/* A selection is matched before its rows are read for their columns: the
 * other families' dumps (netlink's here) are made for a first pass only
 * when -Q reads cells, and always for the rows kept.  -Q on NAME keeps
 * exactly the rows the plain listing names so; -d keeps the socket and
 * names it as the plain listing does. */
START_TEST(test_netlink_name_selected_by_filter_and_kept_by_fd)
{
	struct holder h;
	struct run_result all, q, d;
	struct json *doc_all, *doc_q, *doc_d;
	const struct json *rows;
	char pidtext[32], fdtext[32];
	size_t i, named = 0;
	int nl;

	holder_start(&h, "kindholder", NULL);
	if (!made(&h, "netlink")) {
		holder_stop(&h);
		return;
	}
	nl = (int)holder_value(&h, "netlink");
	snprintf(pidtext, sizeof(pidtext), "%ld", (long)h.pid);
	snprintf(fdtext, sizeof(fdtext), "%d", nl);
	run_fdscope(&all, "list", "-p", pidtext, "-J", "-o", "FD,NAME", NULL);
	run_fdscope(&q, "list", "-p", pidtext, "-J", "-o", "FD,NAME", "-Q",
		    "NAME =~ \"^NETLINK route\"", NULL);
	run_fdscope(&d, "list", "-p", pidtext, "-J", "-o", "FD,NAME", "-d",
		    fdtext, NULL);
	ck_assert_msg(all.status == 0 && q.status == 0 && d.status == 0,
		      "status %d %d %d: %s%s", all.status, q.status, d.status,
		      q.err, d.err);
	doc_all = json_parse(all.out);
	doc_q = json_parse(q.out);
	doc_d = json_parse(d.out);
	ck_assert(doc_all && doc_q && doc_d);
	ck_assert_msg(strncmp(json_str(row_of(doc_all, nl), "name"),
			      "NETLINK route", 13) == 0, "%s",
		      json_str(row_of(doc_all, nl), "name"));
	rows = json_get(doc_all, "descriptors");
	for (i = 0; i < rows->n; i++) {
		const struct json *row = json_at(rows, i);

		if (strncmp(json_str(row, "name"), "NETLINK route", 13) != 0)
			continue;
		named++;
		ck_assert_str_eq(json_str(row_of(doc_q, (int)json_int(row, "fd")),
					  "name"), json_str(row, "name"));
	}
	ck_assert_uint_eq(json_get(doc_q, "descriptors")->n, named);
	ck_assert_uint_eq(json_get(doc_d, "descriptors")->n, 1);
	ck_assert_str_eq(json_str(row_of(doc_d, nl), "name"),
			 json_str(row_of(doc_all, nl), "name"));
	json_free(doc_all);
	json_free(doc_q);
	json_free(doc_d);
	run_result_release(&all);
	run_result_release(&q);
	run_result_release(&d);
	holder_stop(&h);
}
END_TEST

/* lsfd 2.38's columns (lsfd --help), each compared on descriptor rows
 * under the same name, but for: FD, the key the rows are matched by;
 * TYPE, lsfd's stat type, which is fdscope's STTYPE (fdscope's TYPE is
 * the cooked kind); FLAGS, after the normalization of lsfd_flags below;
 * NAME, which means another thing in each (lsfd 2.38 "TCP:[INODE]" or
 * "state=listen ...", fdscope a phrase per kind; fdscope's KNAME, the
 * kernel's link text, is checked against readlink by the test after this
 * one); and TID, which lsfd 2.38 fills with the task whose table it read
 * (the PID, for the main thread) while fdscope's is set only for a thread
 * with a table of its own (-l).  MAPLEN, ASSOC's mem rows and the other
 * --assoc rows: test_kindholder_assoc_rows_match_maps_and_lsfd. */
#define LSFD_COLUMNS "FD,INODE,MNTID,POS,CHRDRV,MISCDEV,BLKDRV,PARTITION," \
	"SOURCE,USER,UID,NLINK,OWNER,FUID,DEVTYPE,KTHREAD,MAJ:MIN,PROTONAME," \
	"PID,COMMAND,DEV,RDEV,SIZE,DELETED,MODE,ASSOC,MAPLEN,FLAGS"

#define FLAG_WORDS 24

/* The words of a comma-separated list, sorted, joined again with commas
 * into buf: the two tools order their flags differently. */
static void sorted_words(char words[][16], size_t n, char *buf, size_t len)
{
	size_t i, j, used = 0;
	char t[16];

	for (i = 1; i < n; i++)
		for (j = i; j > 0 && strcmp(words[j - 1], words[j]) > 0; j--) {
			memcpy(t, words[j], sizeof(t));
			memcpy(words[j], words[j - 1], sizeof(t));
			memcpy(words[j - 1], t, sizeof(t));
		}
	buf[0] = '\0';
	for (i = 0; i < n && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? "," : "",
					 words[i]);
}

static size_t split_words(const char *list, char words[][16])
{
	size_t n = 0;

	while (list && *list && n < FLAG_WORDS) {
		size_t w = strcspn(list, ",");

		ck_assert_uint_lt(w, 16);
		memcpy(words[n], list, w);
		words[n++][w] = '\0';
		list += w + (list[w] == ',');
	}
	return n;
}

/* The FLAGS lsfd 2.38 prints for a descriptor, made from fdscope's FLAGS
 * and MODE (null: none), sorted.  The one normalization between them:
 * lsfd names the access mode in FLAGS too ("wronly", "rdwr"; nothing for
 * read-only), fdscope in MODE only; lsfd 2.38 never shows "largefile"
 * (glibc's O_LARGEFILE is 0 on 64-bit builds) nor "async" (not in its
 * table), so those two are checked against fdinfo's flags instead; and it
 * tests O_TMPFILE, which holds O_DIRECTORY's bit, so a directory shows
 * "_tmpfile" there too (fdscope's "tmpfile" is its "_tmpfile"). */
static void lsfd_flags(const char *flags, const char *mode, char *buf,
		       size_t len)
{
	char words[FLAG_WORDS + 2][16];
	size_t n = split_words(flags, words), i, k = 0;
	bool dir = false;

	for (i = 0; i < n; i++) {
		if (strcmp(words[i], "largefile") == 0 || strcmp(words[i], "async") == 0 ||
		    strcmp(words[i], "tmpfile") == 0)
			continue;
		dir |= strcmp(words[i], "directory") == 0;
		memmove(words[k++], words[i], sizeof(words[i]));
	}
	if (dir)
		snprintf(words[k++], sizeof(words[0]), "_tmpfile");
	if (strcmp(mode, "-w") == 0 || strcmp(mode, "rw") == 0)
		snprintf(words[k++], sizeof(words[0]), "%s",
			 mode[0] == 'r' ? "rdwr" : "wronly");
	sorted_words(words, k, buf, len);
}

/* What lsfd 2.38 cannot show, against the kernel's fdinfo "flags:". */
static void check_unseen_flags(pid_t pid, int fd, const char *flags)
{
	static const struct {
		const char *word;
		unsigned long long bit;
	} unseen[] = { { "largefile", 0100000 }, { "async", 020000 } };
	char info[4096], words[FLAG_WORDS][16];
	unsigned long long f;
	size_t i, k, n = split_words(flags, words);

	holder_fdinfo(pid, fd, info, sizeof(info));
	ck_assert_ptr_nonnull(strstr(info, "flags:"));
	ck_assert_int_eq(sscanf(strstr(info, "flags:"), "flags: %llo", &f), 1);
	for (k = 0; k < ARRAY_SIZE(unseen); k++) {
		bool has = false;

		for (i = 0; i < n; i++)
			has |= strcmp(words[i], unseen[k].word) == 0;
		ck_assert_msg(has == ((f & unseen[k].bit) != 0), "fd %d: FLAGS %s, "
			      "fdinfo flags %llo", fd, flags ? flags : "null", f);
	}
}

/* FLAGS of one row against lsfd's, normalized (lsfd_flags). */
static void check_flags_vs_lsfd(pid_t pid, int fd, const struct json *row,
				const struct json *lrow)
{
	const char *flags = json_str(row, "flags"), *mode = json_str(row, "mode");
	char want[256], got[256], words[FLAG_WORDS][16];

	ck_assert_ptr_nonnull(mode);
	lsfd_flags(flags, mode, want, sizeof(want));
	sorted_words(words, split_words(json_str(lrow, "flags"), words), got,
		     sizeof(got));
	ck_assert_msg(strcmp(want, got) == 0, "fd %d FLAGS: fdscope %s (MODE %s) "
		      "is lsfd's %s, lsfd has %s", fd, flags ? flags : "null", mode,
		      want, got);
	check_unseen_flags(pid, fd, flags);
}

/* Every column both have (lsfd 2.38), row by row. */
START_TEST(test_kindholder_agrees_with_lsfd)
{
	static const char *const cols[] = { "inode", "mntid", "pos", "chrdrv",
					    "miscdev", "blkdrv", "partition",
					    "source", "user", "uid", "nlink",
					    "owner", "fuid", "devtype", "kthread",
					    "maj:min", "protoname", "pid", "command",
					    "dev", "rdev", "size", "deleted", "mode",
					    "type", "assoc", "maplen" };
	struct holder h;
	struct run_result r, l;
	struct json *doc, *ldoc;
	const struct json *rows;
	char pidtext[32];
	size_t i, k, compared = 0;

	holder_start(&h, "kindholder", NULL);
	snprintf(pidtext, sizeof(pidtext), "%ld", (long)h.pid);
	/* lsfd's TYPE is the stat type, fdscope's STTYPE. */
	run_fdscope(&r, "list", "-p", pidtext, "-J", "-o", LSFD_COLUMNS ",STTYPE",
		    NULL);
	ck_assert_int_eq(r.status, 0);
	{
		char *const argv[] = { "/usr/bin/lsfd", "-J", "-p", pidtext, "-o",
				       LSFD_COLUMNS ",TYPE", NULL };

		run_argv(&l, argv, 20);
	}
	ck_assert_msg(l.status == 0, "lsfd: %s", l.err);
	doc = json_parse(r.out);
	ldoc = json_parse(l.out);
	ck_assert_ptr_nonnull(doc);
	ck_assert_ptr_nonnull(ldoc);
	rows = json_get(ldoc, "lsfd");
	ck_assert_ptr_nonnull(rows);
	for (i = 0; i < rows->n; i++) {
		const struct json *lrow = rows->items[i], *fd = json_get(lrow, "fd");
		const struct json *row;

		/* Memory maps, cwd...: not descriptors; and the ones the
		 * holder inherited (the test log's offset moves meanwhile). */
		if (fd == NULL || fd->kind != JSON_NUMBER ||
		    fd->num < holder_value(&h, "pipe_r"))
			continue;
		row = row_of(doc, (int)fd->num);
		for (k = 0; k < sizeof(cols) / sizeof(cols[0]); k++) {
			const struct json *a = json_get(row, strcmp(cols[k], "type") == 0 ?
							"sttype" : cols[k]);
			const struct json *b = json_get(lrow, cols[k]);
			struct json two = { .kind = JSON_STRING };
			char mode[3];

			/* lsfd writes MODE rwx-style ("rw-"): fdscope has no x. */
			if (b && b->kind == JSON_STRING && strcmp(cols[k], "mode") == 0) {
				snprintf(mode, sizeof(mode), "%s", b->str);
				two.str = mode;
				b = &two;
			}
			/* lsfd's RDEV is 0:0 for what is no device: fdscope's null. */
			if (b && b->kind == JSON_STRING && strcmp(cols[k], "rdev") == 0 &&
			    strcmp(b->str, "0:0") == 0) {
				mode[0] = '\0';
				two.str = mode;
				b = &two;
			}

			ck_assert_msg(a && b, "fd %d: column %s missing", (int)fd->num,
				      cols[k]);
			if (b->kind == JSON_BOOL) {
				ck_assert_msg(a->kind == JSON_BOOL && a->b == b->b,
					      "fd %d %s: fdscope %d, lsfd %d", (int)fd->num,
					      cols[k], a->b, b->b);
			} else if (b->kind == JSON_NUMBER) {
				ck_assert_msg(a->kind == JSON_NUMBER && a->num == b->num,
					      "fd %d %s: fdscope %g, lsfd %g", (int)fd->num,
					      cols[k], a->num, b->num);
			} else if (b->kind == JSON_STRING && b->str[0] != '\0') {
				ck_assert_msg(a->kind == JSON_STRING &&
					      strcmp(a->str, b->str) == 0,
					      "fd %d %s: fdscope %s, lsfd %s", (int)fd->num,
					      cols[k], a->kind == JSON_STRING ? a->str : "null",
					      b->str);
			} else {
				/* lsfd's empty string is fdscope's null. */
				ck_assert_msg(a->kind == JSON_NULL, "fd %d %s: fdscope has "
					      "a value lsfd has not", (int)fd->num, cols[k]);
			}
			compared++;
		}
		check_flags_vs_lsfd(h.pid, (int)fd->num, row, lrow);
		compared++;
	}
	ck_assert_uint_ge(compared, 28 * 15);
	json_free(doc);
	json_free(ldoc);
	run_result_release(&r);
	run_result_release(&l);
	holder_stop(&h);
}
END_TEST

/* STTYPE and KNAME (lsfd 2.38 has neither) against stat and readlink. */
START_TEST(test_kindholder_sttype_and_kname_are_the_kernels)
{
	struct holder h;
	struct run_result r;
	struct json *doc;
	const struct json *rows;
	char pidtext[32];
	size_t i;

	holder_start(&h, "kindholder", NULL);
	snprintf(pidtext, sizeof(pidtext), "%ld", (long)h.pid);
	run_fdscope(&r, "list", "-p", pidtext, "-J", "-o", "FD,STTYPE,KNAME,TYPE",
		    NULL);
	ck_assert_int_eq(r.status, 0);
	doc = json_parse(r.out);
	ck_assert_ptr_nonnull(doc);
	rows = json_get(doc, "descriptors");
	ck_assert_uint_ge(rows->n, 15);
	for (i = 0; i < rows->n; i++) {
		const struct json *row = rows->items[i];
		int fd = (int)json_int(row, "fd");
		char path[64], link[4096];
		struct stat st;
		ssize_t n;
		const char *want;

		snprintf(path, sizeof(path), "/proc/%ld/fd/%d", (long)h.pid, fd);
		n = readlink(path, link, sizeof(link) - 1);
		ck_assert_int_gt(n, 0);
		link[n] = '\0';
		ck_assert_int_eq(stat(path, &st), 0);
		ck_assert_str_eq(json_str(row, "kname"), link);
		want = S_ISREG(st.st_mode) ? "REG" : S_ISDIR(st.st_mode) ? "DIR" :
			S_ISCHR(st.st_mode) ? "CHR" : S_ISFIFO(st.st_mode) ? "FIFO" :
			S_ISSOCK(st.st_mode) ? "SOCK" : "UNKN";
		ck_assert_msg(strcmp(json_str(row, "sttype"), want) == 0,
			      "fd %d: %s, stat says %s", fd, json_str(row, "sttype"), want);
		/* TYPE cooks what STTYPE leaves unknown. */
		if (strncmp(link, "anon_inode:", 11) == 0)
			ck_assert_str_ne(json_str(row, "type"), "UNKN");
	}
	json_free(doc);
	run_result_release(&r);
	holder_stop(&h);
}
END_TEST

START_TEST(test_mountinfo_parse_fields_and_escapes)
{
	struct mount_tab t;
	static const char text[] =
		"22 27 0:21 / /proc rw,relatime - proc proc rw\n"
		"25 24 0:23 / /dev/shm rw,relatime shared:1 master:2 - tmpfs "
		"my\\040src rw\n"
		"garbage\n"
		"27 1 254:1 / / rw - ext4 /dev/vda1 rw\n";

	mount_tab_init(&t);
	ck_assert_uint_eq(mountinfo_parse(&t, text, strlen(text)), 3);
	ck_assert_str_eq(mount_tab_find(&t, 22)->fstype, "proc");
	ck_assert_str_eq(mount_tab_find(&t, 25)->source, "my src");
	ck_assert_str_eq(mount_tab_find(&t, 25)->fstype, "tmpfs");
	ck_assert_str_eq(mount_tab_find_dev(&t, 254, 1)->source, "/dev/vda1");
	ck_assert_ptr_null(mount_tab_find(&t, 99));
	mount_tab_release(&t);
}
END_TEST

/* `ss -tanei`'s line for a socket inode: Recv-Q, Send-Q and the shutdown
 * arrow ("<->", "<--" sending shut, "-->" receiving shut). */
static bool ss_line(const char *ss, unsigned long long ino, unsigned int *rq,
		    unsigned int *sq, char arrow[4])
{
	char key[48];
	const char *p, *bol;

	snprintf(key, sizeof(key), " ino:%llu ", ino);
	p = strstr(ss, key);
	if (p == NULL)
		return false;
	for (bol = p; bol > ss && bol[-1] != '\n'; bol--)
		;
	if (sscanf(bol, "%*s %u %u", rq, sq) != 2)
		return false;
	p = strpbrk(p, "<-");
	while (p && !(p[0] == '<' || (p[0] == '-' && p[1] == '-') ||
		      (p[0] == '-' && p[1] == '>')))
		p = strpbrk(p + 1, "<-");
	if (p == NULL)
		return false;
	snprintf(arrow, 4, "%.3s", p);
	return true;
}

START_TEST(test_kindholder_sockets_match_ss_and_the_kernel)
{
	static const char *const tcp[] = { "tcp_listen", "tcp_conn", "tcp_acc" };
	struct holder h;
	struct run_result r, ss;
	struct json *doc;
	const struct json *row;
	char pidtext[32], expect[64];
	size_t i;

	char *const ss_argv[] = { "/usr/bin/ss", "-tanei", NULL };
	struct run_result ss0;

	holder_start(&h, "kindholder", NULL);
	snprintf(pidtext, sizeof(pidtext), "%ld", (long)h.pid);
	/* Queues move (a FIN in flight): ss before and after, and fdscope's
	 * numbers must be one of the two. */
	run_argv(&ss0, ss_argv, 20);
	ck_assert_int_eq(ss0.status, 0);
	run_fdscope(&r, "list", "-p", pidtext, "-J", "-o",
		    "FD,INODE,NAME,SOCK.NETNS,SOCK.SHUTDOWN,SOCK.LISTENING,"
		    "SOCK.RECVQ,SOCK.SENDQ,SOCK.UID,TCP.TIMER,NETLINK.PROTOCOL,"
		    "NETLINK.LPORT,NETLINK.GROUPS,PACKET.PROTOCOL,RAW.PROTOCOL", NULL);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	doc = json_parse(r.out);
	ck_assert_ptr_nonnull(doc);
	run_argv(&ss, ss_argv, 20);
	ck_assert_int_eq(ss.status, 0);
	for (i = 0; i < 3; i++) {
		unsigned int rq, sq, rq0, sq0;
		char arrow[4], arrow0[4];
		const char *shut;
		unsigned long long ino;

		row = row_of(doc, (int)holder_value(&h, tcp[i]));
		ino = (unsigned long long)json_int(row, "inode");
		ck_assert_msg(ss_line(ss.out, ino, &rq, &sq, arrow) &&
			      ss_line(ss0.out, ino, &rq0, &sq0, arrow0),
			      "ss has no ino:%llu", ino);
		ck_assert_msg((json_int(row, "sock.recvq") == rq &&
			       json_int(row, "sock.sendq") == sq) ||
			      (json_int(row, "sock.recvq") == rq0 &&
			       json_int(row, "sock.sendq") == sq0),
			      "%s: fdscope %lld/%lld, ss %u/%u then %u/%u", tcp[i],
			      json_int(row, "sock.recvq"), json_int(row, "sock.sendq"),
			      rq0, sq0, rq, sq);
		shut = json_str(row, "sock.shutdown");
		ck_assert_msg(strcmp(arrow, "<->") == 0 ? strcmp(shut, "--") == 0 :
			      strcmp(arrow, "<--") == 0 ? strcmp(shut, "-w") == 0 :
			      strcmp(shut, "r-") == 0, "%s vs ss %s", shut, arrow);
		ck_assert_int_eq(json_int(row, "sock.uid"), getuid());
		/* A timer moves: its shape, and none on the listener. */
		{
			char kind[16];
			unsigned int ms, re;

			ck_assert_int_eq(sscanf(json_str(row, "tcp.timer"),
						"%15[a-z],%ums,%u", kind, &ms, &re), 3);
			if (i == 0)
				ck_assert_str_eq(json_str(row, "tcp.timer"), "off,0ms,0");
		}
		ck_assert_int_eq(json_get(row, "sock.listening")->b, i == 0);
		ck_assert_int_eq(json_int(row, "sock.netns"), (long long)({
			struct stat nst;

			ck_assert_int_eq(stat("/proc/self/ns/net", &nst), 0);
			nst.st_ino;
		}));
	}
	/* A unix socket's queue: the 3 bytes written to its peer. */
	row = row_of(doc, (int)holder_value(&h, "unix_b"));
	ck_assert_int_eq(json_int(row, "sock.recvq"), 3);
	ck_assert_str_eq(json_str(row, "sock.shutdown"), "--");
	ck_assert_int_eq(json_get(row, "sock.listening")->b, 0);
	/* 5 bytes and the FIN wait on the accepted end, as ss says. */
	ck_assert_int_eq(json_int(row_of(doc, (int)holder_value(&h, "tcp_acc")),
				  "sock.recvq"), 6);
	ck_assert_str_eq(json_str(row_of(doc, (int)holder_value(&h, "tcp_conn")),
				  "sock.shutdown"), "-w");

	if (made(&h, "netlink")) {
		row = row_of(doc, (int)holder_value(&h, "netlink"));
		ck_assert_str_eq(json_str(row, "netlink.protocol"), "route");
		ck_assert_int_eq(json_int(row, "netlink.lport"),
				 holder_value(&h, "netlink_port"));
		/* RTMGRP_LINK is group 1. */
		ck_assert_str_eq(json_str(row, "netlink.groups"), "0x1");
		snprintf(expect, sizeof(expect), "NETLINK route port %lld groups 0x1",
			 holder_value(&h, "netlink_port"));
		ck_assert_str_eq(json_str(row, "name"), expect);
	}
	if (made(&h, "packet")) {
		row = row_of(doc, (int)holder_value(&h, "packet"));
		ck_assert_str_eq(json_str(row, "packet.protocol"), "ARP");
		ck_assert_str_eq(json_str(row, "name"), "PACKET * ARP");
	}
	if (made(&h, "raw")) {
		row = row_of(doc, (int)holder_value(&h, "raw"));
		ck_assert_int_eq(json_int(row, "raw.protocol"), 1);
	}
	if (made(&h, "udplite")) {
		row = row_of(doc, (int)holder_value(&h, "udplite"));
		ck_assert_msg(strncmp(json_str(row, "name"), "UDPLITE 127.0.0.1:", 18) == 0,
			      "%s", json_str(row, "name"));
		ck_assert_str_eq(json_str(row, "sock.shutdown"), "--");
	}
	if (made(&h, "mptcp")) {
		row = row_of(doc, (int)holder_value(&h, "mptcp"));
		ck_assert_int_eq(json_get(row, "sock.listening")->b, 1);
		ck_assert_msg(strncmp(json_str(row, "name"), "MPTCP 127.0.0.1:", 16) == 0,
			      "%s", json_str(row, "name"));
	}
	json_free(doc);
	run_result_release(&r);
	run_result_release(&ss);
	run_result_release(&ss0);
	holder_stop(&h);
}
END_TEST

START_TEST(test_sockx_decoders_check_lengths_and_read_procnet_raw)
{
	struct sockx_table t;
	static const char raw[] =
		"  sl  local_address rem_address   st tx_queue rx_queue tr tm->when "
		"retrnsmt   uid  timeout inode ref pointer drops\n"
		"  7: 0100007F:0001 00000000:0000 07 00000000:00000010 00:00000000 "
		"00000000  1000        0 4242 2 0000000000000000 0\n"
		"  8: garbage\n";
	char small[8] = { 0 }, buf[128];
	const struct sockx *x;

	sockx_table_init(&t);
	ck_assert_int_eq(sockx_decode_inet(&t, 6, small, sizeof(small)), -1);
	ck_assert_int_eq(sockx_decode_unix(&t, small, 4), -1);
	ck_assert_int_eq(sockx_decode_netlink(&t, small, sizeof(small)), -1);
	ck_assert_int_eq(sockx_decode_packet(&t, small, 4), -1);
	ck_assert_int_eq(sockx_decode_vsock(&t, small, sizeof(small)), -1);
	ck_assert_uint_eq(t.n, 0);
	ck_assert_int_eq(sockx_parse_procnet_raw(&t, AF_INET, raw, strlen(raw)), 1);
	x = sockx_find(&t, 4242);
	ck_assert_ptr_nonnull(x);
	ck_assert_int_eq(x->proto, 1);
	ck_assert_uint_eq(x->rqueue, 16);
	ck_assert_uint_eq(x->uid, 1000);
	ck_assert_str_eq(sockx_name(x, buf, sizeof(buf)), "RAW proto 1 127.0.0.1:0");
	ck_assert_ptr_null(sockx_find(&t, 4243));
	sockx_table_release(&t);
}
END_TEST

/* SCTP and vsock, which this machine refuses to make (no module), by
 * the replies sctp_diag and vsock_diag would send: an SCTP listener and
 * an association with a shut-down attribute, a connected vsock stream. */
START_TEST(test_sockx_sctp_and_vsock_replies_decode)
{
	struct {
		struct inet_diag_msg m;
		struct rtattr rta;
		unsigned char shut[4];
	} sctp = { 0 };
	struct vsock_diag_msg vs = { 0 };
	struct sockx_table t;
	const struct sockx *x;
	char buf[128];
	struct in_addr lo = { htonl(INADDR_LOOPBACK) };

	sockx_table_init(&t);
	sctp.m.idiag_family = AF_INET;
	sctp.m.idiag_state = 10;		/* SCTP_SS_LISTENING is TCP_LISTEN */
	sctp.m.idiag_inode = 5001;
	sctp.m.idiag_uid = 1000;
	sctp.m.idiag_rqueue = 0;
	sctp.m.idiag_wqueue = 128;
	sctp.m.id.idiag_sport = htons(9999);
	memcpy(sctp.m.id.idiag_src, &lo, sizeof(lo));
	ck_assert_int_eq(sockx_decode_inet(&t, IPPROTO_SCTP, &sctp.m, sizeof(sctp.m)), 0);
	/* An established association, shut down for writing. */
	sctp.m.idiag_state = 1;
	sctp.m.idiag_inode = 5002;
	sctp.m.id.idiag_dport = htons(40000);
	memcpy(sctp.m.id.idiag_dst, &lo, sizeof(lo));
	sctp.rta.rta_type = INET_DIAG_SHUTDOWN;
	sctp.rta.rta_len = RTA_LENGTH(1);
	sctp.shut[0] = 2;
	ck_assert_int_eq(sockx_decode_inet(&t, IPPROTO_SCTP, &sctp, sizeof(sctp)), 0);

	x = sockx_find(&t, 5001);
	ck_assert_ptr_nonnull(x);
	ck_assert_int_eq(x->proto, IPPROTO_SCTP);
	ck_assert_int_eq(x->type, SOCK_STREAM);
	ck_assert(sockx_listening(x));
	ck_assert_uint_eq(x->uid, 1000);
	ck_assert_uint_eq(x->wqueue, 128);
	/* No retransmit timer: that is TCP's alone. */
	ck_assert(!x->have_timer);
	ck_assert_str_eq(sockx_name(x, buf, sizeof(buf)), "SCTP 127.0.0.1:9999 listening");
	x = sockx_find(&t, 5002);
	ck_assert_ptr_nonnull(x);
	ck_assert(!sockx_listening(x));
	ck_assert_str_eq(sockx_shutdown(x), "-w");
	ck_assert_str_eq(sockx_name(x, buf, sizeof(buf)),
			 "SCTP 127.0.0.1:9999 -> 127.0.0.1:40000 connected");

	vs.vdiag_family = AF_VSOCK;
	vs.vdiag_type = SOCK_STREAM;
	vs.vdiag_state = 1;			/* TCP_ESTABLISHED */
	vs.vdiag_shutdown = 1;
	vs.vdiag_src_cid = VMADDR_CID_LOCAL;
	vs.vdiag_src_port = 1234;
	vs.vdiag_dst_cid = VMADDR_CID_HOST;
	vs.vdiag_dst_port = 5678;
	vs.vdiag_ino = 5003;
	ck_assert_int_eq(sockx_decode_vsock(&t, &vs, sizeof(vs)), 0);
	ck_assert_int_eq(sockx_decode_vsock(&t, &vs, sizeof(vs) - 1), -1);
	x = sockx_find(&t, 5003);
	ck_assert_ptr_nonnull(x);
	ck_assert_uint_eq(x->src_cid, 1);
	ck_assert_uint_eq(x->dst_cid, 2);
	ck_assert_uint_eq(x->dst_port, 5678);
	ck_assert_str_eq(sockx_shutdown(x), "r-");
	ck_assert(!sockx_listening(x));
	ck_assert_str_eq(sockx_name(x, buf, sizeof(buf)), "VSOCK 1:1234 -> 2:5678");
	vs.vdiag_state = 10;
	vs.vdiag_ino = 5004;
	ck_assert_int_eq(sockx_decode_vsock(&t, &vs, sizeof(vs)), 0);
	ck_assert(sockx_listening(sockx_find(&t, 5004)));
	sockx_table_release(&t);
}
END_TEST

/* A block device fdscope may stat but not open (this machine refuses
 * opening one): a node made in a fake proc root, whose devices and
 * partitions files name its driver and partition. */
START_TEST(test_block_device_fixture_names_driver_and_partition)
{
	char root[64], path[4200], target[128];
	struct run_result r;
	struct json *doc;
	const struct json *row;
	int fd;

	make_fixture(root, sizeof(root));
	snprintf(path, sizeof(path), "%s/blk", root);
	if (mknod(path, S_IFBLK | 0600, makedev(254, 17)) < 0) {
		skip_part("test_block_device_fixture_names_driver_and_partition: "
		       "mknod: %s", strerror(errno));
		remove_fixture(root);
		return;
	}
	snprintf(target, sizeof(target), "%s/blk", root);
	snprintf(path, sizeof(path), "%s/" FIXTURE_PID "/fd/7", root);
	ck_assert_int_eq(symlink(target, path), 0);
	snprintf(path, sizeof(path), "%s/devices", root);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ck_assert_int_ge(fd, 0);
	dprintf(fd, "Character devices:\n  1 mem\n\nBlock devices:\n"
		"  7 loop\n254 fakeblk\n");
	close(fd);
	snprintf(path, sizeof(path), "%s/partitions", root);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ck_assert_int_ge(fd, 0);
	dprintf(fd, "major minor  #blocks  name\n\n 254       16  1048576 fkd\n"
		" 254       17   524288 fkd1\n");
	close(fd);
	setenv("FDSCOPE_PROC_ROOT", root, 1);
	run_fdscope(&r, "list", "-p", FIXTURE_PID, "-J", "-o",
		    "FD,TYPE,STTYPE,RDEV,BLKDRV,CHRDRV,SOURCE", NULL);
	unsetenv("FDSCOPE_PROC_ROOT");
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	doc = json_parse(r.out);
	ck_assert_ptr_nonnull(doc);
	row = json_find_fd(doc, 7);
	ck_assert_ptr_nonnull(row);
	ck_assert_str_eq(json_str(row, "type"), "BLK");
	ck_assert_str_eq(json_str(row, "sttype"), "BLK");
	ck_assert_str_eq(json_str(row, "rdev"), "254:17");
	ck_assert_str_eq(json_str(row, "blkdrv"), "fakeblk");
	ck_assert_ptr_null(json_str(row, "chrdrv"));
	/* The partition the node stands for, by the partitions file. */
	ck_assert_str_eq(json_str(row, "source"), "fkd1");
	json_free(doc);
	run_result_release(&r);
	snprintf(path, sizeof(path), "%s/" FIXTURE_PID "/fd/7", root);
	unlink(path);
	snprintf(path, sizeof(path), "%s/blk", root);
	unlink(path);
	snprintf(path, sizeof(path), "%s/devices", root);
	unlink(path);
	snprintf(path, sizeof(path), "%s/partitions", root);
	unlink(path);
	remove_fixture(root);
}
END_TEST

/* One process, three kinds of row (a descriptor, --assoc, a lock held
 * without a descriptor): the same PID, TID, COMMAND, USER and UID on
 * each; TID only with -l, where it is the table's thread. */
START_TEST(test_process_cells_same_on_fd_assoc_and_lock_rows)
{
	static const char *const opts[] = { NULL, "-l" };
	struct holder h;
	struct run_result r;
	struct json *doc;
	char pidtext[32];
	size_t o;

	holder_start(&h, "kindholder", NULL);
	snprintf(pidtext, sizeof(pidtext), "%ld", (long)h.pid);
	for (o = 0; o < ARRAY_SIZE(opts); o++) {
		const struct json *rows, *row;
		size_t i, kinds[3] = { 0, 0, 0 };

		if (opts[o])
			run_fdscope(&r, "list", "-p", pidtext, opts[o], "--assoc", "-J",
				    "-o", "PID,TID,COMMAND,USER,UID,ASSOC,FD,LOCKS,NAME",
				    NULL);
		else
			run_fdscope(&r, "list", "-p", pidtext, "--assoc", "-J", "-o",
				    "PID,TID,COMMAND,USER,UID,ASSOC,FD,LOCKS,NAME", NULL);
		ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
		doc = json_parse(r.out);
		ck_assert_ptr_nonnull(doc);
		rows = json_get(doc, "descriptors");
		for (i = 0; i < rows->n; i++) {
			const char *name;

			row = rows->items[i];
			ck_assert_int_eq(json_int(row, "pid"), h.pid);
			/* -l: the unshared thread's table, whose rows are
			 * checked by the threads test; it has no lock rows
			 * of its own (a lock is its process's). */
			if (opts[o] && json_int(row, "tid") != h.pid) {
				name = json_str(row, "name");
				ck_assert_msg(name == NULL ||
					      !strstr(name, "without a descriptor"),
					      "a thread's table repeats a lock: %s", name);
				continue;
			}
			name = json_str(row, "name");
			if (json_get(row, "fd")->kind == JSON_NUMBER)
				kinds[0]++;
			else if (name && strstr(name, "without a descriptor"))
				kinds[2]++;
			else
				kinds[1]++;
			ck_assert_str_eq(json_str(row, "command"), "kindholder");
			ck_assert_str_eq(json_str(row, "user"), getuid() == 0 ? "root" :
					 json_str(rows->items[0], "user"));
			ck_assert_int_eq(json_int(row, "uid"), (long long)getuid());
			if (opts[o] == NULL)
				ck_assert_msg(json_get(row, "tid")->kind == JSON_NULL,
					      "row %zu: a TID without -l", i);
		}
		/* Every kind of row was there to compare. */
		ck_assert_uint_gt(kinds[0], 0);
		ck_assert_uint_gt(kinds[1], 0);
		ck_assert_uint_eq(kinds[2], 1);
		json_free(doc);
		run_result_release(&r);
	}
	holder_stop(&h);
}
END_TEST

/* The rows of `list -p PID --assoc -J -o ASSOC,FD,LOCKS,NAME` plus the
 * given selection; the document is the caller's to free. */
static struct json *assoc_select(const struct holder *h, const char *opt,
				 const char *value, int *status)
{
	char pidtext[32];
	struct run_result r;
	struct json *doc;

	snprintf(pidtext, sizeof(pidtext), "%ld", (long)h->pid);
	run_fdscope(&r, "list", "-p", pidtext, "--assoc", "-J", "-o",
		    "ASSOC,FD,TYPE,LOCKS,NAME", opt, value, NULL);
	*status = r.status;
	doc = r.status == 0 ? json_parse(r.out) : NULL;
	run_result_release(&r);
	return doc;
}

static size_t rows_with(const struct json *doc, const char *key, const char *v)
{
	const struct json *rows = json_get(doc, "descriptors");
	size_t i, n = 0;

	for (i = 0; i < rows->n; i++) {
		const char *s = json_str(rows->items[i], key);

		n += s && strstr(s, v) != NULL;
	}
	return n;
}

/* -Q, --under, --type, -d and -t decide --assoc and lock rows as they do
 * descriptors, on the rows' own cells; a lock row is decided against the
 * whole table, not the rows a selection kept. */
START_TEST(test_assoc_and_lock_rows_are_selected_like_descriptors)
{
	struct holder h;
	struct json *doc;
	struct run_result r;
	char dir[256], cwd[4200], path[64], pidtext[32];
	const char *p;
	int status;
	ssize_t n;

	holder_start(&h, "kindholder", NULL);
	p = strstr(h.line, "dir_path=");
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(sscanf(p, "dir_path=%255s", dir), 1);
	snprintf(path, sizeof(path), "/proc/%ld/cwd", (long)h.pid);
	n = readlink(path, cwd, sizeof(cwd) - 1);
	ck_assert_int_gt(n, 0);
	cwd[n] = '\0';

	doc = assoc_select(&h, "-Q", "ASSOC == \"cwd\"", &status);
	ck_assert_int_eq(status, 0);
	ck_assert_uint_eq(json_get(doc, "descriptors")->n, 1);
	ck_assert_str_eq(json_str(json_at(json_get(doc, "descriptors"), 0), "name"), cwd);
	json_free(doc);

	doc = assoc_select(&h, "-Q", "ASSOC == \"mem\" and NAME =~ \"memfd:\"", &status);
	ck_assert_int_eq(status, 0);
	ck_assert_uint_eq(json_get(doc, "descriptors")->n, 1);
	json_free(doc);

	/* The directory's descriptors and the deleted file mapped from it;
	 * not the process's cwd, which is elsewhere. */
	doc = assoc_select(&h, "--under", dir, &status);
	ck_assert_int_eq(status, 0);
	ck_assert_uint_eq(rows_with(doc, "name", "mapped-then-deleted"), 1);
	ck_assert_uint_ge(rows_with(doc, "name", "lock_flock"), 1);
	ck_assert_uint_eq(rows_with(doc, "assoc", "cwd"), 0);
	json_free(doc);

	/* The flock descriptor, and the one lock the process holds without a
	 * descriptor; the lease and POSIX locks are on rows not selected,
	 * which does not make them locks without a descriptor. */
	doc = assoc_select(&h, "-Q", "LOCKS =~ \"FLOCK\"", &status);
	ck_assert_int_eq(status, 0);
	ck_assert_uint_eq(json_get(doc, "descriptors")->n, 2);
	ck_assert_uint_eq(rows_with(doc, "name", "without a descriptor"), 1);
	ck_assert_uint_eq(rows_with(doc, "locks", "LEASE"), 0);
	json_free(doc);

	doc = assoc_select(&h, "--type", "DIR", &status);
	ck_assert_int_eq(status, 0);
	ck_assert_uint_eq(rows_with(doc, "assoc", "cwd"), 1);
	ck_assert_uint_eq(rows_with(doc, "assoc", "rtd"), 1);
	ck_assert_uint_eq(rows_with(doc, "assoc", "exe"), 0);
	json_free(doc);

	/* An -d naming descriptors: descriptors only. */
	doc = assoc_select(&h, "-d", "0-2", &status);
	ck_assert_int_eq(status, 0);
	ck_assert_uint_eq(json_get(doc, "descriptors")->n, 3);
	json_free(doc);

	/* --summary's counters count them too: as many as the mem rows. */
	doc = assoc_select(&h, "-Q", "ASSOC == \"mem\"", &status);
	ck_assert_int_eq(status, 0);
	snprintf(pidtext, sizeof(pidtext), "%ld", (long)h.pid);
	run_fdscope(&r, "list", "-p", pidtext, "--assoc", "--summary=only", "-C",
		    "maps:ASSOC == \"mem\"", NULL);
	ck_assert_int_eq(r.status, 0);
	{
		char line[64];

		snprintf(line, sizeof(line), " %zu maps\n",
			 json_get(doc, "descriptors")->n);
		ck_assert_msg(strstr(r.out, line) != NULL, "no '%s' in %s", line, r.out);
	}
	json_free(doc);
	run_result_release(&r);
	run_fdscope(&r, "list", "-p", pidtext, "--assoc", "-t", "-Q",
		    "ASSOC == \"exe\"", NULL);
	ck_assert_int_eq(r.status, 0);
	snprintf(path, sizeof(path), "%ld\n", (long)h.pid);
	ck_assert_str_eq(r.out, path);
	run_result_release(&r);
	holder_stop(&h);
}
END_TEST

/* The lsof lock letter of fd, from `lsof -F fl`; ' ' when none. */
static char lsof_lock(const char *out, int fd)
{
	char key[32];
	const char *p;

	snprintf(key, sizeof(key), "\nf%d\n", fd);
	p = strstr(out, key);
	if (p == NULL)
		return '?';
	p += strlen(key);
	return p[0] == 'l' ? p[1] : ' ';
}

/* /proc/locks has a line of this kind, process and inode. */
static bool proc_locks_has(const char *kind, long long pid,
			   unsigned long long ino, const char *rest)
{
	char text[65536], pat[128];
	ssize_t n = procfs_read_at(AT_FDCWD, "/proc/locks", text, sizeof(text));

	ck_assert_int_gt(n, 0);
	snprintf(pat, sizeof(pat), " %lld ", pid);
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		char ino_text[32];

		snprintf(ino_text, sizeof(ino_text), ":%llu ", ino);
		if (strstr(line, kind) && strstr(line, pat) && strstr(line, ino_text) &&
		    strstr(line, rest))
			return true;
	}
	return false;
}

START_TEST(test_kindholder_locks_match_proc_locks_and_lsof)
{
	static const struct {
		const char *key, *locks, *kind, *rest;
		char lsof;
		char xmode[7];
	} want[] = {
		{ "lock_flock", "FLOCK W", "FLOCK  ADVISORY  WRITE", " 0 EOF", 'W', "rw--W-" },
		{ "lock_posix", "POSIX W 10-29", "POSIX  ADVISORY  WRITE", " 10 29", 'w', "rw--w-" },
		/* lsof leaves an OFD lock unmarked; fdinfo names its description. */
		{ "lock_ofd", "OFD R", "OFDLCK ADVISORY  READ", " 0 EOF", ' ', "rw--R-" },
		{ "lock_lease", "LEASE R", "LEASE  ACTIVE    READ", " 0 EOF", 'R', "r---R-" },
	};
	struct holder h;
	struct run_result r, l;
	struct json *doc;
	const struct json *rows, *row;
	char pidtext[32], locks[128];
	size_t i, lockrows = 0;

	holder_start(&h, "kindholder", NULL);
	snprintf(pidtext, sizeof(pidtext), "%ld", (long)h.pid);
	run_fdscope(&r, "list", "-p", pidtext, "-J", "-o", "PID,FD,INODE,LOCKS,XMODE,NAME",
		    NULL);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	doc = json_parse(r.out);
	ck_assert_ptr_nonnull(doc);
	{
		char range[64];
		char *const argv[] = { "/usr/bin/lsof", "-a", "-p", pidtext, "-d", range,
				       "-F", "fl", NULL };

		/* The lock files' descriptors, in the order the holder made them. */
		snprintf(range, sizeof(range), "%lld-%lld", holder_value(&h, "lock_flock"),
			 holder_value(&h, "lock_lease") >= 0 ?
			 holder_value(&h, "lock_lease") : holder_value(&h, "lock_ofd"));
		run_argv(&l, argv, 30);
	}
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		long long fd = holder_value(&h, want[i].key);
		long long owner = strcmp(want[i].key, "lock_ofd") == 0 ? -1 : h.pid;

		if (!made(&h, want[i].key))
			continue;
		row = row_of(doc, (int)fd);
		/* The owner /proc/locks names; an OFD lock's is its open file. */
		if (owner > 0)
			snprintf(locks, sizeof(locks), "%s by %lld", want[i].locks, owner);
		else
			snprintf(locks, sizeof(locks), "%s", want[i].locks);
		ck_assert_str_eq(json_str(row, "locks"), locks);
		ck_assert_str_eq(json_str(row, "xmode"), want[i].xmode);
		ck_assert_msg(proc_locks_has(want[i].kind, owner,
					     (unsigned long long)json_int(row, "inode"),
					     want[i].rest),
			      "no %s line in /proc/locks", want[i].kind);
		if (l.status == 0)
			ck_assert_msg(lsof_lock(l.out, (int)fd) == want[i].lsof,
				      "fd %lld: lsof '%c', expected '%c'", fd,
				      lsof_lock(l.out, (int)fd), want[i].lsof);
	}
	if (l.status != 0)
		skip_part("lsof lock letters: lsof exited %d", l.status);
	/* The flock whose descriptor only the child keeps: a row without FD. */
	rows = json_get(doc, "descriptors");
	for (i = 0; i < rows->n; i++) {
		const struct json *fd = json_get(rows->items[i], "fd");

		if (fd->kind != JSON_NULL)
			continue;
		row = rows->items[i];
		lockrows++;
		ck_assert_int_eq(json_int(row, "pid"), h.pid);
		snprintf(locks, sizeof(locks), "FLOCK R by %ld", (long)h.pid);
		ck_assert_str_eq(json_str(row, "locks"), locks);
		ck_assert_str_eq(json_str(row, "xmode"), "----R-");
		ck_assert(proc_locks_has("FLOCK  ADVISORY  READ", h.pid,
					 (unsigned long long)json_int(row, "inode"), " 0 EOF"));
	}
	ck_assert_uint_eq(lockrows, 1);
	/* Without a lock column, the rows are the descriptors only. */
	json_free(doc);
	run_result_release(&r);
	/* The child inherited the flock's description: the lock is on its
	 * row too, owned by the process that took it. */
	{
		char child[32];

		snprintf(child, sizeof(child), "%lld", holder_value(&h, "lock_child"));
		run_fdscope(&r, "list", "-p", child, "-J", "-o", "FD,LOCKS", NULL);
		ck_assert_int_eq(r.status, 0);
		doc = json_parse(r.out);
		ck_assert_ptr_nonnull(doc);
		snprintf(locks, sizeof(locks), "FLOCK W by %ld", (long)h.pid);
		ck_assert_str_eq(json_str(row_of(doc, (int)holder_value(&h, "lock_flock")),
					  "locks"), locks);
		json_free(doc);
		run_result_release(&r);
	}
	run_fdscope(&r, "list", "-p", pidtext, "-J", "-o", "FD", NULL);
	doc = json_parse(r.out);
	ck_assert_uint_eq(json_get(doc, "descriptors")->n, count_pid_fds(h.pid, NULL));
	json_free(doc);
	run_result_release(&r);
	run_result_release(&l);
	holder_stop(&h);
}
END_TEST

START_TEST(test_lock_lines_parse)
{
	struct file_lock fl;
	struct lock_tab t;
	char buf[96];
	static const char fdinfo_locks[] = "pos:\t0\nflags:\t02\nlock:\t1: POSIX  ADVISORY  "
		"WRITE 23541 fe:00:10956083 10 29\nlock:\t2: -> FLOCK  ADVISORY  READ 7 "
		"08:1f:5 0 EOF\n";

	static const char ofd[] = "3: OFDLCK ADVISORY  READ -1 fe:00:42 0 EOF";
	static const char bad_pid[] = "1: POSIX ADVISORY WRITE x fe:00:1 0 EOF";
	static const char bad_dev[] = "1: POSIX ADVISORY WRITE 1 fe00:1 0 EOF";

	ck_assert_int_eq(lock_parse_line(ofd, strlen(ofd), &fl), 0);
	ck_assert_int_eq(fl.kind, LOCK_OFD);
	ck_assert_int_eq(fl.pid, -1);
	ck_assert_uint_eq(fl.major, 254);
	ck_assert_uint_eq(fl.ino, 42);
	lock_format(&fl, buf, sizeof(buf));
	ck_assert_str_eq(buf, "OFD R");
	lock_tab_init(&t);
	ck_assert_uint_eq(lock_tab_parse(&t, fdinfo_locks, strlen(fdinfo_locks), true), 2);
	lock_format(&t.v[0], buf, sizeof(buf));
	ck_assert_str_eq(buf, "POSIX W 10-29");
	ck_assert(t.v[1].blocked);
	ck_assert_uint_eq(t.v[1].minor, 0x1f);
	/* A waiter holds nothing. */
	ck_assert_int_eq(lock_letter(&t.v[1], 1), ' ');
	ck_assert_int_eq(lock_letter(t.v, 2), 'w');
	lock_tab_release(&t);
	ck_assert_int_eq(lock_parse_line(bad_pid, strlen(bad_pid), &fl), -1);
	ck_assert_int_eq(lock_parse_line(bad_dev, strlen(bad_dev), &fl), -1);
}
END_TEST

static unsigned long long holder_hex(const struct holder *h, const char *key)
{
	char pat[64];
	const char *p;
	unsigned long long v = 0;

	snprintf(pat, sizeof(pat), " %s=0x", key);
	p = strstr(h->line, pat);
	ck_assert_msg(p != NULL, "no %s in %s", key, h->line);
	ck_assert_int_eq(sscanf(p + strlen(pat), "%llx", &v), 1);
	return v;
}

/* The --assoc row whose column key has value want, or NULL. */
static const struct json *assoc_row(const struct json *doc, const char *key,
				    const char *want)
{
	const struct json *rows = json_get(doc, "descriptors");
	size_t i;

	for (i = 0; i < rows->n; i++) {
		const char *v = json_str(rows->items[i], key);

		if (v && strcmp(v, want) == 0)
			return rows->items[i];
	}
	return NULL;
}

START_TEST(test_kindholder_assoc_rows_match_maps_and_lsfd)
{
	struct holder h;
	struct run_result r, l;
	struct json *doc, *ldoc;
	const struct json *rows, *row;
	char pidtext[32], path[64], range[64], *maps = NULL;
	size_t i, nmaps = 0, nmem = 0, matched = 0;
	ssize_t n;
	long page = sysconf(_SC_PAGESIZE);

	holder_start(&h, "kindholder", NULL);
	snprintf(pidtext, sizeof(pidtext), "%ld", (long)h.pid);
	run_fdscope(&r, "list", "-p", pidtext, "--assoc", "-J", "-o",
		    "ASSOC,FD,TYPE,INODE,MAPLEN,MAP.RANGE,MAP.OFFSET,MAP.PERMS,NS.TYPE,"
		    "NS.NAME,DELETED,NAME", NULL);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	doc = json_parse(r.out);
	ck_assert_ptr_nonnull(doc);
	rows = json_get(doc, "descriptors");

	/* Every file-backed line of maps is one mem row, in order. */
	snprintf(path, sizeof(path), "/proc/%ld/maps", (long)h.pid);
	n = procfs_slurp_at(AT_FDCWD, path, &maps);
	ck_assert_int_gt(n, 0);
	for (char *line = strtok(maps, "\n"); line; line = strtok(NULL, "\n")) {
		unsigned long long start, end, off, ino;
		char perms[8];

		ck_assert_int_eq(sscanf(line, "%llx-%llx %7s %llx %*x:%*x %llu", &start,
					&end, perms, &off, &ino), 5);
		if (ino == 0)
			continue;
		nmaps++;
		snprintf(range, sizeof(range), "%llx-%llx", start, end);
		row = assoc_row(doc, "map.range", range);
		ck_assert_msg(row != NULL, "no mem row for %s", line);
		ck_assert_str_eq(json_str(row, "assoc"), "mem");
		ck_assert_int_eq(json_int(row, "inode"), (long long)ino);
		ck_assert_int_eq(json_int(row, "map.offset"), (long long)off);
		ck_assert_str_eq(json_str(row, "map.perms"), perms);
		ck_assert_int_eq(json_int(row, "maplen"), (long long)((end - start) / (unsigned long long)page));
	}
	free(maps);
	for (i = 0; i < rows->n; i++) {
		const char *a = json_str(rows->items[i], "assoc");

		nmem += a && strcmp(a, "mem") == 0;
	}
	ck_assert_uint_eq(nmem, nmaps);

	/* The memfd and the deleted file, mapped without a descriptor. */
	snprintf(range, sizeof(range), "%llx-%llx", holder_hex(&h, "map_memfd"),
		 holder_hex(&h, "map_memfd") + 8192);
	row = assoc_row(doc, "map.range", range);
	ck_assert_ptr_nonnull(row);
	ck_assert_str_eq(json_str(row, "name"), "/memfd:kindholder-map (deleted)");
	ck_assert_int_eq(json_int(row, "maplen"), 8192 / page);
	snprintf(range, sizeof(range), "%llx-%llx", holder_hex(&h, "map_deleted"),
		 holder_hex(&h, "map_deleted") + 4096);
	row = assoc_row(doc, "map.range", range);
	ck_assert_ptr_nonnull(row);
	ck_assert(json_get(row, "deleted")->b);
	ck_assert_msg(strstr(json_str(row, "name"), "/mapped-then-deleted (deleted)") != NULL,
		      "%s", json_str(row, "name"));

	/* cwd, rtd, exe and every namespace as lsfd has them. */
	if (access("/usr/bin/lsfd", X_OK) == 0) {
		char *const argv[] = { "/usr/bin/lsfd", "-J", "-p", pidtext, "-o",
				       "ASSOC,INODE,NAME,MAPLEN", NULL };
		const struct json *lrows;

		run_argv(&l, argv, 20);
		ck_assert_int_eq(l.status, 0);
		ldoc = json_parse(l.out);
		ck_assert_ptr_nonnull(ldoc);
		lrows = json_get(ldoc, "lsfd");
		for (i = 0; i < lrows->n; i++) {
			const struct json *lr = lrows->items[i];
			const char *a = json_str(lr, "assoc");
			const struct json *mine;

			if (a == NULL || (a[0] >= '0' && a[0] <= '9'))
				continue;
			if (strcmp(a, "mem") == 0) {
				/* lsfd gives no range: the same file and length
				 * must be among the mem rows. */
				size_t k;
				bool found = false;

				for (k = 0; k < rows->n && !found; k++) {
					const struct json *m = rows->items[k];
					const char *ma = json_str(m, "assoc");

					found = ma && strcmp(ma, "mem") == 0 &&
						json_int(m, "inode") == json_int(lr, "inode") &&
						json_int(m, "maplen") == json_int(lr, "maplen") &&
						strcmp(json_str(m, "name"), json_str(lr, "name")) == 0;
				}
				ck_assert_msg(found, "lsfd mem %s not listed", json_str(lr, "name"));
				matched++;
				continue;
			}
			mine = assoc_row(doc, "assoc", a);
			ck_assert_msg(mine != NULL, "no %s row", a);
			ck_assert_int_eq(json_int(mine, "inode"), json_int(lr, "inode"));
			ck_assert_str_eq(json_str(mine, "name"), json_str(lr, "name"));
			matched++;
		}
		ck_assert_uint_ge(matched, 3 + 8);
		json_free(ldoc);
		run_result_release(&l);
	} else {
		skip_part("lsfd assoc comparison: no /usr/bin/lsfd");
	}
	row = assoc_row(doc, "assoc", "net");
	ck_assert_ptr_nonnull(row);
	ck_assert_str_eq(json_str(row, "ns.type"), "net");
	ck_assert_msg(strncmp(json_str(row, "ns.name"), "net:[", 5) == 0, "%s",
		      json_str(row, "ns.name"));
	ck_assert(json_get(row, "fd")->kind == JSON_NULL);
	json_free(doc);
	run_result_release(&r);

	/* Without --assoc, the rows are /proc/PID/fd exactly. */
	run_fdscope(&r, "list", "-p", pidtext, "-J", "-o", "FD,ASSOC", NULL);
	doc = json_parse(r.out);
	rows = json_get(doc, "descriptors");
	ck_assert_uint_eq(rows->n, count_pid_fds(h.pid, NULL));
	for (i = 0; i < rows->n; i++) {
		char fdtext[16];

		snprintf(fdtext, sizeof(fdtext), "%lld", json_int(rows->items[i], "fd"));
		ck_assert_str_eq(json_str(rows->items[i], "assoc"), fdtext);
	}
	json_free(doc);
	run_result_release(&r);
	holder_stop(&h);
}
END_TEST

START_TEST(test_maps_parse_line)
{
	struct map_line m;
	static const char line[] = "7f1c2a000000-7f1c2a022000 r-xp 00002000 fe:01 "
		"332835                     /usr/lib/libc.so.6 (deleted)";
	static const char anon[] = "7ffd1000-7ffd2000 rw-p 00000000 00:00 0";

	ck_assert_int_eq(maps_parse_line(line, strlen(line), &m), 0);
	ck_assert_uint_eq(m.start, 0x7f1c2a000000ULL);
	ck_assert_uint_eq(m.end, 0x7f1c2a022000ULL);
	ck_assert_str_eq(m.perms, "r-xp");
	ck_assert_uint_eq(m.offset, 0x2000);
	ck_assert_uint_eq(m.major, 254);
	ck_assert_uint_eq(m.minor, 1);
	ck_assert_uint_eq(m.ino, 332835);
	ck_assert_int_eq((int)m.path_len, (int)strlen("/usr/lib/libc.so.6 (deleted)"));
	ck_assert_int_eq(maps_parse_line(anon, strlen(anon), &m), 0);
	ck_assert_uint_eq(m.ino, 0);
	ck_assert_uint_eq(m.path_len, 0);
	ck_assert_int_eq(maps_parse_line("2000-1000 r-xp 0 0:0 1", 22, &m), -1);
	ck_assert_int_eq(maps_parse_line("zz", 2, &m), -1);
}
END_TEST

static size_t count_dir(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	size_t n = 0;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL)
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

START_TEST(test_threads_with_their_own_table_are_listed_once)
{
	struct holder h;
	struct run_result r;
	struct json *doc;
	const struct json *rows;
	char pidtext[32], path[96];
	long long tid, tfd;
	size_t i, leader_rows = 0, thread_rows = 0, threads;

	holder_start(&h, "kindholder", NULL);
	tid = holder_value(&h, "thread_tid");
	tfd = holder_value(&h, "thread_fd");
	ck_assert_int_ge(tfd, 0);
	snprintf(path, sizeof(path), "/proc/%ld/task", (long)h.pid);
	threads = count_dir(path);
	/* The leader, one thread sharing its table, one with its own. */
	ck_assert_uint_eq(threads, 3);
	snprintf(pidtext, sizeof(pidtext), "%ld", (long)h.pid);
	run_fdscope(&r, "list", "-p", pidtext, "-l", "-J", "-o", "PID,TID,FD,NAME",
		    NULL);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	doc = json_parse(r.out);
	ck_assert_ptr_nonnull(doc);
	rows = json_get(doc, "descriptors");
	for (i = 0; i < rows->n; i++) {
		const struct json *row = rows->items[i];

		ck_assert_int_eq(json_int(row, "pid"), h.pid);
		if (json_int(row, "tid") == h.pid) {
			leader_rows++;
			ck_assert_int_ne(json_int(row, "fd"), tfd);
		} else {
			ck_assert_int_eq(json_int(row, "tid"), tid);
			thread_rows++;
			if (json_int(row, "fd") == tfd)
				ck_assert_str_eq(json_str(row, "name"), "/dev/zero");
		}
	}
	ck_assert_uint_eq(leader_rows, count_pid_fds(h.pid, NULL));
	snprintf(path, sizeof(path), "/proc/%ld/task/%lld/fd", (long)h.pid, tid);
	ck_assert_uint_eq(thread_rows, count_dir(path));
	json_free(doc);
	run_result_release(&r);
	/* --all finds the thread too, once (raw rows: the whole machine's
	 * JSON is slow to parse under the sanitizers). */
	run_fdscope(&r, "list", "--all", "-l", "-r", "-n", "-o", "PID,TID,FD", NULL);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	thread_rows = 0;
	for (char *line = strtok(r.out, "\n"); line; line = strtok(NULL, "\n")) {
		long long rp, rt;
		int rfd;

		if (sscanf(line, "%lld %lld %d", &rp, &rt, &rfd) == 3 && rt == tid) {
			ck_assert_int_eq(rp, h.pid);
			thread_rows++;
		}
	}
	ck_assert_uint_eq(thread_rows, count_dir(path));
	run_result_release(&r);
	/* Without -l: the process's table only. */
	run_fdscope(&r, "list", "-p", pidtext, "-J", "-o", "FD", NULL);
	doc = json_parse(r.out);
	ck_assert_uint_eq(json_get(doc, "descriptors")->n, count_pid_fds(h.pid, NULL));
	json_free(doc);
	run_result_release(&r);
	holder_stop(&h);
}
END_TEST

/* ENDPOINTS is an array of holders: whether one of them contains s. */
static bool endpoints_have(const struct json *row, const char *s)
{
	const struct json *a = json_get(row, "endpoints");
	size_t i;

	for (i = 0; a && a->kind == JSON_ARRAY && i < a->n; i++)
		if (a->items[i]->kind == JSON_STRING && strstr(a->items[i]->str, s))
			return true;
	return false;
}

/* The child of kindholder shares every description: asked for by name,
 * ENDPOINTS finds it though only the parent is listed. */
START_TEST(test_endpoints_asked_for_are_found_across_the_machine)
{
	static const struct {
		const char *key, *other;
		char mode;
	} want[] = {
		{ "pipe_r", "pipe_r", 'r' },
		{ "fifo_r", "fifo_w", 'w' },
		{ "fifo_w", "fifo_r", 'r' },
		{ "eventfd", "eventfd", 'u' },
		{ "ptmx", "pts", 'u' },
		{ "pts", "ptmx", 'u' },
		{ "tcp_conn", "tcp_acc", 'u' },
		{ "tcp_acc", "tcp_conn", 'u' },
		{ "unix_a", "unix_b", 'u' },
		{ "udp_a", "udp_b", 'u' },
		{ "udp_b", "udp_a", 'u' },
	};
	struct holder h;
	struct run_result r;
	struct json *doc;
	char pidtext[32], expect[96];
	long long child;
	size_t i;

	holder_start(&h, "kindholder", NULL);
	child = holder_value(&h, "lock_child");
	snprintf(pidtext, sizeof(pidtext), "%ld", (long)h.pid);
	run_fdscope(&r, "list", "-p", pidtext, "-J", "-o", "FD,ENDPOINTS", NULL);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	doc = json_parse(r.out);
	ck_assert_ptr_nonnull(doc);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		if (!made(&h, want[i].key))
			continue;
		snprintf(expect, sizeof(expect), "%lld,kindholder,%lld%c", child,
			 holder_value(&h, want[i].other), want[i].mode);
		ck_assert_msg(endpoints_have(row_of(doc, (int)holder_value(&h,
						want[i].key)), expect),
			      "%s: endpoints lack '%s'", want[i].key, expect);
	}
	/* A listener has no other end: an empty array. */
	{
		const struct json *a = json_get(row_of(doc,
			(int)holder_value(&h, "tcp_listen")), "endpoints");

		ck_assert_msg(a && a->kind == JSON_ARRAY && a->n == 0,
			      "a listener's endpoints are not []");
	}
	json_free(doc);
	run_result_release(&r);
	holder_stop(&h);
}
END_TEST

/* A child that moved to a new network namespace: its new socket is in
 * that namespace's table, the one it inherited in the old one's. */
START_TEST(test_sock_netns_is_the_sockets_own_namespace)
{
	struct holder h;
	struct run_result r;
	struct json *doc;
	const struct json *row;
	char pidtext[32], path[64];
	struct stat child_ns, own_ns;
	long long child;

	holder_start(&h, "kindholder", NULL);
	if (!made(&h, "netns_child")) {
		holder_stop(&h);
		return;
	}
	child = holder_value(&h, "netns_child");
	snprintf(path, sizeof(path), "/proc/%lld/ns/net", child);
	ck_assert_int_eq(stat(path, &child_ns), 0);
	ck_assert_int_eq(stat("/proc/self/ns/net", &own_ns), 0);
	ck_assert(child_ns.st_ino != own_ns.st_ino);
	snprintf(pidtext, sizeof(pidtext), "%lld", child);
	run_fdscope(&r, "list", "-p", pidtext, "-J", "-o", "FD,SOCK.NETNS,NAME", NULL);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	doc = json_parse(r.out);
	ck_assert_ptr_nonnull(doc);
	row = row_of(doc, (int)holder_value(&h, "netns_udp"));
	ck_assert_int_eq(json_int(row, "sock.netns"), (long long)child_ns.st_ino);
	row = row_of(doc, (int)holder_value(&h, "tcp_listen"));
	ck_assert_int_eq(json_int(row, "sock.netns"), (long long)own_ns.st_ino);
	ck_assert_msg(strstr(json_str(row, "name"), "LISTEN") != NULL, "%s",
		      json_str(row, "name"));
	json_free(doc);
	run_result_release(&r);
	holder_stop(&h);
}
END_TEST

Suite *decode_suite(void)
{
	Suite *s = suite_create("decode");
	TCase *tc = tcase_create("errors");

	tcase_add_test(tc, test_error_rows_name_the_failed_call_and_errno);
	tcase_add_test_if("decode", tc, geteuid() == 0,
			  test_error_rows_for_links_denied_say_what_would_allow_them,
			  "needs root to run fdscope as nobody");
	suite_add_tcase(s, tc);
	tc = tcase_create("parsers");
	tcase_add_test(tc, test_anon_eventfd_count_is_hex_and_id_decimal);
	tcase_add_test(tc, test_anon_epoll_targets_masks_and_summary);
	tcase_add_test(tc, test_anon_timerfd_clock_interval_remaining);
	tcase_add_test(tc, test_anon_signalfd_mask_names);
	tcase_add_test(tc, test_anon_inotify_and_fanotify_watches);
	tcase_add_test(tc, test_anon_fanotify_flags_and_marks_decoded);
	tcase_add_test(tc, test_anon_io_uring_sq_thread_and_owner);
	tcase_add_test(tc, test_anon_pidfd_bpf_io_uring_tun_ptmx);
	tcase_add_test(tc, test_devtab_parses_devices_misc_partitions);
	tcase_add_test(tc, test_mountinfo_parse_fields_and_escapes);
	tcase_add_test(tc, test_sockx_decoders_check_lengths_and_read_procnet_raw);
	tcase_add_test(tc, test_sockx_sctp_and_vsock_replies_decode);
	tcase_add_test(tc, test_block_device_fixture_names_driver_and_partition);
	tcase_add_test(tc, test_lock_lines_parse);
	tcase_add_test(tc, test_maps_parse_line);
	suite_add_tcase(s, tc);
	tc = tcase_create("holder");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_kindholder_anon_columns_match_fdinfo);
	tcase_add_test(tc, test_kindholder_fanotify_and_io_uring_owner);
	tcase_add_test_if("decode", tc, can_open_blk(), test_kindholder_block_device,
			  "this machine refuses opening a block device (the "
			  "fixture test covers the decoding)");
	tcase_add_test_if("decode", tc, can_sctp() || can_vsock(),
			  test_kindholder_sctp_and_vsock_listeners,
			  "no SCTP and no vsock here (modules not loadable; the "
			  "reply decoding test covers them)");
	tcase_add_test(tc, test_mptcp_and_netlink_named_with_any_columns);
	tcase_add_test(tc, test_netlink_name_selected_by_filter_and_kept_by_fd);
	tcase_add_test(tc, test_process_cells_same_on_fd_assoc_and_lock_rows);
	tcase_add_test(tc, test_assoc_and_lock_rows_are_selected_like_descriptors);
	tcase_add_test_if("decode", tc, access("/usr/bin/lsfd", X_OK) == 0,
			  test_kindholder_agrees_with_lsfd, "no /usr/bin/lsfd");
	tcase_add_test(tc, test_kindholder_sttype_and_kname_are_the_kernels);
	tcase_add_test(tc, test_kindholder_sockets_match_ss_and_the_kernel);
	tcase_add_test(tc, test_sock_netns_is_the_sockets_own_namespace);
	tcase_add_test(tc, test_kindholder_locks_match_proc_locks_and_lsof);
	tcase_add_test(tc, test_kindholder_assoc_rows_match_maps_and_lsfd);
	tcase_add_test(tc, test_threads_with_their_own_table_are_listed_once);
	tcase_add_test(tc, test_endpoints_asked_for_are_found_across_the_machine);
	suite_add_tcase(s, tc);
	return s;
}
