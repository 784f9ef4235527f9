/* The exchange's protocol names (src/teach/exchange.c): every name that
 * --proto lists parses, to its own protocol, and nothing else does. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "teach/exchange.h"
#include "testutil.h"

START_TEST(test_every_listed_proto_parses)
{
	static const struct {
		const char *name;
		enum exchange_proto proto;
	} names[] = {
		{ "tcp", EXCHANGE_TCP }, { "tcp6", EXCHANGE_TCP6 },
		{ "udp", EXCHANGE_UDP }, { "udp6", EXCHANGE_UDP6 },
		{ "unix", EXCHANGE_UNIX }, { "unix-dgram", EXCHANGE_UNIX_DGRAM },
		{ "socketpair", EXCHANGE_SOCKETPAIR },
	};
	char *list = strdup(EXCHANGE_PROTOS), *tok, *save = NULL;
	size_t i, listed = 0;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		enum exchange_proto p = (enum exchange_proto)-1;

		ck_assert_int_eq(exchange_proto_parse(names[i].name, &p), 0);
		ck_assert_int_eq(p, names[i].proto);
	}
	/* The list --help and the usage error show is the same set. */
	for (tok = strtok_r(list, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
		enum exchange_proto p;

		ck_assert_msg(exchange_proto_parse(tok, &p) == 0, "%s", tok);
		listed++;
	}
	ck_assert_uint_eq(listed, sizeof(names) / sizeof(names[0]));
	free(list);
}
END_TEST

START_TEST(test_unknown_proto)
{
	static const char *const bad[] = {
		"", "TCP", "tcp ", "sctp", "unix_dgram", "udp4", "socket",
	};
	enum exchange_proto p = EXCHANGE_UDP;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(exchange_proto_parse(bad[i], &p) == -1, "'%s'", bad[i]);
	ck_assert_int_eq(p, EXCHANGE_UDP);
}
END_TEST

Suite *teach_exchange_suite(void)
{
	Suite *s = suite_create("teach_exchange");
	TCase *tc = tcase_create("protos");

	tcase_add_test(tc, test_every_listed_proto_parses);
	tcase_add_test(tc, test_unknown_proto);
	suite_add_tcase(s, tc);
	return s;
}
