/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_rcb_points.c - an RCB timeline's points from its rows (web/rcb_points.h):
 * a span's seconds each known from the row, the rows of one second added up
 * (first SqNum from the row written first, the rest from the row written last),
 * the range, the newest `limit` seconds kept however the rows come (a brute
 * force over the same rows, with limits small enough to cut many times), and
 * rows no writer of ours makes (lengths out of range, a second at the end of
 * time) taken without harm. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcheck.h"
#include "util/limits.h"
#include "web/rcb_points.h"

static struct rcb_row_in row(int64_t written, int64_t second, int64_t seconds, int64_t first, int64_t reports,
			     const char *reasons, const char *events)
{
	return (struct rcb_row_in){
		.written = written,
		.second = second,
		.seconds = seconds,
		.has_first = true,
		.has_last = true,
		.first_sqnum = first,
		.last_sqnum = first + reports - 1,
		.reports = reports,
		.reasons = reasons,
		.events = events,
	};
}

/* The rows (newest first by second, as the API's query gives them) through a
 * points builder; the caller frees *p. */
static size_t run(struct rcb_points **p, size_t limit, bool hf, int64_t from, bool ht, int64_t to,
		  const struct rcb_row_in *rows, size_t n, const struct rcb_point **pt)
{
	*p = rcb_points_new(limit, hf, from, ht, to);
	CHECK(*p != NULL);
	for (size_t i = 0; i < n; i++) {
		if (!rcb_points_want(*p, rows[i].second))
			break;
		CHECK(rcb_points_add(*p, &rows[i]));
	}
	size_t m = 0;
	CHECK(rcb_points_finish(*p, pt, &m));
	return m;
}

static void span_and_overlap(void)
{
	/* A span of 4 s at 3 reports each from SqNum 10; a one-second row inside it
	 * written later (time stepped back); a one-second row with events. */
	const struct rcb_row_in rows[] = {
		row(3, 105, 1, 40, 1, "dchg", "gap"),
		row(2, 102, 1, 30, 2, "gi", ""),
		row(1, 100, 4, 10, 12, "dchg,intg", ""),
	};
	struct rcb_points *p;
	const struct rcb_point *pt;
	size_t n = run(&p, 100, false, 0, false, 0, rows, 3, &pt);
	CHECK_EQ(n, 5);
	if (n == 5) {
		for (int i = 0; i < 4; i++)
			CHECK_EQ(pt[i].second, 100 + i);
		CHECK_EQ(pt[0].first_sqnum, 10);
		CHECK_EQ(pt[0].last_sqnum, 12);
		CHECK_EQ(pt[0].reports, 3);
		CHECK_EQ(pt[1].first_sqnum, 13);
		CHECK_EQ(pt[1].last_sqnum, 15);
		/* 102: the span's 3 and the later row's 2; first SqNum from the span
		 * (written first), last SqNum, reasons and events from the later row. */
		CHECK_EQ(pt[2].reports, 5);
		CHECK_EQ(pt[2].first_sqnum, 16);
		CHECK_EQ(pt[2].last_sqnum, 31);
		CHECK_STR(pt[2].reasons, "gi");
		CHECK_STR(pt[3].reasons, "dchg,intg");
		CHECK_EQ(pt[3].last_sqnum, 21);
		CHECK_EQ(pt[4].second, 105);
		CHECK_STR(pt[4].events, "gap");
	}
	rcb_points_free(p);

	/* The range cuts into the span. */
	n = run(&p, 100, true, 101, true, 102, rows, 3, &pt);
	CHECK_EQ(n, 2);
	if (n == 2) {
		CHECK_EQ(pt[0].second, 101);
		CHECK_EQ(pt[0].first_sqnum, 13);
		CHECK_EQ(pt[1].reports, 5);
	}
	rcb_points_free(p);

	/* The newest 2 seconds only. */
	n = run(&p, 2, false, 0, false, 0, rows, 3, &pt);
	CHECK_EQ(n, 2);
	if (n == 2) {
		CHECK_EQ(pt[0].second, 103);
		CHECK_EQ(pt[1].second, 105);
	}
	rcb_points_free(p);
}

/* Rows nobody of ours writes: no length, a length past the cap, a second at the
 * end of time, no SqNums, no texts. One point each at most, never a crash. */
static void odd_rows(void)
{
	struct rcb_row_in rows[] = {
		row(1, INT64_MAX, 50, 0, 50, "x", ""), row(2, 1000000, 0, 5, 7, "y", ""),
		row(3, 900000, -3, 5, 7, "y", ""),     row(4, 10, 1000000, 0, 1000000, NULL, NULL),
		row(5, INT64_MIN, 10, 0, 10, "z", ""),
	};
	rows[2].has_first = rows[2].has_last = false;
	rows[3].first_sqnum = rows[3].last_sqnum = INT64_MAX;
	struct rcb_points *p;
	const struct rcb_point *pt;
	size_t n = run(&p, 100000, false, 0, false, 0, rows, 5, &pt);
	/* 1 + 1 + 1 + MMSW_RCB_SPAN_MAX (the long row is cut to the cap) + 10 at the
	 * start of time. */
	CHECK_EQ(n, 13 + MMSW_RCB_SPAN_MAX);
	if (n == 13 + MMSW_RCB_SPAN_MAX) {
		CHECK(pt[0].second == INT64_MIN);
		CHECK(pt[9].second == INT64_MIN + 9);
		CHECK_EQ(pt[9].first_sqnum, 9);
		CHECK_EQ(pt[10].second, 10);
		CHECK_STR(pt[10].reasons, "");
		CHECK_EQ(pt[n - 1].second, INT64_MAX);
		CHECK_EQ(pt[n - 1].reports, 50);
		CHECK_EQ(pt[n - 3].reports, 7);
		CHECK(!pt[n - 3].has_first);
	}
	rcb_points_free(p);
}

