/* SPDX-License-Identifier: GPL-2.0-or-later */
/* clock_estimate.h - the arithmetic behind an IED's clock offset, kept apart from
 * the bus so it can be tested on its own (tests/unit/test_clock.c).
 *
 * A sample is the IED's time minus the capture's time for one server-stamped
 * time (microseconds, signed). Transit, buffering, BufTm bundling and values
 * stamped before they were sent only make a sample smaller than the true offset,
 * never larger, so the offset comes from a high percentile of the samples (the
 * upper envelope), not their mean: one point per window of packet time (the
 * window's own high percentile), then the median of the points (clock.c), so a
 * burst of stale stamps counts for the time it lasted. Memory per IED is fixed:
 * a uniform reservoir of samples (the spread, and short runs) and the windows'
 * points (the offset, the drift, the dashboard's plot). */
#ifndef MMSW_CLOCK_ESTIMATE_H
#define MMSW_CLOCK_ESTIMATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CLOCK_RESERVOIR 512      /* samples kept per IED */
#define CLOCK_WINDOW_SAMPLES 64  /* samples kept per window */
#define CLOCK_POINTS_MAX 360     /* windows kept per IED; then pairs are merged */
#define CLOCK_WINDOW_US 10000000 /* first window length (doubles at each merge) */
#define CLOCK_PERCENTILE 900     /* permille: the offset is the 90th percentile */
#define CLOCK_PERCENTILE_LOW 500 /* spread: from the median up to the offset */

/* A uniform sample of at most `cap` values out of all added (Algorithm R with
 * a fixed-seed generator, so a run is reproducible). */
struct clock_reservoir {
	uint64_t seen; /* values offered */
	uint64_t rng;
	uint32_t n; /* values kept */
};
/* The index to store the next value at, or -1 when it is not kept. */
int clock_reservoir_slot(struct clock_reservoir *r, uint32_t cap);

/* The value at `permille` of n values (nearest rank; sorts v in place). */
int64_t clock_percentile(int64_t *v, size_t n, unsigned permille);
/* The same in two steps, for several percentiles of one set: sort once, then
 * read each rank (clock_rank takes values clock_sort sorted). */
void clock_sort(int64_t *v, size_t n);
int64_t clock_rank(const int64_t *sorted, size_t n, unsigned permille);

/* One window's estimate. */
struct clock_point {
	int64_t ts;     /* the window's middle, capture time (us) */
	int64_t offset; /* its high percentile (us) */
	uint32_t samples;
};

/* Pairs of points merged into one (halving n, for a long run); returns the new n. */
size_t clock_points_merge(struct clock_point *p, size_t n);

/* Least-squares slope of offset over time, in parts per million; false with
 * fewer than 3 points or no spread in time. */
bool clock_drift_ppm(const struct clock_point *p, size_t n, double *ppm);

#endif
