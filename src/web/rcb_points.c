/* SPDX-License-Identifier: GPL-2.0-or-later */
/* rcb_points.c - an RCB timeline's points from its rows; see rcb_points.h. */
#include "web/rcb_points.h"

#include <stdlib.h>
#include <string.h>

#include "util/grow.h"
#include "util/limits.h"

/* A second's share of one row, or the sum of several rows' shares once merged:
 * the rows written first and last that it has seen, for first_sqnum and for the
 * rest. */
struct second_sum {
	int64_t second, first_sqnum, last_sqnum, reports;
	int64_t written_first, written_last;
	uint32_t text; /* the last row's index into texts: its reasons and events */
	bool has_first, has_last;
};

struct row_text {
	char *reasons, *events;
};

struct rcb_points {
	size_t limit;
	bool has_from, has_to, has_cutoff;
	int64_t from, to;
	int64_t cutoff;         /* with has_cutoff: the oldest of the newest `limit` seconds */
	struct second_sum *raw; /* the sums so far: merged and cut back by compact() */
	size_t n_raw, cap_raw;
	struct row_text *texts;
	size_t n_texts, cap_texts;
	struct rcb_point *out;
};

struct rcb_points *rcb_points_new(size_t limit, bool has_from, int64_t from, bool has_to, int64_t to)
{
	struct rcb_points *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->limit = limit ? limit : 1;
	p->has_from = has_from;
	p->from = from;
	p->has_to = has_to;
	p->to = to;
	return p;
}

static void texts_free(struct row_text *texts, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(texts[i].reasons);
		free(texts[i].events);
	}
	free(texts);
}

void rcb_points_free(struct rcb_points *p)
{
	if (!p)
		return;
	texts_free(p->texts, p->n_texts);
	free(p->raw);
	free(p->out);
	free(p);
}

bool rcb_points_want(const struct rcb_points *p, int64_t second)
{
	if (!p->has_cutoff || second > p->cutoff)
		return true;
	/* The row reaches at most MMSW_RCB_SPAN_MAX - 1 seconds past its first. */
	return (uint64_t)p->cutoff - (uint64_t)second < MMSW_RCB_SPAN_MAX;
}

/* Newest second first; of one second, the row written first first. */
static int raw_order(const void *a, const void *b)
{
	const struct second_sum *x = a, *y = b;
	if (x->second != y->second)
		return x->second < y->second ? 1 : -1;
	return (x->written_first > y->written_first) - (x->written_first < y->written_first);
}

/* y's rows into x (same second). */
static void raw_merge(struct second_sum *x, const struct second_sum *y)
{
	x->reports = (int64_t)((uint64_t)x->reports + (uint64_t)y->reports);
	if (y->written_first < x->written_first) {
		x->written_first = y->written_first;
		x->first_sqnum = y->first_sqnum;
		x->has_first = y->has_first;
	}
	if (y->written_last > x->written_last) {
		x->written_last = y->written_last;
		x->last_sqnum = y->last_sqnum;
		x->has_last = y->has_last;
		x->text = y->text;
	}
}

/* Only the texts the kept sums name stay: at most one per sum. */
static bool texts_compact(struct rcb_points *p)
{
	struct row_text *kept = calloc(p->n_raw ? p->n_raw : 1, sizeof(*kept));
	uint32_t *to = malloc((p->n_texts ? p->n_texts : 1) * sizeof(*to));
	if (!kept || !to) {
		free(kept);
		free(to);
		return false;
	}
	memset(to, 0xff, (p->n_texts ? p->n_texts : 1) * sizeof(*to));
	size_t n = 0;
	for (size_t i = 0; i < p->n_raw; i++) {
		uint32_t t = p->raw[i].text;
		if (to[t] == UINT32_MAX) {
			to[t] = (uint32_t)n;
			kept[n++] = p->texts[t];
			p->texts[t] = (struct row_text){ NULL, NULL };
		}
		p->raw[i].text = to[t];
	}
	texts_free(p->texts, p->n_texts);
	free(to);
	p->texts = kept;
	p->n_texts = n;
	p->cap_texts = p->n_raw ? p->n_raw : 1;
	return true;
}

/* One sum per second, the newest `limit` of them; what is cut is older than
 * every second kept, and no later row can bring it back. */
