/* Attaching socket and endpoint information to collected tables.  A
 * network namespace is identified by the inode of /proc/PID/ns/net; each
 * gets its own socket table, so no socket is ever decoded with another
 * namespace's data.  setns changes the calling thread's namespace only:
 * the main thread enters another namespace for the length of its dumps
 * and returns at once, and the prefetch thread never leaves fdscope's. */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "lib/util.h"
#include "out/escape.h"
#include "net/attach.h"
#include "net/inetdiag_filter.h"
#include "net/netaddr.h"
#include "net/sockdup.h"
#include "net/sockproto.h"
#include "proc/cgroup.h"
#include "proc/fdtype.h"
#include "proc/procfs.h"

struct netns {
	unsigned long long ino;	/* of /proc/PID/ns/net; 0: unknown */
	bool tried;		/* loaded once, successful or not */
	bool loaded;		/* the table holds this namespace's sockets */
	/* Every listed socket of it found, in this net_attach_sockets: a
	 * table only gains entries meanwhile, so later looks find none
	 * missing either. */
	bool all_found;
	struct sock_table t;
};

struct sock_prefetch {
	const char *root;
	pthread_t thread;
	struct sock_table t;
	int rc, error;		/* sock_table_load's result and errno */
};

/* Where a listed socket was found: table ns - 1 (0: not yet), entry pos.
 * Positions stay valid as tables grow (entries are only added or
 * refreshed in place), where pointers would not. */
struct sock_hit {
	uint32_t ns, pos;
};

struct net_attach {
	const char *root;
	struct sock_prefetch *prefetch;	/* of fdscope's own namespace */
	const struct fd_proc *procs;
	size_t nprocs;
	struct netns *ns;
	size_t nns;
	size_t *proc_ns;	/* per process: index into ns, or SIZE_MAX */
	unsigned int mask;		/* the dumps the listed sockets need */
	unsigned long long *inos;	/* their unix (or unnamed) inodes */
	size_t ninos;
	/* TCP and UDP sockets a duplicate showed unbound: in no dump. */
	unsigned long long *unbound;
	size_t nunbound;
	unsigned int skip;	/* dumps not wanted, whatever is listed */
	const struct inetdiag_filter *filter;	/* of every TCP and UDP dump */
	const struct inetdiag_filter *narrow;	/* of the first ones only */
	/* Per process, per entry, as net_attach_sockets last found them:
	 * its passes over every listed socket and each row's cells find a
	 * socket once, not at every pass (each a hash probe and a cache
	 * miss into a table of tens of thousands). */
	struct sock_hit *hits;	/* process pi's: [first[pi], first[pi + 1]) */
	size_t *first;
};

struct net_attach *net_attach_new(const char *proc_root,
				  const struct fd_proc *procs, size_t nprocs)
{
	struct net_attach *a = xcalloc(1, sizeof(*a));
	size_t i;

	a->root = proc_root;
	a->procs = procs;
	a->nprocs = nprocs;
	a->proc_ns = xcalloc(nprocs ? nprocs : 1, sizeof(*a->proc_ns));
	for (i = 0; i < nprocs; i++)
		a->proc_ns[i] = SIZE_MAX;
	return a;
}

/* FDSCOPE_INET_LOOKUP=dump: every first dump whole (for the tests, which
 * compare both ways). */
static bool narrowing_allowed(void)
{
	const char *v = getenv("FDSCOPE_INET_LOOKUP");

	return v == NULL || strcmp(v, "dump") != 0;
}

static void *prefetch_run(void *arg)
{
	struct sock_prefetch *pf = arg;

	int netdir = procfs_open_pid_file(pf->root, 0, "net",
					  O_RDONLY | O_DIRECTORY);

	pf->rc = sock_table_load(&pf->t, true, netdir);
	pf->error = errno;
	if (netdir >= 0)
		close(netdir);
	return NULL;
}

struct sock_prefetch *sock_prefetch_start(const char *proc_root)
{
	return sock_prefetch_start_some(proc_root, 0);
}

struct sock_prefetch *sock_prefetch_start_some(const char *proc_root,
					       unsigned int skip)
{
	return sock_prefetch_start_filtered(proc_root, skip, NULL, false);
}

struct sock_prefetch *sock_prefetch_start_filtered(const char *proc_root,
						   unsigned int skip,
						   const struct inetdiag_filter *filter,
						   bool narrows)
{
	struct sock_prefetch *pf = xcalloc(1, sizeof(*pf));

	pf->root = proc_root;
	sock_table_init(&pf->t);
	pf->t.skip = skip;
	pf->t.filter = filter;
	/* The listeners first unless the caller's port filter says which
	 * sockets are wanted: widen_narrowed looks for the rest that the
	 * listed tables hold. */
	if (narrowing_allowed() && (filter == NULL || filter->len == 0 || narrows))
		pf->t.tcp_states = SOCKDIAG_TCP_SPLIT;
	if (pthread_create(&pf->thread, NULL, prefetch_run, pf) != 0) {
		free(pf);
		return NULL;
	}
	return pf;
}

/* The prefetched table, once its thread is done; returns its load's
 * result with errno. */
