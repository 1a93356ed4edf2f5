/* SPDX-License-Identifier: GPL-2.0-or-later */
/* clock_estimate.c - reservoir, percentile, window merging and drift for the
 * clock analyzer; see clock_estimate.h. */
#include "analyze/clock_estimate.h"

#include <stdlib.h>

static uint64_t next_random(struct clock_reservoir *r)
{
	/* xorshift64*: enough to pick uniformly, and the same run gives the same pick */
	if (!r->rng)
		r->rng = 0x9e3779b97f4a7c15ull;
	r->rng ^= r->rng >> 12;
	r->rng ^= r->rng << 25;
	r->rng ^= r->rng >> 27;
	return r->rng * 0x2545f4914f6cdd1dull;
}

int clock_reservoir_slot(struct clock_reservoir *r, uint32_t cap)
{
	r->seen++;
	if (r->n < cap)
		return (int)r->n++;
	uint64_t j = next_random(r) % r->seen;
	return j < cap ? (int)j : -1;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

void clock_sort(int64_t *v, size_t n)
{
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_i64);
}

int64_t clock_percentile(int64_t *v, size_t n, unsigned permille)
{
	clock_sort(v, n);
	return clock_rank(v, n, permille);
}

int64_t clock_rank(const int64_t *v, size_t n, unsigned permille)
{
	if (!n)
		return 0;
	/* nearest rank: the smallest value with at least permille of them at or below */
	size_t rank = ((size_t)permille * n + 999) / 1000;
	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return v[rank - 1];
}

size_t clock_points_merge(struct clock_point *p, size_t n)
{
	size_t out = 0;
	for (size_t i = 0; i + 1 < n; i += 2) {
		/* weighted by samples: a busy window says more than a quiet one */
		uint64_t a = p[i].samples ? p[i].samples : 1, b = p[i + 1].samples ? p[i + 1].samples : 1;
		struct clock_point m;
		m.ts = p[i].ts + (p[i + 1].ts - p[i].ts) / 2;
		m.offset = (int64_t)(((double)p[i].offset * (double)a + (double)p[i + 1].offset * (double)b) /
				     (double)(a + b));
		m.samples = p[i].samples + p[i + 1].samples;
		p[out++] = m;
	}
	if (n % 2)
		p[out++] = p[n - 1];
	return out;
}

bool clock_drift_ppm(const struct clock_point *p, size_t n, double *ppm)
{
	if (n < 3)
		return false;
	/* centred on the first point: microsecond epoch times squared lose precision */
	double mt = 0, mo = 0;
	for (size_t i = 0; i < n; i++) {
		mt += (double)(p[i].ts - p[0].ts);
		mo += (double)(p[i].offset - p[0].offset);
	}
	mt /= (double)n;
	mo /= (double)n;
	double sxy = 0, sxx = 0;
	for (size_t i = 0; i < n; i++) {
		double dt = (double)(p[i].ts - p[0].ts) - mt, dofs = (double)(p[i].offset - p[0].offset) - mo;
		sxy += dt * dofs;
		sxx += dt * dt;
	}
	if (sxx <= 0)
		return false;
	*ppm = sxy / sxx * 1e6;
	return true;
}
