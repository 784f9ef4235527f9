/* Sharing independent work between threads, one per CPU: collecting a
 * large descriptor table and formatting a large output table both split
 * into ranges that touch nothing in common. */
#ifndef FDSCOPE_PARALLEL_H
#define FDSCOPE_PARALLEL_H

#include <stddef.h>

#define PARALLEL_MAX_JOBS 8

/* CPUs this process may run on (its affinity mask), at least 1. */
size_t parallel_cpus(void);

/* How many jobs to split n items into: one per CPU, each at least
 * per_job items, at most PARALLEL_MAX_JOBS, at least 1. */
size_t parallel_jobs(size_t n, size_t per_job);

/* Runs fn on each of njobs jobs (an array of job_size-byte elements): the
 * first in the calling thread, each other in a thread of its own, and
 * returns when all are done.  A job whose thread cannot be started runs
 * in the calling thread, so every job always runs once.  fn never exits
 * (no exit, err, errx, nor x-allocation): it leaves its error in its job,
 * and the caller reports it once every job is done. */
void parallel_run(void *(*fn)(void *), void *jobs, size_t job_size,
		  size_t njobs);

#endif