static int prefetch_finish(struct sock_prefetch *pf, struct sock_table *t)
{
	pthread_join(pf->thread, NULL);
	*t = pf->t;
	sock_table_init(&pf->t);
	errno = pf->error;
	return pf->rc;
}

void sock_prefetch_free(struct sock_prefetch *pf)
{
	struct sock_table t;

	if (pf == NULL)
		return;
	prefetch_finish(pf, &t);
	sock_table_release(&t);
	free(pf);
}

void net_attach_skip_dumps(struct net_attach *a, unsigned int skip)
{
	a->skip = skip;
}

void net_attach_filter_dumps(struct net_attach *a,
			     const struct inetdiag_filter *filter)
{
	a->filter = filter;
}

void net_attach_narrow_dumps(struct net_attach *a,
			     const struct inetdiag_filter *filter)
{
	a->narrow = filter;
}

/* Up to INETDIAG_FILTER_MAX_CGROUPS distinct cgroups are asked for: a
 * listing of more is rarely of one service, and dumps whole. */
bool net_cgroup_narrowing(struct inetdiag_filter *f, const char *proc_root,
			  const int *piddirs, size_t n)
{
	unsigned long long ids[INETDIAG_FILTER_MAX_CGROUPS];
	size_t i, j, nids = 0;

	f->len = 0;
	if (!narrowing_allowed() || n == 0)
		return false;
	for (i = 0; i < n; i++) {
		int dir = piddirs[i] >= 0 ? piddirs[i] :
			procfs_open_pid(proc_root, 0);
		unsigned long long id = dir >= 0 ? cgroup2_id_at(dir) : 0;

		if (piddirs[i] < 0 && dir >= 0)
			close(dir);
		if (id == 0)
			return false;
		for (j = 0; j < nids && ids[j] != id; j++)
			;
		if (j < nids)
			continue;
		if (nids == INETDIAG_FILTER_MAX_CGROUPS)
			return false;
		ids[nids++] = id;
	}
	return inetdiag_filter_cgroups(f, ids, nids) == 0;
}

void net_attach_take_prefetch(struct net_attach *a, struct sock_prefetch *pf)
{
	sock_prefetch_free(a->prefetch);
	a->prefetch = pf;
}

static void forget_hits(struct net_attach *a)
{
	free(a->hits);
	free(a->first);
	a->hits = NULL;
	a->first = NULL;
}

/* One empty hit per entry of the tables as they are now. */
static void reset_hits(struct net_attach *a)
{
	size_t i;

	forget_hits(a);
	a->first = xcalloc(a->nprocs + 1, sizeof(*a->first));
	for (i = 0; i < a->nprocs; i++)
		a->first[i + 1] = a->first[i] + a->procs[i].n;
	a->hits = xcalloc(a->first[a->nprocs] ? a->first[a->nprocs] : 1,
			  sizeof(*a->hits));
}

/* Entry j of process pi's hit, or NULL when j is past its table as it
 * was at reset_hits. */
static struct sock_hit *hit_slot(const struct net_attach *a, size_t pi,
				 size_t j)
{
	if (a->hits == NULL || j >= a->first[pi + 1] - a->first[pi])
		return NULL;
	return &a->hits[a->first[pi] + j];
}

void net_attach_free(struct net_attach *a)
{
	size_t i;

	if (a == NULL)
		return;
	sock_prefetch_free(a->prefetch);
	for (i = 0; i < a->nns; i++)
		sock_table_release(&a->ns[i].t);
	free(a->ns);
	free(a->proc_ns);
	free(a->inos);
	free(a->unbound);
	forget_hits(a);
	free(a);
}

/* A socket's inode number means something only on sockfs: a unix socket
 * *file* (or any file) elsewhere may carry the same number, and an
 * O_PATH descriptor of one names a path.  So the link decides ("socket:"
 * is what sockfs alone prints); without a link, the stat must be on
 * sockfs's device and the descriptor not O_PATH. */
unsigned long long net_entry_sock_ino(const struct fd_proc *p,
				      const struct fd_entry *e)
{
	if (fd_entry_link(p, e) != NULL)
		return fd_entry_link_socket(p, e);
	if (!fd_entry_on_sockfs(e) ||
	    (e->have_info && e->info.has_flags && (e->info.flags & O_PATH)))
		return 0;
	return (unsigned long long)e->st.st_ino;
}

/* Which dumps the process's sockets need (their protocol names say), and
 * its unix sockets' inodes appended to *inos. */
static unsigned int proc_socket_needs(const struct fd_proc *p,
				      unsigned long long **inos, size_t *n,
				      size_t *cap)
{
	unsigned int mask = 0;
	size_t i;

	for (i = 0; i < p->n; i++) {
		const struct fd_entry *e = &p->fds[i];
		unsigned long long ino = net_entry_sock_ino(p, e);
		struct sock_proto_desc d;

		if (ino == 0)
			continue;
		if (!sock_proto_describe(e->proto, &d)) {
			/* Unnamed (the attribute unread): any of them. */
			mask |= SOCKDIAG_ALL;
		} else if (d.dump >= 0) {
			mask |= 1u << d.dump;
		}
		if (e->proto[0] == '\0' || d.dump == SOCKDIAG_UNIX) {
			if (*n == *cap) {
				*cap = *cap ? *cap * 2 : 64;
				*inos = xrealloc(*inos, *cap * sizeof(**inos));
			}
			(*inos)[(*n)++] = ino;
		}
	}
	return mask;
}

