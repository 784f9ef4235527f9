/* The selections of `list` and the stages that decide them.  Every value
 * is parsed once, when the option is read; matching touches only what
 * collection already read. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pwd.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <unistd.h>

#include "lib/util.h"
#include "out/escape.h"
#include "net/attach.h"
#include "net/netaddr.h"
#include "proc/fdtype.h"
#include "proc/procfs.h"
#include "query/counter.h"
#include "query/select.h"

struct qfile {
	dev_t dev;
	ino_t ino;
	char *sock_path;	/* a socket file: its path, as bound */
	char *sock_real;	/* and its canonical path */
};

struct qdir {
	char *path;		/* canonical, no trailing slash but for "/" */
	size_t len;
	dev_t dev;
};

struct qcommand {
	char *prefix;
	regex_t re;
	bool is_re;
};

struct quser {
	uid_t uid;
	bool exclude;
};

struct query {
	struct qfile *files;
	size_t nfiles;
	struct qdir *dirs;
	size_t ndirs;
	struct query_inet *inets;
	size_t ninets;
	bool unix_sockets, listening, pids_only;
	char **states;
	size_t nstates;
	struct qcommand *commands;
	size_t ncommands;
	struct quser *users;
	size_t nusers;
	bool users_include;	/* some user is not an exclusion */
	struct query_fdrange *fds;
	size_t nfds;
	bool fds_include;
	char **types;
	size_t ntypes;
	const char *filter_text;
	struct filter *filter;
	int col_pid, col_command, col_fd;
	struct summary *summary;
};

struct query *query_new(void)
{
	struct query *q = xcalloc(1, sizeof(*q));

	q->col_pid = q->col_command = q->col_fd = -1;
	q->summary = summary_new();
	return q;
}

static void free_strings(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void query_free(struct query *q)
{
	size_t i;

	if (q == NULL)
		return;
	for (i = 0; i < q->nfiles; i++) {
		free(q->files[i].sock_path);
		free(q->files[i].sock_real);
	}
	free(q->files);
	for (i = 0; i < q->ndirs; i++)
		free(q->dirs[i].path);
	free(q->dirs);
	for (i = 0; i < q->ninets; i++)
		query_inet_release(&q->inets[i]);
	free(q->inets);
	free_strings(q->states, q->nstates);
	for (i = 0; i < q->ncommands; i++) {
		if (q->commands[i].is_re)
			regfree(&q->commands[i].re);
		free(q->commands[i].prefix);
	}
	free(q->commands);
	free(q->users);
	free(q->fds);
	free_strings(q->types, q->ntypes);
	filter_free(q->filter);
	summary_free(q->summary);
	free(q);
}

static void say(char *why, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void say(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
}

static void add_list(char ***v, size_t *n, const char *arg)
{
	const char *p = arg;

	do {
		size_t k = strcspn(p, ",");
		char *s = xmalloc(k + 1);

		memcpy(s, p, k);
		s[k] = '\0';
		*v = xrealloc(*v, (*n + 1) * sizeof(**v));
		(*v)[(*n)++] = s;
		p += k;
	} while (*p++ == ',');
}

/* -s takes the names the STATE column prints (lsof's PROTO:STATE too, and
 * ss's TIME-WAIT spelling): a misspelt one is an error, not an empty
 * result. */
static int add_states(struct query *q, const char *arg, char *why,
		      size_t len)
{
	static const char *const words[] = {
		"listening", "connected", "connecting", "unconnected",
	};
	size_t i, first = q->nstates;
	int st;

	add_list(&q->states, &q->nstates, arg);
	for (i = first; i < q->nstates; i++) {
		char *s = q->states[i], *colon = strchr(s, ':'), *p;
		bool ok = false;
		size_t k;

		if (colon)
			memmove(s, colon + 1, strlen(colon + 1) + 1);
		for (p = s; *p; p++)
			if (*p == '-')
				*p = '_';
		for (st = 1; st < 16 && !ok; st++)
			ok = tcp_state_name(st) && strcasecmp(s, tcp_state_name(st)) == 0;
		for (k = 0; k < ARRAY_SIZE(words) && !ok; k++)
			ok = strcasecmp(s, words[k]) == 0;
		if (!ok) {
			char *esc = query_echo(s, strlen(s));

			say(why, len, "unknown state '%s' for -s: give a TCP state "
			    "(LISTEN, ESTABLISHED, ...) or listening, connected, "
			    "unconnected", esc);
			free(esc);
			return -1;
		}
	}
	return 0;
}

/* lsof's -d names of the rows that are no descriptor, and the ASSOC of
 * those rows (lsof's txt is the executable). */
static const char *const fd_names[][2] = {
	{ "cwd", "cwd" }, { "rtd", "rtd" }, { "txt", "exe" }, { "exe", "exe" },
	{ "mem", "mem" },
};

static const char *fd_name(const char *s)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(fd_names); i++)
		if (strcasecmp(s, fd_names[i][0]) == 0)
			return fd_names[i][1];
	return NULL;
}

