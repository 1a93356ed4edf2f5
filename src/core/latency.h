/* SPDX-License-Identifier: GPL-2.0-or-later */
/* latency.h - how fast an IED answers, per MMS confirmed service: a log-scale
 * histogram of fixed size, kept per (IED, service) in the IED model (ied.h:
 * ied_latency). The services analyzer fills it; the summary, the store and the
 * dashboard read it. */
#ifndef MMSW_LATENCY_H
#define MMSW_LATENCY_H

#include <stddef.h>
#include <stdint.h>

/* 8 buckets per power of two of microseconds, so a quantile is within 1/8 of the
 * truth. */
#define SVC_LAT_BUCKETS 272
#define SVC_ANY (-1) /* ied_latency(): every service together */
/* Histograms per IED: one per confirmed service tag below LAT_TAGS, one for
 * every other tag, one for all services together. */
#define LAT_TAGS 80
#define LAT_INDEX_OTHER LAT_TAGS
#define LAT_INDEX_ANY (LAT_TAGS + 1)
#define LAT_INDEXES (LAT_TAGS + 2)
/* Histograms in the whole run (about 1 KB each); past it, counted
 * (latency_table_full). */
#define LAT_HIST_MAX 8192

struct svc_latency {
	uint64_t count;      /* answers timed: confirmed-responses and -errors */
	uint64_t errors;     /* confirmed-errors among them */
	uint64_t rejects;    /* requests answered by a reject PDU */
	uint64_t unanswered; /* requests that never got an answer */
	uint64_t slow;       /* answers slower than latency.slow */
	int64_t min_us, max_us;
	uint64_t sum_us;
	uint32_t bucket[SVC_LAT_BUCKETS];
};

/* The IED's latency tables, allocated at the first timed answer. */
struct ied_latency {
	struct svc_latency *lat[LAT_INDEXES];
};

/* The latency at a quantile in permille (500 = p50, 950, 990, 1000 = max), in
 * microseconds: the upper edge of the bucket holding it, never above max_us;
 * 0 without samples. */
int64_t svc_latency_quantile(const struct svc_latency *l, unsigned permille);
void svc_latency_add(struct svc_latency *l, int64_t us);

#endif
