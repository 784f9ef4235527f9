/* Parsing and evaluating -Q expressions.  A recursive-descent parser over
 * a small tokenizer builds a tree; types are checked while parsing (a
 * number column is compared with numbers, a regular expression is compiled
 * once), so evaluation cannot fail.  Evaluation is three-valued: a column
 * not collected yet makes a comparison unknown, and "and"/"or" decide
 * without it when the other side does (that is what lets collection skip a
 * process or a descriptor that cannot match). */
#include <ctype.h>
#include <errno.h>
#include <regex.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/util.h"
#include "out/escape.h"
#include "query/filter.h"

enum vtype { V_STR, V_NUM, V_BOOL };

/* A whole number of either sign: the columns hold 64-bit unsigned values
 * (inodes, offsets), the literals may be negative. */
struct num {
	bool neg;
	unsigned long long mag;
};

enum okind { O_COL, O_LIT };

struct operand {
	enum okind kind;
	enum vtype type;
	int col;
	size_t pos;
	char *str;		/* O_LIT V_STR */
	struct num num;		/* O_LIT V_NUM */
	bool b;			/* O_LIT V_BOOL */
};

enum op { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_RE, OP_NRE };

enum nkind { N_AND, N_OR, N_NOT, N_CMP, N_TEST };

struct node {
	enum nkind kind;
	struct node *l, *r;	/* N_AND, N_OR; l for N_NOT */
	enum op op;		/* N_CMP */
	struct operand a, b;	/* N_CMP: a op b; N_TEST: a */
	regex_t re;
	bool have_re;
};

struct filter {
	struct node *root;
	unsigned long long used[(OUT_MAX_COLUMNS + 63) / 64];
};

enum tkind {
	T_END, T_LPAREN, T_RPAREN, T_AND, T_OR, T_NOT, T_OP, T_IDENT, T_STR,
	T_NUM, T_TRUE, T_FALSE, T_BAD
};

struct parser {
	const char *s;
	size_t pos;		/* of the current token */
	size_t next;		/* just after it */
	enum tkind kind;
	enum op op;
	char *text;		/* T_IDENT and T_STR, owned */
	struct num num;
	const struct out_column *cols;
	size_t ncols;
	struct filter *f;
	struct filter_error *err;
	bool failed;
	int depth;		/* of parentheses and nots */
};

/* Deeper nesting is no use to anyone and would only grow the stack. */
#define MAX_DEPTH 100

static void fail(struct parser *ps, size_t pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail(struct parser *ps, size_t pos, const char *fmt, ...)
{
	va_list ap;

	if (ps->failed)
		return;
	ps->failed = true;
	ps->err->pos = pos;
	va_start(ap, fmt);
	vsnprintf(ps->err->msg, sizeof(ps->err->msg), fmt, ap);
	va_end(ap);
}

static bool is_ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '.';
}

static bool parse_num(const char *s, size_t n, struct num *out)
{
	size_t i = 0;

	out->neg = false;
	out->mag = 0;
	if (n && (s[0] == '-' || s[0] == '+')) {
		out->neg = s[0] == '-';
		i++;
	}
	if (i == n)
		return false;
	for (; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		unsigned long long d = (unsigned long long)(s[i] - '0');

		if (out->mag > (~0ULL - d) / 10)
			return false;
		out->mag = out->mag * 10 + d;
	}
	if (out->mag == 0)
		out->neg = false;
	return true;
}

static void lex_string(struct parser *ps, size_t i)
{
	char quote = ps->s[i++];
	size_t len = 0;
	char *t = xmalloc(strlen(ps->s + i) + 1);

	while (ps->s[i] != quote) {
		if (ps->s[i] == '\0') {
			free(t);
			ps->kind = T_BAD;
			fail(ps, ps->pos, "unterminated string");
			return;
		}
		if (ps->s[i] == '\\' && ps->s[i + 1] != '\0')
			i++;
		t[len++] = ps->s[i++];
	}
	t[len] = '\0';
	ps->text = t;
	ps->kind = T_STR;
	ps->next = i + 1;
}