/* -d: "0-2,10", "^3", "cwd,txt". */
int query_parse_fds(const char *arg, struct query_fdrange **out, size_t *n,
		    char *why, size_t len)
{
	const char *p = arg;

	do {
		size_t k = strcspn(p, ",");
		char tmp[48], *dash = NULL;
		struct query_fdrange r = { 0 };
		long long lo, hi;
		const char *w = "too long";
		size_t off = 0;

		if (k < sizeof(tmp)) {
			memcpy(tmp, p, k);
			tmp[k] = '\0';
			if (tmp[0] == '^') {
				r.exclude = true;
				off = 1;
			}
			r.name = fd_name(tmp + off);
			dash = strchr(tmp + off, '-');
			if (dash)
				*dash = '\0';
		}
		if (r.name != NULL) {
			r.lo = r.hi = -1;
		} else if (k >= sizeof(tmp) ||
		    parse_ll(tmp + off, 0, INT_MAX, &lo, &w) < 0 ||
		    (dash && parse_ll(dash + 1, 0, INT_MAX, &hi, &w) < 0) ||
		    (dash && hi < lo && (w = "range ends before it starts"))) {
			char *esc = query_echo(p, k);

			say(why, len, "invalid descriptor list item '%s' for -d: %s; "
			    "give numbers and ranges such as 0-2,10, or cwd, rtd, "
			    "txt, mem (^N excludes)", esc, w);
			free(esc);
			return -1;
		} else {
			r.lo = (int)lo;
			r.hi = dash ? (int)hi : (int)lo;
		}
		*out = xrealloc(*out, (*n + 1) * sizeof(**out));
		(*out)[(*n)++] = r;
		p += k;
	} while (*p++ == ',');
	return 0;
}

void query_inet_release(struct query_inet *qi)
{
	free(qi->hosts);
	free(qi->ports);
	memset(qi, 0, sizeof(*qi));
}

static void add_port(struct query_inet *qi, unsigned int lo, unsigned int hi)
{
	qi->ports = xrealloc(qi->ports, (qi->nports + 1) * sizeof(*qi->ports));
	qi->ports[qi->nports][0] = lo;
	qi->ports[qi->nports][1] = hi;
	qi->nports++;
}

/* A port number or a service name (for the protocol, or for TCP and UDP
 * when none was given). */
static int parse_port(struct query_inet *qi, const char *s, unsigned int *out,
		      bool many, char *why, size_t len)
{
	static const char *const protos[] = { "tcp", "udp" };
	long long v;
	const char *w;
	size_t i;
	int found = 0;

	if (isdigit((unsigned char)s[0])) {
		if (parse_ll(s, 0, 65535, &v, &w) < 0) {
			char *esc = query_echo(s, strlen(s));

			say(why, len, "invalid port '%s' for -i: %s (0 to 65535)",
			    esc, w);
			free(esc);
			return -1;
		}
		*out = (unsigned int)v;
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(protos); i++) {
		struct servent *se;

		if ((qi->proto == IPPROTO_TCP && i == 1) ||
		    (qi->proto == IPPROTO_UDP && i == 0))
			continue;
		se = getservbyname(s, protos[i]);
		if (se == NULL)
			continue;
		if (found && many && (unsigned int)ntohs((uint16_t)se->s_port) != *out)
			add_port(qi, ntohs((uint16_t)se->s_port),
				 ntohs((uint16_t)se->s_port));
		else
			*out = ntohs((uint16_t)se->s_port);
		found = 1;
	}
	endservent();
	if (!found) {
		char *esc = query_echo(s, strlen(s));

		say(why, len, "unknown service '%s' for -i: give a port number "
		    "or a name from /etc/services", esc);
		free(esc);
		return -1;
	}
	return 0;
}

static int parse_ports(struct query_inet *qi, const char *arg, char *why,
		       size_t len)
{
	const char *p = arg;

	do {
		size_t k = strcspn(p, ",");
		char tmp[64], *dash = NULL;
		unsigned int lo, hi;

		if (k == 0 || k >= sizeof(tmp)) {
			say(why, len, "invalid port list for -i: an empty or too "
			    "long item");
			return -1;
		}
		memcpy(tmp, p, k);
		tmp[k] = '\0';
		if (isdigit((unsigned char)tmp[0]))
			dash = strchr(tmp, '-');
		if (dash)
			*dash = '\0';
		if (parse_port(qi, tmp, &lo, dash == NULL, why, len) < 0 ||
		    (dash && parse_port(qi, dash + 1, &hi, false, why, len) < 0))
			return -1;
		if (dash && hi < lo) {
			say(why, len, "invalid port range '%s-%s' for -i: it ends "
			    "before it starts", tmp, dash + 1);
			return -1;
		}
		add_port(qi, lo, dash ? hi : lo);
		p += k;
	} while (*p++ == ',');
	return 0;
}

