/* The bytecode of an inet_diag dump filter on ports.  The kernel audits a
 * program before running it (inet_diag_bc_audit): every operation is
 * reached by following the "yes" offsets from the start, and a "no" offset
 * lands on one of those operations, on the end (accept) or 4 bytes past it
 * (reject).  The program here is a list of terms, each a conjunction of
 * comparisons, joined by jumps: a comparison that fails goes on to the
 * next term (past the end for the last: reject); a term that holds jumps
 * to the end (accept).  A cgroup comparison's operand is the 8-byte ID
 * after the operation. */
#include <linux/inet_diag.h>
#include <string.h>

#include "net/inetdiag_filter.h"

struct cond {
	unsigned char code;	/* INET_DIAG_BC_S_GE, ... */
	unsigned int port;
};

static void put_op(struct inetdiag_filter *f, unsigned char code,
		   unsigned char yes, unsigned int no)
{
	struct inet_diag_bc_op op = { code, yes, (unsigned short)no };

	memcpy(f->code + f->len, &op, sizeof(op));
	f->len += sizeof(op);
}

int inetdiag_filter_ports(struct inetdiag_filter *f,
			  const unsigned int (*ranges)[2], size_t n)
{
	struct cond terms[INETDIAG_FILTER_MAX_RANGES * 2][2];
	size_t nconds[INETDIAG_FILTER_MAX_RANGES * 2];
	size_t nterms = 0, total = 0, t, c;

	f->len = 0;
	if (n == 0 || n > INETDIAG_FILTER_MAX_RANGES)
		return -1;
	for (t = 0; t < n; t++) {
		unsigned int lo = ranges[t][0], hi = ranges[t][1];
		int side;

		if (lo > hi || hi > 65535)
			return -1;
		for (side = 0; side < 2; side++) {
			/* >= 0 always holds: a range from 0 needs one test. */
			size_t k = 0;

			if (lo > 0)
				terms[nterms][k++] = (struct cond){
					side ? INET_DIAG_BC_D_GE : INET_DIAG_BC_S_GE, lo };
			terms[nterms][k++] = (struct cond){
				side ? INET_DIAG_BC_D_LE : INET_DIAG_BC_S_LE, hi };
			nconds[nterms++] = k;
			total += 8 * k;
		}
	}
	total += 4 * (nterms - 1);
	for (t = 0; t < nterms; t++) {
		bool last = t + 1 == nterms;
		size_t next = f->len + 8 * nconds[t] + (last ? 0 : 4);

		for (c = 0; c < nconds[t]; c++) {
			/* A comparison's operand is a second operation whose
			 * "no" holds the port, in host order. */
			put_op(f, terms[t][c].code, 8,
			       last ? total - f->len + 4 : next - f->len);
			put_op(f, 0, 0, terms[t][c].port);
		}
		if (!last)
			put_op(f, INET_DIAG_BC_JMP, 4, total - f->len);
	}
	return 0;
}

int inetdiag_filter_cgroups(struct inetdiag_filter *f,
			    const unsigned long long *ids, size_t n)
{
	const size_t cond = sizeof(struct inet_diag_bc_op) + sizeof(ids[0]);
	size_t total, i;

	f->len = 0;
	if (n == 0 || n > INETDIAG_FILTER_MAX_CGROUPS)
		return -1;
	total = n * cond + (n - 1) * 4;
	for (i = 0; i < n; i++) {
		bool last = i + 1 == n;

		/* Not this one: the next term (past the end for the last,
		 * which rejects). */
		put_op(f, INET_DIAG_BC_CGROUP_COND, (unsigned char)cond,
		       last ? total - f->len + 4 : cond + 4);
		memcpy(f->code + f->len, &ids[i], sizeof(ids[i]));
		f->len += sizeof(ids[i]);
		if (!last)
			put_op(f, INET_DIAG_BC_JMP, 4, total - f->len);
	}
	return 0;
}

/* The operand of the operation at pos: a second operation (ports) or an
 * ID (cgroup), zero when the program ends first. */
static void operand(const struct inetdiag_filter *f, size_t pos,
		    struct inet_diag_bc_op *arg, unsigned long long *id)
{
	pos += sizeof(*arg);
	memset(arg, 0, sizeof(*arg));
	*id = 0;
	if (pos + sizeof(*id) <= f->len)
		memcpy(id, f->code + pos, sizeof(*id));
	if (pos + sizeof(*arg) <= f->len)
		memcpy(arg, f->code + pos, sizeof(*arg));
}

bool inetdiag_filter_accepts(const struct inetdiag_filter *f,
			     const struct inetdiag_filter_sock *sk)
{
	long len = (long)f->len;
	size_t pos = 0;

	if (f->len == 0)
		return true;
	while (len > 0) {
		struct inet_diag_bc_op op, arg;
		unsigned long long id;
		bool yes = true;

		memcpy(&op, f->code + pos, sizeof(op));
		operand(f, pos, &arg, &id);
		switch (op.code) {
		case INET_DIAG_BC_JMP:
			yes = false;
			break;
		case INET_DIAG_BC_S_GE:
			yes = sk->sport >= arg.no;
			break;
		case INET_DIAG_BC_S_LE:
			yes = sk->sport <= arg.no;
			break;
		case INET_DIAG_BC_D_GE:
			yes = sk->dport >= arg.no;
			break;
		case INET_DIAG_BC_D_LE:
			yes = sk->dport <= arg.no;
			break;
		case INET_DIAG_BC_CGROUP_COND:
			yes = sk->cgroup == id;
			break;
		default:
			break;
		}
		if (yes) {
			len -= op.yes;
			pos += op.yes;
		} else {
			len -= op.no;
			pos += op.no;
		}
	}
	return len == 0;
}
