/* analyze.c - what the analyzers share: the per-association state (struct
 * flow_an) in one flow slot, the requests they wait to see answered, and the
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

struct an_request *an_request_new(struct flow_an *a, uint8_t kind, uint32_t invoke_id,
				  const struct pkt_where *at)
{
	/* Most connections never ask anything an analyzer follows (half-open SYNs,
	 * probes): the table exists only once one does. */
	if (!a->req && !(a->req = calloc(AN_MAX_REQUESTS, sizeof(*a->req))))
		return NULL;
	struct an_request *slot = NULL, *oldest = &a->req[0];
	for (int i = 0; i < AN_MAX_REQUESTS; i++) {
		if (a->req[i].kind == AN_REQ_NONE && !slot)
			slot = &a->req[i];
		if (a->req[i].kind != AN_REQ_NONE && a->req[i].invoke_id == invoke_id)
			slot = &a->req[i]; /* the same invokeID again: the old one is answered or lost */
		if (a->req[i].ts < oldest->ts)
			oldest = &a->req[i];
	}
	if (!slot)
		slot = oldest;
	an_request_free(slot);
	slot->kind = kind;
	slot->invoke_id = invoke_id;
	slot->ts = at->ts_us;
	slot->at = *at;
	return slot;
}

struct an_request *an_request_find(struct flow_an *a, uint32_t invoke_id)
{
	if (!a->req)
		return NULL;
	for (int i = 0; i < AN_MAX_REQUESTS; i++)
		if (a->req[i].kind != AN_REQ_NONE && a->req[i].invoke_id == invoke_id)
			return &a->req[i];
	return NULL;
}

void an_request_free(struct an_request *r)
{
	for (uint16_t i = 0; i < r->n_items; i++)
		free(r->items[i].str);
	free(r->items);
	free(r->name);
	memset(r, 0, sizeof(*r));
}

/* ---- the common analyzer ----------------------------------------------------- */

static void common_init(void) { an_flow_slot = bus_flow_slot("analyze"); }

/* Registered last: every analyzer has seen the flow's end when its shared state
 * goes, and the finding aggregates close after every analyzer's timers ran. */
static void common_flow_end(struct flow *f, enum flow_end why, const struct pkt_where *at)
{
	(void)why;
	(void)at;
	struct flow_an *a = flow_an_of(f);
	if (!a)
		return;
	for (int i = 0; a->req && i < AN_MAX_REQUESTS; i++)
		an_request_free(&a->req[i]);
	free(a->req);
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
