/* --summary and -C of `list`, as lsfd's: how many of the listed
 * descriptors are of each type, how many match each custom counter's
 * expression, how many processes are listed, and for each of those its
 * headroom: descriptors open against its soft RLIMIT_NOFILE. */
#ifndef FDSCOPE_QUERY_COUNTER_H
#define FDSCOPE_QUERY_COUNTER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "out/table.h"
#include "query/filter.h"

enum summary_mode { SUMMARY_NEVER, SUMMARY_APPEND, SUMMARY_ONLY };

struct summary;

struct summary *summary_new(void);
void summary_free(struct summary *s);

/* --summary[=only|append|never]; arg NULL means append.  Returns -1 with
 * a message in why for another word. */
int summary_set_mode(struct summary *s, const char *arg, char *why,
		     size_t len);
enum summary_mode summary_mode(const struct summary *s);

/* -C NAME:EXPR; the expression is parsed by summary_prepare. */
int summary_add_counter(struct summary *s, const char *spec, char *why,
			size_t len);

/* Parses the counters' expressions; -1 after printing the error. */
int summary_prepare(struct summary *s, const struct out_column *cols,
		    size_t ncols);

bool summary_uses(const struct summary *s, int col);

/* Counts one listed row of the given TYPE. */
void summary_count_row(struct summary *s, const char *type, filter_get_fn get,
		       const void *ctx);

/* Counts one listed process and reads its headroom through piddir, its
 * pin (fd_proc_repin; -1: the headroom is unknown). */
void summary_add_process(struct summary *s, int piddir, pid_t pid,
			 const char *comm);

/* Prints the counters and the headroom tables; 0 or -1 with errno. */
int summary_print(const struct summary *s, const struct out_opts *o);

#endif