static bool proc_has_socket(const struct fd_proc *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (net_entry_sock_ino(p, &p->fds[i]) != 0)
			return true;
	return false;
}

/* fdscope's own namespace: its process cannot be another one meanwhile. */
static unsigned long long own_netns_ino(const char *root)
{
	int fd = procfs_open_pid_file(root, 0, "ns/net", O_RDONLY);
	struct stat st;
	int rc;

	if (fd < 0)
		return 0;
	rc = fstat(fd, &st);
	close(fd);
	return rc == 0 ? (unsigned long long)st.st_ino : 0;
}

/* Out of memory while the socket table was filled (in this thread or the
 * prefetch one): the listing would lack what it cannot say it lacks.  The
 * prefetch thread, if still running, is waited for first. */
static void no_memory(struct net_attach *a)
{
	sock_prefetch_free(a->prefetch);
	a->prefetch = NULL;
	errx(EXIT_FAIL, "cannot decode sockets: %s", strerror(ENOMEM));
}

/* The dumps the listed sockets need, in the calling thread's namespace;
 * netdir is the /proc/PID/net to fall back on (-1: none). */
static int load_here(struct net_attach *a, struct sock_table *t,
		     bool netlink, int netdir)
{
	int rc = sock_table_load_some(t, netlink, netdir, a->mask,
				      netlink ? a->inos : NULL,
				      netlink ? a->ninos : 0);

	if (rc < 0 && errno == ENOMEM)
		no_memory(a);
	return rc;
}

/* netlink false: /proc/net only. */
static int load_own_via(struct net_attach *a, struct sock_table *t,
			bool netlink)
{
	int netdir = procfs_open_pid_file(a->root, 0, "net",
					  O_RDONLY | O_DIRECTORY);
	int rc = load_here(a, t, netlink, netdir), saved = errno;

	if (netdir >= 0)
		close(netdir);
	errno = saved;
	return rc;
}

static int load_own(struct net_attach *a, struct sock_table *t)
{
	return load_own_via(a, t, true);
}

/* Runs the dumps inside the namespace target (a descriptor of it) and
 * comes back.  Returns 0, or -1 with errno when it may not be entered. */
static int load_in_netns_fd(struct net_attach *a, struct sock_table *t,
			    int target, int netdir)
{
	int home, ret = -1, saved = 0;

	home = procfs_open_pid_file(a->root, 0, "ns/net", O_RDONLY);
	if (home < 0 || setns(target, CLONE_NEWNET) < 0)
		goto cleanup;
	ret = load_here(a, t, true, netdir);
	saved = errno;
	/* Staying in the wrong namespace would mislabel everything after. */
	if (setns(home, CLONE_NEWNET) < 0)
		err(EXIT_FAIL, "cannot return to fdscope's network namespace");
	errno = saved;
cleanup:
	saved = errno;
	if (home >= 0)
		close(home);
	errno = saved;
	return ret;
}

/* The same inside p's namespace, through the descriptor collection kept
 * on its ns/net (read through the pinned /proc/PID). */
static int load_in_netns(struct net_attach *a, struct sock_table *t,
			 const struct fd_proc *p)
{
	if (p->netns_fd < 0) {
		errno = ENOENT;
		return -1;
	}
	return load_in_netns_fd(a, t, p->netns_fd, p->net_dir);
}

/* A namespace's first TCP and UDP dumps, with no port filter, are
 * narrowed: to the listed processes' cgroups (a->narrow) and, for TCP, to
 * listeners, which a server's process mostly holds and the kernel finds
 * without walking the established hash.  widen_narrowed dumps again, whole,
 * what they missed. */
static size_t find_or_add_ns(struct net_attach *a, unsigned long long ino)
{
	bool ports = a->filter && a->filter->len;
	size_t i;

	for (i = 0; i < a->nns; i++)
		if (a->ns[i].ino == ino)
			return i;
	a->ns = xrealloc(a->ns, (a->nns + 1) * sizeof(*a->ns));
	memset(&a->ns[a->nns], 0, sizeof(a->ns[a->nns]));
	a->ns[a->nns].ino = ino;
	sock_table_init(&a->ns[a->nns].t);
	a->ns[a->nns].t.skip = a->skip;
	a->ns[a->nns].t.filter = ports ? a->filter :
		a->narrow ? a->narrow : a->filter;
	a->ns[a->nns].t.tcp_states = !ports && narrowing_allowed() ?
		SOCKDIAG_TCP_LISTEN : SOCKDIAG_TCP_HELD;
	return a->nns++;
}

