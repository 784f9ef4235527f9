/* Unit tests for parallel.c: every job runs exactly once and on its own
 * element, the first (and any beyond PARALLEL_MAX_JOBS, or any whose
 * thread cannot start) in the caller; job counts stay within bounds. */
#include <check.h>
#include <dlfcn.h>
#include <errno.h>
#include <grp.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "lib/parallel.h"

/* On a machine with two CPUs parallel_jobs never says more than two, and
 * the code for three to PARALLEL_MAX_JOBS jobs and for its clamp would go
 * untested: so this runner's sched_getaffinity, which parallel_cpus calls,
 * reports parallel_fake_cpus CPUs when that is set (check_table.c sets it
 * too), and is libc's when it is 0. */
unsigned int parallel_fake_cpus;

int sched_getaffinity(pid_t pid, size_t size, cpu_set_t *set)
{
	int (*libc_getaffinity)(pid_t, size_t, cpu_set_t *);
	unsigned int i;

	if (parallel_fake_cpus == 0) {
		libc_getaffinity = (int (*)(pid_t, size_t, cpu_set_t *))
			dlsym(RTLD_NEXT, "sched_getaffinity");
		if (libc_getaffinity == NULL) {
			errno = ENOSYS;
			return -1;
		}
		return libc_getaffinity(pid, size, set);
	}
	CPU_ZERO_S(size, set);
	for (i = 0; i < parallel_fake_cpus; i++)
		CPU_SET_S(i, size, set);
	return 0;
}

/* Jobs are JOB_SIZE bytes apart, an odd stride that no power of two
 * divides, so a wrong stride reads another job's index or a guard byte.
 * Each element: its index, then the thread that ran it, then guard
 * bytes. */
#define JOB_SIZE 37
#define JOB_INDEX 0
#define JOB_THREAD (JOB_INDEX + sizeof(size_t))
#define JOB_TID (JOB_THREAD + sizeof(pthread_t))
#define JOB_GUARD (JOB_TID + sizeof(pid_t))
#define GUARD_BYTE 0xa5
#define MAX_TEST_JOBS (PARALLEL_MAX_JOBS + 5)

_Static_assert(JOB_GUARD < JOB_SIZE, "a job element holds a guard byte");

/* Calls per index, as read from the element each call was given. */
static atomic_uint calls[MAX_TEST_JOBS];
static atomic_uint bad_elements;

static void *record_job(void *arg)
{
	unsigned char *job = arg;
	pthread_t self = pthread_self();
	pid_t tid = gettid();
	size_t index, g;

	memcpy(&index, job + JOB_INDEX, sizeof(index));
	for (g = JOB_GUARD; g < JOB_SIZE; g++)
		if (job[g] != GUARD_BYTE)
			atomic_fetch_add(&bad_elements, 1);
	if (index >= MAX_TEST_JOBS) {
		atomic_fetch_add(&bad_elements, 1);
		return NULL;
	}
	atomic_fetch_add(&calls[index], 1);
	memcpy(job + JOB_THREAD, &self, sizeof(self));
	memcpy(job + JOB_TID, &tid, sizeof(tid));
	return NULL;
}

static void counts_reset(void)
{
	size_t k;

	for (k = 0; k < MAX_TEST_JOBS; k++)
		atomic_store(&calls[k], 0);
	atomic_store(&bad_elements, 0);
}

/* One guard element on each side of the jobs catches writes outside. */
static unsigned char *jobs_new(size_t njobs)
{
	unsigned char *buf = malloc((njobs + 2) * JOB_SIZE);
	size_t k;

	ck_assert_ptr_nonnull(buf);
	memset(buf, GUARD_BYTE, (njobs + 2) * JOB_SIZE);
	for (k = 0; k < njobs; k++) {
		unsigned char *job = buf + (k + 1) * JOB_SIZE;

		memcpy(job + JOB_INDEX, &k, sizeof(k));
		memset(job + JOB_THREAD, 0, JOB_GUARD - JOB_THREAD);
	}
	counts_reset();
	return buf;
}

static pid_t job_tid(const unsigned char *buf, size_t k)
{
	pid_t tid;

	memcpy(&tid, buf + (k + 1) * JOB_SIZE + JOB_TID, sizeof(tid));
	return tid;
}