/* Reading stops where no older row can reach the newest `limit` seconds: a row
 * of MMSW_RCB_SPAN_MAX seconds that ends on the oldest second kept still adds to
 * it; one a second older is not wanted. */
static void where_reading_stops(void)
{
	struct rcb_points *p = rcb_points_new(2, false, 0, false, 0);
	CHECK(p != NULL);
	for (int64_t s = 10000; s > 9996; s--) {
		struct rcb_row_in r = row(s, s, 1, 0, 1, "a", "");
		CHECK(rcb_points_want(p, s));
		CHECK(rcb_points_add(p, &r));
	}
	/* The next add cuts back to 10000 and 9999. */
	struct rcb_row_in reach =
		row(20000, 9999 - MMSW_RCB_SPAN_MAX + 1, MMSW_RCB_SPAN_MAX, 0, 2 * MMSW_RCB_SPAN_MAX, "long", "");
	CHECK(rcb_points_want(p, reach.second));
	CHECK(rcb_points_add(p, &reach));
	CHECK(rcb_points_want(p, reach.second));
	CHECK(!rcb_points_want(p, reach.second - 1));
	CHECK(!rcb_points_want(p, INT64_MIN));
	const struct rcb_point *pt;
	size_t n = 0;
	CHECK(rcb_points_finish(p, &pt, &n));
	CHECK_EQ(n, 2);
	if (n == 2) {
		CHECK_EQ(pt[0].second, 9999);
		CHECK_EQ(pt[0].reports, 3);
		CHECK_STR(pt[0].reasons, "long");
		CHECK_EQ(pt[1].reports, 1);
	}
	rcb_points_free(p);

	/* Many rows of one second: one point, every report, the last row's texts;
	 * the texts of rows merged away are let go as the sums are (ASan: no leak). */
	p = rcb_points_new(10, false, 0, false, 0);
	char ev[32];
	for (int i = 0; i < 100000; i++) {
		snprintf(ev, sizeof(ev), "e%d", i);
		struct rcb_row_in r = row(i, 5, 1, i, 1, "r", ev);
		CHECK(rcb_points_add(p, &r));
	}
	n = 0;
	CHECK(rcb_points_finish(p, &pt, &n));
	CHECK_EQ(n, 1);
	if (n == 1) {
		CHECK_EQ(pt[0].reports, 100000);
		CHECK_EQ(pt[0].first_sqnum, 0);
		CHECK_EQ(pt[0].last_sqnum, 99999);
		CHECK_STR(pt[0].events, "e99999");
	}
	rcb_points_free(p);
}

/* Random rows (spans and overlaps), the newest `limit` seconds against a brute
 * force that expands every row and adds up every second. */
#define SECONDS 400
static void against_brute_force(unsigned seed)
{
	srand(seed);
	size_t n_rows = 1 + (size_t)(rand() % 120);
	struct rcb_row_in *rows = calloc(n_rows, sizeof(*rows));
	int64_t reports[SECONDS] = { 0 }, first[SECONDS], last[SECONDS], wfirst[SECONDS], wlast[SECONDS];
	for (size_t i = 0; i < n_rows; i++) {
		int64_t sec = rand() % SECONDS, len = 1 + rand() % 30, each = 1 + rand() % 4;
		if (sec + len > SECONDS)
			len = SECONDS - sec;
		rows[i] = row((int64_t)i, sec, len, rand() % 1000, len * each, "r", "");
	}
	/* newest first by second (ties in any order) */
	for (size_t i = 1; i < n_rows; i++)
		for (size_t j = i; j > 0 && rows[j - 1].second < rows[j].second; j--) {
			struct rcb_row_in t = rows[j];
			rows[j] = rows[j - 1];
			rows[j - 1] = t;
		}
	for (size_t i = 0; i < n_rows; i++) {
		const struct rcb_row_in *r = &rows[i];
		int64_t each = r->reports / r->seconds;
		for (int64_t k = 0; k < r->seconds; k++) {
			int64_t s = r->second + k;
			if (!reports[s] || r->written < wfirst[s])
				wfirst[s] = r->written, first[s] = r->first_sqnum + k * each;
			if (!reports[s] || r->written > wlast[s])
				wlast[s] = r->written, last[s] = r->first_sqnum + (k + 1) * each - 1;
			reports[s] += each;
		}
	}
	size_t limit = 1 + (size_t)(rand() % 60);
	struct rcb_points *p;
	const struct rcb_point *pt;
	size_t n = run(&p, limit, false, 0, false, 0, rows, n_rows, &pt);
	/* the newest `limit` seconds with reports, oldest first */
	size_t want = 0, at = 0;
	for (int64_t s = SECONDS - 1; s >= 0 && want < limit; s--)
		want += reports[s] > 0;
	CHECK_EQ(n, want);
	for (int64_t s = n ? pt[0].second : SECONDS; s >= 0 && s < SECONDS && at < n; s++) {
		if (!reports[s])
			continue;
		CHECK_EQ(pt[at].second, s);
		CHECK_EQ(pt[at].reports, reports[s]);
		CHECK_EQ(pt[at].first_sqnum, first[s]);
		CHECK_EQ(pt[at].last_sqnum, last[s]);
		at++;
	}
	CHECK_EQ(at, n);
	rcb_points_free(p);
	free(rows);
}

int main(void)
{
	span_and_overlap();
	odd_rows();
	where_reading_stops();
	for (unsigned seed = 1; seed <= 300; seed++)
		against_brute_force(seed);
	TCHECK_DONE();
}
