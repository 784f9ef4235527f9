/* The Prometheus text exposition format, version 0.0.4: a family's HELP
 * and TYPE lines, then its samples with escaped label values. */
#ifndef FDSCOPE_OUT_PROM_H
#define FDSCOPE_OUT_PROM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct prom_label {
	const char *name;	/* [a-zA-Z_][a-zA-Z0-9_]*, the caller's */
	const char *value;	/* any bytes: escaped here */
};

/* "# HELP name help" and "# TYPE name type" (gauge, counter, ...). */
void prom_family(FILE *f, const char *name, const char *type,
		 const char *help);

/* name{l1="v1",...} value; inf prints +Inf (an unlimited limit). */
void prom_sample(FILE *f, const char *name, const struct prom_label *labels,
		 size_t nlabels, bool inf, unsigned long long value);
void prom_sample_ll(FILE *f, const char *name, const struct prom_label *labels,
		    size_t nlabels, long long value);

/* Writes a label value as the format wants it: through the one escaper
 * (no control bytes, valid UTF-8), then \\, \" and \n. */
void prom_label_value(FILE *f, const char *value);

/* Writes text produced by fill() to path atomically: a temporary file in
 * the same directory, fsync'd, renamed over path, and the directory
 * fsync'd, so that a reader (node_exporter's textfile collector) sees the
 * old file or the new one, never a part.  Returns 0 or -1 with errno. */
int prom_write_atomic(const char *path, void (*fill)(FILE *f, void *ctx),
		      void *ctx);

#endif
