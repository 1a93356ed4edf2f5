/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_sqnum.c - the SqNum tracker on synthetic sequences: wrap, reset, reorder,
 * duplicates, segments, holes. */
#include "tcheck.h"
#include "analyze/sqnum.h"

static struct sq_result feed(struct sqnum_track *t, uint32_t sq)
{
	return sqnum_feed(t, sq, false, 0, false);
}

static void unbuffered_wrap(void)
{
	struct sqnum_track t;
	sqnum_init(&t, 8);
	CHECK_EQ(feed(&t, 250).verdict, SQ_FIRST);
	for (uint32_t s = 251; s <= 255; s++)
		CHECK_EQ(feed(&t, s).verdict, SQ_NEXT);
	CHECK_EQ(feed(&t, 0).verdict, SQ_WRAP); /* 255 -> 0 is not a gap */
	CHECK_EQ(feed(&t, 1).verdict, SQ_NEXT);
	struct sq_result r = feed(&t, 4);
	CHECK_EQ(r.verdict, SQ_GAP);
	CHECK_EQ(r.missing_first, 2);
	CHECK_EQ(r.missing_count, 2);
	/* a gap across the wrap: 254 -> 1 misses 255 and 0 */
	sqnum_init(&t, 8);
	feed(&t, 254);
	r = feed(&t, 1);
	CHECK_EQ(r.verdict, SQ_GAP);
	CHECK_EQ(r.missing_first, 255);
	CHECK_EQ(r.missing_count, 2);
}

static void buffered_wrap(void)
{
	struct sqnum_track t;
	sqnum_init(&t, 16);
	feed(&t, 65534);
	CHECK_EQ(feed(&t, 65535).verdict, SQ_NEXT);
	CHECK_EQ(feed(&t, 0).verdict, SQ_WRAP);
	/* 16-bit: 200 -> 3 is far backwards, never an 8-bit wrap */
	sqnum_init(&t, 16);
	feed(&t, 200);
	CHECK_EQ(feed(&t, 3).verdict, SQ_BACKWARD);
}

static void unknown_width(void)
{
	struct sqnum_track t;
	sqnum_init(&t, 0);
	feed(&t, 254);
	CHECK_EQ(feed(&t, 255).verdict, SQ_NEXT);
	CHECK_EQ(feed(&t, 0).verdict, SQ_WRAP);
	/* a number above 255 proves 16 bits */
	sqnum_init(&t, 0);
	feed(&t, 300);
	CHECK_EQ(feed(&t, 301).verdict, SQ_NEXT);
	CHECK_EQ(t.max_seen, 301);
}

static void duplicates_and_reorder(void)
{
	struct sqnum_track t;
	sqnum_init(&t, 8);
	feed(&t, 10);
	CHECK_EQ(feed(&t, 10).verdict, SQ_DUPLICATE);
	CHECK_EQ(feed(&t, 11).verdict, SQ_NEXT);
	CHECK_EQ(feed(&t, 9).verdict, SQ_BACKWARD);
	CHECK_EQ(t.last, 11); /* a step back does not move the tracker */
	CHECK_EQ(feed(&t, 12).verdict, SQ_NEXT);
}

static void restart(void)
{
	struct sqnum_track t;
	sqnum_init(&t, 8);
	feed(&t, 41);
	CHECK_EQ(feed(&t, 0).verdict, SQ_RESTART); /* 214 missing: a restart we did not see */
	CHECK_EQ(feed(&t, 1).verdict, SQ_NEXT);
	/* after an explicit reset (RptEna seen), 0 is the first of a new stream */
	feed(&t, 30);
	sqnum_reset(&t);
	CHECK_EQ(feed(&t, 0).verdict, SQ_FIRST);
	CHECK_EQ(t.width, 8);
}

static void segments(void)
{
	struct sqnum_track t;
	sqnum_init(&t, 16);
	CHECK_EQ(sqnum_feed(&t, 5, true, 0, true).verdict, SQ_FIRST);
	CHECK_EQ(sqnum_feed(&t, 5, true, 1, true).verdict, SQ_SEGMENT_NEXT);
	struct sq_result r = sqnum_feed(&t, 5, true, 3, false);
	CHECK_EQ(r.verdict, SQ_SEGMENT_GAP);
	CHECK_EQ(r.missing_first, 2);
	CHECK_EQ(r.missing_count, 1);
	CHECK_EQ(sqnum_feed(&t, 6, true, 0, false).verdict, SQ_NEXT);
	/* a report cut short: SqNum moves on while segments were still expected */
	CHECK_EQ(sqnum_feed(&t, 7, true, 0, true).verdict, SQ_NEXT);
	r = sqnum_feed(&t, 8, true, 0, false);
	CHECK_EQ(r.verdict, SQ_NEXT);
	CHECK(r.segment_incomplete);
	/* a report that begins at a later segment */
	r = sqnum_feed(&t, 9, true, 2, false);
	CHECK_EQ(r.verdict, SQ_NEXT);
	CHECK_EQ(r.segments_missing, 2);
	/* a repeated segment is a duplicate */
	sqnum_feed(&t, 10, true, 0, true);
	CHECK_EQ(sqnum_feed(&t, 10, true, 0, true).verdict, SQ_DUPLICATE);
}

int main(void)
{
	unbuffered_wrap();
	buffered_wrap();
	unknown_width();
	duplicates_and_reorder();
	restart();
	segments();
	TCHECK_DONE();
}