static pthread_t job_thread(const unsigned char *buf, size_t k)
{
	pthread_t t;

	memcpy(&t, buf + (k + 1) * JOB_SIZE + JOB_THREAD, sizeof(t));
	return t;
}

static void assert_guards_intact(const unsigned char *buf, size_t njobs)
{
	size_t k, g;

	for (g = 0; g < JOB_SIZE; g++) {
		ck_assert_uint_eq(buf[g], GUARD_BYTE);
		ck_assert_uint_eq(buf[(njobs + 1) * JOB_SIZE + g], GUARD_BYTE);
	}
	for (k = 0; k < njobs; k++) {
		size_t index;

		memcpy(&index, buf + (k + 1) * JOB_SIZE + JOB_INDEX, sizeof(index));
		ck_assert_uint_eq(index, k);
		for (g = JOB_GUARD; g < JOB_SIZE; g++)
			ck_assert_uint_eq(buf[(k + 1) * JOB_SIZE + g], GUARD_BYTE);
	}
}

/* Runs njobs and checks each ran once, on its element; returns the buffer
 * for the caller's checks on threads. */
static unsigned char *run_and_count(size_t njobs)
{
	unsigned char *buf = jobs_new(njobs);
	size_t k;

	parallel_run(record_job, buf + JOB_SIZE, JOB_SIZE, njobs);
	ck_assert_uint_eq(atomic_load(&bad_elements), 0);
	for (k = 0; k < MAX_TEST_JOBS; k++)
		ck_assert_msg(atomic_load(&calls[k]) == (k < njobs ? 1u : 0u),
			      "job %zu of %zu ran %u times", k, njobs,
			      atomic_load(&calls[k]));
	assert_guards_intact(buf, njobs);
	return buf;
}

static const size_t job_counts[] = {
	0, 1, 2, PARALLEL_MAX_JOBS - 1, PARALLEL_MAX_JOBS, PARALLEL_MAX_JOBS + 1,
	PARALLEL_MAX_JOBS + 5,
};

START_TEST(test_run_every_job_once_first_in_caller)
{
	size_t njobs = job_counts[_i], k, j;
	unsigned char *buf = run_and_count(njobs);
	pthread_t self = pthread_self();
	pid_t tid = gettid();

	if (njobs > 0) {
		ck_assert(pthread_equal(job_thread(buf, 0), self));
		ck_assert_int_eq(job_tid(buf, 0), tid);
	}
	/* Threads start here (pthread_create does not fail in the test
	 * environment); the jobs past the last thread run in the caller. */
	for (k = 1; k < njobs; k++) {
		if (k >= PARALLEL_MAX_JOBS) {
			ck_assert_msg(pthread_equal(job_thread(buf, k), self),
				      "job %zu ran outside the caller", k);
			ck_assert_int_eq(job_tid(buf, k), tid);
			continue;
		}
		ck_assert_msg(!pthread_equal(job_thread(buf, k), self),
			      "job %zu ran in the caller", k);
		ck_assert_int_ne(job_tid(buf, k), tid);
		ck_assert_int_gt(job_tid(buf, k), 0);
		/* Unjoined threads never share a pthread_t. */
		for (j = 1; j < k; j++)
			ck_assert(!pthread_equal(job_thread(buf, j),
						 job_thread(buf, k)));
	}
	free(buf);
}
END_TEST

START_TEST(test_run_no_jobs_touches_nothing)
{
	size_t k;

	counts_reset();
	parallel_run(record_job, NULL, JOB_SIZE, 0);
	ck_assert_uint_eq(atomic_load(&bad_elements), 0);
	for (k = 0; k < MAX_TEST_JOBS; k++)
		ck_assert_uint_eq(atomic_load(&calls[k]), 0);
	free(run_and_count(0));
}
END_TEST

/* A job sized as an odd struct: each writes only its own element. */
struct odd_job {
	char name[5];
	unsigned char seen;
	char mark;
};

static void *mark_odd_job(void *arg)
{
	struct odd_job *j = arg;

	j->seen++;
	j->mark = j->name[0];
	return NULL;
}

