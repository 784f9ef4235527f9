/* Reading many tables on every CPU (see fdmany.h).  Small tables are read
 * first, one process per thread.  A large one is put off (its size is
 * the kernel's count of its descriptors), then the large ones are read as
 * many at once as there are CPUs, one thread each, and the few left over
 * one after the other, each by one thread per CPU: a lone large table
 * read by one thread would take as long as two of them. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "lib/parallel.h"
#include "proc/fdmany.h"

/* The slots that a round reads, by index. */
struct many_share {
	pthread_mutex_t lock;
	struct fd_proc_slot *slots;
	const size_t *order;
	size_t n, next;
	const char *root;
	unsigned int need;
	pid_t self;
};

/* A reader (lib/parallel.h): jobs are pointers to the one share. */
struct many_reader {
	struct many_share *share;
};

static struct fd_proc_slot *take_slot(struct many_share *sh)
{
	struct fd_proc_slot *s = NULL;

	pthread_mutex_lock(&sh->lock);
	while (s == NULL && sh->next < sh->n) {
		s = &sh->slots[sh->order[sh->next++]];
		if (s->pid == sh->self || s->pid == 0)
			s = NULL;
	}
	pthread_mutex_unlock(&sh->lock);
	return s;
}

static void *read_tables(void *arg)
{
	struct many_share *sh = ((struct many_reader *)arg)->share;
	struct fd_proc_slot *s;

	while ((s = take_slot(sh)) != NULL) {
		s->rc = fd_proc_collect_some(&s->p, sh->root, s->pid, sh->need,
					     NULL, NULL);
		s->error = s->rc < 0 ? errno : 0;
		s->read = true;
	}
	return NULL;
}

/* Reads the slots order[0..n) with need, nreaders at once. */
static void read_round(const char *root, struct fd_proc_slot *slots,
		       const size_t *order, size_t n, unsigned int need,
		       size_t nreaders)
{
	struct many_share sh = {
		.slots = slots, .order = order, .n = n, .root = root,
		.need = need, .self = getpid(),
	};
	struct many_reader readers[PARALLEL_MAX_JOBS];
	size_t k;

	if (nreaders > n)
		nreaders = n ? n : 1;
	if (nreaders > PARALLEL_MAX_JOBS)
		nreaders = PARALLEL_MAX_JOBS;
	for (k = 0; k < nreaders; k++)
		readers[k].share = &sh;
	pthread_mutex_init(&sh.lock, NULL);
	parallel_run(read_tables, readers, sizeof(readers[0]), nreaders);
	pthread_mutex_destroy(&sh.lock);
}

void fd_proc_collect_many(const char *root, struct fd_proc_slot *slots,
			  size_t n, unsigned int need)
{
	size_t *order = malloc((n ? n : 1) * sizeof(*order));
	size_t cpus = parallel_cpus(), k, nlarge = 0, paired;

	for (k = 0; k < n; k++)
		slots[k].read = false;
	if (order == NULL) {
		/* No room for the rounds: one process at a time, as large
		 * tables are read alone. */
		for (k = 0; k < n; k++)
			read_round(root, slots, &k, 1, need, 1);
		return;
	}
	for (k = 0; k < n; k++)
		order[k] = k;
	read_round(root, slots, order, n,
		   need | FDL_NEED_ONE_THREAD | FDL_NEED_SMALL_ONLY, cpus);
	for (k = 0; k < n; k++)
		if (slots[k].read && slots[k].rc < 0 &&
		    slots[k].error == EFBIG) {
			slots[k].read = false;
			order[nlarge++] = k;
		}
	paired = nlarge - nlarge % cpus;
	if (paired > 0)
		read_round(root, slots, order, paired,
			   need | FDL_NEED_ONE_THREAD, cpus);
	for (k = paired; k < nlarge; k++)
		read_round(root, slots, order + k, 1, need, 1);
	free(order);
}