/* p: a process of that namespace (NULL for fdscope's own). */
static void load_ns(struct net_attach *a, struct netns *ns,
		    const struct fd_proc *p, bool own)
{
	ns->tried = true;
	if (own && a->prefetch) {
		ns->loaded = prefetch_finish(a->prefetch, &ns->t) == 0;
		free(a->prefetch);
		a->prefetch = NULL;
		/* The prefetch thread hands its failure back; this thread,
		 * the one that started it, reports it, the thread stopped. */
		if (!ns->loaded && errno == ENOMEM)
			no_memory(a);
		return;
	}
	if (own || p == NULL) {
		ns->loaded = load_own(a, &ns->t) == 0;
		return;
	}
	if (load_in_netns(a, &ns->t, p) == 0) {
		ns->loaded = true;
		return;
	}
	/* The kernel shows /proc/PID/net in the process's own namespace. */
	ns->loaded = load_here(a, &ns->t, false, p->net_dir) == 0;
	if (!ns->loaded)
		warnx("process %ld: its network namespace (net:[%llu]) cannot "
		      "be read: its sockets are not decoded", (long)p->pid,
		      ns->ino);
}

/* The entry for ino in any table read, the holder's namespace first: a
 * socket stays in the namespace it was created in while its holder may
 * move (unshare, setns) or inherit it from a parent elsewhere.  Socket
 * inodes are numbered across namespaces (one sockfs), so the search
 * cannot take another namespace's socket for it.  An entry of another
 * family or protocol than the kernel names for the descriptor (a forged
 * /proc/net line) is not it. */
static const struct sock_info *find_sock_in(const struct net_attach *a,
					    size_t home, unsigned long long ino,
					    const char *proto, size_t *where)
{
	const struct sock_info *si;
	size_t i;

	if (home != SIZE_MAX && (si = sock_table_find(&a->ns[home].t, ino)) &&
	    (proto == NULL || sock_proto_matches(proto, si))) {
		*where = home;
		return si;
	}
	for (i = 0; i < a->nns; i++) {
		if (i == home || !a->ns[i].loaded)
			continue;
		si = sock_table_find(&a->ns[i].t, ino);
		if (si && (proto == NULL || sock_proto_matches(proto, si))) {
			*where = i;
			return si;
		}
	}
	return NULL;
}

/* Entry j's hit, if it is still of socket ino: list's selections move
 * the rows they keep (and read some tables again) after a search. */
static const struct sock_info *hit_of(const struct net_attach *a, size_t pi,
				      size_t j, unsigned long long ino)
{
	const struct sock_hit *h = hit_slot(a, pi, j);
	const struct sock_info *si;

	if (h == NULL || h->ns == 0 || h->ns > a->nns ||
	    h->pos >= a->ns[h->ns - 1].t.n)
		return NULL;
	si = &a->ns[h->ns - 1].t.entries[h->pos];
	return si->ino == ino ? si : NULL;
}

/* Entry j of process pi's socket (inode ino), from its hit or else
 * looked for, the hit kept: only while net_attach_sockets runs (one
 * thread; the rows' cells read hits from several). */
static const struct sock_info *find_sock(struct net_attach *a, size_t pi,
					 size_t j, unsigned long long ino)
{
	const struct sock_info *si = hit_of(a, pi, j, ino);
	struct sock_hit *h;
	size_t k;

	if (si)
		return si;
	si = find_sock_in(a, a->proc_ns[pi], ino, a->procs[pi].fds[j].proto, &k);
	if (si && (h = hit_slot(a, pi, j)) != NULL)
		*h = (struct sock_hit){ (uint32_t)k + 1,
					(uint32_t)(si - a->ns[k].t.entries) };
	return si;
}

/* Sockets found in no namespace read so far, where a dump would hold
 * them: with the listed ones elsewhere, fdscope's own namespace is the
 * one left to look in. */
static bool have_unfound(struct net_attach *a)
{
	size_t i, j;

	for (i = 0; i < a->nprocs; i++) {
		const struct fd_proc *p = &a->procs[i];

		for (j = 0; j < p->n; j++) {
			unsigned long long ino = net_entry_sock_ino(p, &p->fds[j]);
			struct sock_proto_desc d;

			if (sock_proto_describe(p->fds[j].proto, &d) && d.dump < 0)
				continue;
			if (ino && find_sock(a, i, j, ino) == NULL)
				return true;
		}
	}
	return false;
}

/* fdscope's own sockets are at hand: SIOCGSKNS names the namespace each
 * was created in, even one that no process is in any more (a socket
 * inherited from a parent that left, or received from another process). */
static void find_own_sockets_ns(struct net_attach *a)
{
	size_t i, j, k;

	for (i = 0; i < a->nprocs; i++) {
		const struct fd_proc *p = &a->procs[i];

		if (!p->self)
			continue;
		for (j = 0; j < p->n; j++) {
			const struct fd_entry *e = &p->fds[j];
			unsigned long long ino = net_entry_sock_ino(p, e);
			struct stat st;
			int nsfd;

			if (ino == 0 || find_sock(a, i, j, ino))
				continue;
			nsfd = ioctl(e->fd, SIOCGSKNS);
			if (nsfd < 0)
				continue;
			if (fstat(nsfd, &st) == 0) {
				k = find_or_add_ns(a, (unsigned long long)st.st_ino);
				if (!a->ns[k].tried) {
					a->ns[k].tried = true;
					a->ns[k].loaded = load_in_netns_fd(a,
						&a->ns[k].t, nsfd, -1) == 0;
				}
			}
			close(nsfd);
		}
	}
}

