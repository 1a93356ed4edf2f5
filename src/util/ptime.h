/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ptime.h - packet time from a capture's timeval, checked. Packet time is input:
 * a pcapng interface may declare any timestamp resolution and offset, and libpcap
 * scales the 64-bit stamp into a time_t without complaint, so tv_sec can be any
 * value at all. Converting it to microseconds unchecked is signed overflow. */
#ifndef MMSW_PTIME_H
#define MMSW_PTIME_H

#include <stdbool.h>
#include <stdint.h>

/* The latest second a packet may carry: 9999-12-31T23:59:59Z, the last instant an
 * ISO 8601 timestamp with four year digits (EVE's) can name. */
#define PTIME_MAX_SEC INT64_C(253402300799)

/* *us = sec * 1e6 + usec when the time is one a capture can hold: from the epoch
 * to PTIME_MAX_SEC, usec in [0, 1e6). Else false and *us untouched: the caller
 * decides what a frame without a usable time means. Never overflows. */
static inline bool ptime_us(int64_t sec, int64_t usec, int64_t *us)
{
	if (sec < 0 || sec > PTIME_MAX_SEC || usec < 0 || usec >= 1000000)
		return false;
	*us = sec * 1000000 + usec;
	return true;
}

#endif
