/* Threads for independent jobs.  Every job runs exactly once, in a thread
 * of its own when one can be started, else in the caller: a failed
 * pthread_create (EAGAIN under a low RLIMIT_NPROC) costs time, never
 * output. */
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <string.h>

#include "lib/parallel.h"

size_t parallel_cpus(void)
{
	cpu_set_t set;
	int n;

	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		return 1;
	n = CPU_COUNT(&set);
	return n > 0 ? (size_t)n : 1;
}

size_t parallel_jobs(size_t n, size_t per_job)
{
	size_t jobs = parallel_cpus();

	if (per_job && jobs > n / per_job)
		jobs = n / per_job;
	if (jobs > PARALLEL_MAX_JOBS)
		jobs = PARALLEL_MAX_JOBS;
	return jobs ? jobs : 1;
}

void parallel_run(void *(*fn)(void *), void *jobs, size_t job_size,
		  size_t njobs)
{
	pthread_t threads[PARALLEL_MAX_JOBS];
	bool started[PARALLEL_MAX_JOBS];
	char *base = jobs;
	size_t k;

	memset(started, 0, sizeof(started));
	/* Jobs beyond PARALLEL_MAX_JOBS run in the caller. */
	for (k = 1; k < njobs && k < PARALLEL_MAX_JOBS; k++)
		started[k] = pthread_create(&threads[k], NULL, fn,
					    base + k * job_size) == 0;
	if (njobs > 0)
		fn(base);
	for (k = 1; k < njobs; k++) {
		if (k < PARALLEL_MAX_JOBS && started[k])
			pthread_join(threads[k], NULL);
		else
			fn(base + k * job_size);
	}
}
