/* SPDX-License-Identifier: GPL-2.0-or-later */
/* finding.c - finding aggregation and publication; see finding.h. */
#include "core/finding.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/flow.h"
#include "core/order.h"
#include "core/rules.h"
#include "core/shard.h"
#include "util/fnv.h"
#include "util/grow.h"

/* Findings kept for the end of the run (and the store). Past this, findings are
 * still published and counted, but the oldest closed ones are not kept. */
#define FINDINGS_KEPT_MAX 20000
/* Open aggregates at once (each holds ~5.5 KB of details and evidence). When
 * full, the one touched longest ago closes early: a later repeat starts a new
 * finding, nothing is lost. This bounds memory whatever the number of IEDs. */
#define FINDINGS_OPEN_MAX 1024

static struct finding_brief *kept; /* every finding, in creation order (capped) */
static size_t n_kept, kept_cap, kept_dropped;
static struct finding *open_[FINDINGS_OPEN_MAX];
static size_t n_open;
/* The open aggregates chained by a hash of (kind, IED, object): finding_open
 * looked for its aggregate by a scan with strcmp of every open one, whose
 * number grows with the IEDs (issue 17). The list open_ still decides which
 * one is found (the first in it), and which one is evicted. */
#define OPEN_BUCKETS 2048 /* a power of two, twice FINDINGS_OPEN_MAX */
static struct finding *bucket[OPEN_BUCKETS];
static uint64_t next_id = 1;
static uint64_t by_sev[SEV_COUNT];
static void (*publisher)(const struct finding *f);

void findings_publish_to(void (*fn)(const struct finding *f))
{
	publisher = fn;
}

static void endpoint_of(const struct flow *f, int ep, struct endpoint *e)
{
	memset(e, 0, sizeof(*e));
	e->ipver = f->key.ipver;
	e->n_vlan = f->key.n_vlan;
	memcpy(e->vlan, f->key.vlan, sizeof(e->vlan));
	memcpy(e->ip, f->key.ip[ep], 16);
	e->port = f->key.port[ep];
}

void endpoint_server(const struct flow *f, struct endpoint *e)
{
	endpoint_of(f, 1 - f->client, e);
}
void endpoint_client(const struct flow *f, struct endpoint *e)
{
	endpoint_of(f, f->client, e);
}

void endpoint_ip_text(const struct endpoint *e, char *buf, size_t size)
{
	struct flow tmp;
	memset(&tmp.key, 0, sizeof(tmp.key));
	tmp.key.ipver = e->ipver;
	memcpy(tmp.key.ip[0], e->ip, 16);
	flow_addr_text(&tmp, 0, buf, size);
}

void endpoint_text(const struct endpoint *e, char *buf, size_t size)
{
	char a[64];
	endpoint_ip_text(e, a, sizeof(a));
	snprintf(buf, size, e->ipver == 6 ? "[%s]:%u" : "%s:%u", a, e->port);
}

void flow_client_ip(const struct flow *f, char *buf, size_t size)
{
	struct endpoint e;
	endpoint_client(f, &e);
	endpoint_ip_text(&e, buf, size);
}

static bool same_ied(const struct endpoint *a, const struct endpoint *b)
{
	return a->ipver == b->ipver && a->port == b->port && a->n_vlan == b->n_vlan &&
		!memcmp(a->vlan, b->vlan, sizeof(a->vlan)) && !memcmp(a->ip, b->ip, 16);
}

static void publish(struct finding *f)
{
	if (publisher)
		publisher(f);
	f->emitted = true;
	f->dirty = false;
}

/* Reserve the finding's brief (filled when the aggregate closes). */
static void keep(struct finding *f)
{
	if (n_kept >= FINDINGS_KEPT_MAX) {
		kept_dropped++;
		return;
	}
	/* grown as findings come: a run with a few pays for a few, not for
	 * zeroing the whole cap's briefs */
	if (!grow_room((void **)&kept, &kept_cap, n_kept, 64, FINDINGS_KEPT_MAX, sizeof(*kept)))
		return;
	memset(&kept[n_kept], 0, sizeof(kept[n_kept]));
	kept[n_kept].id = f->id;
	kept[n_kept].kind = f->kind;
	kept[n_kept].first = order_now();
	n_kept++;
	f->kept = true;
}

static void brief(const struct finding *f)
{
	if (!f->kept || !f->count)
		return;
	/* Briefs are in creation order, ids ascending: a binary search. */
	size_t lo = 0, hi = n_kept;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (kept[mid].id < f->id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo >= n_kept || kept[lo].id != f->id)
		return;
	struct finding_brief *b = &kept[lo];
	b->kind = f->kind;
	b->severity = f->severity;
	b->count = f->count;
	b->ied = f->ied;
	free(b->summary);
	b->summary = strdup(f->summary);
}