static const struct {
	const char *text;
	enum tkind kind;
	enum op op;
} symbols[] = {
	{ "&&", T_AND, 0 }, { "||", T_OR, 0 }, { "==", T_OP, OP_EQ },
	{ "!=", T_OP, OP_NE }, { "<=", T_OP, OP_LE }, { ">=", T_OP, OP_GE },
	{ "=~", T_OP, OP_RE }, { "!~", T_OP, OP_NRE }, { "<", T_OP, OP_LT },
	{ ">", T_OP, OP_GT }, { "!", T_NOT, 0 }, { "(", T_LPAREN, 0 },
	{ ")", T_RPAREN, 0 },
};

static const struct {
	const char *word;
	enum tkind kind;
	enum op op;
} words[] = {
	{ "and", T_AND, 0 }, { "or", T_OR, 0 }, { "not", T_NOT, 0 },
	{ "true", T_TRUE, 0 }, { "false", T_FALSE, 0 },
	{ "eq", T_OP, OP_EQ }, { "ne", T_OP, OP_NE }, { "lt", T_OP, OP_LT },
	{ "le", T_OP, OP_LE }, { "gt", T_OP, OP_GT }, { "ge", T_OP, OP_GE },
};

static void lex(struct parser *ps)
{
	size_t i = ps->next, k, n;

	free(ps->text);
	ps->text = NULL;
	while (ps->s[i] == ' ' || ps->s[i] == '\t' || ps->s[i] == '\n')
		i++;
	ps->pos = i;
	if (ps->s[i] == '\0') {
		ps->kind = T_END;
		ps->next = i;
		return;
	}
	for (k = 0; k < ARRAY_SIZE(symbols); k++) {
		n = strlen(symbols[k].text);
		if (strncmp(ps->s + i, symbols[k].text, n) == 0) {
			ps->kind = symbols[k].kind;
			ps->op = symbols[k].op;
			ps->next = i + n;
			return;
		}
	}
	if (ps->s[i] == '"' || ps->s[i] == '\'') {
		lex_string(ps, i);
		return;
	}
	if (ps->s[i] == '-' || ps->s[i] == '+' || isdigit((unsigned char)ps->s[i])) {
		for (n = i + 1; isalnum((unsigned char)ps->s[n]); n++)
			;
		ps->next = n;
		if (!parse_num(ps->s + i, n - i, &ps->num)) {
			ps->kind = T_BAD;
			fail(ps, i, "invalid number: a whole decimal number "
			     "within 64 bits is expected");
			return;
		}
		ps->kind = T_NUM;
		return;
	}
	if (is_ident_char(ps->s[i])) {
		for (n = i; is_ident_char(ps->s[n]); n++)
			;
		ps->next = n;
		for (k = 0; k < ARRAY_SIZE(words); k++)
			if (strlen(words[k].word) == n - i &&
			    strncmp(ps->s + i, words[k].word, n - i) == 0) {
				ps->kind = words[k].kind;
				ps->op = words[k].op;
				return;
			}
		ps->text = xmalloc(n - i + 1);
		memcpy(ps->text, ps->s + i, n - i);
		ps->text[n - i] = '\0';
		ps->kind = T_IDENT;
		return;
	}
	ps->kind = T_BAD;
	ps->next = i + 1;
	if (ps->s[i] == '=')
		fail(ps, i, "'=' is not an operator: use '=='");
	else if (ps->s[i] == '&' || ps->s[i] == '|')
		fail(ps, i, "'%c' alone is not an operator: use '%c%c'", ps->s[i],
		     ps->s[i], ps->s[i]);
	else
		fail(ps, i, "unexpected character");
}

static void node_free(struct node *n)
{
	if (n == NULL)
		return;
	node_free(n->l);
	node_free(n->r);
	free(n->a.str);
	free(n->b.str);
	if (n->have_re)
		regfree(&n->re);
	free(n);
}

static struct node *new_node(enum nkind kind)
{
	struct node *n = xcalloc(1, sizeof(*n));

	n->kind = kind;
	return n;
}

static enum vtype column_type(const struct out_column *c)
{
	switch (c->json) {
	case OUT_JSON_NUMBER:
		return V_NUM;
	case OUT_JSON_BOOLEAN:
		return V_BOOL;
	default:
		return V_STR;
	}
}

static const char *type_word(enum vtype t)
{
	return t == V_NUM ? "number" : t == V_BOOL ? "boolean" : "string";
}