static bool is_unbound(const struct net_attach *a, unsigned long long ino)
{
	size_t i;

	for (i = 0; i < a->nunbound; i++)
		if (a->unbound[i] == ino)
			return true;
	return false;
}

/* A dump is no snapshot: the kernel resumes each batch of replies at a
 * count into a hash chain, so a socket closed meanwhile ahead of a listed
 * one in its chain makes the dump skip the listed one (seen with bound
 * UDP sockets under socket churn on the host).  A batch ends at the same
 * count every time, so the same dump may well skip it again, while the
 * other source (/proc/net for netlink, and back) ends its batches (pages
 * of lines) elsewhere.  So a listed socket of a dumped protocol that no
 * table holds is looked for again in its holder's namespace: at most
 * REDUMPS more reads of the protocols missing (unix ones by inode), the
 * other source first, the table's entries refreshed, none lost.  An
 * unbound TCP or UDP socket is in no dump: it costs those reads. */
#define REDUMPS 2

/* A /proc/net file resumes at a line count after each read, about a page
 * of lines each: under churn the line just past a page end is the one
 * skipped, the same line in every read.  Each second look starts with a
 * short read of its own length so that the page ends fall on other lines
 * (udp's 128-byte lines: 12 and 22 lines on). */
static const size_t procnet_lead[REDUMPS] = { 1500, 2800 };

/* The dumps left out (net_attach_skip_dumps), and the TCP and UDP ones
 * when the port filter made them: a socket they do not hold is one no
 * row wants. */
static unsigned int not_looked_for(const struct net_attach *a)
{
	unsigned int inet = SOCKDIAG_ALL & ~(1u << SOCKDIAG_UNIX);

	return a->skip | (a->filter && a->filter->len ? inet : 0);
}

/* The dumps that would hold namespace k's listed sockets found nowhere;
 * the unix ones' inodes in a->inos (replacing the list). */
static unsigned int missing_in_ns(struct net_attach *a, size_t k,
				  size_t *first, size_t *cap)
{
	unsigned int mask = 0;
	size_t i, j;

	a->ninos = 0;
	*first = SIZE_MAX;
	if (a->ns[k].all_found)
		return 0;
	for (i = 0; i < a->nprocs; i++) {
		const struct fd_proc *p = &a->procs[i];

		if (a->proc_ns[i] != k)
			continue;
		for (j = 0; j < p->n; j++) {
			const struct fd_entry *e = &p->fds[j];
			unsigned long long ino = net_entry_sock_ino(p, e);
			struct sock_proto_desc d;
			unsigned int dumps;

			if (ino == 0 || find_sock(a, i, j, ino) ||
			    is_unbound(a, ino))
				continue;
			if (!sock_proto_describe(e->proto, &d))
				d.dump = SOCKDIAG_NDUMPS;	/* unnamed: any */
			if (d.dump < 0)
				continue;
			dumps = (d.dump == SOCKDIAG_NDUMPS ? SOCKDIAG_ALL :
				 1u << d.dump) & ~not_looked_for(a);
			if (dumps == 0)
				continue;
			mask |= dumps;
			if (*first == SIZE_MAX)
				*first = i;
			if (d.dump != SOCKDIAG_UNIX && d.dump != SOCKDIAG_NDUMPS)
				continue;
			if (a->ninos == *cap) {
				*cap = *cap ? *cap * 2 : 64;
				a->inos = xrealloc(a->inos, *cap * sizeof(*a->inos));
			}
			a->inos[a->ninos++] = ino;
		}
	}
	a->ns[k].all_found = mask == 0;
	return mask;
}

static bool is_inet_dump(int dump)
{
	return dump == SOCKDIAG_TCP4 || dump == SOCKDIAG_TCP6 ||
		dump == SOCKDIAG_UDP4 || dump == SOCKDIAG_UDP6;
}

#define INET_DUMPS (1u << SOCKDIAG_TCP4 | 1u << SOCKDIAG_TCP6 | \
		    1u << SOCKDIAG_UDP4 | 1u << SOCKDIAG_UDP6)

/* One more read of a->mask into ns's table, by netlink or /proc/net. */
static int reload_ns(struct net_attach *a, struct netns *ns,
		     const struct fd_proc *p, bool own, bool netlink)
{
	if (own)
		return load_own_via(a, &ns->t, netlink);
	return netlink ? load_in_netns(a, &ns->t, p) :
		load_here(a, &ns->t, false, p->net_dir);
}

/* Namespace k's listed sockets of the dumps in mask that no table holds,
 * looked for once more in those dumps (the namespace's table as it is set
 * now), the same way as before. */
