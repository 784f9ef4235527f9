/* cmd/exchange: the narrated client/server exchange over TCP: the bytes
 * each side sent are the bytes the other received; and the exit
 * statuses. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "cliexit.h"

/* A step of one side: the n-th of its syscall. */
static const struct json *side_step(const struct json *doc, const char *side,
				    const char *name, size_t n)
{
	const struct json *s;
	size_t i;

	for (i = 0; (s = demo_step(doc, name, i, NULL)) != NULL; i++)
		if (strcmp(json_str(s, "side"), side) == 0 && n-- == 0)
			return s;
	return NULL;
}

START_TEST(test_cmd_exchange_bytes_cross)
{
	static const char *const args[] = { "exchange", "-J", "-m", "hello",
					    NULL };
	struct json *doc = demo_json(args);
	const struct json *greet = side_step(doc, "server", "send", 0);
	const struct json *got = side_step(doc, "client", "recv", 0);
	const struct json *msg = side_step(doc, "client", "send", 0);
	const struct json *heard = side_step(doc, "server", "recv", 0);

	ck_assert(greet && got && msg && heard);
	ck_assert_int_gt(json_int(greet, "ret"), 0);
	ck_assert_int_eq(json_int(got, "ret"), json_int(greet, "ret"));
	ck_assert_int_eq(json_int(msg, "ret"), 5);
	ck_assert_int_eq(json_int(heard, "ret"), 5);
	ck_assert_int_ge(json_int(side_step(doc, "server", "accept", 0), "ret"), 3);
	json_free(doc);
}
END_TEST

static const char *const exit_cases[][6] = {
	{ "exchange", "--help" },
	{ "exchange", "--proto", "sctp" },
	{ "exchange", "--port", "65536" },
	{ "exchange", "extra" },
};
static const int exit_status[] = { 0, 2, 2, 2 };

START_TEST(test_cmd_exchange_exit_status)
{
	cli_exit_with(exit_cases[_i]);
}
END_TEST

Suite *cmd_exchange_suite(void)
{
	Suite *s = suite_create("cmd_exchange");
	TCase *tc = tcase_create("cmd_exchange");
	size_t i;

	tcase_add_test(tc, test_cmd_exchange_bytes_cross);
	for (i = 0; i < sizeof(exit_status) / sizeof(exit_status[0]); i++)
		tcase_add_loop_exit_test(tc, test_cmd_exchange_exit_status,
					 exit_status[i], (int)i, (int)i + 1);
	suite_add_tcase(s, tc);
	return s;
}