/* An operand at the current token; false (after fail) when it is none. */
static bool take_operand(struct parser *ps, struct operand *o)
{
	size_t i;

	memset(o, 0, sizeof(*o));
	o->pos = ps->pos;
	o->col = -1;
	switch (ps->kind) {
	case T_IDENT:
		for (i = 0; i < ps->ncols; i++)
			if (strcasecmp(ps->cols[i].name, ps->text) == 0)
				break;
		if (i == ps->ncols) {
			char *esc = query_echo(ps->text, strlen(ps->text));

			fail(ps, ps->pos, "unknown column '%s' (see "
			     "--list-columns); strings need quotes", esc);
			free(esc);
			return false;
		}
		o->kind = O_COL;
		o->col = (int)i;
		o->type = column_type(&ps->cols[i]);
		ps->f->used[i / 64] |= 1ULL << (i % 64);
		break;
	case T_STR:
		o->kind = O_LIT;
		o->type = V_STR;
		o->str = ps->text;
		ps->text = NULL;
		break;
	case T_NUM:
		o->kind = O_LIT;
		o->type = V_NUM;
		o->num = ps->num;
		break;
	case T_TRUE:
	case T_FALSE:
		o->kind = O_LIT;
		o->type = V_BOOL;
		o->b = ps->kind == T_TRUE;
		break;
	case T_END:
		fail(ps, ps->pos, "expression ends where a column or value "
		     "was expected");
		return false;
	default:
		fail(ps, ps->pos, "a column or value was expected");
		return false;
	}
	lex(ps);
	return !ps->failed;
}

static bool check_cmp(struct parser *ps, struct node *n)
{
	struct operand *a = &n->a, *b = &n->b;

	if (n->op == OP_RE || n->op == OP_NRE) {
		if (a->type != V_STR) {
			fail(ps, a->pos, "=~ and !~ match strings; this is a %s",
			     type_word(a->type));
			return false;
		}
		if (b->kind != O_LIT || b->type != V_STR) {
			fail(ps, b->pos, "a quoted regular expression was expected");
			return false;
		}
		{
			char msg[96];

			if (filter_regex_compile(&n->re, b->str, msg, sizeof(msg)) < 0) {
				fail(ps, b->pos, "invalid regular expression: %s", msg);
				return false;
			}
		}
		n->have_re = true;
		return true;
	}
	if (a->type != b->type) {
		fail(ps, b->pos, "cannot compare a %s with a %s",
		     type_word(a->type), type_word(b->type));
		return false;
	}
	if (a->type == V_BOOL && n->op != OP_EQ && n->op != OP_NE) {
		fail(ps, b->pos, "booleans are compared with == and != only");
		return false;
	}
	return true;
}

/* A quantifier right after another ("a++", "a*{2}") is undefined in POSIX
 * extended expressions, and glibc's regcomp takes memory exponential in
 * their number: such a pattern is refused before it is compiled. */
static bool stacked_quantifiers(const char *p)
{
	bool after_quant = false;

	for (; *p; p++) {
		bool quant = *p == '*' || *p == '+' || *p == '?' || *p == '{';

		if (*p == '\\' && p[1] != '\0') {
			p++;
			after_quant = false;
			continue;
		}
		if (*p == '[') {
			p++;
			if (*p == '^')
				p++;
			if (*p == ']')
				p++;
			while (*p && *p != ']')
				p++;
			if (*p == '\0')
				return false;
			after_quant = false;
			continue;
		}
		if (quant && after_quant)
			return true;
		if (*p == '{') {
			while (*p && *p != '}')
				p++;
			if (*p == '\0')
				return false;
		}
		after_quant = quant;
	}
	return false;
}

int filter_regex_compile(regex_t *re, const char *pattern, char *msg,
			 size_t len)
{
	int rc;

	if (strlen(pattern) > FILTER_REGEX_MAX) {
		snprintf(msg, len, "longer than %d bytes", FILTER_REGEX_MAX);
		return -1;
	}
	if (stacked_quantifiers(pattern)) {
		snprintf(msg, len, "a repetition follows a repetition");
		return -1;
	}
	rc = regcomp(re, pattern, REG_EXTENDED | REG_NOSUB);
	if (rc != 0) {
		regerror(rc, re, msg, len);
		return -1;
	}
	return 0;
}

static struct node *parse_or(struct parser *ps);

static struct node *parse_primary(struct parser *ps)
{
	struct node *n;

