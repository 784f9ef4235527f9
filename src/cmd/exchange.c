/* `fdscope exchange`: the article's client and server, each in its own
 * process, narrating every call with the value the kernel returned. */
#include <err.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/command.h"
#include "lib/caps.h"
#include "lib/util.h"
#include "out/escape.h"
#include "net/sock.h"
#include "out/table.h"
#include "teach/demo.h"
#include "teach/exchange.h"
#include "teach/screen.h"
#include "teach/steps.h"
#include "teach/tempdir.h"

struct exchange_control {
	struct exchange_opts o;
	struct steps_opts so;	/* -J and -q */
	bool help;
};

enum { OPT_PORT = 0x100 };

/* -p is kept for one release as a deprecated --port (it means PID
 * everywhere else): it has no long form, so completion does not offer it. */
static const struct option exchange_longopts[] = {
	{ "proto", required_argument, NULL, 'P' },
	{ "port", required_argument, NULL, OPT_PORT },
	{ "message", required_argument, NULL, 'm' },
	STEPS_LONG_OPTIONS,
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};
static const char exchange_shortopts[] = ":P:p:m:" STEPS_SHORT_OPTIONS "h";

static int parse_args(struct exchange_control *ctl, int argc, char **argv)
{
	long long port;
	int c;

	while ((c = getopt_long(argc, argv, exchange_shortopts,
				exchange_longopts, NULL)) != -1) {
		if (steps_opts_take(&ctl->so, c))
			continue;
		switch (c) {
		case 'P':
			if (exchange_proto_parse(optarg, &ctl->o.proto) < 0) {
				char *esc = escape_str(optarg);

				cmd_usage_error(&cmd_exchange, "invalid --proto '%s': "
						"use one of %s", esc, EXCHANGE_PROTOS);
				free(esc);
				return EXIT_USAGE;
			}
			break;
		case 'p':
			cli_warn_deprecated_port();
			/* fall through */
		case OPT_PORT:
			if (cli_opt_ll(&cmd_exchange, "--port", optarg, 0, 65535,
				       &port) < 0)
				return EXIT_USAGE;
			ctl->o.port = (unsigned int)port;
			break;
		case 'm':
			ctl->o.client_message = optarg;
			break;
		case 'h':
			ctl->help = true;
			return EXIT_OK;
		default:
			return cmd_bad_option(&cmd_exchange, argv, c);
		}
	}
	if (optind < argc)
		return cmd_unexpected_argument(&cmd_exchange, argv[optind]);
	if (ctl->o.client_message[0] == '\0')
		return cmd_usage_error(&cmd_exchange, "--message may not be empty");
	return EXIT_OK;
}

static int exchange_run(const struct cli_env *env, int argc, char **argv)
{
	struct exchange_control ctl = {
		.o = { .proto = EXCHANGE_TCP,
		       .server_message = EXCHANGE_SERVER_MESSAGE,
		       .client_message = EXCHANGE_CLIENT_MESSAGE },
	};
	struct steps s;
	int ret, rc;

	ret = parse_args(&ctl, argc, argv);
	if (ret != EXIT_OK || ctl.help)
		return ctl.help ? cmd_help(&cmd_exchange) : ret;
	ctl.so.color = !ctl.so.json && out_use_color();
	ctl.so.proc_root = env->proc_root;
	ctl.so.width = screen_detect_width();
	steps_init(&s, &ctl.so);
	demo_name_inherited(&s);
	/* Before the fork, so that neither side holds a capability; the
	 * server keeps CAP_NET_BIND_SERVICE only to bind a port below 1024. */
	if (caps_drop_for_net(ctl.o.port >= 1 && ctl.o.port < 1024) < 0)
		warn("cannot drop capabilities");
	rc = net_exchange(&s, &ctl.o);
	if (steps_finish(&s) < 0)
		rc = -1;
	steps_release(&s);
	tempdir_remove();
	return rc < 0 ? EXIT_FAIL : EXIT_OK;
}

const struct command cmd_exchange = {
	.name = "exchange",
	.run = exchange_run,
	.longopts = exchange_longopts,
	.shortopts = exchange_shortopts,
	.summary = "the article's client/server exchange, every call narrated",
	.usage =
	"fdscope exchange [--proto P] [--port N] [--message TEXT] [-J] [-q]\n"
	"\n"
	"Fork a server and a client that exchange two messages over loopback,\n"
	"each side printing every call it makes with the value the kernel\n"
	"returned, labelled server or client, and its descriptor table while\n"
	"the connection is up.  Where the article's Python code is wrong (bind\n"
	"and connect take one address, the server never calls listen, one recv\n"
	"may return fewer bytes than were sent) the narration says so.\n"
	"\n"
	"Options:\n"
	"  -P, --proto P          " EXCHANGE_PROTOS "\n"
	"                         (default tcp; udp uses recvfrom and sendto with no\n"
	"                         listen or accept; unix sockets live in a private\n"
	"                         temporary directory)\n"
	"      --port N           server port, 0 to 65535 (default 0: any free\n"
	"                         one); -p is a deprecated spelling, removed in\n"
	"                         the next release\n"
	"  -m, --message TEXT     what the client sends (default\n"
	"                         \"" EXCHANGE_CLIENT_MESSAGE "\")\n"
	"  -J, --json             print {\"steps\": [...]}, each step with \"side\"\n"
	"  -q, --quiet            calls and results only, no narration\n"
	"  -h, --help             show this help\n"
	"  -V, --version          show the version\n"
	"\n"
	"Examples:\n"
	"  fdscope exchange\n"
	"  fdscope exchange --proto udp\n"
	"  fdscope exchange --proto unix -J\n",
};