static void add_host(struct query_inet *qi, const struct sockaddr *sa,
		     socklen_t salen)
{
	qi->hosts = xrealloc(qi->hosts, (qi->nhosts + 1) * sizeof(*qi->hosts));
	memset(&qi->hosts[qi->nhosts], 0, sizeof(qi->hosts[0]));
	memcpy(&qi->hosts[qi->nhosts], sa, salen);
	qi->nhosts++;
}

static int parse_host(struct query_inet *qi, const char *host, char *why,
		      size_t len)
{
	struct addrinfo *res = NULL, *ai;
	const char *w;

	if (netaddr_resolve(host, NULL, qi->family, 0, 0, &res, &w) < 0) {
		char *esc = query_echo(host, strlen(host));

		say(why, len, "cannot resolve host '%s' for -i: %s", esc, w);
		free(esc);
		return -1;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		size_t i;
		bool dup = false;

		if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6)
			continue;
		for (i = 0; i < qi->nhosts; i++)
			dup |= memcmp(&qi->hosts[i], ai->ai_addr, ai->ai_addrlen) == 0;
		if (!dup)
			add_host(qi, ai->ai_addr, ai->ai_addrlen);
	}
	freeaddrinfo(res);
	return 0;
}

/* [46][PROTO][@HOST][:PORTS], as lsof takes it. */
int query_parse_inet(const char *arg, struct query_inet *qi, char *why,
		     size_t len)
{
	const char *p = arg, *at, *colon;
	char host[256];
	size_t k;

	memset(qi, 0, sizeof(*qi));
	if (*p == '4' || *p == '6') {
		qi->family = *p == '4' ? AF_INET : AF_INET6;
		p++;
	}
	k = strcspn(p, "@:");
	if (k == 3 && strncasecmp(p, "tcp", 3) == 0)
		qi->proto = IPPROTO_TCP;
	else if (k == 3 && strncasecmp(p, "udp", 3) == 0)
		qi->proto = IPPROTO_UDP;
	else if (k != 0)
		goto bad;
	p += k;
	if (*p == '@') {
		at = ++p;
		if (*at == '[') {
			const char *end = strchr(at, ']');

			if (end == NULL)
				goto bad;
			k = (size_t)(end - at - 1);
			at++;
			p = end + 1;
		} else {
			k = strcspn(at, ":");
			p = at + k;
		}
		if (k == 0 || k >= sizeof(host))
			goto bad;
		memcpy(host, at, k);
		host[k] = '\0';
		if (parse_host(qi, host, why, len) < 0)
			goto fail;
	}
	colon = p;
	if (*colon == ':') {
		if (colon[1] == '\0')
			goto bad;
		if (parse_ports(qi, colon + 1, why, len) < 0)
			goto fail;
	} else if (*colon != '\0') {
		goto bad;
	}
	return 0;
bad:
	{
		char *esc = query_echo(arg, strlen(arg));

		say(why, len, "invalid -i address '%s': the form is "
		    "[4|6][tcp|udp][@HOST][:PORT[-PORT][,...]], e.g. :8080 or "
		    "tcp@127.0.0.1:22", esc);
		free(esc);
	}
fail:
	query_inet_release(qi);
	return -1;
}

static unsigned int ss_port(const struct sockaddr *ss)
{
	if (ss->sa_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)ss)->sin_port);
	if (ss->sa_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	return 0;
}

static bool same_host(const struct sockaddr *a,
		      const struct sockaddr_storage *b)
{
	if (a->sa_family == AF_INET && b->ss_family == AF_INET)
		return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
			((const struct sockaddr_in *)b)->sin_addr.s_addr;
	if (a->sa_family == AF_INET6 && b->ss_family == AF_INET6)
		return memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
			      &((const struct sockaddr_in6 *)b)->sin6_addr,
			      sizeof(struct in6_addr)) == 0;
	return false;
}

static bool end_matches(const struct query_inet *qi,
			const struct sockaddr *ss, socklen_t sslen)
{
	unsigned int port;
	size_t i;
	bool ok;

	if (sslen == 0)
		return false;
	for (i = 0, ok = qi->nhosts == 0; i < qi->nhosts && !ok; i++)
		ok = same_host(ss, &qi->hosts[i]);
	if (!ok)
		return false;
	port = ss_port(ss);
	for (i = 0, ok = qi->nports == 0; i < qi->nports && !ok; i++)
		ok = port >= qi->ports[i][0] && port <= qi->ports[i][1];
	return ok;
}