START_TEST(test_run_odd_struct_stride)
{
	struct odd_job jobs[PARALLEL_MAX_JOBS + 3];
	size_t n = sizeof(jobs) / sizeof(jobs[0]), k;

	ck_assert_uint_eq(sizeof(struct odd_job) % 2, 1);
	memset(jobs, 0, sizeof(jobs));
	for (k = 0; k < n; k++)
		jobs[k].name[0] = (char)('A' + k);
	parallel_run(mark_odd_job, jobs, sizeof(jobs[0]), n);
	for (k = 0; k < n; k++) {
		ck_assert_uint_eq(jobs[k].seen, 1);
		ck_assert_int_eq(jobs[k].mark, 'A' + (int)k);
	}
}
END_TEST

static size_t affinity_cpus(void)
{
	cpu_set_t set;

	ck_assert_int_eq(sched_getaffinity(0, sizeof(set), &set), 0);
	return (size_t)CPU_COUNT(&set);
}

START_TEST(test_cpus_is_affinity_count)
{
	cpu_set_t orig, one;
	int cpu;

	ck_assert_uint_eq(parallel_cpus(), affinity_cpus());
	ck_assert_uint_ge(parallel_cpus(), 1);
	/* Down to one CPU of the mask, then back. */
	ck_assert_int_eq(sched_getaffinity(0, sizeof(orig), &orig), 0);
	for (cpu = 0; !CPU_ISSET(cpu, &orig); cpu++)
		;
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	ck_assert_int_eq(sched_setaffinity(0, sizeof(one), &one), 0);
	ck_assert_uint_eq(parallel_cpus(), 1);
	ck_assert_uint_eq(parallel_jobs(1000000, 1), 1);
	ck_assert_int_eq(sched_setaffinity(0, sizeof(orig), &orig), 0);
	ck_assert_uint_eq(parallel_cpus(), affinity_cpus());
}
END_TEST

static size_t expected_jobs(size_t n, size_t per_job, size_t cpus)
{
	size_t jobs = cpus;

	if (per_job && n / per_job < jobs)
		jobs = n / per_job;
	if (jobs > PARALLEL_MAX_JOBS)
		jobs = PARALLEL_MAX_JOBS;
	return jobs ? jobs : 1;
}

/* 0: the machine's own CPUs. */
static const unsigned int cpu_counts[] = { 0, 1, 2, 3, 7, 8, 9, 64 };

START_TEST(test_jobs_bounds)
{
	static const size_t ns[] = {
		0, 1, 2, 1023, 1024, 1025, 2047, 2048, 2049, 5000, 10007,
		1000000, SIZE_MAX,
	};
	static const size_t per[] = { 0, 1, 2, 1024, 4096, SIZE_MAX };
	size_t cpus, a, b;

	parallel_fake_cpus = cpu_counts[_i];
	cpus = affinity_cpus();
	ck_assert_uint_eq(parallel_cpus(), cpus);
	if (parallel_fake_cpus)
		ck_assert_uint_eq(cpus, parallel_fake_cpus);

	for (a = 0; a < sizeof(ns) / sizeof(ns[0]); a++)
		for (b = 0; b < sizeof(per) / sizeof(per[0]); b++) {
			size_t n = ns[a], p = per[b];
			size_t jobs = parallel_jobs(n, p);

			ck_assert_msg(jobs >= 1 && jobs <= PARALLEL_MAX_JOBS,
				      "parallel_jobs(%zu, %zu) = %zu", n, p, jobs);
			ck_assert_uint_le(jobs, cpus);
			if (p)
				ck_assert_msg(jobs == 1 || jobs <= n / p,
					      "parallel_jobs(%zu, %zu) = %zu",
					      n, p, jobs);
			ck_assert_uint_eq(jobs, expected_jobs(n, p, cpus));
		}
	/* per_job 0: one job per CPU, whatever n. */
	ck_assert_uint_eq(parallel_jobs(0, 0), expected_jobs(0, 0, cpus));
	ck_assert_uint_eq(parallel_jobs(0, 0),
			  cpus < PARALLEL_MAX_JOBS ? cpus : PARALLEL_MAX_JOBS);
	ck_assert_uint_eq(parallel_jobs(1023, 1024), 1);
	ck_assert_uint_eq(parallel_jobs(SIZE_MAX, 1),
			  cpus < PARALLEL_MAX_JOBS ? cpus : PARALLEL_MAX_JOBS);
	parallel_fake_cpus = 0;
}
END_TEST

/* Every job ran in the caller, once: the path taken when no thread can
 * be started. */
