/* SPDX-License-Identifier: GPL-2.0-or-later */
/* prefetch.c - asking for lines a thread is about to write; see prefetch.h. */
#include "util/prefetch.h"

#include <stdbool.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#if defined(__x86_64__) || defined(__i386__)
/* 0: not asked yet; 1: no PREFETCHW; 2: PREFETCHW. Each thread asks CPUID
 * once and keeps the answer in its own copy: no flag is shared. */
static _Thread_local int have_prefetchw;

static bool cpu_has_prefetchw(void)
{
	if (!have_prefetchw) {
		unsigned a, b, c, d;
		have_prefetchw = __get_cpuid(0x80000001u, &a, &b, &c, &d) && (c & (1u << 8)) != 0 ? 2 : 1;
	}
	return have_prefetchw == 2;
}
#endif

void prefetch_lines_for_write(const uint8_t *p, size_t n)
{
#if defined(__x86_64__) || defined(__i386__)
	if (cpu_has_prefetchw()) {
		for (size_t at = 0; at < n; at += 64)
			__asm__ volatile("prefetchw %0" : : "m"(p[at]));
		return;
	}
#endif
	for (size_t at = 0; at < n; at += 64)
		__builtin_prefetch(p + at, 1, 3);
}