/* Over exactly what finding_open compares (same_ied's fields, the texts). */
static uint32_t open_hash(const char *kind, const struct endpoint *e, const char *object)
{
	uint32_t h = fnv1a32(FNV1A32_INIT, kind, strlen(kind) + 1);
	h = fnv1a32(h, &e->ipver, 1);
	h = fnv1a32(h, &e->n_vlan, 1);
	h = fnv1a32(h, e->vlan, sizeof(e->vlan));
	h = fnv1a32(h, e->ip, 16);
	h = fnv1a32(h, &e->port, sizeof(e->port));
	return fnv1a32(h, object, strlen(object) + 1);
}

static void index_add(struct finding *f)
{
	f->hash = open_hash(f->kind, &f->ied, f->object);
	struct finding **b = &bucket[f->hash & (OPEN_BUCKETS - 1)];
	f->hnext = *b;
	*b = f;
}

static void index_remove(struct finding *f)
{
	for (struct finding **p = &bucket[f->hash & (OPEN_BUCKETS - 1)]; *p; p = &(*p)->hnext)
		if (*p == f) {
			*p = f->hnext;
			return;
		}
}

static bool is_open(const struct finding *f)
{
	return f->open_pos < n_open && open_[f->open_pos] == f;
}

/* Close an open aggregate: its last record says everything it gathered. */
static void close_at(size_t i)
{
	struct finding *f = open_[i];
	if (f->dirty)
		publish(f);
	index_remove(f);
	open_[i] = open_[--n_open];
	open_[i]->open_pos = (uint32_t)i;
	brief(f);
	free(f->list);
	free(f);
}

struct finding *finding_open(const char *kind, const struct endpoint *ied, const char *object, int64_t now)
{
	const char *obj = object ? object : "";
	/* the first match in open_, as the scan found it (after finding_supersede
	 * two open aggregates can share a key) */
	struct finding *m = NULL;
	uint32_t h = open_hash(kind, ied, obj);
	for (struct finding *f = bucket[h & (OPEN_BUCKETS - 1)]; f; f = f->hnext)
		if (f->hash == h && (f->kind == kind || !strcmp(f->kind, kind)) && same_ied(&f->ied, ied) &&
		    !strcmp(f->object, obj) && (!m || f->open_pos < m->open_pos))
			m = f;
	if (m) {
		if (now - m->last_seen <= g_rules.thr[THR_FINDING_WINDOW])
			return m;
		close_at(m->open_pos);
	}
	if (n_open >= FINDINGS_OPEN_MAX) {
		/* Full: close the aggregate that has waited longest. */
		size_t oldest = 0;
		for (size_t i = 1; i < n_open; i++)
			if (open_[i]->last_seen < open_[oldest]->last_seen)
				oldest = i;
		close_at(oldest);
	}
	struct finding *f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->id = shard_serial(next_id++); /* unique among --shard processes too */
	f->kind = kind;
	f->ied = *ied;
	f->first_seen = f->last_seen = now;
	snprintf(f->object, sizeof(f->object), "%s", obj);
	strcpy(f->details, "{}");
	f->open_pos = (uint32_t)n_open;
	open_[n_open++] = f;
	index_add(f);
	keep(f);
	return f;
}

void finding_set_flow(struct finding *f, const struct flow *fl)
{
	if (!f || !fl)
		return;
	f->flow_id = fl->id;
	f->has_client = true;
	endpoint_client(fl, &f->client);
}

struct finding *finding_open_on_flow(const char *kind, uint8_t sev, const struct flow *fl, const char *object,
				     int64_t now)
{
	struct endpoint ied;
	endpoint_server(fl, &ied);
	struct finding *fd = finding_open(kind, &ied, object, now);
	if (!fd)
		return NULL;
	if (!fd->count)
		fd->severity = sev;
	finding_set_flow(fd, fl);
	return fd;
}

void finding_details_end(struct jw *w, struct finding *fd)
{
	jw_obj_end(w);
	if (w->overflow)
		strcpy(fd->details, "{}");
	else
		fd->details[w->len] = 0;
}

void finding_evidence(struct finding *f, const struct pkt_where *at)
{
	if (!f || !at || !at->frame)
		return;
	for (unsigned i = 0; i < f->n_evidence; i++)
		if (f->evidence[i].frame == at->frame && f->evidence[i].file_idx == at->file_idx)
			return;
	f->evidence_total++;
	if (f->n_evidence < FINDING_EVIDENCE_MAX)
		f->evidence[f->n_evidence++] = *at;
	f->dirty = true;
}

