/* SPDX-License-Identifier: GPL-2.0-or-later */
/* memcap.h - one budget for all reassembly memory (out-of-order segments, partial
 * TPKTs, COTP TSDUs) across flows, so peak memory cannot grow with the traffic. */
#ifndef MMSW_MEMCAP_H
#define MMSW_MEMCAP_H

#include <stdbool.h>
#include <stddef.h>

#include "util/limits.h"

extern size_t g_reasm_bytes;
extern size_t g_reasm_peak;

static inline bool memcap_take(size_t n)
{
	if (n > MMSW_REASM_GLOBAL_MAX - g_reasm_bytes)
		return false;
	g_reasm_bytes += n;
	if (g_reasm_bytes > g_reasm_peak)
		g_reasm_peak = g_reasm_bytes;
	return true;
}

static inline void memcap_give(size_t n)
{
	g_reasm_bytes -= n;
}

#endif
