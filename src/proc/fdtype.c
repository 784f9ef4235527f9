/* Classifying descriptors.  The kernel tells a descriptor's type through two
 * channels: stat's st_mode for files, pipes and sockets, and the text of the
 * /proc/PID/fd link for anonymous inodes, whose mode carries no type. */
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "lib/util.h"
#include "proc/fdtype.h"

/* Anonymous inode kinds as the kernel names them in the link text, with or
 * without brackets ("anon_inode:[eventfd]", "anon_inode:inotify"). */
static const char *const anon_kinds[] = {
	"eventfd", "eventpoll", "timerfd", "signalfd", "inotify",
	"fanotify", "pidfd", "io_uring", "bpf-map", "bpf-prog",
	"perf_event", "userfaultfd", "bpf_link", "bpf-iter", "dmabuf",
	"sync_file", "kvm-vm", "kvm-vcpu", "seccomp notify", "memfd_secret",
};

bool fdtype_is_anon(const char *link)
{
	return link != NULL && strncmp(link, "anon_inode:", 11) == 0;
}

static const char *anon_kind(const char *link)
{
	const char *k = link + 11;
	size_t i, n;

	if (*k == '[')
		k++;
	n = strcspn(k, "]");
	for (i = 0; i < ARRAY_SIZE(anon_kinds); i++)
		if (strlen(anon_kinds[i]) == n && strncmp(k, anon_kinds[i], n) == 0)
			return anon_kinds[i];
	return "anon_inode";
}

const char *fdtype_mode_name(mode_t mode, const char *other)
{
	switch (mode & S_IFMT) {
	case S_IFREG:
		return "REG";
	case S_IFDIR:
		return "DIR";
	case S_IFCHR:
		return "CHR";
	case S_IFBLK:
		return "BLK";
	case S_IFIFO:
		return "FIFO";
	case S_IFSOCK:
		return "SOCK";
	case S_IFLNK:
		return "LNK";
	default:
		return other;
	}
}

const char *fdtype_name(mode_t mode, bool have_mode, const char *link)
{
	if (link != NULL) {
		if (fdtype_is_anon(link))
			return anon_kind(link);
		/* pidfs (6.9+) keeps the anon_inode text, older kernels too;
		 * this catches a future plain "pidfd:" spelling. */
		if (strncmp(link, "pidfd:", 6) == 0)
			return "pidfd";
		if (strncmp(link, "/memfd:", 7) == 0 && have_mode && S_ISREG(mode))
			return "memfd";
	}
	if (!have_mode)
		return "unknown";
	return fdtype_mode_name(mode, "unknown");
}

/* Status flags as the kernel prints them in fdinfo.  The values are the
 * kernel's asm-generic ones (x86, arm, riscv...), written out because libc
 * hides some: glibc defines O_LARGEFILE as 0 on 64-bit targets while the
 * kernel sets the bit on every file it opens there. */
#define K_O_ACCMODE	00000003
#define K_O_NOCTTY	00000400
#define K_O_APPEND	00002000
#define K_O_NONBLOCK	00004000
#define K_O_DSYNC	00010000
#define K_O_ASYNC	00020000
#define K_O_DIRECT	00040000
#define K_O_LARGEFILE	00100000
#define K_O_DIRECTORY	00200000
#define K_O_NOFOLLOW	00400000
#define K_O_NOATIME	01000000
#define K_O_CLOEXEC	02000000
#define K_O_SYNC	04000000	/* __O_SYNC; O_SYNC is this | O_DSYNC */
#define K_O_PATH	010000000
#define K_O_TMPFILE	020000000

#if defined(__x86_64__) || defined(__i386__) || defined(__aarch64__) || \
	defined(__riscv) || defined(__arm__) || defined(__s390x__)
_Static_assert(O_APPEND == K_O_APPEND && O_NONBLOCK == K_O_NONBLOCK &&
	       O_CLOEXEC == K_O_CLOEXEC && O_PATH == K_O_PATH,
	       "kernel flag values differ from libc's on this target");
#endif

static const struct {
	unsigned int bits;
	const char *name;
} flag_names[] = {
	/* sync before dsync: O_SYNC includes the O_DSYNC bit. */
	{ K_O_SYNC | K_O_DSYNC, "sync" },
	{ K_O_DSYNC, "dsync" },
	{ K_O_CLOEXEC, "cloexec" },
	{ K_O_NONBLOCK, "nonblock" },
	{ K_O_APPEND, "append" },
	{ K_O_ASYNC, "async" },
	{ K_O_DIRECT, "direct" },
	{ K_O_NOATIME, "noatime" },
	{ K_O_PATH, "path" },
	{ K_O_TMPFILE, "tmpfile" },
	{ K_O_DIRECTORY, "directory" },
	{ K_O_NOFOLLOW, "nofollow" },
	{ K_O_NOCTTY, "noctty" },
	{ K_O_LARGEFILE, "largefile" },
};

