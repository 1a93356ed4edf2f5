/* SPDX-License-Identifier: GPL-2.0-or-later */
/* stats.c - counter names; see stats.h. */
#include "util/stats.h"

#include <string.h>

uint64_t g_stats[STAT_COUNT];

static const char *const names[STAT_COUNT] = {
#define X(name, lim) #name,
	MMSW_COUNTERS(X)
#undef X
};

static const unsigned char limit[STAT_COUNT] = {
#define X(name, lim) lim,
	MMSW_COUNTERS(X)
#undef X
};

const char *stat_name(enum stat_id id)
{
	return id < STAT_COUNT ? names[id] : "unknown";
}
int stat_is_limit(enum stat_id id)
{
	return id < STAT_COUNT && limit[id];
}
void stats_reset(void)
{
	memset(g_stats, 0, sizeof(g_stats));
}
