/* SPDX-License-Identifier: GPL-2.0-or-later */
/* log.c - stderr messages; see log.h. */
#include "util/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static int journal;
static int quiet;

void log_init(void)
{
	journal = getenv("JOURNAL_STREAM") != NULL;
}

void log_set_quiet(int q)
{
	quiet = q;
}

static void emit(int prio, const char *label, const char *fmt, va_list ap)
{
	/* One line at a time: the network EVE outputs log from their own threads. */
	flockfile(stderr);
	if (journal)
		fprintf(stderr, "<%d>", prio);
	fprintf(stderr, "mmswatch: %s", label);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	funlockfile(stderr);
}

void log_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	emit(3, "error: ", fmt, ap);
	va_end(ap);
}

void log_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	emit(4, "warning: ", fmt, ap);
	va_end(ap);
}

void log_info(const char *fmt, ...)
{
	va_list ap;
	if (quiet)
		return;
	va_start(ap, fmt);
	emit(6, "", fmt, ap);
	va_end(ap);
}
