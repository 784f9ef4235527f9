/* /proc/net parsers.  The addresses in tcp and udp files are the kernel's
 * in-memory words printed in hex: the parsed 32-bit values are stored back
 * as they are, which restores the network byte order on the machine that
 * printed them. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <unistd.h>

#include "lib/util.h"
#include "net/procnet.h"
#include "proc/procfs.h"

/* Reads exactly n hex digits; returns the end or NULL. */
static const char *hex_field(const char *p, const char *end, size_t n,
			     uint32_t *out)
{
	uint32_t v = 0;
	size_t i;

	if ((size_t)(end - p) < n)
		return NULL;
	for (i = 0; i < n; i++) {
		char c = p[i];
		unsigned int d;

		if (c >= '0' && c <= '9')
			d = (unsigned int)(c - '0');
		else if (c >= 'A' && c <= 'F')
			d = (unsigned int)(c - 'A' + 10);
		else if (c >= 'a' && c <= 'f')
			d = (unsigned int)(c - 'a' + 10);
		else
			return NULL;
		v = v << 4 | d;
	}
	*out = v;
	return p + n;
}

static const char *skip_spaces(const char *p, const char *end)
{
	while (p < end && *p == ' ')
		p++;
	return p;
}

static const char *skip_word(const char *p, const char *end)
{
	while (p < end && *p != ' ')
		p++;
	return p;
}

/* "0100007F:04D2" (IPv4) or 32 hex digits and a port (IPv6) into sa. */
static const char *parse_endpoint(const char *p, const char *end, int family,
				  union sock_inet_addr *ss, socklen_t *sslen)
{
	uint32_t words[4], port;
	size_t i, nwords = family == AF_INET6 ? 4 : 1;

	for (i = 0; i < nwords; i++)
		if ((p = hex_field(p, end, 8, &words[i])) == NULL)
			return NULL;
	if (p >= end || *p++ != ':' || (p = hex_field(p, end, 4, &port)) == NULL)
		return NULL;
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET6) {
		struct sockaddr_in6 *in6 = &ss->in6;

		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		memcpy(&in6->sin6_addr, words, 16);
		*sslen = sizeof(*in6);
	} else {
		struct sockaddr_in *in = &ss->in;

		in->sin_family = AF_INET;
		in->sin_port = htons((uint16_t)port);
		memcpy(&in->sin_addr, words, 4);
		*sslen = sizeof(*in);
	}
	return p;
}

static bool endpoint_is_zero(const union sock_inet_addr *ss)
{
	if (ss->sa.sa_family == AF_INET6)
		return ss->in6.sin6_port == 0 &&
			IN6_IS_ADDR_UNSPECIFIED(&ss->in6.sin6_addr);
	return ss->in.sin_port == 0 && ss->in.sin_addr.s_addr == 0;
}

/* Reads an unsigned decimal word; returns the end or NULL. */
static const char *dec_field(const char *p, const char *end,
			     unsigned long long *out)
{
	return scan_ull(p, end, 10, out);
}

/* "  sl  local_address rem_address   st tx_queue:rx_queue tr:when
 *  retrnsmt   uid  timeout inode ..." */
static int parse_inet_line(struct sock_table *t, const char *p,
			   const char *end, int family, int proto)
{
	union sock_inet_addr local, remote;
	socklen_t llen, rlen;
	uint32_t st;
	unsigned long long ino = 0;
	struct sock_info *si;
	int i;

	p = skip_word(skip_spaces(p, end), end);		/* "0:" */
	p = skip_spaces(p, end);
	if ((p = parse_endpoint(p, end, family, &local, &llen)) == NULL)
		return -1;
	p = skip_spaces(p, end);
	if ((p = parse_endpoint(p, end, family, &remote, &rlen)) == NULL)
		return -1;
	p = skip_spaces(p, end);
	if ((p = hex_field(p, end, 2, &st)) == NULL)
		return -1;
	/* tx:rx, tr:when, retrnsmt, uid, timeout, then the inode. */
	for (i = 0; i < 5; i++)
		p = skip_word(skip_spaces(p, end), end);
	p = skip_spaces(p, end);
	if (dec_field(p, end, &ino) == NULL || ino == 0)
		return -1;
	si = sock_table_add(t, ino);
	if (si == NULL)
		return -1;
	si->family = family;
	si->proto = proto;
	si->type = proto == IPPROTO_TCP ? SOCK_STREAM : SOCK_DGRAM;
	si->state = (int)st;
	memset(&si->local, 0, sizeof(si->local));
	si->local.in6 = local.in6;	/* the larger of the two */
	si->local_len = llen;
	si->remote = remote;
	si->remote_len = endpoint_is_zero(&remote) ? 0 : rlen;
	return 0;
}