const char *fdmode_name(unsigned int flags)
{
	if (flags & K_O_PATH)
		return "--";
	switch (flags & K_O_ACCMODE) {
	case 0:
		return "r-";
	case 1:
		return "-w";
	case 2:
		return "rw";
	default:
		return "??";
	}
}

/* ",word" (no comma first) at buf + used, as snprintf would: cut to the
 * buffer, the length it wanted returned. */
static size_t append_word(char *buf, size_t len, size_t used, const char *w)
{
	size_t n = strlen(w) + (used ? 1 : 0);

	if (used + n < len) {
		if (used)
			buf[used] = ',';
		memcpy(buf + used + (used ? 1 : 0), w, strlen(w) + 1);
	} else if (used < len) {
		snprintf(buf + used, len - used, "%s%s", used ? "," : "", w);
	}
	return n;
}

void fdflags_format(unsigned int flags, char *buf, size_t len)
{
	unsigned int left = flags & ~(unsigned int)K_O_ACCMODE;
	size_t i, used = 0;

	if (len == 0)
		return;
	buf[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(flag_names); i++) {
		unsigned int b = flag_names[i].bits;

		/* O_TMPFILE includes O_DIRECTORY's bit. */
		if (b == K_O_TMPFILE && (left & b) && (flags & K_O_DIRECTORY) == 0)
			continue;
		if ((left & b) != b)
			continue;
		used += append_word(buf, len, used, flag_names[i].name);
		left &= ~b;
	}
	if (left)
		snprintf(buf + used, used < len ? len - used : 0, "%s0%o",
			 used ? "," : "", left);
}

const char *sock_family_name(int family, char *buf, size_t len)
{
	switch (family) {
	case AF_UNIX:
		return "AF_UNIX";
	case AF_INET:
		return "AF_INET";
	case AF_INET6:
		return "AF_INET6";
	case AF_NETLINK:
		return "AF_NETLINK";
	case AF_PACKET:
		return "AF_PACKET";
	case AF_VSOCK:
		return "AF_VSOCK";
	default:
		snprintf(buf, len, "%d", family);
		return buf;
	}
}

const char *sock_type_name(int type, char *buf, size_t len)
{
	switch (type) {
	case SOCK_STREAM:
		return "SOCK_STREAM";
	case SOCK_DGRAM:
		return "SOCK_DGRAM";
	case SOCK_SEQPACKET:
		return "SOCK_SEQPACKET";
	case SOCK_RAW:
		return "SOCK_RAW";
	case SOCK_RDM:
		return "SOCK_RDM";
	default:
		snprintf(buf, len, "%d", type);
		return buf;
	}
}

const char *sock_proto_name(int family, int proto, char *buf, size_t len)
{
	if (family == AF_INET || family == AF_INET6) {
		switch (proto) {
		case IPPROTO_TCP:
			return "TCP";
		case IPPROTO_UDP:
			return "UDP";
		case IPPROTO_UDPLITE:
			return "UDPLITE";
		case IPPROTO_SCTP:
			return "SCTP";
		case IPPROTO_ICMP:
			return "ICMP";
		case IPPROTO_ICMPV6:
			return "ICMPV6";
		case IPPROTO_RAW:
			return "RAW";
		case IPPROTO_MPTCP:
			return "MPTCP";
		default:
			break;
		}
	}
	snprintf(buf, len, "%d", proto);
	return buf;
}

bool link_bracket_inode(const char *link, const char *prefix,
			unsigned long long *ino)
{
	size_t n;
	const char *p;
	unsigned long long v = 0;

	/* Asked several times a row of every link: compared in place (a
	 * path fails at its first byte) rather than through strlen and
	 * strncmp. */
	if (link == NULL)
		return false;
	for (n = 0; prefix[n] != '\0'; n++)
		if (link[n] != prefix[n])
			return false;
	if (link[n] != '[')
		return false;
	p = scan_ull(link + n + 1, NULL, 10, &v);
	if (p == NULL || p[0] != ']' || p[1] != '\0')
		return false;
	*ino = v;
	return true;
}

bool link_is_deleted(const char *link)
{
	size_t n = link ? strlen(link) : 0;

	return n > 10 && strcmp(link + n - 10, " (deleted)") == 0;
}
