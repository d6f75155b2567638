// SPDX-License-Identifier: GPL-2.0
/*
 * The console thread of `hvx run` (see console.h).
 *
 * The thread waits in poll(), never spins: on its input and a stop
 * eventfd while it has nothing to deliver, and on the UART's room eventfd
 * and the stop eventfd while the guest's receiver is full.
 *
 * The saved terminal settings are process-wide, as the terminal is: one
 * console at a time.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <sys/eventfd.h>

#include "console.h"
#include "devices/devices.h"

struct hvx_console {
	struct hvx_machine *m;
	int in_fd;
	int stop_fd;		/* eventfd: hvx_console_stop() wants the thread gone */
	bool tty;
	struct hvx_escape esc;
	pthread_t thread;
};

/* ---- the terminal ---- */

static struct termios saved_tty;
static int tty_fd = -1;
static volatile sig_atomic_t tty_raw;

/* Signals whose default action ends the process: the terminal comes back first. */
static const int fatal_signals[] = {
	SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGILL, SIGABRT, SIGBUS, SIGFPE, SIGSEGV,
};
#define NFATAL (sizeof(fatal_signals) / sizeof(fatal_signals[0]))
static struct sigaction saved_actions[NFATAL];
static bool installed[NFATAL];

void hvx_console_restore_tty(void)
{
	if (tty_raw) {
		tcsetattr(tty_fd, TCSANOW, &saved_tty);
		tty_raw = 0;
	}
}

static void fatal_handler(int sig)
{
	hvx_console_restore_tty();
	signal(sig, SIG_DFL);
	raise(sig);	/* delivered, with the default action, when this returns */
}

/* Only where nobody has a handler: a caller's SIGINT/SIGTERM cleanup stays theirs. */
static void install_fatal_handlers(void)
{
	struct sigaction sa = { .sa_handler = fatal_handler };
	size_t i;

	sigemptyset(&sa.sa_mask);
	for (i = 0; i < NFATAL; i++) {
		installed[i] = false;
		if (sigaction(fatal_signals[i], NULL, &saved_actions[i]) ||
		    saved_actions[i].sa_handler != SIG_DFL)
			continue;
		installed[i] = !sigaction(fatal_signals[i], &sa, NULL);
	}
}

static void remove_fatal_handlers(void)
{
	size_t i;

	for (i = 0; i < NFATAL; i++)
		if (installed[i])
			sigaction(fatal_signals[i], &saved_actions[i], NULL);
}

/*
 * Raw input as QEMU's stdio backend sets it: bytes arrive one by one,
 * unechoed, with no signal keys; output processing stays on, so hvx's own
 * messages still start at the left margin.
 */
static int make_raw(int fd)
{
	static bool at_exit;
	struct termios t;

	if (tcgetattr(fd, &saved_tty))
		return -errno;
	t = saved_tty;
	t.c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
	t.c_lflag &= ~(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
	t.c_cflag &= ~(CSIZE | PARENB);
	t.c_cflag |= CS8;
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	tty_fd = fd;
	if (!at_exit)
		at_exit = !atexit(hvx_console_restore_tty);
	install_fatal_handlers();
	tty_raw = 1;
	if (tcsetattr(fd, TCSANOW, &t)) {
		tty_raw = 0;
		remove_fatal_handlers();
		return -errno;
	}
	return 0;
}

/* ---- the escape keys ---- */

size_t hvx_console_filter(struct hvx_escape *e, const uint8_t *in, size_t n, uint8_t *out,
			  bool *quit)
{
	size_t i, o = 0;

	*quit = false;
	for (i = 0; i < n; i++) {
		if (!e->got_escape) {
			if (in[i] == HVX_CONSOLE_ESCAPE)
				e->got_escape = true;
			else
				out[o++] = in[i];
			continue;
		}
		e->got_escape = false;
		switch (in[i]) {
		case HVX_CONSOLE_ESCAPE:
			out[o++] = HVX_CONSOLE_ESCAPE;
			break;
		case 'x':
		case 'X':
			*quit = true;
			return o;
		case 'h':
		case '?':
			e->help = true;
			break;
		default:	/* unknown escapes are dropped, as QEMU does */
			break;
		}
	}
	return o;
}

/* ---- the thread ---- */

/* Wait until fd (or the stop eventfd) is readable; false when stopping. */
static bool wait_for(struct hvx_console *c, int fd)
{
	struct pollfd p[2] = {
		{ .fd = c->stop_fd, .events = POLLIN },
		{ .fd = fd, .events = POLLIN },
	};

	for (;;) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return false;
		}
		if (p[0].revents)
			return false;
		if (p[1].revents)
			return true;
	}
}

/* Hand buf[0..n) to the UART, waiting for room; false when stopping. */
static bool deliver(struct hvx_console *c, const uint8_t *buf, size_t n)
{
	int room = hvx_serial_room_fd(c->m);
	uint64_t count;
	size_t done = 0;

	for (;;) {
		done += hvx_serial_input(c->m, buf + done, n - done);
		if (done == n)
			return true;
		if (!wait_for(c, room))
			return false;
		(void)!read(room, &count, sizeof(count));	/* reset the eventfd */
	}
}

static void *console_thread(void *arg)
{
	struct hvx_console *c = arg;
	uint8_t in[256], out[256];
	bool quit = false;
	ssize_t r;
	size_t n;

	while (wait_for(c, c->in_fd)) {
		r = read(c->in_fd, in, sizeof(in));
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r <= 0)	/* end of input (or a hung-up terminal): the guest runs on */
			break;
		if (c->tty) {
			n = hvx_console_filter(&c->esc, in, r, out, &quit);
			if (c->esc.help) {
				c->esc.help = false;
				fprintf(stderr, "\nC-a x    quit\nC-a C-a  send C-a\nC-a h    this help\n");
			}
		} else {
			memcpy(out, in, r);
			n = r;
		}
		if (quit) {	/* what came before Ctrl-A x no longer matters */
			hvx_machine_end(c->m, HVX_END_QUIT, 0);
			break;
		}
		if (!deliver(c, out, n))
			break;
	}
	return NULL;
}

int hvx_console_start(struct hvx_console **out, struct hvx_machine *m, int in_fd)
{
	struct hvx_console *c = calloc(1, sizeof(*c));
	sigset_t all, old;
	int r;

	if (!c)
		return -ENOMEM;
	c->m = m;
	c->in_fd = in_fd;
	c->stop_fd = eventfd(0, EFD_CLOEXEC);
	if (c->stop_fd < 0) {
		r = -errno;
		goto err_free;
	}
	c->tty = isatty(in_fd);
	if (c->tty) {
		r = make_raw(in_fd);
		if (r)
			goto err_close;
	}
	/* Signals are for the vCPU and main threads, never this one. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	r = -pthread_create(&c->thread, NULL, console_thread, c);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r)
		goto err_tty;
	*out = c;
	return 0;

err_tty:
	if (c->tty) {
		hvx_console_restore_tty();
		remove_fatal_handlers();
	}
err_close:
	close(c->stop_fd);
err_free:
	free(c);
	return r;
}

void hvx_console_stop(struct hvx_console *c)
{
	uint64_t one = 1;

	if (!c)
		return;
	(void)!write(c->stop_fd, &one, sizeof(one));
	pthread_join(c->thread, NULL);
	if (c->tty) {
		hvx_console_restore_tty();
		remove_fatal_handlers();
	}
	close(c->stop_fd);
	free(c);
}
