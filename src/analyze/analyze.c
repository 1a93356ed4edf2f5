/* analyze.c - fan-out of pipeline events to the analyzers, per-association state,
 * and the analyzers' timers; see analyze.h. */
#include "analyze/analyze.h"

#include <stdlib.h>
#include <string.h>

#include "analyze/finding.h"
#include "analyze/ied.h"

struct flow_an *flow_an_get(struct flow *f)
{
	if (!f->an) {
		f->an = calloc(1, sizeof(*f->an));
		if (f->an)
			f->an->ied = ied_of_flow(f);
	}
	return f->an;
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

void analyze_mms(struct flow *f, int dir, const struct mms_event *e, const struct pkt_where *at)
{
	assoc_mms(f, dir, e, at);
	services_mms(f, dir, e, at);
	control_mms(f, dir, e, at);
	inventory_mms(f, dir, e, at);
	reports_mms(f, dir, e, at);
}

void analyze_stream(struct flow *f, int dir, const struct stream_event *e, const struct pkt_where *at)
{
	if (e->kind == STREAM_EV_GAP)
		loss_gap(f, dir, e->bytes, at);
	assoc_stream(f, dir, e, at);
	inventory_stream(f, dir, e, at);
}

void analyze_assoc(struct flow *f, int dir, const struct assoc_event *e, const struct pkt_where *at)
{
	assoc_event(f, dir, e, at);
	inventory_assoc(f, dir, e, at);
}

void analyze_tcp(struct flow *f, int dir, enum tcp_ev kind, const struct pkt_where *at)
{
	assoc_tcp(f, dir, kind, at);
}

void analyze_l2(const struct pkt *p)
{
	inventory_l2(p);
}

void analyze_flow_end(struct flow *f, enum flow_end why, const struct pkt_where *at)
{
	/* The association analyzer sees every flow end (storms count bare TCP too). */
	assoc_flow_end(f, why, at);
	if (!f->an)
		return;
	services_flow_end(f, why, at);
	control_flow_end(f, why, at);
	reports_flow_end(f, at);
	for (int i = 0; f->an->req && i < AN_MAX_REQUESTS; i++)
		an_request_free(&f->an->req[i]);
	free(f->an->req);
	free(f->an->loss[0]);
	free(f->an->loss[1]);
	free(f->an);
	f->an = NULL;
}

void analyze_tick(int64_t now)
{
	assoc_tick(now);
	services_tick(now);
	control_tick(now);
	reports_tick(now);
	findings_tick(now);
}

/* End of input: flows are already flushed (their ends seen); last checks. */
void analyze_finish(int64_t now)
{
	assoc_finish(now);
	services_finish(now);
	control_finish(now);
	reports_finish(now);
	inventory_finish(now);
	findings_finish();
}

void analyze_free(void)
{
	findings_free();
	assoc_free();
	services_free();
	control_free();
	inventory_free();
	ied_free_all();
}