static void reload_missing(struct net_attach *a, size_t k, unsigned int mask,
			   unsigned long long self_ns, size_t *cap)
{
	struct netns *ns = &a->ns[k];
	enum sock_source was = ns->t.source;
	size_t first;

	a->mask = missing_in_ns(a, k, &first, cap) & mask;
	if (a->mask == 0)
		return;
	if (reload_ns(a, ns, &a->procs[first], ns->ino == self_ns,
		      was != SOCK_SRC_PROCNET) < 0 || ns->t.source == was)
		ns->t.source = was;
	else
		ns->t.source = SOCK_SRC_MIXED;
}

/* A namespace whose first TCP and UDP dumps were narrowed (find_or_add_ns)
 * holds only the listeners and the sockets made in the listed processes'
 * cgroups.  What they miss is looked for again in the protocols missing,
 * the same way: first the TCP sockets in every state, still of those
 * cgroups (a server's connections); then, whole, the sockets made in
 * another cgroup (inherited, received, or made before the holder moved)
 * and the unbound ones, which no dump holds.  Every later dump is whole. */
static void widen_narrowed(struct net_attach *a, unsigned long long self_ns,
			   size_t *cap)
{
	const unsigned int tcp = 1u << SOCKDIAG_TCP4 | 1u << SOCKDIAG_TCP6;
	unsigned int wanted = a->mask;
	size_t k;

	for (k = 0; k < a->nns; k++) {
		struct netns *ns = &a->ns[k];
		bool states = ns->t.tcp_states == SOCKDIAG_TCP_LISTEN ||
			ns->t.tcp_rest_skipped,
		     cgroups = a->narrow != NULL && ns->t.filter == a->narrow;

		/* /proc/net, which netlink's refusal fell back on, holds
		 * every socket: nothing was narrowed. */
		bool narrowed = ns->loaded && ns->t.source != SOCK_SRC_PROCNET;

		ns->t.tcp_states = SOCKDIAG_TCP_HELD;
		ns->t.tcp_rest_skipped = false;
		if (states && narrowed)
			reload_missing(a, k, tcp, self_ns, cap);
		if (cgroups) {
			ns->t.filter = a->filter;
			if (narrowed)
				reload_missing(a, k, INET_DUMPS, self_ns, cap);
		}
	}
	a->mask = wanted;
}

static void redump_missing(struct net_attach *a, unsigned long long self_ns,
			   size_t *cap)
{
	unsigned int wanted = a->mask;
	bool netlink_ok = sockdiag_netlink_allowed();
	size_t k, first;
	int round, rc;

	for (k = 0; k < a->nns; k++) {
		struct netns *ns = &a->ns[k];
		enum sock_source was = ns->t.source;

		for (round = 0; round < REDUMPS && ns->loaded; round++) {
			bool by_netlink = was != SOCK_SRC_NETLINK;

			a->mask = missing_in_ns(a, k, &first, cap);
			if (a->mask == 0)
				break;
			if (round == 1 || !netlink_ok)
				by_netlink = was != SOCK_SRC_PROCNET && netlink_ok;
			ns->t.procnet_lead = procnet_lead[round];
			rc = reload_ns(a, ns, &a->procs[first],
				       ns->ino == self_ns, by_netlink);
			ns->t.procnet_lead = 0;
			if (rc < 0 || ns->t.source == was)
				ns->t.source = was;
			else
				ns->t.source = SOCK_SRC_MIXED;
		}
	}
	a->mask = wanted;
}

static unsigned long long proc_netns(const struct fd_proc *p,
				     unsigned long long self_ns)
{
	return p->self ? self_ns : p->netns_ino;
}

/* The TCP and UDP sockets of namespace k's processes, when there are few,
 * read through duplicates (net/sockdup.c) into its table.  Returns the
 * inet dumps then not needed: those whose every listed socket was read. */
static unsigned int dup_inet(struct net_attach *a, size_t k,
			     unsigned long long self_ns)
{
	unsigned int present = 0, failed = 0;
	size_t i, j, n = 0;

	if (!sockdup_wanted())
		return 0;
	for (i = 0; i < a->nprocs; i++) {
		const struct fd_proc *p = &a->procs[i];

		if (proc_netns(p, self_ns) != a->ns[k].ino)
			continue;
		for (j = 0; j < p->n; j++) {
			struct sock_proto_desc d;

			if (net_entry_sock_ino(p, &p->fds[j]) == 0)
				continue;
			/* Unnamed, or fdscope's own: dumped. */
			if (!sock_proto_describe(p->fds[j].proto, &d) || p->self)
				return 0;
			if (is_inet_dump(d.dump) && ++n > SOCKDUP_MAX)
				return 0;
		}
	}
	for (i = 0; i < a->nprocs; i++) {
		const struct fd_proc *p = &a->procs[i];
		int pidfd = -1;

		if (proc_netns(p, self_ns) != a->ns[k].ino)
			continue;
		for (j = 0; j < p->n; j++) {
			const struct fd_entry *e = &p->fds[j];
			unsigned long long ino = net_entry_sock_ino(p, e);
			struct sock_proto_desc d;
			struct sock_info si, *to;
			enum sockdup_result r = SOCKDUP_FAILED;

			if (ino == 0 || !sock_proto_describe(e->proto, &d) ||
			    !is_inet_dump(d.dump))
				continue;
			present |= 1u << d.dump;
			if (pidfd < 0)
				pidfd = sockdup_pidfd(p->pid);
			if (pidfd >= 0)
				r = sockdup_read(pidfd, e->fd, ino, a->ns[k].ino, &si);
			if (r == SOCKDUP_FAILED || !sock_proto_matches(e->proto, &si)) {
				failed |= 1u << d.dump;
			} else if (r == SOCKDUP_UNBOUND) {
				a->unbound = xrealloc(a->unbound, (a->nunbound + 1) *
						      sizeof(*a->unbound));
				a->unbound[a->nunbound++] = ino;
			} else if ((to = sock_table_add(&a->ns[k].t, ino)) != NULL) {
				*to = si;
			} else {
				no_memory(a);
			}
		}
		if (pidfd >= 0)
			close(pidfd);
	}
	return present & ~failed;
}

