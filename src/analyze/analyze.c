/* SPDX-License-Identifier: GPL-2.0-or-later */
/* analyze.c - what the analyzers share: the per-association state (struct
 * flow_an) in one flow slot, the requests they wait to see answered (on their
 * transactions), and the
 * common analyzer that frees that state and drives the finding aggregates'
 * timers; see analyze.h. */
#include "analyze/analyze.h"

#include <stdlib.h>
#include <string.h>

#include "core/finding.h"
#include "core/ied.h"

int an_flow_slot;

struct flow_an *flow_an_get(struct flow *f)
{
	struct flow_an *a = flow_an_of(f);
	if (!a) {
		a = calloc(1, sizeof(*a));
		if (a)
			a->ied = ied_of_flow(f);
		f->slot[an_flow_slot] = a;
	}
	return a;
}

static int an_txn_slot;

static void request_free(struct an_request *r)
{
	for (uint16_t i = 0; i < r->n_items; i++)
		free(r->items[i].str);
	free(r->items);
	free(r->name);
	free(r);
}

static void request_release(struct mms_txn *t, void *state)
{
	(void)t;
	request_free(state);
}

struct an_request *an_request_new(struct mms_txn *t, uint8_t kind)
{
	if (!t)
		return NULL;
	an_request_drop(t);
	struct an_request *r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->kind = kind;
	r->at = t->at;
	t->slot[an_txn_slot] = r;
	return r;
}

struct an_request *an_request_of(const struct mms_txn *t)
{
	return t ? t->slot[an_txn_slot] : NULL;
}

void an_request_drop(struct mms_txn *t)
{
	if (t && t->slot[an_txn_slot]) {
		request_free(t->slot[an_txn_slot]);
		t->slot[an_txn_slot] = NULL;
	}
}

/* ---- the common analyzer ----------------------------------------------------- */

static void common_init(void)
{
	an_flow_slot = bus_flow_slot("analyze");
	an_txn_slot = bus_txn_slot("analyze", request_release);
}

/* Registered last: every analyzer has seen the flow's end when its shared state
 * goes, and the finding aggregates close after every analyzer's timers ran. */
static void common_flow_end(struct flow *f, enum flow_end why, const struct pkt_where *at)
{
	(void)why;
	(void)at;
	struct flow_an *a = flow_an_of(f);
	if (!a)
		return;
	free(a->loss[0]);
	free(a->loss[1]);
	free(a);
	f->slot[an_flow_slot] = NULL;
}

static void common_finish(int64_t now)
{
	(void)now;
	findings_finish();
}

const struct analyzer common_analyzer = {
	.name = "common",
	.init = common_init,
	.flow_end = common_flow_end,
	.tick = findings_tick,
	.finish = common_finish,
};