bool query_inet_match(const struct query_inet *qi, const struct sock_info *si)
{
	if (si == NULL || (si->family != AF_INET && si->family != AF_INET6))
		return false;
	if (qi->family && si->family != qi->family)
		return false;
	if (qi->proto && si->proto != qi->proto)
		return false;
	if (qi->nhosts == 0 && qi->nports == 0)
		return true;
	/* lsof's rule: the address and the port of one end. */
	return end_matches(qi, &si->local.sa, si->local_len) ||
		(si->remote_len && ss_port(&si->remote.sa) != 0 &&
		 end_matches(qi, &si->remote.sa, si->remote_len));
}

static int parse_users(struct query *q, const char *arg, char *why,
		       size_t len)
{
	const char *p = arg;

	do {
		size_t k = strcspn(p, ",");
		char name[256];
		struct quser u = { 0 };
		const char *s = name, *w;
		long long v;
		struct passwd *pw;

		if (k >= sizeof(name) || k == 0) {
			say(why, len, "invalid user list for -u: an empty or too "
			    "long item");
			return -1;
		}
		memcpy(name, p, k);
		name[k] = '\0';
		if (*s == '^') {
			u.exclude = true;
			s++;
		}
		if (parse_ll(s, 0, UINT_MAX - 1, &v, &w) == 0) {
			u.uid = (uid_t)v;
		} else if ((pw = getpwnam(s)) != NULL) {
			u.uid = pw->pw_uid;
		} else {
			char *esc = query_echo(s, strlen(s));

			say(why, len, "unknown user '%s' for -u: give a login "
			    "name or a numeric UID", esc);
			free(esc);
			return -1;
		}
		if (!u.exclude)
			q->users_include = true;
		q->users = xrealloc(q->users, (q->nusers + 1) * sizeof(*q->users));
		q->users[q->nusers++] = u;
		p += k;
	} while (*p++ == ',');
	return 0;
}

static int add_command(struct query *q, const char *arg, char *why,
		       size_t len)
{
	struct qcommand c = { 0 };
	size_t n = strlen(arg);

	if (n == 0) {
		say(why, len, "empty command for -c: give a name prefix or "
		    "/REGEX/");
		return -1;
	}
	if (n >= 2 && arg[0] == '/' && arg[n - 1] == '/') {
		char *re = xmalloc(n - 1), msg[96];
		int rc;

		memcpy(re, arg + 1, n - 2);
		re[n - 2] = '\0';
		rc = filter_regex_compile(&c.re, re, msg, sizeof(msg));
		free(re);
		if (rc != 0) {
			say(why, len, "invalid regular expression for -c: %s", msg);
			return -1;
		}
		c.is_re = true;
	} else {
		/* The kernel keeps 15 bytes of a command name: a longer one
		 * is matched by what the kernel kept of it, as lsof does. */
		c.prefix = xstrdup(arg);
		if (n > 15)
			c.prefix[15] = '\0';
	}
	q->commands = xrealloc(q->commands,
			       (q->ncommands + 1) * sizeof(*q->commands));
	q->commands[q->ncommands++] = c;
	return 0;
}

static int add_dir(struct query *q, const char *arg, char *why, size_t len)
{
	char *real = realpath(arg, NULL);
	struct stat st;
	struct qdir d;

	if (real == NULL || stat(real, &st) < 0 || !S_ISDIR(st.st_mode)) {
		char *esc = query_echo(arg, strlen(arg));
		int e = real ? ENOTDIR : errno;

		say(why, len, "cannot search under '%s': %s", esc, strerror(e));
		free(esc);
		free(real);
		return -1;
	}
	d.path = real;
	d.len = strlen(real);
	if (d.len == 1)
		d.len = 0;	/* "/": every absolute path is under it */
	d.dev = st.st_dev;
	q->dirs = xrealloc(q->dirs, (q->ndirs + 1) * sizeof(*q->dirs));
	q->dirs[q->ndirs++] = d;
	return 0;
}

static void add_file(struct query *q, dev_t dev, ino_t ino)
{
	q->files = xrealloc(q->files, (q->nfiles + 1) * sizeof(*q->files));
	q->files[q->nfiles++] = (struct qfile){ dev, ino, NULL, NULL };
}

