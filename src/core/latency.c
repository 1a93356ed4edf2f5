/* SPDX-License-Identifier: GPL-2.0-or-later */
/* latency.c - the IED's latency histograms; see latency.h. */
#include "core/latency.h"

#include <stdint.h>


#define LAT_SUB 8 /* sub-buckets per power of two; values below 8 us are exact */

static unsigned lat_bucket(int64_t us)
{
	uint64_t v = us < 0 ? 0 : (uint64_t)us;
	if (v < LAT_SUB)
		return (unsigned)v;
	unsigned e = 63u - (unsigned)__builtin_clzll(v); /* >= 3 */
	unsigned sub = (unsigned)(v >> (e - 3)) & (LAT_SUB - 1);
	unsigned i = LAT_SUB + (e - 3) * LAT_SUB + sub;
	return i < SVC_LAT_BUCKETS ? i : SVC_LAT_BUCKETS - 1;
}

/* The largest value bucket i holds. */
static int64_t lat_high(unsigned i)
{
	if (i < LAT_SUB)
		return i;
	unsigned e = (i - LAT_SUB) / LAT_SUB + 3, sub = (i - LAT_SUB) % LAT_SUB;
	uint64_t lo = (uint64_t)(LAT_SUB + sub) << (e - 3);
	return (int64_t)(lo + ((uint64_t)1 << (e - 3)) - 1);
}

void svc_latency_add(struct svc_latency *l, int64_t us)
{
	if (us < 0)
		us = 0; /* packet time can step back across files */
	if (!l->count || us < l->min_us)
		l->min_us = us;
	if (!l->count || us > l->max_us)
		l->max_us = us;
	l->count++;
	l->sum_us += (uint64_t)us;
	l->bucket[lat_bucket(us)]++;
}

int64_t svc_latency_quantile(const struct svc_latency *l, unsigned permille)
{
	uint64_t n = 0;
	if (!l)
		return 0;
	for (unsigned i = 0; i < SVC_LAT_BUCKETS; i++)
		n += l->bucket[i];
	if (!n)
		return 0;
	if (permille > 1000)
		permille = 1000;
	uint64_t rank = (n * permille + 999) / 1000; /* the sample at or above the quantile */
	if (!rank)
		rank = 1;
	uint64_t seen = 0;
	for (unsigned i = 0; i < SVC_LAT_BUCKETS; i++) {
		seen += l->bucket[i];
		if (seen >= rank) {
			/* the last bucket holds everything beyond its lower edge */
			int64_t v = i == SVC_LAT_BUCKETS - 1 ? l->max_us : lat_high(i);
			if (v > l->max_us)
				v = l->max_us;
			if (v < l->min_us)
				v = l->min_us;
			return v;
		}
	}
	return l->max_us;
}
