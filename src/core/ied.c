/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ied.c - the IED registry; see ied.h. */
#include "core/ied.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/latency.h"
#include "core/order.h"
#include "core/rules.h"
#include "core/scl.h"
#include "util/fnv.h"
#include "util/heap.h"
#include "util/stats.h"

#define HASH_SIZE 8192 /* power of two, >= IED_MAX */

static struct ied *ieds[IED_MAX];
static size_t n_ieds;
static int16_t hash_slot[HASH_SIZE]; /* index + 1 into ieds; 0 empty */

static uint32_t ep_hash(const struct endpoint *e)
{
	uint32_t h = fnv1a32(FNV1A32_INIT, e->ip, 16);
	h = (h ^ e->port) * 16777619u; /* the port as one step, not two bytes */
	for (int i = 0; i < e->n_vlan; i++)
		h = (h ^ e->vlan[i]) * 16777619u;
	return h;
}

static bool ep_eq(const struct endpoint *a, const struct endpoint *b)
{
	return a->ipver == b->ipver && a->port == b->port && a->n_vlan == b->n_vlan &&
		!memcmp(a->vlan, b->vlan, sizeof(a->vlan)) && !memcmp(a->ip, b->ip, 16);
}

struct ied *ied_get(const struct endpoint *ep, bool create)
{
	uint32_t h = ep_hash(ep) & (HASH_SIZE - 1);
	for (uint32_t i = 0; i < HASH_SIZE; i++, h = (h + 1) & (HASH_SIZE - 1)) {
		int16_t s = hash_slot[h];
		if (!s)
			break;
		if (ep_eq(&ieds[s - 1]->ep, ep))
			return ieds[s - 1];
	}
	if (!create)
		return NULL;
	if (n_ieds >= IED_MAX) {
		stat_inc(STAT_ied_table_full);
		return NULL;
	}
	struct ied *d = aligned_alloc(_Alignof(struct ied), sizeof(*d)); /* its first lines: see struct ied */
	if (!d)
		return NULL;
	memset(d, 0, sizeof(*d));
	d->ep = *ep;
	d->first = order_now();
	const struct rule_ied *r = rules_ied(&g_rules, ep->ipver, ep->ip, ep->port);
	if (r) {
		snprintf(d->name, sizeof(d->name), "%s", r->name);
		d->limit = r->limit;
	}
	/* The design names the server from its first packet, mid-stream included; an
	 * operator's rules name stays first (it is the local, deliberate one). */
	const struct scl_access_addr *a = scl_addr_by_endpoint(g_scl, ep);
	if (a) {
		d->design = a->ied;
		if (!d->name[0]) {
			snprintf(d->name, sizeof(d->name), "%s", a->ied->name);
			d->name_from_design = true;
		}
	}
	ieds[n_ieds++] = d;
	hash_slot[h] = (int16_t)n_ieds;
	return d;
}

struct ied *ied_of_flow(struct flow *f)
{
	if (f->ied)
		return f->ied;
	struct endpoint e;
	endpoint_server(f, &e);
	return f->ied = ied_get(&e, true);
}

struct rcb *ied_rcb(struct ied *d, const char *ref, bool create)
{
	for (uint16_t i = 0; i < d->n_rcbs; i++)
		if (!strcmp(d->rcbs[i].ref, ref))
			return &d->rcbs[i];
	if (!create)
		return NULL;
	if (d->n_rcbs >= IED_MAX_RCBS) {
		stat_inc(STAT_rcb_table_full);
		return NULL;
	}
	if (d->n_rcbs == 0 || (d->n_rcbs >= 2 && (d->n_rcbs & (d->n_rcbs - 1)) == 0)) {
		/* grow by doubling from 2: most IEDs have a handful of RCBs */
		size_t cap = d->n_rcbs ? (size_t)d->n_rcbs * 2 : 2;
		struct rcb *n = heap_regrow_aligned(d->rcbs, d->n_rcbs, cap, sizeof(*n), _Alignof(struct rcb));
		if (!n)
			return NULL;
		d->rcbs = n;
	}
	struct rcb *r = &d->rcbs[d->n_rcbs++];
	memset(r, 0, sizeof(*r));
	snprintf(r->ref, sizeof(r->ref), "%s", ref);
	r->buffered = strstr(ref, "$BR$") != NULL;
	return r;
}