typedef int (*line_fn)(struct sock_table *t, const char *p, const char *end,
		       int family, int proto);

static int parse_lines(struct sock_table *t, const char *text, size_t len,
		       const char *header_word, line_fn fn, int family,
		       int proto)
{
	const char *p = text, *end = text + len, *nl;
	int n = 0;

	nl = memchr(p, '\n', len);
	if (nl == NULL || memmem(p, (size_t)(nl - p), header_word,
				 strlen(header_word)) == NULL)
		return -1;
	for (p = nl + 1; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		if (fn(t, p, nl, family, proto) == 0)
			n++;
	}
	return n;
}

int procnet_parse_inet(struct sock_table *t, const char *text, size_t len,
		       int family, int proto)
{
	return parse_lines(t, text, len, "local_address", parse_inet_line,
			   family, proto);
}

/* /proc/net/unix St column: the socket layer's SS_* state. */
enum { SS_UNCONNECTED_ = 1, SS_CONNECTING_ = 2, SS_CONNECTED_ = 3 };
#define UNIX_ACCEPTCON 0x10000	/* __SO_ACCEPTCON: listening */

static int unix_state(unsigned int st, uint32_t flags)
{
	if (flags & UNIX_ACCEPTCON)
		return 10;
	switch (st) {
	case SS_CONNECTED_:
		return 1;
	case SS_CONNECTING_:
		return 2;
	default:
		return 7;
	}
}

/* What one /proc/net/unix line says; the name is not copied yet. */
struct unix_line {
	uint32_t flags, type, st;
	unsigned long long ino;
	const char *name, *name_end;	/* NULL: no name */
};

/* "Num: RefCount Protocol Flags Type St Inode Path" */
static int parse_unix_fields(const char *p, const char *end,
			     struct unix_line *l)
{
	int i;

	p = skip_spaces(p, end);
	/* "%pK:": a hexadecimal pointer (zeros when hidden) and a colon. */
	if (p >= end || (p = skip_word(p, end)) == NULL || p[-1] != ':')
		return -1;
	for (i = 0; i < 2; i++)				/* refcount, protocol */
		p = skip_word(skip_spaces(p, end), end);
	p = skip_spaces(p, end);
	if ((p = hex_field(p, end, 8, &l->flags)) == NULL)
		return -1;
	p = skip_spaces(p, end);
	if ((p = hex_field(p, end, 4, &l->type)) == NULL)
		return -1;
	p = skip_spaces(p, end);
	if ((p = hex_field(p, end, 2, &l->st)) == NULL)
		return -1;
	p = skip_spaces(p, end);
	if ((p = dec_field(p, end, &l->ino)) == NULL)
		return -1;
	l->name = l->name_end = NULL;
	if (p < end && *p == ' ') {
		l->name = p + 1;
		l->name_end = end;
	} else if (p != end) {
		return -1;
	}
	return 0;
}

/* Appends bytes to an entry's name, as far as sun_path holds them. */
static void unix_name_append(struct sock_info *si, const char *p, size_t n)
{
	struct sockaddr_un *un = &si->local.un;
	size_t off = offsetof(struct sockaddr_un, sun_path);
	size_t have = si->local_len > off ? si->local_len - off : 0;

	if (n > sizeof(un->sun_path) - have)
		n = sizeof(un->sun_path) - have;
	memcpy(un->sun_path + have, p, n);
	si->local_len = (socklen_t)(off + have + n);
}

static void unix_set_name(struct sock_info *si, const char *p, size_t n)
{
	struct sockaddr_un *un = &si->local.un;
	size_t i;

	memset(&si->local, 0, sizeof(si->local));
	un->sun_family = AF_UNIX;
	si->local_len = (socklen_t)offsetof(struct sockaddr_un, sun_path);
	unix_name_append(si, p, n);
	/* The kernel prints an abstract name with '@' for its NUL bytes,
	 * the first and any other: a later '@' may be either. */
	if (si->local_len > offsetof(struct sockaddr_un, sun_path) &&
	    un->sun_path[0] == '@') {
		un->sun_path[0] = '\0';
		for (i = 1; i < n && i < sizeof(un->sun_path); i++)
			if (un->sun_path[i] == '@')
				si->name_uncertain = true;
	}
}

/* The kernel prints names raw, newlines included: a line that is no
 * entry continues the name of the one before, and a line that looks
 * like an entry may be part of a name too.  So a line never changes
 * another socket's entry: an inode claimed twice in the file is marked
 * ambiguous (neither claim is believed), and an inode another table
 * (tcp, udp) holds already is left alone. */
