// SPDX-License-Identifier: GPL-2.0
/* hvx: the command-line tool. Each subcommand lives in its own file. */
#include <stdio.h>
#include <string.h>

#include "cmds.h"

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
} cmds[] = {
	{ "probe", cmd_probe, "say whether and why this machine can run hvx" },
	{ "run", cmd_run, "load and run a guest" },
};

static int usage(FILE *f)
{
	unsigned int i;

	fprintf(f, "usage: hvx COMMAND [ARGS]\n\ncommands:\n");
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "  %-8s %s\n", cmds[i].name, cmds[i].help);
	fprintf(f, "\n'hvx COMMAND --help' for the options of one.\n");
	return f == stdout ? 0 : 64;
}

int main(int argc, char **argv)
{
	unsigned int i;

	if (argc < 2)
		return usage(stderr);
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return usage(stdout);
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "hvx: unknown command '%s'\n", argv[1]);
	return usage(stderr);
}