	if (ps->kind == T_LPAREN) {
		size_t open = ps->pos;

		lex(ps);
		n = parse_or(ps);
		if (n == NULL)
			return NULL;
		if (ps->kind != T_RPAREN) {
			fail(ps, ps->pos, "')' was expected (to close the '(' at "
			     "column %zu)", open + 1);
			node_free(n);
			return NULL;
		}
		lex(ps);
		return n;
	}
	n = new_node(N_TEST);
	if (!take_operand(ps, &n->a)) {
		node_free(n);
		return NULL;
	}
	if (ps->kind != T_OP) {
		if (n->a.type != V_BOOL) {
			fail(ps, n->a.pos, "a %s is not a condition: compare it "
			     "(==, !=, <, <=, >, >=, =~, !~)", type_word(n->a.type));
			node_free(n);
			return NULL;
		}
		return n;
	}
	n->kind = N_CMP;
	n->op = ps->op;
	lex(ps);
	if (!take_operand(ps, &n->b) || !check_cmp(ps, n)) {
		node_free(n);
		return NULL;
	}
	return n;
}

static struct node *parse_not(struct parser *ps)
{
	struct node *n, *inner;

	if (ps->kind != T_NOT && ps->kind != T_LPAREN)
		return parse_primary(ps);
	if (++ps->depth > MAX_DEPTH) {
		fail(ps, ps->pos, "nested more than %d deep", MAX_DEPTH);
		return NULL;
	}
	if (ps->kind == T_LPAREN) {
		inner = parse_primary(ps);
		ps->depth--;
		return inner;
	}
	lex(ps);
	inner = parse_not(ps);
	ps->depth--;
	if (inner == NULL)
		return NULL;
	n = new_node(N_NOT);
	n->l = inner;
	return n;
}

static struct node *parse_binary(struct parser *ps, enum tkind tk,
				 enum nkind nk,
				 struct node *(*sub)(struct parser *))
{
	struct node *l = sub(ps), *n, *r;

	if (l == NULL)
		return NULL;
	while (ps->kind == tk) {
		lex(ps);
		r = sub(ps);
		if (r == NULL) {
			node_free(l);
			return NULL;
		}
		n = new_node(nk);
		n->l = l;
		n->r = r;
		l = n;
	}
	return l;
}

static struct node *parse_and(struct parser *ps)
{
	return parse_binary(ps, T_AND, N_AND, parse_not);
}

static struct node *parse_or(struct parser *ps)
{
	return parse_binary(ps, T_OR, N_OR, parse_and);
}

struct filter *filter_parse(const char *expr, const struct out_column *cols,
			    size_t ncols, struct filter_error *err)
{
	struct parser ps = { .s = expr, .cols = cols, .err = err };
	struct filter *f = xcalloc(1, sizeof(*f));

	ps.ncols = ncols < OUT_MAX_COLUMNS ? ncols : OUT_MAX_COLUMNS;
	ps.f = f;
	memset(err, 0, sizeof(*err));
	lex(&ps);
	if (ps.kind == T_END && !ps.failed)
		fail(&ps, ps.pos, "empty expression");
	if (!ps.failed)
		f->root = parse_or(&ps);
	if (f->root && ps.kind != T_END)
		fail(&ps, ps.pos, ps.kind == T_RPAREN ? "')' without '('" :
		     "'and', 'or' or the end was expected");
	free(ps.text);
	if (ps.failed) {
		filter_free(f);
		return NULL;
	}
	return f;
}

void filter_free(struct filter *f)
{
	if (f == NULL)
		return;
	node_free(f->root);
	free(f);
}

bool filter_uses(const struct filter *f, int col)
{
	return f && col >= 0 && col < OUT_MAX_COLUMNS &&
		(f->used[col / 64] >> (col % 64) & 1);
}

char *query_echo(const char *s, size_t n)
{
	char *esc = escape_bytes(s, n < QUERY_ECHO_MAX ? n : QUERY_ECHO_MAX);

	if (n > QUERY_ECHO_MAX) {
		size_t len = strlen(esc);

		esc = xrealloc(esc, len + 4);
		memcpy(esc + len, "...", 4);
	}
	return esc;
}

void filter_print_error(FILE *fp, const char *prefix, const char *expr,
			const struct filter_error *err)
{
	size_t len = strlen(expr), at = err->pos < len ? err->pos : len;
	char *before = escape_bytes(expr, at), *all = escape_str(expr);
	size_t col = strlen(before);

	fprintf(fp, "fdscope: %s: %s at column %zu\n  %s\n  %*s^\n", prefix,
		err->msg, col + 1, all, (int)col, "");
	free(before);
	free(all);
}