/* DEV:INO with DEV as the DEV column prints it (MAJ:MIN) or as a number. */
static int add_inode(struct query *q, const char *arg, char *why, size_t len)
{
	unsigned long long v[3];
	const char *p = arg, *w = "not a number";
	int n = 0;

	while (n < 3) {
		size_t k = strcspn(p, ":");
		char tmp[32];

		if (k == 0 || k >= sizeof(tmp))
			break;
		memcpy(tmp, p, k);
		tmp[k] = '\0';
		if (parse_ull(tmp, 0, ~0ULL, &v[n], &w) < 0)
			break;
		n++;
		p += k;
		if (*p != ':')
			break;
		p++;
	}
	if ((n != 2 && n != 3) || *p != '\0' ||
	    (n == 3 && (v[0] > 0xfffff || v[1] > 0xfffff))) {
		char *esc = query_echo(arg, strlen(arg));

		say(why, len, "invalid --inode '%s': give DEV:INO with DEV as "
		    "the DEV column shows it (MAJ:MIN), e.g. 8:1:1234", esc);
		free(esc);
		return -1;
	}
	if (n == 3)
		add_file(q, makedev((unsigned int)v[0], (unsigned int)v[1]),
			 (ino_t)v[2]);
	else
		add_file(q, (dev_t)v[0], (ino_t)v[1]);
	return 0;
}

int query_add_path(struct query *q, const char *path, char *why, size_t len)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		char *esc = query_echo(path, strlen(path));
		int e = errno;

		say(why, len, "cannot look up '%s': %s", esc, strerror(e));
		free(esc);
		return -1;
	}
	add_file(q, st.st_dev, st.st_ino);
	if (S_ISSOCK(st.st_mode)) {
		q->files[q->nfiles - 1].sock_path = xstrdup(path);
		q->files[q->nfiles - 1].sock_real = realpath(path, NULL);
	}
	return 0;
}

bool query_inet_operand(const char *arg)
{
	const char *p = arg;
	size_t k;

	if (arg == NULL || *arg == '\0')
		return false;
	if (*p == '4' || *p == '6')
		p++;
	if (*p == '\0')
		return true;
	/* The shape decides, not whether the value is valid: "-i :99999"
	 * is a bad port, not a file named ":99999". */
	k = strcspn(p, "@:");
	return k == 0 || (k == 3 && (strncasecmp(p, "tcp", 3) == 0 ||
				     strncasecmp(p, "udp", 3) == 0));
}

int query_take(struct query *q, int c, const char *arg, char *why,
	       size_t len)
{
	struct query_inet qi;

	switch (c) {
	case 'i':
		if (arg == NULL)
			memset(&qi, 0, sizeof(qi));
		else if (query_parse_inet(arg, &qi, why, len) < 0)
			return -1;
		q->inets = xrealloc(q->inets, (q->ninets + 1) * sizeof(*q->inets));
		q->inets[q->ninets++] = qi;
		return 1;
	case 'U':
		q->unix_sockets = true;
		return 1;
	case QUERY_OPT_LISTENING:
		q->listening = true;
		return 1;
	case 's':
		return add_states(q, arg, why, len) < 0 ? -1 : 1;
	case 'c':
		return add_command(q, arg, why, len) < 0 ? -1 : 1;
	case 'u':
		return parse_users(q, arg, why, len) < 0 ? -1 : 1;
	case 'd': {
		size_t i, before = q->nfds;

		if (query_parse_fds(arg, &q->fds, &q->nfds, why, len) < 0)
			return -1;
		for (i = before; i < q->nfds; i++)
			q->fds_include |= !q->fds[i].exclude;
		return 1;
	}
	case QUERY_OPT_TYPE:
		add_list(&q->types, &q->ntypes, arg);
		return 1;
	case QUERY_OPT_UNDER:
		return add_dir(q, arg, why, len) < 0 ? -1 : 1;
	case QUERY_OPT_INODE:
		return add_inode(q, arg, why, len) < 0 ? -1 : 1;
	case 'Q':
		if (q->filter_text) {
			say(why, len, "-Q given twice: join the expressions with "
			    "'and' or 'or'");
			return -1;
		}
		q->filter_text = arg;
		return 1;
	case 't':
		q->pids_only = true;
		return 1;
	case 'C':
		return summary_add_counter(q->summary, arg, why, len) < 0 ? -1 : 1;
	case QUERY_OPT_SUMMARY:
		return summary_set_mode(q->summary, arg, why, len) < 0 ? -1 : 1;
	default:
		return 0;
	}
}

static int find_col(const struct out_column *cols, size_t ncols,
		    const char *name)
{
	size_t i;

	for (i = 0; i < ncols; i++)
		if (strcmp(cols[i].name, name) == 0)
			return (int)i;
	return -1;
}

