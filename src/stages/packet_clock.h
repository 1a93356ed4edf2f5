/* SPDX-License-Identifier: GPL-2.0-or-later */
/* packet_clock.h - the time every stage and timer runs on, taken from the frames.
 *
 * A frame's time is input like its bytes (util/ptime.h). A frame whose time cannot
 * be converted, or that lies more than MMSW_TIME_JUMP_MAX_US from the clock (either
 * way: centuries away from its neighbours), has an invalid timestamp: counted
 * (timestamp_invalid), warned about once, and given the clock's time, so it is
 * still decoded but moves no timer. Small steps backwards (interfaces merged, a
 * reordering switch) are kept as they are and never move the clock back.
 *
 * A clock that really jumped (a sensor that booted in 1970 and then got NTP) would
 * otherwise leave every later frame invalid: after MMSW_TIME_REBASE_FRAMES
 * consecutive invalid frames that agree with one another (each within the jump
 * limit of the one before) the clock moves to them (timestamp_rebase), and the
 * caller shifts its timers by the step so that no timer fires on it. */
#ifndef MMSW_PACKET_CLOCK_H
#define MMSW_PACKET_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

struct packet_time {
	bool valid;      /* false: the frame's own time was unusable (timestamp_invalid) */
	int64_t step_us; /* non-zero: the clock just stepped by this much (a rebase) */
};

/* The frame's time in microseconds (the clock's when the frame's is invalid).
 * frame names it in the one warning. */
int64_t packet_clock(int64_t tv_sec, int64_t tv_usec, uint64_t frame, struct packet_time *pt);
/* Forget the clock (tests; a new run). */
void packet_clock_reset(void);

#endif
