/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The console of `hvx run`: a thread that feeds standard input to COM1.
 *
 * On a terminal, the terminal goes to raw mode (no echo, no line editing,
 * Ctrl-C goes to the guest) and Ctrl-A is an escape, as in QEMU:
 * Ctrl-A x quits (the machine ends with HVX_END_QUIT), Ctrl-A Ctrl-A sends
 * one Ctrl-A, Ctrl-A h prints the keys; other Ctrl-A sequences are
 * dropped. The terminal's settings come back at hvx_console_stop(), at
 * exit(), on a fatal signal, and whenever the caller's own SIGINT/SIGTERM
 * cleanup calls hvx_console_restore_tty() (async-signal-safe).
 *
 * Otherwise ("scripted": a pipe or a file) bytes pass as they are, and
 * end of input is not an error: the guest keeps running.
 *
 * Input is never dropped: when the UART's receiver is full the thread
 * waits (on hvx_serial_room_fd) until the guest reads.
 */
#ifndef HVX_CONSOLE_H
#define HVX_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hvx_machine;
struct hvx_console;

/* Start reading in_fd (normally STDIN_FILENO) into m's COM1; 0 or -errno. */
int hvx_console_start(struct hvx_console **out, struct hvx_machine *m, int in_fd);
/* Stop the thread, restore the terminal, free c (NULL is fine). */
void hvx_console_stop(struct hvx_console *c);
/* Put the terminal back as it was; async-signal-safe; harmless when not raw. */
void hvx_console_restore_tty(void);

#define HVX_CONSOLE_ESCAPE 0x01	/* Ctrl-A */

/*
 * The escape filter of a terminal console (exposed for the unit tests):
 * copies in[0..n) to out[] (room for n bytes), acting on escapes, and
 * returns the bytes to send. *quit is set on Ctrl-A x; the bytes after it
 * are not looked at. got_escape carries a Ctrl-A across calls.
 */
struct hvx_escape {
	bool got_escape;
	bool help;		/* Ctrl-A h was typed: print the keys */
};
size_t hvx_console_filter(struct hvx_escape *e, const uint8_t *in, size_t n, uint8_t *out,
			  bool *quit);

#endif
