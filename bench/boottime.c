// SPDX-License-Identifier: GPL-2.0
/*
 * hvx-boottime: how long a guest takes to reach a line of its console.
 *   hvx-boottime [--marker TEXT] [--reps N] -- COMMAND [ARGS...]
 * Runs COMMAND (normally `hvx run ... --device D`) with its standard output
 * on a pipe, N times (default 1), and measures the wall time from the
 * start to the first output line that begins with TEXT (default
 * "GUEST-BEGIN", which the test guest's /init prints first:
 * tests/guest-linux/init), and to the command's exit. Prints, for the best
 * of the N runs:
 *   BENCH boot ms_to_marker=... ms_to_exit=... status=...
 * The guest's own output is copied to standard error. Ratios between
 * devices are computed by the caller from two runs in the same boot
 * (tests/machines/l1-bench.sh); nothing here asserts on time.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* One run: 0 when the command ran (whatever its status), -1 when it could not. */
static int one_run(char **cmd, const char *marker, double *to_marker, double *to_exit,
		   int *status)
{
	size_t mlen = strlen(marker), have = 0;
	char line[4096];
	int fd[2], st;
	double t0;
	pid_t pid;
	FILE *in;
	int c;

	if (pipe(fd))
		return -1;
	t0 = now_ms();
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		dup2(fd[1], STDOUT_FILENO);
		close(fd[0]);
		close(fd[1]);
		execvp(cmd[0], cmd);
		perror(cmd[0]);
		_exit(127);
	}
	close(fd[1]);
	in = fdopen(fd[0], "r");
	*to_marker = -1;
	/* Line by line, also across lines longer than the buffer. */
	while ((c = fgetc(in)) != EOF) {
		fputc(c, stderr);
		if (have < sizeof(line) - 1)
			line[have++] = c;
		if (*to_marker < 0 && have == mlen && !memcmp(line, marker, mlen))
			*to_marker = now_ms() - t0;
		if (c == '\n')
			have = 0;
	}
	fclose(in);
	if (waitpid(pid, &st, 0) < 0)
		return -1;
	*to_exit = now_ms() - t0;
	*status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	return 0;
}

int main(int argc, char **argv)
{
	const char *marker = "GUEST-BEGIN";
	double best_m = -1, best_e = -1, m, e;
	int i, reps = 1, status = 0, st;

	for (i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		if (!strcmp(argv[i], "--marker") && i + 1 < argc)
			marker = argv[++i];
		else if (!strcmp(argv[i], "--reps") && i + 1 < argc)
			reps = atoi(argv[++i]);
		else
			break;
	}
	if (i >= argc - 1 || strcmp(argv[i], "--") || reps < 1) {
		fprintf(stderr, "usage: hvx-boottime [--marker TEXT] [--reps N] -- COMMAND [ARGS...]\n");
		return 64;
	}
	for (; reps; reps--) {
		if (one_run(&argv[i + 1], marker, &m, &e, &st)) {
			fprintf(stderr, "hvx-boottime: %s: %s\n", argv[i + 1], strerror(errno));
			return 1;
		}
		status |= st;
		if (m >= 0 && (best_m < 0 || m < best_m))
			best_m = m;
		if (best_e < 0 || e < best_e)
			best_e = e;
	}
	printf("BENCH boot ms_to_marker=%.0f ms_to_exit=%.0f status=%d\n", best_m, best_e, status);
	return best_m < 0 || status ? 1 : 0;
}