static bool compact(struct rcb_points *p)
{
	if (!p->n_raw)
		return true;
	qsort(p->raw, p->n_raw, sizeof(*p->raw), raw_order);
	size_t n = 0;
	for (size_t i = 0; i < p->n_raw; i++) {
		if (n && p->raw[n - 1].second == p->raw[i].second) {
			raw_merge(&p->raw[n - 1], &p->raw[i]);
			continue;
		}
		if (n == p->limit)
			break;
		p->raw[n++] = p->raw[i];
	}
	p->n_raw = n;
	if (n == p->limit) {
		p->has_cutoff = true;
		p->cutoff = p->raw[n - 1].second;
	}
	return texts_compact(p);
}

/* The store writes short lists (96 bytes at most); a longer value, from
 * another writer, is cut. */
#define TEXT_MAX 255

/* The sums held: merged and cut back to `limit` once they reach 2 x limit, before
 * a row adds its own (a row adds at most MMSW_RCB_SPAN_MAX, each with the row's
 * one text). */
static size_t held_max(const struct rcb_points *p)
{
	return 2 * p->limit + MMSW_RCB_SPAN_MAX;
}

bool rcb_points_add(struct rcb_points *p, const struct rcb_row_in *row)
{
	if (p->n_raw >= 2 * p->limit && !compact(p))
		return false;
	int64_t n = row->seconds;
	if (n < 1 || row->second > INT64_MAX - MMSW_RCB_SPAN_MAX)
		n = 1;
	if (n > MMSW_RCB_SPAN_MAX)
		n = MMSW_RCB_SPAN_MAX;
	int64_t lo = row->second, hi = row->second + (n - 1);
	if (p->has_from && p->from > lo)
		lo = p->from;
	if (p->has_cutoff && p->cutoff > lo)
		lo = p->cutoff;
	if (p->has_to && p->to < hi)
		hi = p->to;
	if (lo > hi)
		return true;
	if (!grow_room((void **)&p->texts, &p->cap_texts, p->n_texts, 64, held_max(p), sizeof(*p->texts)))
		return false;
	struct row_text *t = &p->texts[p->n_texts];
	t->reasons = strndup(row->reasons ? row->reasons : "", TEXT_MAX);
	t->events = strndup(row->events ? row->events : "", TEXT_MAX);
	p->n_texts++;
	if (!t->reasons || !t->events)
		return false;
	int64_t each = n > 1 ? row->reports / n : row->reports;
	/* hi - lo < MMSW_RCB_SPAN_MAX: k cannot overflow, nor can hi - k. */
	for (int64_t k = 0; k <= hi - lo; k++) {
		int64_t s = hi - k;
		if (!grow_room((void **)&p->raw, &p->cap_raw, p->n_raw, 256, held_max(p), sizeof(*p->raw)))
			return false;
		struct second_sum *r = &p->raw[p->n_raw++];
		uint64_t i = (uint64_t)(s - row->second);
		r->second = s;
		r->reports = each;
		r->has_first = row->has_first;
		r->has_last = row->has_last;
		if (n == 1) {
			r->first_sqnum = row->first_sqnum;
			r->last_sqnum = row->last_sqnum;
		} else {
			r->first_sqnum = (int64_t)((uint64_t)row->first_sqnum + i * (uint64_t)each);
			r->last_sqnum = (int64_t)((uint64_t)r->first_sqnum + (uint64_t)each - 1);
		}
		r->written_first = r->written_last = row->written;
		r->text = (uint32_t)(p->n_texts - 1);
	}
	return true;
}

static int point_order(const void *a, const void *b)
{
	const struct rcb_point *x = a, *y = b;
	return (x->second > y->second) - (x->second < y->second);
}

bool rcb_points_finish(struct rcb_points *p, const struct rcb_point **points, size_t *n)
{
	*points = NULL;
	*n = 0;
	if (!compact(p))
		return false;
	free(p->out);
	p->out = calloc(p->n_raw ? p->n_raw : 1, sizeof(*p->out));
	*points = p->out;
	*n = p->out ? p->n_raw : 0;
	if (!p->out)
		return false;
	for (size_t i = 0; i < p->n_raw; i++) {
		const struct second_sum *r = &p->raw[i];
		p->out[i] = (struct rcb_point){
			.second = r->second,
			.has_first = r->has_first,
			.has_last = r->has_last,
			.first_sqnum = r->first_sqnum,
			.last_sqnum = r->last_sqnum,
			.reports = r->reports,
			.reasons = p->texts[r->text].reasons,
			.events = p->texts[r->text].events,
		};
	}
	qsort(p->out, p->n_raw, sizeof(*p->out), point_order);
	return true;
}