/* load_ns for namespace k, whose process p was met first, without the
 * inet dumps that duplicates made needless. */
static void load_ns_some(struct net_attach *a, size_t k,
			 const struct fd_proc *p, unsigned long long self_ns)
{
	struct netns *ns = &a->ns[k];
	bool own = ns->ino == self_ns;
	unsigned int wanted = a->mask, done = 0;

	if (!(own && a->prefetch))
		done = dup_inet(a, k, self_ns);
	a->mask &= ~done;
	if (a->mask != 0 || done == 0) {
		load_ns(a, ns, p->self ? NULL : p, own);
	} else {
		ns->tried = ns->loaded = true;
		ns->t.source = SOCK_SRC_NETLINK;
	}
	a->mask = wanted;
}

void net_attach_sockets(struct net_attach *a)
{
	unsigned long long self_ns = own_netns_ino(a->root);
	size_t i, cap = 0, k;
	bool own_tried = false;

	/* Again after the tables changed (list's selections read more of
	 * the rows they kept): the needs are those of the tables now. */
	reset_hits(a);
	for (i = 0; i < a->nns; i++)
		a->ns[i].all_found = false;
	free(a->inos);
	a->inos = NULL;
	a->ninos = 0;
	for (i = 0; i < a->nprocs; i++)
		a->mask |= proc_socket_needs(&a->procs[i], &a->inos, &a->ninos,
					     &cap);
	if (a->mask == 0)
		return;
	for (i = 0; i < a->nprocs; i++) {
		const struct fd_proc *p = &a->procs[i];
		unsigned long long ino;

		if (!proc_has_socket(p))
			continue;
		/* Read through the pinned /proc/PID at collection. */
		ino = p->self ? self_ns : p->netns_ino;
		/* A namespace fdscope cannot name stays unknown. */
		if (ino == 0)
			continue;
		k = find_or_add_ns(a, ino);
		/* One load per namespace, whoever else lives there. */
		if (!a->ns[k].tried)
			load_ns_some(a, k, p, self_ns);
		if (ino == self_ns)
			own_tried = true;
		if (a->ns[k].loaded)
			a->proc_ns[i] = k;
	}
	find_own_sockets_ns(a);
	if (!own_tried && self_ns != 0 && have_unfound(a)) {
		k = find_or_add_ns(a, self_ns);
		load_ns(a, &a->ns[k], NULL, true);
	}
	widen_narrowed(a, self_ns, &cap);
	redump_missing(a, self_ns, &cap);
}

bool net_attach_all_netlink(const struct net_attach *a)
{
	size_t i;

	for (i = 0; i < a->nns; i++)
		if (a->ns[i].loaded && a->ns[i].t.source != SOCK_SRC_NETLINK)
			return false;
	return true;
}

int net_attach_ns_read(const struct net_attach *a, size_t pi)
{
	if (pi >= a->nprocs || a->proc_ns[pi] == SIZE_MAX)
		return NET_NS_UNREAD;
	return a->ns[a->proc_ns[pi]].t.source == SOCK_SRC_NETLINK ?
		NET_NS_NETLINK : NET_NS_PROCNET;
}

const struct sock_info *net_attach_sock(const struct net_attach *a, size_t pi,
					const struct fd_entry *e)
{
	const struct fd_proc *p;
	const struct sock_info *si;
	unsigned long long ino;
	size_t k;

	if (pi >= a->nprocs)
		return NULL;
	p = &a->procs[pi];
	ino = net_entry_sock_ino(p, e);
	if (ino == 0)
		return NULL;
	/* e is one of p's entries, unless a caller passes a copy. */
	if ((uintptr_t)e >= (uintptr_t)p->fds &&
	    (uintptr_t)e < (uintptr_t)(p->fds + p->n) &&
	    (si = hit_of(a, pi, (size_t)(e - p->fds), ino)) != NULL)
		return si;
	return find_sock_in(a, a->proc_ns[pi], ino, e->proto, &k);
}

const struct sock_info *net_attach_peer(const struct net_attach *a, size_t pi,
					const struct sock_info *si)
{
	size_t i, home = SIZE_MAX;

	if (si == NULL || !si->have_peer || pi >= a->nprocs)
		return NULL;
	/* The peer is in si's namespace: the table holding si. */
	for (i = 0; i < a->nns; i++)
		if (a->ns[i].t.n && si >= a->ns[i].t.entries &&
		    si < a->ns[i].t.entries + a->ns[i].t.n)
			home = i;
	return home == SIZE_MAX ? NULL :
		sock_table_find(&a->ns[home].t, si->peer_ino);
}

