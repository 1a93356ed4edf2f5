/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sqnum.h - following one report stream's SqNum (and SubSqNum for segmented
 * reports) and saying what each new report means: next, wrapped, a gap with the
 * exact missing numbers, a duplicate, a step backwards, a reset.
 *
 * Widths: unbuffered RCBs count 8 bits (255 -> 0 is a wrap, not a gap), buffered
 * RCBs 16 bits. SqNum starts again at 0 when RptEna is set: the caller resets the
 * tracker when it sees that, or when a new association begins. */
#ifndef MMSW_SQNUM_H
#define MMSW_SQNUM_H

#include <stdbool.h>
#include <stdint.h>

enum sq_verdict {
	SQ_FIRST = 0,    /* the first report followed */
	SQ_NEXT,         /* last + 1 */
	SQ_WRAP,         /* last + 1 across the top of the counter */
	SQ_GAP,          /* numbers skipped: missing_first, missing_count */
	SQ_DUPLICATE,    /* the same SqNum again (not a segment) */
	SQ_BACKWARD,     /* an older number: out of order, or a restart we did not see */
	SQ_RESTART,      /* back to 0 from far away: taken as a restart, not a gap */
	SQ_SEGMENT_NEXT, /* next segment of the same report */
	SQ_SEGMENT_GAP,  /* segments skipped (missing_count of them) */
};

struct sqnum_track {
	bool started;
	bool in_segments; /* a segmented report awaits more segments */
	uint8_t width;    /* 8 or 16 bits; 0 = not known yet */
	uint32_t last;
	uint32_t last_sub;
	uint32_t max_seen;
};

struct sq_result {
	uint8_t verdict;         /* enum sq_verdict */
	bool segment_incomplete; /* the previous segmented report never finished */
	uint32_t missing_first;
	uint32_t missing_count;
	uint32_t segments_missing; /* a new report began at SubSqNum > 0 */
};

/* A restart after this many missing numbers landing on 0 is taken as a reset. */
#define SQ_RESTART_MIN_MISSING 8

void sqnum_init(struct sqnum_track *t, uint8_t width);
void sqnum_reset(struct sqnum_track *t);
struct sq_result sqnum_feed(struct sqnum_track *t, uint32_t sqnum, bool segmented, uint32_t subsqnum,
			    bool more_segments);
const char *sq_verdict_name(uint8_t v);

#endif
