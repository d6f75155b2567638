/*
 * hvx-ptyrun: run a command on a pseudo-terminal, type keys into it, and
 * exit with its status, so that the console of `hvx run` can be tested as
 * a user at a terminal meets it (raw mode, the Ctrl-A escape).
 *
 *   hvx-ptyrun [--wait TEXT] [--timeout S] KEYS -- COMMAND [ARGS...]
 *
 * KEYS are typed one byte at a time, 10 ms apart, once TEXT has appeared
 * in the command's output (at once without --wait); \xNN in KEYS is a
 * byte. Everything the command prints is copied to stdout. Exit status:
 * the command's, or 124 when it outlives the timeout (default 60 s) and
 * is killed, 125 on a usage or set-up error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* "\xNN" escapes to bytes; returns the length. */
static size_t unescape(const char *in, char *out)
{
	size_t n = 0;

	while (*in) {
		unsigned int v;

		if (in[0] == '\\' && in[1] == 'x' && sscanf(in + 2, "%2x", &v) == 1) {
			out[n++] = (char)v;
			in += 4;
		} else {
			out[n++] = *in++;
		}
	}
	return n;
}

int main(int argc, char **argv)
{
	const char *wait_for = NULL;
	double timeout = 60, t0, next_key = 0;
	char *keys, seen[8192] = "";
	size_t nkeys, sent = 0, nseen = 0;
	int i = 1, fd, status;
	pid_t pid;

	for (; i < argc && argv[i][0] == '-' && strcmp(argv[i], "--"); i += 2) {
		if (i + 1 >= argc)
			goto usage;
		if (!strcmp(argv[i], "--wait"))
			wait_for = argv[i + 1];
		else if (!strcmp(argv[i], "--timeout"))
			timeout = atof(argv[i + 1]);
		else
			goto usage;
	}
	if (i + 2 >= argc || strcmp(argv[i + 1], "--"))
		goto usage;
	keys = malloc(strlen(argv[i]) + 1);
	if (!keys)
		return 125;
	nkeys = unescape(argv[i], keys);

	pid = forkpty(&fd, NULL, NULL, NULL);
	if (pid < 0) {
		perror("hvx-ptyrun: forkpty");
		return 125;
	}
	if (pid == 0) {
		execvp(argv[i + 2], argv + i + 2);
		perror("hvx-ptyrun: exec");
		_exit(127);
	}
	t0 = now();
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (now() - t0 > timeout) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			fprintf(stderr, "hvx-ptyrun: timeout after %.0f s\n", timeout);
			return 124;
		}
		if (sent < nkeys && (!wait_for || strstr(seen, wait_for)) && now() >= next_key) {
			if (write(fd, keys + sent, 1) == 1)
				sent++;
			next_key = now() + 0.01;
		}
		if (poll(&p, 1, 20) > 0) {
			char buf[512];
			ssize_t n = read(fd, buf, sizeof(buf));

			if (n <= 0)	/* EIO: the command closed its terminal */
				break;
			fwrite(buf, 1, n, stdout);
			fflush(stdout);
			/* Keep the latest output for --wait, as a string. */
			if (nseen + n >= sizeof(seen))
				nseen = 0;
			memcpy(seen + nseen, buf, n);
			nseen += n;
			seen[nseen] = 0;
			for (size_t k = 0; k < nseen; k++)
				if (!seen[k])
					seen[k] = ' ';
		}
	}
	if (waitpid(pid, &status, 0) < 0)
		return 125;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
usage:
	fprintf(stderr, "usage: hvx-ptyrun [--wait TEXT] [--timeout S] KEYS -- COMMAND [ARGS...]\n");
	return 125;
}
