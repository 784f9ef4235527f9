/* Prometheus exposition: lines and escaping, and the atomic textfile. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/util.h"
#include "out/escape.h"
#include "out/prom.h"

void prom_family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

void prom_label_value(FILE *f, const char *value)
{
	char *esc = escape_str(value), *p;

	for (p = esc; *p; p++) {
		if (*p == '\\' || *p == '"')
			putc('\\', f);
		if (*p == '\n')
			fputs("\\n", f);
		else
			putc(*p, f);
	}
	free(esc);
}

static void labels_out(FILE *f, const struct prom_label *labels, size_t n)
{
	size_t i;

	if (n == 0)
		return;
	putc('{', f);
	for (i = 0; i < n; i++) {
		fprintf(f, "%s%s=\"", i ? "," : "", labels[i].name);
		prom_label_value(f, labels[i].value);
		putc('"', f);
	}
	putc('}', f);
}

void prom_sample(FILE *f, const char *name, const struct prom_label *labels,
		 size_t nlabels, bool inf, unsigned long long value)
{
	fputs(name, f);
	labels_out(f, labels, nlabels);
	if (inf)
		fputs(" +Inf\n", f);
	else
		fprintf(f, " %llu\n", value);
}

void prom_sample_ll(FILE *f, const char *name, const struct prom_label *labels,
		    size_t nlabels, long long value)
{
	fputs(name, f);
	labels_out(f, labels, nlabels);
	fprintf(f, " %lld\n", value);
}

int prom_write_atomic(const char *path, void (*fill)(FILE *f, void *ctx),
		      void *ctx)
{
	char *dcopy = xstrdup(path), *bcopy = xstrdup(path), *tmp = NULL;
	const char *dir, *base;
	FILE *f = NULL;
	int fd = -1, dfd = -1, saved = 0, ret = -1;
	size_t len = 0;

	dir = dirname(dcopy);
	base = basename(bcopy);
	/* A leading dot and no .prom suffix: the collector skips it. */
	xappendf(&tmp, &len, "%s/.%s.XXXXXX", dir, base);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		saved = errno;
		goto cleanup;
	}
	f = fdopen(fd, "w");
	if (f == NULL) {
		saved = errno;
		goto cleanup;
	}
	fd = -1;
	fill(f, ctx);
	if (fflush(f) != 0 || ferror(f) || fchmod(fileno(f), 0644) < 0 ||
	    fsync(fileno(f)) < 0) {
		saved = errno ? errno : EIO;
		goto cleanup;
	}
	if (fclose(f) != 0) {
		f = NULL;
		saved = errno;
		goto cleanup;
	}
	f = NULL;
	if (rename(tmp, path) < 0) {
		saved = errno;
		goto cleanup;
	}
	free(tmp);
	tmp = NULL;
	/* The rename itself reaches the disk with the directory. */
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	ret = 0;
cleanup:
	if (f)
		fclose(f);
	if (fd >= 0)
		close(fd);
	if (tmp) {
		unlink(tmp);
		free(tmp);
	}
	free(dcopy);
	free(bcopy);
	errno = saved;
	return ret;
}
