/* What each per-descriptor system call costs on /proc/PID/fd, alone: the
 * lower bound of any tool that makes it.  Times every descriptor of PID
 * with one kind of call at a time, relative to a descriptor on
 * /proc/PID/fd (or fdinfo) as fdscope does, and prints a markdown table.
 *
 *   syscost [-r ROUNDS] PID
 *
 * The median of ROUNDS passes (default 5) is printed for each call. */
#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_FDS (1 << 20)
#define MAX_ROUNDS 101

struct target {
	int fd_dir, info_dir;
	int *fds;
	size_t n;
};

enum call {
	CALL_READLINK, CALL_LSTAT, CALL_STAT, CALL_FDINFO_OPEN_CLOSE,
	CALL_FDINFO_READ, NCALLS
};

static const char *const call_names[NCALLS] = {
	[CALL_READLINK] = "readlinkat(fd/N)",
	[CALL_LSTAT] = "fstatat(fd/N, AT_SYMLINK_NOFOLLOW) (what ls -l does)",
	[CALL_STAT] = "fstatat(fd/N) (follows to the file)",
	[CALL_FDINFO_OPEN_CLOSE] = "openat(fdinfo/N) + close",
	[CALL_FDINFO_READ] = "openat(fdinfo/N) + one read + close",
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void load_fds(struct target *t)
{
	DIR *d = fdopendir(dup(t->fd_dir));
	struct dirent *de;

	if (d == NULL)
		err(1, "fdopendir");
	t->fds = malloc(MAX_FDS * sizeof(*t->fds));
	if (t->fds == NULL)
		err(1, "malloc");
	while ((de = readdir(d)) != NULL && t->n < MAX_FDS)
		if (de->d_name[0] != '.')
			t->fds[t->n++] = atoi(de->d_name);
	closedir(d);
}

/* One pass of one call over every descriptor; returns milliseconds. */
static double pass(const struct target *t, enum call c)
{
	char name[16], buf[4096];
	struct stat st;
	double t0 = now_ms();
	size_t i;

	for (i = 0; i < t->n; i++) {
		int f;

		snprintf(name, sizeof(name), "%d", t->fds[i]);
		switch (c) {
		case CALL_READLINK:
			(void)readlinkat(t->fd_dir, name, buf, sizeof(buf));
			break;
		case CALL_LSTAT:
			(void)fstatat(t->fd_dir, name, &st, AT_SYMLINK_NOFOLLOW);
			break;
		case CALL_STAT:
			(void)fstatat(t->fd_dir, name, &st, 0);
			break;
		case CALL_FDINFO_OPEN_CLOSE:
		case CALL_FDINFO_READ:
			f = openat(t->info_dir, name, O_RDONLY | O_CLOEXEC);
			if (f < 0)
				break;
			if (c == CALL_FDINFO_READ)
				(void)read(f, buf, sizeof(buf));
			close(f);
			break;
		default:
			break;
		}
	}
	return now_ms() - t0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	struct target t = { .fd_dir = -1, .info_dir = -1 };
	double ms[NCALLS][MAX_ROUNDS];
	char path[64];
	int rounds = 5, c, r;

	while ((c = getopt(argc, argv, "r:")) != -1) {
		if (c != 'r')
			errx(2, "usage: syscost [-r ROUNDS] PID");
		rounds = atoi(optarg);
		if (rounds < 1 || rounds > MAX_ROUNDS)
			errx(2, "invalid rounds '%s': 1 to %d", optarg, MAX_ROUNDS);
	}
	if (optind + 1 != argc)
		errx(2, "usage: syscost [-r ROUNDS] PID");
	snprintf(path, sizeof(path), "/proc/%s/fd", argv[optind]);
	t.fd_dir = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	snprintf(path, sizeof(path), "/proc/%s/fdinfo", argv[optind]);
	t.info_dir = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (t.fd_dir < 0 || t.info_dir < 0)
		err(1, "/proc/%s", argv[optind]);
	load_fds(&t);
	/* Interleaved like the benchmark: no call always runs cold. */
	for (r = 0; r < rounds; r++)
		for (c = 0; c < NCALLS; c++)
			ms[c][r] = pass(&t, (enum call)c);
	printf("| call, for each of %zu descriptors, one thread | median ms | µs per descriptor |\n",
	       t.n);
	printf("|---|--:|--:|\n");
	for (c = 0; c < NCALLS; c++) {
		double med;

		qsort(ms[c], (size_t)rounds, sizeof(double), cmp_double);
		med = ms[c][rounds / 2];
		printf("| %s | %.1f | %.2f |\n", call_names[c], med,
		       med * 1e3 / (double)(t.n ? t.n : 1));
	}
	free(t.fds);
	close(t.fd_dir);
	close(t.info_dir);
	return 0;
}
