/* The benchmark's stopwatch: runs several commands interleaved, round after
 * round, and prints one markdown table row per command with the median
 * wall time, the median CPU time, the peak RSS (from wait4's rusage) and
 * the ratios to two reference commands.
 *
 *   timer [-r ROUNDS] [-w WARMUP] [-n DESCRIPTORS] [-R REF] [-F FLOOR]
 *         [-T TSV] LABEL 'COMMAND ARGS' [LABEL 'COMMAND ARGS' ...]
 *
 * -T appends "LABEL<TAB>median wall ms<TAB>median CPU ms<TAB>peak RSS KiB"
 * lines to a file, for the script that checks the targets.
 *
 * A command is split on spaces and executed directly (no shell, so no
 * shell start-up in the numbers), with stdout and stderr on /dev/null.
 * Each round starts at a different command, so no command always runs
 * right after the same other one.  A command that exits non-zero is
 * reported in the row, not hidden. */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CMDS 16
#define MAX_ARGS 32
#define MAX_ROUNDS 1000
#define RUN_TIMEOUT_S 20	/* the alarm survives exec */

struct bench_cmd {
	const char *label;
	char *argv[MAX_ARGS + 1];
	double wall[MAX_ROUNDS];	/* milliseconds */
	double cpu[MAX_ROUNDS];		/* user + system, milliseconds */
	long maxrss;			/* KiB, the largest over all rounds */
	int bad_status;			/* the last non-zero exit status */
	int nbad;
};

static double ms_between(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) * 1e3 +
	       (double)(b->tv_nsec - a->tv_nsec) / 1e6;
}

static double tv_ms(const struct timeval *tv)
{
	return (double)tv->tv_sec * 1e3 + (double)tv->tv_usec / 1e3;
}

static void split_command(struct bench_cmd *c, char *text)
{
	char *save = NULL, *tok;
	int n = 0;

	for (tok = strtok_r(text, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save)) {
		if (n == MAX_ARGS)
			errx(2, "command '%s' has more than %d words", c->label,
			     MAX_ARGS);
		c->argv[n++] = tok;
	}
	if (n == 0)
		errx(2, "command '%s' is empty", c->label);
	c->argv[n] = NULL;
}

/* Runs one command once; records wall time, CPU time and RSS. */
static void run_once(struct bench_cmd *c, int round, int devnull)
{
	struct timespec t0, t1;
	struct rusage ru;
	int status;
	pid_t pid;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid < 0)
		err(1, "fork");
	if (pid == 0) {
		/* A command that hangs is killed and shows as status 142. */
		alarm(RUN_TIMEOUT_S);
		dup2(devnull, STDOUT_FILENO);
		dup2(devnull, STDERR_FILENO);
		execvp(c->argv[0], c->argv);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) < 0)
		err(1, "wait4");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (round < 0)
		return;
	c->wall[round] = ms_between(&t0, &t1);
	c->cpu[round] = tv_ms(&ru.ru_utime) + tv_ms(&ru.ru_stime);
	if (ru.ru_maxrss > c->maxrss)
		c->maxrss = ru.ru_maxrss;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		c->bad_status = WIFEXITED(status) ? WEXITSTATUS(status) :
				128 + WTERMSIG(status);
		c->nbad++;
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(const double *v, int n)
{
	double tmp[MAX_ROUNDS];

	memcpy(tmp, v, (size_t)n * sizeof(*v));
	qsort(tmp, (size_t)n, sizeof(*tmp), cmp_double);
	return n % 2 ? tmp[n / 2] : (tmp[n / 2 - 1] + tmp[n / 2]) / 2;
}

static const struct bench_cmd *find_label(const struct bench_cmd *cmds,
					  int n, const char *label)
{
	int i;

	for (i = 0; label && i < n; i++)
		if (strcmp(cmds[i].label, label) == 0)
			return &cmds[i];
	return NULL;
}

static void print_ratio(double v, const struct bench_cmd *ref, int rounds)
{
	if (ref == NULL)
		printf(" – |");
	else
		printf(" %.2f× |", v / median(ref->wall, rounds));
}