int query_prepare(struct query *q, const struct out_column *cols,
		  size_t ncols)
{
	struct filter_error fe;

	q->col_pid = find_col(cols, ncols, "PID");
	q->col_command = find_col(cols, ncols, "COMMAND");
	q->col_fd = find_col(cols, ncols, "FD");
	if (q->filter_text) {
		q->filter = filter_parse(q->filter_text, cols, ncols, &fe);
		if (q->filter == NULL) {
			filter_print_error(stderr, "invalid -Q expression",
					   q->filter_text, &fe);
			return -1;
		}
	}
	return summary_prepare(q->summary, cols, ncols);
}

bool query_selects(const struct query *q)
{
	return q->nfiles || q->ndirs || q->ninets || q->unix_sockets ||
		q->listening || q->nstates || q->ncommands || q->nusers ||
		q->nfds || q->ntypes || q->filter_text;
}

bool query_selects_processes(const struct query *q)
{
	return q->ncommands || q->nusers;
}

bool query_selects_descriptors(const struct query *q)
{
	return q->nfiles || q->ndirs || q->ninets || q->unix_sockets ||
		q->listening || q->nstates || q->nfds || q->ntypes ||
		q->filter_text;
}

bool query_filters(const struct query *q)
{
	return q->filter_text != NULL;
}

bool query_pids_only(const struct query *q)
{
	return q->pids_only;
}

struct summary *query_summary(const struct query *q)
{
	return q->summary;
}

static bool needs_sockets(const struct query *q)
{
	size_t i;

	for (i = 0; i < q->nfiles; i++)
		if (q->files[i].sock_path)
			return true;
	return q->ninets || q->unix_sockets || q->listening || q->nstates ||
		q->ndirs;
}

unsigned int query_need(const struct query *q, bool *sockets)
{
	unsigned int need = 0;

	*sockets = needs_sockets(q);
	/* A socket's inode is in its link: nothing else is read for -i. */
	if (*sockets)
		need |= FDL_NEED_LINK;
	if (q->nfiles)
		need |= FDL_NEED_STAT;
	if (q->ndirs || q->ntypes)
		need |= FDL_NEED_STAT | FDL_NEED_LINK;
	if (q->ncommands)
		need |= FDL_NEED_COMM;
	/* Only a socket can be one of these. */
	if (q->ninets || q->unix_sockets || q->listening || q->nstates)
		need |= FDL_NEED_SOCKETS_ONLY;
	return need;
}

unsigned int query_skip_dumps(const struct query *q)
{
	bool tcp = false, udp = false, v4 = false, v6 = false;
	size_t i;

	if (q->ninets == 0)
		return 0;
	for (i = 0; i < q->ninets; i++) {
		const struct query_inet *qi = &q->inets[i];

		tcp |= qi->proto != IPPROTO_UDP;
		udp |= qi->proto != IPPROTO_TCP;
		v4 |= qi->family != AF_INET6;
		v6 |= qi->family != AF_INET;
	}
	return 1u << SOCKDIAG_UNIX |
		(!tcp || !v4 ? 1u << SOCKDIAG_TCP4 : 0) |
		(!tcp || !v6 ? 1u << SOCKDIAG_TCP6 : 0) |
		(!udp || !v4 ? 1u << SOCKDIAG_UDP4 : 0) |
		(!udp || !v6 ? 1u << SOCKDIAG_UDP6 : 0);
}

bool query_port_filter(const struct query *q, struct inetdiag_filter *f)
{
	unsigned int ranges[INETDIAG_FILTER_MAX_RANGES][2];
	size_t i, k, n = 0;

	f->len = 0;
	for (i = 0; i < q->ninets; i++) {
		const struct query_inet *qi = &q->inets[i];

		if (qi->nports == 0 || n + qi->nports > ARRAY_SIZE(ranges))
			return false;
		for (k = 0; k < qi->nports; k++, n++) {
			ranges[n][0] = qi->ports[k][0];
			ranges[n][1] = qi->ports[k][1];
		}
	}
	return inetdiag_filter_ports(f, (const unsigned int (*)[2])ranges, n) == 0;
}

bool query_uses_column(const struct query *q, int col)
{
	return filter_uses(q->filter, col) || summary_uses(q->summary, col);
}

/* What is known of a process before its table is read. */
static int proc_get(const void *ctx, int col, char *buf, size_t len,
		    const char **val)
{
	const struct query_proc *qp = ctx;

	if (col == qp->q->col_pid) {
		snprintf(buf, len, "%ld", (long)qp->pid);
		*val = buf;
		return 0;
	}
	if (col == qp->q->col_command && qp->have_comm) {
		escape_into(buf, len, qp->comm, strlen(qp->comm));
		*val = buf;
		return 0;
	}
	return -1;
}

struct fd_ctx {
	const struct query_proc *qp;
	int fd;
};