static void assert_all_in_caller(size_t njobs)
{
	unsigned char *buf = run_and_count(njobs);
	pthread_t self = pthread_self();
	size_t k;

	for (k = 0; k < njobs; k++) {
		ck_assert_msg(pthread_equal(job_thread(buf, k), self),
			      "job %zu of %zu ran outside the caller", k, njobs);
		ck_assert_int_eq(job_tid(buf, k), gettid());
	}
	free(buf);
}

static void *nothing(void *arg)
{
	return arg;
}

/* Fails the test unless pthread_create fails now: a fallback test whose
 * threads start would pass without testing the fallback. */
static void assert_threads_cannot_start(void)
{
	pthread_t t;
	int rc = pthread_create(&t, NULL, nothing, NULL);

	if (rc == 0)
		pthread_join(t, NULL);
	ck_assert_msg(rc == EAGAIN, "pthread_create: expected EAGAIN, got %s",
		      strerror(rc));
}

/* RLIMIT_NPROC does not bind root (the kernel exempts uid 0, and any
 * holder of CAP_SYS_ADMIN or CAP_SYS_RESOURCE), so a root test process
 * first becomes nobody, which drops its capabilities too.  Only in
 * Check's fork mode: the runner keeps its own uid and limits.  The soft
 * limit goes back up afterwards, and the process stays dumpable, for
 * LeakSanitizer's tracer at exit. */
START_TEST(test_run_falls_back_under_rlimit_nproc)
{
	struct rlimit orig, zero;

	if (geteuid() == 0) {
		ck_assert_int_eq(setgroups(0, NULL), 0);
		ck_assert_int_eq(setresgid(65534, 65534, 65534), 0);
		ck_assert_int_eq(setresuid(65534, 65534, 65534), 0);
		ck_assert_int_eq(prctl(PR_SET_DUMPABLE, 1, 0, 0, 0), 0);
	}
	ck_assert_int_eq(getrlimit(RLIMIT_NPROC, &orig), 0);
	zero = (struct rlimit){ 0, orig.rlim_max };
	ck_assert_int_eq(setrlimit(RLIMIT_NPROC, &zero), 0);
	assert_threads_cannot_start();
	assert_all_in_caller(job_counts[_i]);
	ck_assert_int_eq(setrlimit(RLIMIT_NPROC, &orig), 0);
}
END_TEST

/* A default stack larger than the address space: every mmap for a thread
 * stack fails, whatever the user and limits. */
START_TEST(test_run_falls_back_without_thread_stacks)
{
	pthread_attr_t attr;

	ck_assert_int_eq(pthread_attr_init(&attr), 0);
	ck_assert_int_eq(pthread_attr_setstacksize(&attr, (size_t)1 << 50), 0);
	ck_assert_int_eq(pthread_setattr_default_np(&attr), 0);
	pthread_attr_destroy(&attr);
	assert_threads_cannot_start();
	assert_all_in_caller(job_counts[_i]);
}
END_TEST

static bool check_forks(void)
{
	const char *fork_mode = getenv("CK_FORK");

	return fork_mode == NULL || strcmp(fork_mode, "no") != 0;
}

Suite *parallel_suite(void)
{
	Suite *s = suite_create("parallel");
	TCase *tc = tcase_create("run");
	size_t ncounts = sizeof(job_counts) / sizeof(job_counts[0]);

	tcase_add_loop_test(tc, test_run_every_job_once_first_in_caller, 0,
			    (int)ncounts);
	tcase_add_test(tc, test_run_no_jobs_touches_nothing);
	tcase_add_test(tc, test_run_odd_struct_stride);
	suite_add_tcase(s, tc);

	tc = tcase_create("jobs");
	tcase_add_test(tc, test_cpus_is_affinity_count);
	tcase_add_loop_test(tc, test_jobs_bounds, 0,
			    (int)(sizeof(cpu_counts) / sizeof(cpu_counts[0])));
	suite_add_tcase(s, tc);

	/* These change the process for good: only in a child of their own. */
	if (check_forks()) {
		tc = tcase_create("fallback");
		tcase_add_loop_test(tc, test_run_falls_back_under_rlimit_nproc,
				    0, (int)ncounts);
		tcase_add_loop_test(tc, test_run_falls_back_without_thread_stacks,
				    0, (int)ncounts);
		suite_add_tcase(s, tc);
	}
	return s;
}