const char *net_sock_laddr(const struct sock_info *si, char *buf, size_t len)
{
	if (si == NULL || si->local_len == 0 || si->ambiguous)
		return NULL;
	netaddr_format((const struct sockaddr *)&si->local, si->local_len,
		       buf, len);
	return buf[0] ? buf : NULL;
}

const char *net_sock_raddr(const struct sock_info *si,
			   const struct sock_info *peer, char *buf, size_t len)
{
	if (si == NULL || si->ambiguous)
		return NULL;
	if (si->family == AF_UNIX)
		return net_sock_laddr(peer, buf, len);
	if (si->remote_len == 0)
		return NULL;
	netaddr_format((const struct sockaddr *)&si->remote, si->remote_len,
		       buf, len);
	return buf;
}

const char *net_sock_state(const struct sock_info *si)
{
	if (si == NULL)
		return NULL;
	if (si->family != AF_UNIX && si->proto == IPPROTO_TCP)
		return tcp_state_name(si->state);
	return sock_state_word(si->state);
}

static const char *proto_label(const struct sock_info *si)
{
	if (si->family == AF_UNIX)
		switch (si->type) {
		case SOCK_STREAM:
			return "UNIX-STREAM";
		case SOCK_DGRAM:
			return "UNIX-DGRAM";
		case SOCK_SEQPACKET:
			return "UNIX-SEQPACKET";
		default:
			return "UNIX";
		}
	if (si->proto == IPPROTO_TCP)
		return si->family == AF_INET6 ? "TCP6" : "TCP";
	return si->family == AF_INET6 ? "UDP6" : "UDP";
}

const char *net_sock_name(const struct sock_info *si,
			  const struct sock_info *peer, char *buf, size_t len)
{
	char l[NETADDR_STRLEN], r[NETADDR_STRLEN];
	const char *la = net_sock_laddr(si, l, sizeof(l));
	const char *ra = net_sock_raddr(si, peer, r, sizeof(r));
	const char *state = net_sock_state(si);
	size_t at;

	if (si->ambiguous) {
		snprintf(buf, len, "%s (name unknown: /proc/net/unix has two "
			 "entries for socket:[%llu])", proto_label(si), si->ino);
		return buf;
	}
	if (si->family == AF_UNIX && ra == NULL && si->have_peer) {
		text_put(r, sizeof(r),
			 text_put_ull(r, sizeof(r),
				      text_put(r, sizeof(r), 0, "socket:["),
				      si->peer_ino), "]");
		ra = r;
	}
	/* "PROTO LOCAL[ -> REMOTE][ STATE][ note]", in pieces: a format
	 * parsed on every socket row was a sixth of list's own time. */
	at = text_put(buf, len, 0, proto_label(si));
	at = text_put(buf, len, at, " ");
	at = text_put(buf, len, at, la ? la : "(unnamed)");
	if (ra) {
		at = text_put(buf, len, at, " -> ");
		at = text_put(buf, len, at, ra);
	}
	if (state) {
		at = text_put(buf, len, at, " ");
		at = text_put(buf, len, at, state);
	}
	if (si->name_uncertain || (peer && peer->name_uncertain))
		text_put(buf, len, at, " (from /proc/net/unix: an @ after the "
			 "first may be a NUL byte)");
	return buf;
}

const char *net_sock_undecoded_name(const char *proto, int ns_read,
				    unsigned long long ino, char *buf,
				    size_t len)
{
	struct sock_proto_desc d;
	char esc[4 * sizeof(((struct fd_entry *)0)->proto)];

	if (!sock_proto_describe(proto, &d)) {
		snprintf(buf, len, "socket:[%llu]", ino);
		return buf;
	}
	escape_into(esc, sizeof(esc), d.label, strlen(d.label));
	if (d.dump < 0)
		snprintf(buf, len, "%s socket:[%llu]", esc, ino);
	else if (ns_read == NET_NS_UNREAD)
		snprintf(buf, len, "%s socket:[%llu] (not decoded: its network "
			 "namespace could not be read)", esc, ino);
	else if (d.dump == SOCKDIAG_UNIX)
		snprintf(buf, len, "%s socket:[%llu] (in no network namespace "
			 "fdscope read)", esc, ino);
	else if (ns_read == NET_NS_PROCNET)
		/* /proc/net/tcp leaves out bound-only sockets. */
		snprintf(buf, len, "%s socket:[%llu] (neither listening nor "
			 "connected)", esc, ino);
	else
		/* inet_diag lists every bound TCP socket (bound-only ones as
		 * BOUND_INACTIVE since Linux 6.7) and every bound UDP one. */
		snprintf(buf, len, "%s (unbound)", esc);
	return buf;
}

const char *net_sock_proto_word(const char *proto)
{
	struct sock_proto_desc d;

	return sock_proto_describe(proto, &d) ? d.proto : NULL;
}
