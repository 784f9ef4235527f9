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
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "lib/util.h"
#include "out/escape.h"
#include "net/attach.h"
#include "net/netaddr.h"
#include "proc/fdtype.h"

struct netns {
	unsigned long long ino;	/* of /proc/PID/ns/net; 0: unknown */
	bool tried;		/* loaded once, successful or not */
	bool loaded;		/* the table holds this namespace's sockets */
	struct sock_table t;
};

struct holder {
	unsigned long long dev, ino;
	size_t pi, ei;
};

struct sock_prefetch {
	const char *root;
	pthread_t thread;
	struct sock_table t;
	int rc, error;		/* sock_table_load's result and errno */
};

struct net_attach {
	const char *root;
	struct sock_prefetch *prefetch;	/* of fdscope's own namespace */
	const struct fd_proc *procs;
	size_t nprocs;
	struct netns *ns;
	size_t nns;
	size_t *proc_ns;	/* per process: index into ns, or SIZE_MAX */
	struct holder *holders;
	size_t nholders;
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

static void *prefetch_run(void *arg)
{
	struct sock_prefetch *pf = arg;

	pf->rc = sock_table_load(&pf->t, true, pf->root, 0);
	pf->error = errno;
	return NULL;
}

struct sock_prefetch *sock_prefetch_start(const char *proc_root)
{
	struct sock_prefetch *pf = xcalloc(1, sizeof(*pf));

