/* SPDX-License-Identifier: GPL-2.0-or-later */
/* rcb_points.h - an RCB timeline's points, one per second, from its rows.
 *
 * The store writes the timeline as rows that each cover one or more consecutive
 * seconds (rcb_spans, store/schema.h 8 -> 9; runs before it have a row per second
 * in rcb_seconds). A row of n seconds holds reports / n reports in each, SqNums
 * running on from first_sqnum, one per report. A second can have more than one
 * row (time stepped back, two processes of a job): its point adds up their
 * reports, takes first_sqnum from the row written first, and last_sqnum, the
 * reasons and the events from the row written last, as the per-second upsert of
 * rcb_seconds did.
 *
 * The rows are given newest first (by their first second); the points kept are
 * the newest `limit` seconds within [from, to]. Memory is bounded whatever the
 * rows: at most 2 x limit + MMSW_RCB_SPAN_MAX sums of a second are held, each
 * naming at most one row's texts, before they are merged and cut back to limit. */
#ifndef MMSW_RCB_POINTS_H
#define MMSW_RCB_POINTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One row as read. `written` orders rows by when they were written (the table,
 * then its rowid). reasons and events are copied. */
struct rcb_row_in {
	int64_t written;
	int64_t second, seconds;
	bool has_first, has_last;
	int64_t first_sqnum, last_sqnum, reports;
	const char *reasons, *events;
};

struct rcb_point {
	int64_t second;
	bool has_first, has_last;
	int64_t first_sqnum, last_sqnum, reports;
	const char *reasons, *events;
};

struct rcb_points;

/* NULL when out of memory. has_from/has_to: whether from/to bound the range. */
struct rcb_points *rcb_points_new(size_t limit, bool has_from, int64_t from, bool has_to, int64_t to);
void rcb_points_free(struct rcb_points *p);
/* Can a row whose first second is `second` (or any older row) still change the
 * points? False once the newest `limit` seconds are known and no row this old
 * reaches them: the caller stops reading. */
bool rcb_points_want(const struct rcb_points *p, int64_t second);
/* Add a row (false: out of memory). */
bool rcb_points_add(struct rcb_points *p, const struct rcb_row_in *row);
/* Merge and sort: the *n points, oldest first, valid until rcb_points_free
 * (false: out of memory). */
bool rcb_points_finish(struct rcb_points *p, const struct rcb_point **points, size_t *n);

#endif