/* A value during evaluation. */
struct value {
	bool known, null;
	const char *s;
	struct num n;
	bool b;
};

static int num_cmp(struct num a, struct num b)
{
	if (a.neg != b.neg)
		return a.neg ? -1 : 1;
	if (a.mag == b.mag)
		return 0;
	return (a.mag < b.mag) == a.neg ? 1 : -1;
}

static void get_value(const struct operand *o, filter_get_fn get,
		      const void *ctx, char *buf, size_t len, struct value *v)
{
	const char *text = NULL;

	memset(v, 0, sizeof(*v));
	v->known = true;
	if (o->kind == O_LIT) {
		v->s = o->str;
		v->n = o->num;
		v->b = o->b;
		return;
	}
	if (get(ctx, o->col, buf, len, &text) < 0) {
		v->known = false;
		return;
	}
	switch (o->type) {
	case V_STR:
		v->s = text ? text : "";
		break;
	case V_NUM:
		v->null = text == NULL || !parse_num(text, strlen(text), &v->n);
		break;
	case V_BOOL:
		v->b = text && strcmp(text, "yes") == 0;
		break;
	}
}

#define CELL 16448

static enum filter_result eval_cmp(const struct node *n, filter_get_fn get,
				   const void *ctx)
{
	char abuf[CELL], bbuf[CELL];
	struct value a, b;
	int c;

	get_value(&n->a, get, ctx, abuf, sizeof(abuf), &a);
	get_value(&n->b, get, ctx, bbuf, sizeof(bbuf), &b);
	if (!a.known || !b.known)
		return FILTER_UNKNOWN;
	if (n->op == OP_RE || n->op == OP_NRE)
		return (regexec(&n->re, a.s, 0, NULL, 0) == 0) == (n->op == OP_RE) ?
			FILTER_TRUE : FILTER_FALSE;
	/* A number that is not there equals nothing and differs from all. */
	if (a.null || b.null)
		return n->op == OP_NE ? FILTER_TRUE : FILTER_FALSE;
	switch (n->a.type) {
	case V_NUM:
		c = num_cmp(a.n, b.n);
		break;
	case V_BOOL:
		c = a.b != b.b;
		break;
	default:
		c = a.s && b.s ? strcmp(a.s, b.s) : (a.s != NULL) - (b.s != NULL);
		break;
	}
	switch (n->op) {
	case OP_EQ:
		return c == 0 ? FILTER_TRUE : FILTER_FALSE;
	case OP_NE:
		return c != 0 ? FILTER_TRUE : FILTER_FALSE;
	case OP_LT:
		return c < 0 ? FILTER_TRUE : FILTER_FALSE;
	case OP_LE:
		return c <= 0 ? FILTER_TRUE : FILTER_FALSE;
	case OP_GT:
		return c > 0 ? FILTER_TRUE : FILTER_FALSE;
	default:
		return c >= 0 ? FILTER_TRUE : FILTER_FALSE;
	}
}

static enum filter_result eval(const struct node *n, filter_get_fn get,
			       const void *ctx)
{
	enum filter_result l, r;
	struct value v;
	char buf[64];

	switch (n->kind) {
	case N_AND:
		l = eval(n->l, get, ctx);
		if (l == FILTER_FALSE)
			return l;
		r = eval(n->r, get, ctx);
		return r == FILTER_FALSE ? r : l == FILTER_TRUE ? r : FILTER_UNKNOWN;
	case N_OR:
		l = eval(n->l, get, ctx);
		if (l == FILTER_TRUE)
			return l;
		r = eval(n->r, get, ctx);
		return r == FILTER_TRUE ? r : l == FILTER_FALSE ? r : FILTER_UNKNOWN;
	case N_NOT:
		l = eval(n->l, get, ctx);
		return l == FILTER_UNKNOWN ? l :
			l == FILTER_TRUE ? FILTER_FALSE : FILTER_TRUE;
	case N_TEST:
		get_value(&n->a, get, ctx, buf, sizeof(buf), &v);
		if (!v.known)
			return FILTER_UNKNOWN;
		return v.b ? FILTER_TRUE : FILTER_FALSE;
	default:
		return eval_cmp(n, get, ctx);
	}
}

enum filter_result filter_eval(const struct filter *f, filter_get_fn get,
			       const void *ctx)
{
	return eval(f->root, get, ctx);
}
