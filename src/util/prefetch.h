/* SPDX-License-Identifier: GPL-2.0-or-later */
/* prefetch.h - asking for lines a thread is about to write.
 *
 * A buffer handed from one thread to another (the reader's ring, the blocks of
 * the EVE and database writers) comes back with its lines in the other core's
 * cache. A store to a line not yet owned holds up every later store, and any
 * load that has to wait for one of them waits for all: writing such a buffer
 * sequentially waited for each line's round trip in turn (docs/performance.md,
 * sessions 10 and 13). Asking for the lines a little ahead, for writing, lets
 * the round trips overlap. */
#ifndef MMSW_UTIL_PREFETCH_H
#define MMSW_UTIL_PREFETCH_H

#include <stddef.h>
#include <stdint.h>

/* Ask for the lines of [p, p + n) for writing: exclusive, as a store would (a
 * prefetch for reading gets a line shared, and the store must still wait to
 * own it). On x86 that is PREFETCHW where CPUID says the CPU has it (GCC emits
 * it for __builtin_prefetch only when built for such a CPU); elsewhere the
 * compiler's own prefetch for writing. A hint: it changes no result. */
void prefetch_lines_for_write(const uint8_t *p, size_t n);

#endif