int procnet_parse_unix(struct sock_table *t, const char *text, size_t len)
{
	const char *p = text, *end = text + len, *nl;
	size_t seen = t->n;	/* entries before: other files' */
	struct sock_info *last = NULL;
	int n = 0;

	nl = memchr(p, '\n', len);
	if (nl == NULL || memmem(p, (size_t)(nl - p), "Inode", 5) == NULL)
		return -1;
	for (p = nl + 1; p < end; p = nl + 1) {
		struct unix_line l;
		struct sock_info *si;
		const struct sock_info *had;

		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		if (parse_unix_fields(p, nl, &l) < 0) {
			if (last) {
				unix_name_append(last, "\n", 1);
				unix_name_append(last, p, (size_t)(nl - p));
			}
			continue;
		}
		/* No inode: a connection not yet accepted, which no
		 * descriptor refers to. */
		if (l.ino == 0) {
			last = NULL;
			continue;
		}
		had = sock_table_find(t, l.ino);
		if (had && (size_t)(had - t->entries) < seen) {
			last = NULL;
			continue;
		}
		if (had) {
			si = &t->entries[had - t->entries];
			si->ambiguous = true;
			last = NULL;
			continue;
		}
		si = sock_table_add(t, l.ino);
		if (si == NULL)		/* t->error says why */
			return -1;
		si->family = AF_UNIX;
		si->type = (int)l.type;
		si->proto = 0;
		si->state = unix_state(l.st, l.flags);
		last = NULL;
		if (l.name) {
			unix_set_name(si, l.name, (size_t)(l.name_end - l.name));
			last = si;
		}
		n++;
	}
	return n;
}

static const struct {
	const char *file;
	int family, proto;
} procnet_files[SOCKDIAG_NDUMPS] = {
	[SOCKDIAG_TCP4] = { "tcp", AF_INET, IPPROTO_TCP },
	[SOCKDIAG_TCP6] = { "tcp6", AF_INET6, IPPROTO_TCP },
	[SOCKDIAG_UDP4] = { "udp", AF_INET, IPPROTO_UDP },
	[SOCKDIAG_UDP6] = { "udp6", AF_INET6, IPPROTO_UDP },
	[SOCKDIAG_UNIX] = { "unix", AF_UNIX, 0 },
};

int procnet_read_at(struct sock_table *t, int netdir,
		    enum sockdiag_dump which)
{
	char *text = NULL;
	ssize_t n;
	int rc;

	n = procfs_slurp_lead_at(netdir, procnet_files[which].file,
				 t->procnet_lead, &text);
	if (n < 0)
		return -1;
	if (which == SOCKDIAG_UNIX)
		rc = procnet_parse_unix(t, text, (size_t)n);
	else
		rc = procnet_parse_inet(t, text, (size_t)n,
					procnet_files[which].family,
					procnet_files[which].proto);
	free(text);
	if (rc < 0) {
		errno = EPROTO;
		return -1;
	}
	return 0;
}

void procnet_sockstat_inuse(const char *text, size_t len,
			    long long inuse[SOCKDIAG_NDUMPS])
{
	static const struct {
		const char *label;
		enum sockdiag_dump dump;
	} protos[] = {
		{ "\nTCP: inuse ", SOCKDIAG_TCP4 },
		{ "\nUDP: inuse ", SOCKDIAG_UDP4 },
		{ "\nTCP6: inuse ", SOCKDIAG_TCP6 },
		{ "\nUDP6: inuse ", SOCKDIAG_UDP6 },
	};
	size_t i;

	for (i = 0; i < SOCKDIAG_NDUMPS; i++)
		inuse[i] = -1;
	for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++) {
		size_t n = strlen(protos[i].label), at;
		const char *p = memmem(text, len, protos[i].label, n);
		unsigned long long v = 0;
		size_t digits = 0;

		if (p == NULL)
			continue;
		/* The number, ended by a space or the line's end within the
		 * text: one cut short is not known. */
		for (at = (size_t)(p - text) + n; at < len && text[at] >= '0' &&
		     text[at] <= '9' && digits < 18; at++, digits++)
			v = v * 10 + (unsigned long long)(text[at] - '0');
		if (digits > 0 && at < len && (text[at] == ' ' || text[at] == '\n'))
			inuse[protos[i].dump] = (long long)v;
	}
}

void procnet_read_inuse(int netdir, long long inuse[SOCKDIAG_NDUMPS])
{
	/* A newline first, so that every label starts with one. */
	char text[2048] = "\n";
	ssize_t a, b;

	a = procfs_read_at(netdir, "sockstat", text + 1, sizeof(text) - 1);
	if (a <= 0) {
		procnet_sockstat_inuse("", 0, inuse);
		return;
	}
	b = procfs_read_at(netdir, "sockstat6", text + 1 + a,
			   sizeof(text) - 1 - (size_t)a);
	procnet_sockstat_inuse(text, (size_t)a + 1 + (b > 0 ? (size_t)b : 0),
			       inuse);
}
