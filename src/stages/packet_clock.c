/* SPDX-License-Identifier: GPL-2.0-or-later */
/* packet_clock.c - packet time, checked; see packet_clock.h. */
#include "stages/packet_clock.h"

#include "util/limits.h"
#include "util/log.h"
#include "util/ptime.h"
#include "util/stats.h"

static bool have_clock;
static int64_t clock_us;    /* the latest valid time seen */
static uint32_t rebase_run; /* consecutive invalid frames that agree */
static int64_t rebase_last; /* the last of them */

void packet_clock_reset(void)
{
	have_clock = false;
	clock_us = 0;
	rebase_run = 0;
	rebase_last = 0;
}

/* |a - b| <= MMSW_TIME_JUMP_MAX_US, without overflow: both lie in
 * [0, PTIME_MAX_SEC * 1e6], so their difference fits. */
static bool near(int64_t a, int64_t b)
{
	int64_t d = a - b;
	return d <= MMSW_TIME_JUMP_MAX_US && d >= -MMSW_TIME_JUMP_MAX_US;
}

int64_t packet_clock(int64_t tv_sec, int64_t tv_usec, uint64_t frame, struct packet_time *pt)
{
	int64_t ts;
	bool ok = ptime_us(tv_sec, tv_usec, &ts);
	bool convertible = ok;
	pt->step_us = 0;
	if (ok && have_clock && !near(ts, clock_us)) {
		/* Far from the clock: one wild frame, or the clock itself moved. */
		rebase_run = rebase_run && near(ts, rebase_last) ? rebase_run + 1 : 1;
		rebase_last = ts;
		if (rebase_run >= MMSW_TIME_REBASE_FRAMES) {
			stat_inc(STAT_timestamp_rebase);
			log_warn("packet time jumped and stayed (frame %llu): the clock follows it",
				 (unsigned long long)frame);
			pt->step_us = ts - clock_us;
			clock_us = ts;
			rebase_run = 0;
			pt->valid = true;
			return ts;
		}
		ok = false;
	}
	if (!ok) {
		if (!g_stats[STAT_timestamp_invalid])
			log_warn("frame %llu: timestamp %lld.%06lld s is %s; such frames keep the "
				 "time of the frame before (counted as timestamp_invalid)",
				 (unsigned long long)frame, (long long)tv_sec, (long long)tv_usec,
				 convertible ? "too far from its neighbours" : "not a time a capture can hold");
		stat_inc(STAT_timestamp_invalid);
		if (!convertible)
			rebase_run = 0; /* unusable times never agree with anything */
		pt->valid = false;
		return clock_us;
	}
	rebase_run = 0;
	if (!have_clock || ts > clock_us)
		clock_us = ts;
	have_clock = true;
	pt->valid = true;
	return ts;
}
