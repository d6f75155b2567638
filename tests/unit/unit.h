/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reporting shared by the host-only unit tests: one line per case,
 * "ok NAME" or "FAIL NAME: why", then "N passed, N failed".
 */
#ifndef HVX_UNIT_H
#define HVX_UNIT_H

#include <stdarg.h>
#include <stdio.h>

static int passed, failed;

static inline void ok(const char *name)
{
	printf("ok %s\n", name);
	passed++;
}

static inline __attribute__((format(printf, 2, 3)))
void fail(const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("FAIL %s: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	failed++;
}

/* The last line, and main's exit status. */
static inline int summary(void)
{
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}

#endif