static void print_rows(const struct bench_cmd *cmds, int n, int rounds,
		       long ndesc, const char *ref_label,
		       const char *floor_label)
{
	const struct bench_cmd *ref = find_label(cmds, n, ref_label);
	const struct bench_cmd *flo = find_label(cmds, n, floor_label);
	int i;

	printf("| command | median wall ms | min–max ms | median CPU ms |%s"
	       " × %s | × %s | peak RSS KiB | exit |\n",
	       ndesc > 0 ? " µs per fd |" : "",
	       ref_label ? ref_label : "ref", floor_label ? floor_label : "floor");
	printf("|---|--:|--:|--:|%s--:|--:|--:|---|\n", ndesc > 0 ? "--:|" : "");
	for (i = 0; i < n; i++) {
		const struct bench_cmd *c = &cmds[i];
		double wall = median(c->wall, rounds), lo = c->wall[0], hi = lo;
		int r;

		for (r = 1; r < rounds; r++) {
			if (c->wall[r] < lo)
				lo = c->wall[r];
			if (c->wall[r] > hi)
				hi = c->wall[r];
		}
		printf("| `%s` | %.1f | %.1f–%.1f | %.1f |", c->label, wall, lo,
		       hi, median(c->cpu, rounds));
		if (ndesc > 0)
			printf(" %.2f |", wall * 1e3 / (double)ndesc);
		print_ratio(wall, ref, rounds);
		print_ratio(wall, flo, rounds);
		printf(" %ld |", c->maxrss);
		if (c->nbad)
			printf(" %d of %d runs: status %d |\n", c->nbad, rounds,
			       c->bad_status);
		else
			printf(" 0 |\n");
	}
}

static void write_tsv(const char *path, const struct bench_cmd *cmds, int n,
		      int rounds)
{
	FILE *f = fopen(path, "ae");
	int i;

	if (f == NULL)
		err(1, "%s", path);
	for (i = 0; i < n; i++)
		fprintf(f, "%s\t%.3f\t%.3f\t%ld\n", cmds[i].label,
			median(cmds[i].wall, rounds), median(cmds[i].cpu, rounds),
			cmds[i].maxrss);
	if (fclose(f) != 0)
		err(1, "%s", path);
}

static long parse_long(const char *s, long lo, long hi, const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		errx(2, "invalid %s '%s': expected %ld to %ld", what, s, lo, hi);
	return v;
}

int main(int argc, char **argv)
{
	static struct bench_cmd cmds[MAX_CMDS];
	const char *ref = NULL, *flo = NULL, *tsv = NULL;
	int rounds = 7, warmup = 1, ncmds = 0, devnull, c, r, i;
	long ndesc = 0;

	while ((c = getopt(argc, argv, "r:w:n:R:F:T:")) != -1) {
		switch (c) {
		case 'r':
			rounds = (int)parse_long(optarg, 1, MAX_ROUNDS, "rounds");
			break;
		case 'w':
			warmup = (int)parse_long(optarg, 0, 100, "warm-up runs");
			break;
		case 'n':
			ndesc = parse_long(optarg, 1, 1 << 24, "descriptor count");
			break;
		case 'R':
			ref = optarg;
			break;
		case 'F':
			flo = optarg;
			break;
		case 'T':
			tsv = optarg;
			break;
		default:
			errx(2, "usage: timer [-r ROUNDS] [-w WARMUP] [-n N] "
			     "[-R REF] [-F FLOOR] [-T TSV] LABEL COMMAND...");
		}
	}
	if (optind == argc || (argc - optind) % 2 != 0)
		errx(2, "expected pairs of LABEL and 'COMMAND ARGS'");
	for (i = optind; i < argc; i += 2) {
		if (ncmds == MAX_CMDS)
			errx(2, "at most %d commands", MAX_CMDS);
		cmds[ncmds].label = argv[i];
		split_command(&cmds[ncmds], argv[i + 1]);
		ncmds++;
	}
	devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (devnull < 0)
		err(1, "/dev/null");
	for (r = 0; r < warmup; r++)
		for (i = 0; i < ncmds; i++)
			run_once(&cmds[i], -1, devnull);
	for (r = 0; r < rounds; r++)
		for (i = 0; i < ncmds; i++)
			run_once(&cmds[(i + r) % ncmds], r, devnull);
	print_rows(cmds, ncmds, rounds, ndesc, ref, flo);
	if (tsv)
		write_tsv(tsv, cmds, ncmds, rounds);
	close(devnull);
	return 0;
}