struct dataset *ied_dataset(struct ied *d, const char *ref, bool create)
{
	for (uint16_t i = 0; i < d->n_datasets; i++)
		if (!strcmp(d->datasets[i].ref, ref))
			return &d->datasets[i];
	if (!create || d->n_datasets >= IED_MAX_DATASETS)
		return NULL;
	if ((d->n_datasets & 7) == 0) {
		struct dataset *n = realloc(d->datasets, ((size_t)d->n_datasets + 8) * sizeof(*n));
		if (!n)
			return NULL;
		d->datasets = n;
	}
	struct dataset *s = &d->datasets[d->n_datasets++];
	memset(s, 0, sizeof(*s));
	snprintf(s->ref, sizeof(s->ref), "%s", ref);
	return s;
}

void ied_add_ld(struct ied *d, struct bview name)
{
	if (name.len == 0 || name.len > 64)
		return;
	for (uint16_t i = 0; i < d->n_lds; i++)
		if (strlen(d->lds[i]) == name.len && !memcmp(d->lds[i], name.p, name.len))
			return;
	if (d->n_lds >= IED_MAX_LDS)
		return;
	if ((d->n_lds & 3) == 0) {
		char(*n)[65] = realloc(d->lds, ((size_t)d->n_lds + 4) * sizeof(*n));
		if (!n)
			return;
		d->lds = n;
	}
	memcpy(d->lds[d->n_lds], name.p, name.len);
	d->lds[d->n_lds][name.len] = 0;
	d->n_lds++;
}

void ied_foreach(void (*fn)(struct ied *, void *), void *arg)
{
	for (size_t i = 0; i < n_ieds; i++)
		fn(ieds[i], arg);
}

size_t ied_count(void)
{
	return n_ieds;
}

void ied_free_all(void)
{
	for (size_t i = 0; i < n_ieds; i++) {
		struct ied *d = ieds[i];
		for (uint16_t k = 0; k < d->n_datasets; k++) {
			for (uint16_t m = 0; m < d->datasets[k].n_members; m++)
				free(d->datasets[k].members[m]);
			free(d->datasets[k].members);
		}
		free(d->datasets);
		free(d->rcbs);
		free(d->lds);
		ied_latency_free(d);
		free(d);
		ieds[i] = NULL;
	}
	n_ieds = 0;
	memset(hash_slot, 0, sizeof(hash_slot));
}

const char *ied_label(const struct ied *d, char *buf, size_t size)
{
	char ep[80];
	endpoint_text(&d->ep, ep, sizeof(ep));
	if (d->name[0])
		snprintf(buf, size, "%s (%s)", d->name, ep);
	else
		snprintf(buf, size, "%s", ep);
	return buf;
}

/* ---- latency (core/latency.h) ---------------------------------------------- */

static size_t n_hist;

unsigned latency_index(int service)
{
	if (service == SVC_ANY)
		return LAT_INDEX_ANY;
	return service >= 0 && service < LAT_TAGS ? (unsigned)service : LAT_INDEX_OTHER;
}

const struct svc_latency *ied_latency_at(const struct ied *d, unsigned index)
{
	return d && d->latency && index < LAT_INDEXES ? d->latency->lat[index] : NULL;
}

const struct svc_latency *ied_latency(const struct ied *d, int service)
{
	if (service < 0 && service != SVC_ANY)
		return NULL;
	return ied_latency_at(d, latency_index(service));
}

struct svc_latency *ied_latency_hist(struct ied *d, unsigned index)
{
	if (!d || index >= LAT_INDEXES)
		return NULL;
	if (!d->latency && !(d->latency = calloc(1, sizeof(*d->latency))))
		return NULL;
	struct svc_latency **l = &d->latency->lat[index];
	if (!*l) {
		if (n_hist >= LAT_HIST_MAX) {
			stat_inc(STAT_latency_table_full);
			return NULL;
		}
		*l = calloc(1, sizeof(**l));
		if (*l)
			n_hist++;
	}
	return *l;
}

void ied_latency_free(struct ied *d)
{
	if (!d->latency)
		return;
	for (unsigned i = 0; i < LAT_INDEXES; i++)
		if (d->latency->lat[i]) {
			free(d->latency->lat[i]);
			n_hist--;
		}
	free(d->latency);
	d->latency = NULL;
}