void finding_context(struct finding *f, const struct pkt_where *at)
{
	if (!f || !at || !at->frame)
		return;
	for (unsigned i = 0; i < f->n_context; i++)
		if (f->context[i].frame == at->frame && f->context[i].file_idx == at->file_idx)
			return;
	if (f->n_context < FINDING_CONTEXT_MAX)
		f->context[f->n_context++] = *at;
}

void finding_summary(struct finding *f, const char *fmt, ...)
{
	if (!f)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(f->summary, sizeof(f->summary), fmt, ap);
	va_end(ap);
	f->dirty = true;
}

void finding_list_add(struct finding *f, uint32_t v)
{
	if (!f)
		return;
	f->list_total++;
	if (!f->list)
		f->list = calloc(FINDING_LIST_MAX, sizeof(*f->list));
	if (f->list && f->n_list < FINDING_LIST_MAX)
		f->list[f->n_list++] = v;
}

void finding_commit(struct finding *f, int64_t now)
{
	if (!f)
		return;
	if (f->count == 0) {
		uint8_t sev = rules_severity(&g_rules, f->kind, f->severity);
		f->severity = sev;
		by_sev[sev]++;
	}
	f->count++;
	if (now > f->last_seen)
		f->last_seen = now;
	f->dirty = true;
	if (!f->emitted)
		publish(f);
}

void finding_raise(struct finding *f, uint8_t sev)
{
	if (!f || sev <= f->severity || sev >= SEV_COUNT)
		return;
	if (f->count) {
		by_sev[f->severity]--;
		by_sev[sev]++;
	}
	f->severity = sev;
	f->dirty = true;
}

void finding_touch(struct finding *f, int64_t now)
{
	if (!f)
		return;
	if (!f->count) {
		finding_commit(f, now);
		return;
	}
	if (now > f->last_seen)
		f->last_seen = now;
	f->dirty = true;
	if (!f->emitted)
		publish(f); /* superseded: its new kind goes out at once */
}

void finding_supersede(struct finding *f, const char *kind, uint8_t sev)
{
	if (!f || sev >= SEV_COUNT)
		return;
	uint8_t s = rules_severity(&g_rules, kind, sev);
	if (f->count) {
		by_sev[f->severity]--;
		by_sev[s]++;
	}
	bool open = is_open(f);
	if (open)
		index_remove(f);
	f->kind = kind;
	if (open)
		index_add(f);
	f->severity = s;
	f->emitted = false;
	f->dirty = true;
}

void findings_tick(int64_t now)
{
	for (size_t i = 0; i < n_open;) {
		if (now - open_[i]->last_seen > g_rules.thr[THR_FINDING_WINDOW])
			close_at(i);
		else
			i++;
	}
}

void findings_finish(void)
{
	while (n_open)
		close_at(n_open - 1);
}

uint64_t findings_count(uint8_t sev)
{
	return sev < SEV_COUNT ? by_sev[sev] : 0;
}

void findings_foreach(void (*fn)(const struct finding_brief *, void *), void *arg)
{
	for (size_t i = 0; i < n_kept; i++)
		if (kept[i].count)
			fn(&kept[i], arg);
}

void findings_free(void)
{
	findings_finish();
	for (size_t i = 0; i < n_kept; i++)
		free(kept[i].summary);
	free(kept);
	kept = NULL;
	n_kept = kept_cap = 0;
	memset(by_sev, 0, sizeof(by_sev));
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

void finding_tshark_filter(const struct finding *f, char *buf, size_t size)
{
	/* tshark 4.0 set syntax: frame.number in {1, 5, 9}; frames of the file of the
	 * first evidence frame (frame numbers are per file). */
	uint64_t frames[FINDING_EVIDENCE_MAX];
	unsigned n = 0;
	buf[0] = 0;
	if (!f->n_evidence)
		return;
	uint32_t file = f->evidence[0].file_idx;
	for (unsigned i = 0; i < f->n_evidence; i++)
		if (f->evidence[i].file_idx == file)
			frames[n++] = f->evidence[i].frame;
	qsort(frames, n, sizeof(frames[0]), cmp_u64);
	size_t used = 0;
	int w = snprintf(buf, size, "frame.number in {");
	if (w < 0 || (size_t)w >= size)
		goto toolong;
	used = (size_t)w;
	for (unsigned i = 0; i < n; i++) {
		w = snprintf(buf + used, size - used, "%s%llu", i ? ", " : "", (unsigned long long)frames[i]);
		if (w < 0 || (size_t)w >= size - used)
			goto toolong;
		used += (size_t)w;
	}
	if (used + 2 > size)
		goto toolong;
	buf[used++] = '}';
	buf[used] = 0;
	return;
toolong:
	buf[0] = 0;
}