static int fd_get(const void *ctx, int col, char *buf, size_t len,
		  const char **val)
{
	const struct fd_ctx *fc = ctx;

	if (col == fc->qp->q->col_fd) {
		snprintf(buf, len, "%d", fc->fd);
		*val = buf;
		return 0;
	}
	return proc_get(fc->qp, col, buf, len, val);
}

static bool command_matches(const struct query *q, const char *comm)
{
	size_t i;

	if (q->ncommands == 0)
		return true;
	for (i = 0; i < q->ncommands; i++) {
		const struct qcommand *c = &q->commands[i];

		if (c->is_re ? regexec(&c->re, comm, 0, NULL, 0) == 0 :
		    strncmp(comm, c->prefix, strlen(c->prefix)) == 0)
			return true;
	}
	return false;
}

static bool user_matches(const struct query *q, uid_t uid)
{
	bool in = !q->users_include;
	size_t i;

	for (i = 0; i < q->nusers; i++) {
		if (q->users[i].uid != uid)
			continue;
		if (q->users[i].exclude)
			return false;
		in = true;
	}
	return in;
}

static void read_comm(int piddir, struct query_proc *qp)
{
	ssize_t n;

	n = procfs_read_at(piddir, "comm", qp->comm, sizeof(qp->comm));
	if (n <= 0)
		return;
	if (qp->comm[n - 1] == '\n')
		qp->comm[n - 1] = '\0';
	qp->have_comm = true;
}

bool query_want_process(const struct query *q, int piddir, pid_t pid,
			struct query_proc *qp)
{
	memset(qp, 0, sizeof(*qp));
	qp->q = q;
	qp->pid = pid ? pid : getpid();
	if (q->ncommands || filter_uses(q->filter, q->col_command)) {
		read_comm(piddir, qp);
		if (!command_matches(q, qp->have_comm ? qp->comm : ""))
			return false;
	}
	if (q->nusers) {
		struct stat st;

		/* The owner of /proc/PID is the process's effective user,
		 * which is what lsof -u compares. */
		if (fstat(piddir, &st) < 0 || !user_matches(q, st.st_uid))
			return false;
	}
	return q->filter == NULL ||
		filter_eval(q->filter, proc_get, qp) != FILTER_FALSE;
}

bool query_names_assoc(const struct query *q)
{
	size_t i;

	for (i = 0; i < q->nfds; i++)
		if (q->fds[i].name && !q->fds[i].exclude)
			return true;
	return false;
}

/* -d for descriptor fd, or for the row named assoc when fd is -1. */
static bool fds_match(const struct query *q, int fd, const char *assoc)
{
	bool in = !q->fds_include;
	size_t i;

	for (i = 0; i < q->nfds; i++) {
		const struct query_fdrange *r = &q->fds[i];

		if (fd >= 0 ? r->name != NULL || fd < r->lo || fd > r->hi :
		    r->name == NULL || assoc == NULL || strcmp(r->name, assoc) != 0)
			continue;
		if (r->exclude)
			return false;
		in = true;
	}
	return in;
}

bool query_keep_fd(const void *arg, int fd)
{
	const struct query_proc *qp = arg;
	const struct query *q = qp->q;
	struct fd_ctx fc = { qp, fd };

	return fds_match(q, fd, NULL) &&
		(q->filter == NULL ||
		 filter_eval(q->filter, fd_get, &fc) != FILTER_FALSE);
}

void query_row_of_fd(struct query_row *r, const struct fd_proc *p,
		     const struct fd_entry *e)
{
	const char *link = fd_entry_link(p, e);

	memset(r, 0, sizeof(*r));
	r->proc = p;
	r->fd = e->fd;
	/* A stat taken from a like descriptor's is not this file's. */
	r->have_id = e->stat_errno == 0 && !e->st_from_link;
	r->dev = e->st.st_dev;
	r->ino = e->st.st_ino;
	r->path = e->stat_errno == 0 ? link : NULL;
	r->type = fdtype_name(e->st.st_mode, e->stat_errno == 0, link);
}

static bool unix_name_is(const struct sock_info *si, const struct qfile *f)
{
	const struct sockaddr_un *un;
	size_t n;

	if (si == NULL || si->family != AF_UNIX ||
	    si->local_len <= offsetof(struct sockaddr_un, sun_path))
		return false;
	un = &si->local.un;
	n = strnlen(un->sun_path, si->local_len -
		    offsetof(struct sockaddr_un, sun_path));
	if (n == 0)
		return false;
	return (strlen(f->sock_path) == n && memcmp(un->sun_path, f->sock_path, n) == 0) ||
		(f->sock_real && strlen(f->sock_real) == n &&
		 memcmp(un->sun_path, f->sock_real, n) == 0);
}