	pf->root = proc_root;
	sock_table_init(&pf->t);
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

void net_attach_take_prefetch(struct net_attach *a, struct sock_prefetch *pf)
{
	sock_prefetch_free(a->prefetch);
	a->prefetch = pf;
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
	free(a->holders);
	free(a);
}

unsigned long long net_entry_sock_ino(const struct fd_proc *p,
				      const struct fd_entry *e)
{
	unsigned long long ino;

	if (link_bracket_inode(fd_entry_link(p, e), "socket:", &ino))
		return ino;
	if (e->stat_errno == 0 && S_ISSOCK(e->st.st_mode))
		return (unsigned long long)e->st.st_ino;
	return 0;
}

static bool proc_has_socket(const struct fd_proc *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (net_entry_sock_ino(p, &p->fds[i]) != 0)
			return true;
	return false;
}

static void ns_path(const char *root, pid_t pid, char *buf, size_t len)
{
	if (pid == 0)
		snprintf(buf, len, "%s/self/ns/net", root);
	else
		snprintf(buf, len, "%s/%ld/ns/net", root, (long)pid);
}

static unsigned long long netns_ino(const char *root, pid_t pid)
{
	char path[4096];
	struct stat st;

	ns_path(root, pid, path, sizeof(path));
	return stat(path, &st) == 0 ? (unsigned long long)st.st_ino : 0;
}

/* Runs the dumps inside pid's namespace and comes back.  Returns 0, or -1
 * with errno when the namespace may not be entered. */
static int load_in_netns(struct sock_table *t, const char *root, pid_t pid)
{
	char path[4096];
	int target = -1, home = -1, ret = -1, saved = 0;

	ns_path(root, pid, path, sizeof(path));
	target = open(path, O_RDONLY | O_CLOEXEC);
	if (target < 0)
		goto cleanup;
	ns_path(root, 0, path, sizeof(path));
	home = open(path, O_RDONLY | O_CLOEXEC);
	if (home < 0 || setns(target, CLONE_NEWNET) < 0)
		goto cleanup;
	ret = sock_table_load(t, true, root, pid);
	saved = errno;
	/* Staying in the wrong namespace would mislabel everything after. */
	if (setns(home, CLONE_NEWNET) < 0)
		err(EXIT_FAIL, "cannot return to fdscope's network namespace");
	errno = saved;
cleanup:
	saved = errno;
	if (target >= 0)
		close(target);
	if (home >= 0)
		close(home);
	errno = saved;
	return ret;
}

static size_t find_or_add_ns(struct net_attach *a, unsigned long long ino)
{
	size_t i;

	for (i = 0; i < a->nns; i++)
		if (a->ns[i].ino == ino)
			return i;
	a->ns = xrealloc(a->ns, (a->nns + 1) * sizeof(*a->ns));
	memset(&a->ns[a->nns], 0, sizeof(a->ns[a->nns]));
	a->ns[a->nns].ino = ino;
	sock_table_init(&a->ns[a->nns].t);
	return a->nns++;
}

static void load_ns(struct net_attach *a, struct netns *ns, pid_t pid,
		    bool own)
{
	if (own && a->prefetch) {
		ns->loaded = prefetch_finish(a->prefetch, &ns->t) == 0;
		free(a->prefetch);
		a->prefetch = NULL;
		return;
	}
	if (own) {
		ns->loaded = sock_table_load(&ns->t, true, a->root, pid) == 0;
		return;
	}
	if (load_in_netns(&ns->t, a->root, pid) == 0) {
		ns->loaded = true;
		return;
	}
	/* The kernel shows /proc/PID/net in the process's own namespace. */
	ns->loaded = sock_table_load(&ns->t, false, a->root, pid) == 0;
	if (!ns->loaded)
		warnx("process %ld: its network namespace (net:[%llu]) cannot "
		      "be read: its sockets are not decoded", (long)pid, ns->ino);
}

void net_attach_sockets(struct net_attach *a)
{
	unsigned long long self_ns = netns_ino(a->root, 0);
	size_t i;

	for (i = 0; i < a->nprocs; i++) {
		const struct fd_proc *p = &a->procs[i];
		unsigned long long ino;
		size_t k;

		if (!proc_has_socket(p))
			continue;
		ino = p->self ? self_ns : netns_ino(a->root, p->pid);
		/* A namespace fdscope cannot name stays unknown. */
		if (ino == 0)
			continue;
		k = find_or_add_ns(a, ino);
		/* One load per namespace, whoever else lives there. */
		if (!a->ns[k].tried) {
			a->ns[k].tried = true;
			load_ns(a, &a->ns[k], p->self ? 0 : p->pid,
				ino == self_ns);
		}
		if (a->ns[k].loaded)
			a->proc_ns[i] = k;
	}
}

static int cmp_holder(const void *x, const void *y)
{
	const struct holder *h = x, *k = y;

	if (h->dev != k->dev)
		return h->dev < k->dev ? -1 : 1;
	if (h->ino != k->ino)
		return h->ino < k->ino ? -1 : 1;
	if (h->pi != k->pi)
		return h->pi < k->pi ? -1 : 1;
	return (h->ei > k->ei) - (h->ei < k->ei);
}

void net_attach_holders(struct net_attach *a)
{
	size_t i, j, n = 0;

	for (i = 0; i < a->nprocs; i++)
		n += a->procs[i].n;
	a->holders = xcalloc(n ? n : 1, sizeof(*a->holders));
	for (i = 0; i < a->nprocs; i++)
		for (j = 0; j < a->procs[i].n; j++) {
			const struct fd_entry *e = &a->procs[i].fds[j];

			if (e->stat_errno != 0)
				continue;
			a->holders[a->nholders++] = (struct holder){
				e->st.st_dev, e->st.st_ino, i, j };
		}
	qsort(a->holders, a->nholders, sizeof(*a->holders), cmp_holder);
}

const struct sock_info *net_attach_sock(const struct net_attach *a, size_t pi,
					const struct fd_entry *e)
{
	unsigned long long ino;

	if (pi >= a->nprocs || a->proc_ns[pi] == SIZE_MAX)
		return NULL;
	ino = net_entry_sock_ino(&a->procs[pi], e);
	return ino ? sock_table_find(&a->ns[a->proc_ns[pi]].t, ino) : NULL;
}

const struct sock_info *net_attach_peer(const struct net_attach *a, size_t pi,
					const struct sock_info *si)
{
	if (si == NULL || !si->have_peer || a->proc_ns[pi] == SIZE_MAX)
		return NULL;
	return sock_table_find(&a->ns[a->proc_ns[pi]].t, si->peer_ino);
}

static const struct holder *first_holder(const struct net_attach *a,
					 unsigned long long dev,
					 unsigned long long ino)
{
	size_t lo = 0, hi = a->nholders;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct holder *h = &a->holders[mid];

		if (h->dev < dev || (h->dev == dev && h->ino < ino))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < a->nholders && a->holders[lo].dev == dev &&
		a->holders[lo].ino == ino ? &a->holders[lo] : NULL;
}

static char mode_letter(const struct fd_entry *e)
{
	if (!e->have_info || !e->info.has_flags)
		return '\0';
	switch (e->info.flags & 3) {
	case 0:
		return 'r';
	case 1:
		return 'w';
	default:
		return 'u';
	}
}

size_t net_attach_holders_of(const struct net_attach *a, unsigned long long dev,
			     unsigned long long ino, size_t pi, int fd,
			     char *buf, size_t len)
{
	const struct holder *h = first_holder(a, dev, ino);
	const struct holder *end = a->holders + a->nholders;
	size_t off = 0, count = 0;

	if (len)
		buf[0] = '\0';
	for (; h && h < end && h->dev == dev && h->ino == ino; h++) {
		const struct fd_proc *p = &a->procs[h->pi];
		const struct fd_entry *e = &p->fds[h->ei];
		char comm[4 * sizeof(p->comm)], m = mode_letter(e);
		int w;

		if (h->pi == pi && e->fd == fd)
			continue;
		escape_into(comm, sizeof(comm), p->comm, strlen(p->comm));
		w = snprintf(buf + off, len - off, "%s%ld,%s,%d%.*s",
			     count ? "; " : "", (long)(p->self ? getpid() : p->pid),
			     comm, e->fd, m ? 1 : 0, &m);
		if (w < 0 || (size_t)w >= len - off)
			break;
		off += (size_t)w;
		count++;
	}
	return count;
}

const char *net_sock_laddr(const struct sock_info *si, char *buf, size_t len)
{
	if (si == NULL || si->local_len == 0)
		return NULL;
	netaddr_format((const struct sockaddr *)&si->local, si->local_len,
		       buf, len);
	return buf[0] ? buf : NULL;
}

const char *net_sock_raddr(const struct sock_info *si,
			   const struct sock_info *peer, char *buf, size_t len)
{
	if (si == NULL)
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

	if (si->family == AF_UNIX && ra == NULL && si->have_peer) {
		snprintf(r, sizeof(r), "socket:[%llu]", si->peer_ino);
		ra = r;
	}
	snprintf(buf, len, "%s %s%s%s%s%s", proto_label(si),
		 la ? la : "(unnamed)", ra ? " -> " : "", ra ? ra : "",
		 state ? " " : "", state ? state : "");
	return buf;
}
