/* cmd/connect: a greeting read, the message sent, the reply printed,
 * against a server of the test on 127.0.0.1; and the exit statuses. */
#include <check.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cliexit.h"

/* A server in a child of the test: greets, reads the message to end of
 * stream, answers with it.  Bounded by alarm. */
static pid_t serve_once(unsigned short *port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	int lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	pid_t pid;

	ck_assert_int_ge(lfd, 0);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(lfd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	ck_assert_int_eq(listen(lfd, 1), 0);
	ck_assert_int_eq(getsockname(lfd, (struct sockaddr *)&sin, &len), 0);
	*port = ntohs(sin.sin_port);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char buf[256], reply[300];
		size_t got = 0;
		ssize_t n;
		int c;

		alarm(10);
		c = accept(lfd, NULL, NULL);
		if (c < 0)
			_exit(1);
		(void)!write(c, "greetings from the test\n", 24);
		while (got < sizeof(buf) - 1 &&
		       (n = read(c, buf + got, sizeof(buf) - 1 - got)) > 0)
			got += (size_t)n;
		buf[got] = '\0';
		n = snprintf(reply, sizeof(reply), "echo:%s\n", buf);
		(void)!write(c, reply, (size_t)n);
		close(c);
		_exit(0);
	}
	close(lfd);
	return pid;
}

START_TEST(test_connect_greeting_message_reply)
{
	struct run_result r;
	unsigned short port;
	char ports[8];
	int status;
	pid_t pid = serve_once(&port);

	snprintf(ports, sizeof(ports), "%u", port);
	run_fdscope(&r, "connect", "127.0.0.1", ports, "--message", "ping",
		    "--timeout", "5", NULL);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	ck_assert_msg(strstr(r.out, "greetings from the test") != NULL, "%s", r.out);
	ck_assert_msg(strstr(r.out, "echo:ping") != NULL, "%s", r.out);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	run_result_release(&r);
}
END_TEST

static const char *const exit_cases[][6] = {
	{ "connect", "--help" },
	{ "connect" },
	{ "connect", "127.0.0.1" },
	{ "connect", "127.0.0.1", "70000" },
	{ "connect", "127.0.0.1", "1", "--proto", "sctp" },
};
static const int exit_status[] = { 0, 2, 2, 2, 2 };

START_TEST(test_connect_exit_status)
{
	cli_exit_with(exit_cases[_i]);
}
END_TEST

Suite *connect_suite(void)
{
	Suite *s = suite_create("connect");
	TCase *tc = tcase_create("connect");
	size_t i;

	tcase_add_test(tc, test_connect_greeting_message_reply);
	for (i = 0; i < sizeof(exit_status) / sizeof(exit_status[0]); i++)
		tcase_add_loop_exit_test(tc, test_connect_exit_status,
					 exit_status[i], (int)i, (int)i + 1);
	suite_add_tcase(s, tc);
	return s;
}
