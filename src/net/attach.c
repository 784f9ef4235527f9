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
#include "net/attach.h"
#include "net/netaddr.h"
#include "proc/fdtype.h"
#include "proc/procfs.h"

struct netns {
	unsigned long long ino;	/* of /proc/PID/ns/net; 0: unknown */
	bool tried;		/* loaded once, successful or not */
	bool loaded;		/* the table holds this namespace's sockets */
	struct sock_table t;
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

static int load_own(struct sock_table *t, const char *root, bool netlink)
{
	int netdir = procfs_open_pid_file(root, 0, "net",
					  O_RDONLY | O_DIRECTORY);
	int rc = sock_table_load(t, netlink, netdir), saved = errno;

	if (netdir >= 0)
		close(netdir);
	errno = saved;
	return rc;
}

/* Runs the dumps inside p's namespace, through the descriptor collection
 * kept on its ns/net, and comes back.  Returns 0, or -1 with errno when
 * the namespace may not be entered. */
static int load_in_netns(struct sock_table *t, const char *root,
			 const struct fd_proc *p)
{
	int home = -1, ret = -1, saved = 0;

	if (p->netns_fd < 0) {
		errno = ENOENT;
		return -1;
	}
	home = procfs_open_pid_file(root, 0, "ns/net", O_RDONLY);
	if (home < 0 || setns(p->netns_fd, CLONE_NEWNET) < 0)
		goto cleanup;
	ret = sock_table_load(t, true, p->net_dir);
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

/* Out of memory while the socket table was filled (in this thread or the
 * prefetch one): the listing would lack what it cannot say it lacks.  The
 * prefetch thread, if still running, is waited for first. */
static void no_memory(struct net_attach *a)
{
	sock_prefetch_free(a->prefetch);
	a->prefetch = NULL;
	errx(EXIT_FAIL, "cannot decode sockets: %s", strerror(ENOMEM));
}

static void load_ns(struct net_attach *a, struct netns *ns,
		    const struct fd_proc *p, bool own)
{
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
	if (own) {
		ns->loaded = load_own(&ns->t, a->root, true) == 0;
		if (!ns->loaded && errno == ENOMEM)
			no_memory(a);
		return;
	}
	if (load_in_netns(&ns->t, a->root, p) == 0) {
		ns->loaded = true;
		return;
	}
	if (errno == ENOMEM)
		no_memory(a);
	/* The kernel shows /proc/PID/net in the process's own namespace. */
	ns->loaded = sock_table_load(&ns->t, false, p->net_dir) == 0;
	if (!ns->loaded && errno == ENOMEM)
		no_memory(a);
	if (!ns->loaded)
		warnx("process %ld: its network namespace (net:[%llu]) cannot "
		      "be read: its sockets are not decoded", (long)p->pid,
		      ns->ino);
}

void net_attach_sockets(struct net_attach *a)
{
	unsigned long long self_ns = own_netns_ino(a->root);
	size_t i;

	for (i = 0; i < a->nprocs; i++) {
		const struct fd_proc *p = &a->procs[i];
		unsigned long long ino;
		size_t k;

		if (!proc_has_socket(p))
			continue;
		/* Read through the pinned /proc/PID at collection. */
		ino = p->self ? self_ns : p->netns_ino;
		/* A namespace fdscope cannot name stays unknown. */
		if (ino == 0)
			continue;
		k = find_or_add_ns(a, ino);
		/* One load per namespace, whoever else lives there. */
		if (!a->ns[k].tried) {
			a->ns[k].tried = true;
			load_ns(a, &a->ns[k], p, ino == self_ns);
		}
		if (a->ns[k].loaded)
			a->proc_ns[i] = k;
	}
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
