/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sqnum.c - SqNum / SubSqNum following; see sqnum.h. */
#include "analyze/sqnum.h"

#include <string.h>

void sqnum_init(struct sqnum_track *t, uint8_t width)
{
	memset(t, 0, sizeof(*t));
	t->width = width;
}

void sqnum_reset(struct sqnum_track *t)
{
	uint8_t w = t->width;
	sqnum_init(t, w);
}

const char *sq_verdict_name(uint8_t v)
{
	static const char *const names[] = { "first",    "next",    "wrap",         "gap",        "duplicate",
					     "backward", "restart", "segment_next", "segment_gap" };
	return v < sizeof(names) / sizeof(names[0]) ? names[v] : "unknown";
}

static uint32_t modulus(const struct sqnum_track *t)
{
	/* Unknown width: 8 bits until a number above 255 proves otherwise. */
	uint8_t w = t->width ? t->width : (t->max_seen > 255 ? 16 : 8);
	return w >= 32 ? 0 : (1u << w);
}

struct sq_result sqnum_feed(struct sqnum_track *t, uint32_t sq, bool segmented, uint32_t sub, bool more)
{
	struct sq_result r = { SQ_FIRST, false, 0, 0, 0 };
	if (sq > t->max_seen)
		t->max_seen = sq;
	if (!t->started) {
		t->started = true;
		t->last = sq;
		t->in_segments = segmented && more;
		t->last_sub = segmented ? sub : 0;
		return r;
	}
	if (segmented && sq == t->last && t->in_segments) {
		/* Another segment of the report in progress. */
		if (sub == t->last_sub + 1) {
			r.verdict = SQ_SEGMENT_NEXT;
		} else if (sub > t->last_sub + 1) {
			r.verdict = SQ_SEGMENT_GAP;
			r.missing_first = t->last_sub + 1;
			r.missing_count = sub - t->last_sub - 1;
		} else {
			r.verdict = SQ_DUPLICATE;
			return r;
		}
		t->last_sub = sub;
		t->in_segments = more;
		return r;
	}
	r.segment_incomplete = t->in_segments;
	uint32_t m = modulus(t);
	uint32_t d = m ? (sq - t->last) & (m - 1) : sq - t->last;
	if (m && sq >= m) {
		/* A number the counter cannot hold: the width guess was wrong. */
		t->width = 16;
		m = 1u << 16;
		d = (sq - t->last) & (m - 1);
	}
	if (d == 0) {
		r.verdict = SQ_DUPLICATE;
		return r;
	}
	if (d == 1) {
		r.verdict = sq < t->last ? SQ_WRAP : SQ_NEXT;
	} else if (sq == 0 && d - 1 >= SQ_RESTART_MIN_MISSING) {
		r.verdict = SQ_RESTART; /* SqNum starts at 0 when an RCB is enabled again */
	} else if (m && d > m / 2) {
		r.verdict = SQ_BACKWARD;
	} else {
		r.verdict = SQ_GAP;
		r.missing_first = m ? (t->last + 1) & (m - 1) : t->last + 1;
		r.missing_count = d - 1;
	}
	if (segmented && sub != 0 && r.verdict != SQ_BACKWARD)
		r.segments_missing = sub; /* the first segments of this report never came */
	if (r.verdict != SQ_BACKWARD) {
		t->last = sq;
		t->in_segments = segmented && more;
		t->last_sub = segmented ? sub : 0;
	}
	return r;
}