static bool file_matches(const struct query *q, const struct query_row *r)
{
	size_t i;

	for (i = 0; i < q->nfiles; i++) {
		const struct qfile *f = &q->files[i];

		if (r->have_id && r->dev == f->dev && r->ino == f->ino)
			return true;
		/* A socket file: the sockets bound to it and their peers. */
		if (f->sock_path && r->si &&
		    (unix_name_is(r->si, f) || (r->peer && unix_name_is(r->peer, f))))
			return true;
	}
	return false;
}

/* The link text of a path, with the " (deleted)" the kernel appends to an
 * unlinked file cut off; false for anything that is not a path. */
static bool link_path(const char *link, size_t *len, bool *deleted)
{
	static const char suffix[] = " (deleted)";
	size_t n;

	if (link == NULL || link[0] != '/')
		return false;
	n = strlen(link);
	*deleted = link_is_deleted(link);
	if (*deleted)
		n -= sizeof(suffix) - 1;
	*len = n;
	return true;
}

static bool under(const struct qdir *d, const char *path, size_t n)
{
	return n >= d->len && memcmp(path, d->path, d->len) == 0 &&
		(n == d->len || path[d->len] == '/');
}

/* A unix socket bound to a path under a directory is open there too, as
 * lsof +D counts it. */
static bool sock_under(const struct query *q, const struct sock_info *si)
{
	const struct sockaddr_un *un;
	size_t i, n;

	if (si == NULL || si->family != AF_UNIX ||
	    si->local_len <= offsetof(struct sockaddr_un, sun_path))
		return false;
	un = &si->local.un;
	n = strnlen(un->sun_path, si->local_len -
		    offsetof(struct sockaddr_un, sun_path));
	if (n == 0 || un->sun_path[0] != '/')
		return false;
	for (i = 0; i < q->ndirs; i++)
		if (under(&q->dirs[i], un->sun_path, n))
			return true;
	return false;
}

static bool dir_matches(const struct query *q, const struct query_row *r)
{
	const char *link = r->path;
	bool deleted;
	size_t n, i;

	if (sock_under(q, r->si))
		return true;
	if (!link_path(link, &n, &deleted) || !r->have_id)
		return false;
	for (i = 0; i < q->ndirs; i++) {
		const struct qdir *d = &q->dirs[i];
		char path[PATH_MAX];
		struct stat st;

		if (!under(d, link, n))
			continue;
		/* The same file system as DIR: the name is the file's. */
		if (r->dev == d->dev)
			return true;
		/* A mount below DIR, or a path that only reads the same (in
		 * another mount namespace): the name must lead to the file. */
		if (deleted || n >= sizeof(path))
			continue;
		memcpy(path, link, n);
		path[n] = '\0';
		if (stat(path, &st) == 0 && st.st_dev == r->dev &&
		    st.st_ino == r->ino)
			return true;
	}
	return false;
}

static bool inet_matches(const struct query *q, const struct sock_info *si)
{
	size_t i;

	for (i = 0; i < q->ninets; i++)
		if (query_inet_match(&q->inets[i], si))
			return true;
	return false;
}

static bool is_listening(const struct sock_info *si)
{
	/* The kernel's TCP_LISTEN is also a listening unix socket's state;
	 * a bound UDP socket without a peer is what ss -l lists too. */
	if (si->state == 10)
		return true;
	return si->family != AF_UNIX && si->proto == IPPROTO_UDP &&
		si->state == 7 && si->local_len && ss_port(&si->local.sa) != 0;
}

static bool state_matches(const struct query *q, const struct sock_info *si)
{
	const char *state = net_sock_state(si);
	size_t i;

	if (state == NULL)
		return false;
	for (i = 0; i < q->nstates; i++)
		if (strcasecmp(q->states[i], state) == 0)
			return true;
	return false;
}

static bool type_matches(const struct query *q, const char *type)
{
	size_t i;

	if (type == NULL)
		return false;
	for (i = 0; i < q->ntypes; i++)
		if (strcasecmp(type, q->types[i]) == 0)
			return true;
	return false;
}

bool query_match(const struct query *q, const struct query_row *r)
{
	const struct sock_info *si = r->si;

	if ((q->nfiles && !file_matches(q, r)) ||
	    (q->ndirs && !dir_matches(q, r)))
		return false;
	if (q->ninets && !inet_matches(q, si))
		return false;
	if (q->unix_sockets && (si == NULL || si->family != AF_UNIX))
		return false;
	if (q->listening && (si == NULL || !is_listening(si)))
		return false;
	if (q->nstates && (si == NULL || !state_matches(q, si)))
		return false;
	if (q->ntypes && !type_matches(q, r->type))
		return false;
	if (q->nfds && !fds_match(q, r->fd, r->assoc))
		return false;
	return q->filter == NULL ||
		filter_eval(q->filter, r->get, r->get_ctx) == FILTER_TRUE;
}
