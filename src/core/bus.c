/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bus.c - registration and delivery; the ordering rule is written in bus.h. */
#include "core/bus.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/finding.h"
#include "core/flow.h"
#include "core/ied.h"
#include "core/order.h"
#include "core/summary_parts.h"
#include "util/log.h"

static const struct analyzer *analyzers[BUS_MAX_ANALYZERS];
static size_t n_analyzers;
static const struct sink *sinks[BUS_MAX_SINKS];
static size_t n_sinks;

/* Per hook, the functions to call in delivery order (every analyzer that has
 * it, then every sink that has it), rebuilt at each registration: an event costs
 * one indirect call per subscriber, nothing per non-subscriber. */
#define BUS_MAX_SUBSCRIBERS (BUS_MAX_ANALYZERS + BUS_MAX_SINKS)
#define SUBSCRIBERS(hook, type) \
	static type hook##_fn[BUS_MAX_SUBSCRIBERS]; \
	static size_t n_##hook
typedef void (*tcp_hook)(struct flow *, int, enum tcp_ev, const struct pkt_where *);
typedef void (*stream_hook)(struct flow *, int, const struct stream_event *, const struct pkt_where *);
typedef void (*assoc_hook)(struct flow *, int, const struct assoc_event *, const struct pkt_where *);
typedef void (*mms_hook)(struct flow *, int, const struct mms_event *, const struct pkt_where *);
typedef void (*l2_hook)(const struct pkt *);
typedef void (*redundancy_hook)(const struct pkt *);
typedef void (*udp_hook)(const struct pkt *);
typedef void (*mms_elsewhere_hook)(const struct pkt *, int);
typedef void (*flow_end_hook)(struct flow *, enum flow_end, const struct pkt_where *);
typedef void (*frame_hook)(struct flow *, int, const struct pkt *);
typedef void (*mms_soon_hook)(const struct flow *, int, const struct mms_event *);
typedef void (*finding_hook)(const struct finding *);
typedef void (*record_hook)(const struct record *);
SUBSCRIBERS(tcp, tcp_hook);
SUBSCRIBERS(stream, stream_hook);
SUBSCRIBERS(assoc, assoc_hook);
SUBSCRIBERS(mms, mms_hook);
SUBSCRIBERS(l2, l2_hook);
SUBSCRIBERS(redundancy, redundancy_hook);
SUBSCRIBERS(udp, udp_hook);
SUBSCRIBERS(mms_elsewhere, mms_elsewhere_hook);
SUBSCRIBERS(flow_end, flow_end_hook);
SUBSCRIBERS(frame, frame_hook);
SUBSCRIBERS(mms_soon, mms_soon_hook);
SUBSCRIBERS(finding, finding_hook);
SUBSCRIBERS(record, record_hook);

static void subscribe_all(void)
{
#define COLLECT(hook) \
	do { \
		n_##hook = 0; \
		for (size_t i = 0; i < n_analyzers; i++) \
			if (analyzers[i]->hook) \
				hook##_fn[n_##hook++] = analyzers[i]->hook; \
		for (size_t i = 0; i < n_sinks; i++) \
			if (sinks[i]->hook) \
				hook##_fn[n_##hook++] = sinks[i]->hook; \
	} while (0)
#define COLLECT_SINKS(hook) \
	do { \
		n_##hook = 0; \
		for (size_t i = 0; i < n_sinks; i++) \
			if (sinks[i]->hook) \
				hook##_fn[n_##hook++] = sinks[i]->hook; \
	} while (0)
	COLLECT(tcp);
	COLLECT(stream);
	COLLECT(assoc);
	COLLECT(mms);
	COLLECT(l2);
	COLLECT(redundancy);
	COLLECT(udp);
	COLLECT(mms_elsewhere);
	COLLECT(flow_end);
	COLLECT(frame);
	COLLECT(mms_soon);
	COLLECT_SINKS(finding);
	COLLECT_SINKS(record);
#undef COLLECT
#undef COLLECT_SINKS
}
static const char *flow_slot_owner[FLOW_SLOTS];
static int n_flow_slots;
static const char *ied_slot_owner[IED_SLOTS];
static int n_ied_slots;
static const char *txn_slot_owner[TXN_SLOTS];
static void (*txn_release[TXN_SLOTS])(struct mms_txn *t, void *state);
static int n_txn_slots;

/* Rule 2: what analyzers emit during an event waits here until the sinks have
 * seen the event. A finding is copied (its aggregate may change or close before
 * delivery), with its list; a record is copied (its pointers live as long as the
 * event's delivery). */
struct queued {
	bool is_finding;
	struct record rec;
	struct finding *fd; /* into held[] */
};
static struct queued queue[BUS_QUEUE_MAX];
static size_t n_queued;
static struct finding held[BUS_QUEUE_FINDINGS];
static size_t n_held;
static int depth; /* events being delivered (nested: an eviction inside a packet) */

static void die_config(const char *what, const char *name)
{
	log_error("internal: too many %s (%s): raise the cap in core/bus.h", what, name);
	abort();
}

void bus_add_analyzer(const struct analyzer *a)
{
	findings_publish_to(bus_finding);
	if (n_analyzers == BUS_MAX_ANALYZERS)
		die_config("analyzers", a->name);
	analyzers[n_analyzers++] = a;
	subscribe_all();
	if (a->init)
		a->init();
}

void bus_add_sink(const struct sink *s)
{
	findings_publish_to(bus_finding);
	if (n_sinks == BUS_MAX_SINKS)
		die_config("sinks", s->name);
	sinks[n_sinks++] = s;
	subscribe_all();
	if (s->init)
		s->init();
}

void bus_reset(void)
{
	n_analyzers = n_sinks = 0;
	subscribe_all();
	n_flow_slots = n_ied_slots = n_txn_slots = 0;
	n_queued = n_held = 0;
	depth = 0;
}

int bus_flow_slot(const char *owner)
{
	if (n_flow_slots == FLOW_SLOTS)
		die_config("per-flow slots", owner);
	flow_slot_owner[n_flow_slots] = owner;
	return n_flow_slots++;
}

int bus_flow_slots_taken(void)
{
	return n_flow_slots;
}

int bus_ied_slot(const char *owner)
{
	if (n_ied_slots == IED_SLOTS)
		die_config("per-IED slots", owner);
	ied_slot_owner[n_ied_slots] = owner;
	return n_ied_slots++;
}

int bus_txn_slot(const char *owner, void (*release)(struct mms_txn *t, void *state))
{
	if (n_txn_slots == TXN_SLOTS)
		die_config("transaction slots", owner);
	txn_slot_owner[n_txn_slots] = owner;
	txn_release[n_txn_slots] = release;
	return n_txn_slots++;
}

void bus_txn_end(struct mms_txn *t)
{
	for (int i = 0; i < n_txn_slots; i++)
		if (t->slot[i]) {
			void *state = t->slot[i];
			t->slot[i] = NULL;
			txn_release[i](t, state);
		}
}

/* ---- delivery to sinks ------------------------------------------------------ */

static void sinks_finding(const struct finding *f)
{
	for (size_t i = 0; i < n_finding; i++)
		finding_fn[i](f);
}

static void sinks_record(const struct record *r)
{
	for (size_t i = 0; i < n_record; i++)
		record_fn[i](r);
}

static void drain(void)
{
	/* Delivering may queue nothing more (sinks emit nothing), so one pass. */
	for (size_t i = 0; i < n_queued; i++) {
		if (queue[i].is_finding) {
			sinks_finding(queue[i].fd);
			free(queue[i].fd->list);
		} else {
			sinks_record(&queue[i].rec);
		}
	}
	n_queued = n_held = 0;
}

void bus_finding(const struct finding *f)
{
	if (depth == 0 || n_queued == BUS_QUEUE_MAX || n_held == BUS_QUEUE_FINDINGS) {
		sinks_finding(f);
		return;
	}
	struct finding *c = &held[n_held];
	*c = *f;
	c->list = NULL;
	if (f->n_list) {
		c->list = malloc(sizeof(*c->list) * f->n_list);
		if (!c->list) {
			sinks_finding(f);
			return;
		}
		memcpy(c->list, f->list, sizeof(*c->list) * f->n_list);
	}
	n_held++;
	queue[n_queued].is_finding = true;
	queue[n_queued].fd = c;
	n_queued++;
}

/* Whether a record emitted now waits in the queue (rule 2) rather than going
 * to the sinks at once (rule 3, or the queue full). */
static bool record_queued_now(void)
{
	return depth != 0 && n_queued != BUS_QUEUE_MAX;
}

void bus_record(const struct record *r)
{
	if (!n_record)
		return; /* no sink takes records */
	if (!record_queued_now()) {
		sinks_record(r);
		return;
	}
	queue[n_queued].is_finding = false;
	/* Only the part of the union this kind uses (the audit records' payloads
	 * are large; a report's is small and frequent). */
	memcpy(&queue[n_queued].rec, r, record_size(r->kind));
	n_queued++;
}

/* Where bus_record would copy the record to, or the scratch when it would hand
 * it to the sinks at once (or to no one). */
static struct record record_scratch;

struct record *bus_record_slot(void)
{
	return n_record && record_queued_now() ? &queue[n_queued].rec : &record_scratch;
}

void bus_record_put(struct record *r)
{
	if (record_queued_now() && r == &queue[n_queued].rec) {
		queue[n_queued].is_finding = false;
		n_queued++;
		return;
	}
	/* The scratch, or (a bus call in between, against the contract) a slot
	 * the queue has moved on from: exactly what bus_record does with it. */
	bus_record(r);
}

/* ---- events ----------------------------------------------------------------- */

/* Rule 1 for one hook: every analyzer, then every sink (hook##_fn holds them
 * in that order), then what was queued. */
#define DELIVER(hook, ...) \
	do { \
		depth++; \
		for (size_t i_ = 0; i_ < n_##hook; i_++) \
			hook##_fn[i_](__VA_ARGS__); \
		if (--depth == 0 && n_queued) \
			drain(); \
	} while (0)

void bus_tcp(struct flow *f, int dir, enum tcp_ev kind, const struct pkt_where *at)
{
	DELIVER(tcp, f, dir, kind, at);
}

void bus_stream(struct flow *f, int dir, const struct stream_event *e, const struct pkt_where *at)
{
	DELIVER(stream, f, dir, e, at);
}

void bus_stream_note(struct flow *f, int dir, enum stream_ev kind, uint64_t bytes, const struct pkt_where *at)
{
	struct stream_event e = { .kind = (uint8_t)kind, .bytes = bytes };
	bus_stream(f, dir, &e, at);
}

void bus_assoc(struct flow *f, int dir, const struct assoc_event *e, const struct pkt_where *at)
{
	DELIVER(assoc, f, dir, e, at);
}

void bus_mms(struct flow *f, int dir, const struct mms_event *e, const struct pkt_where *at)
{
	for (size_t i = 0; i < n_mms_soon; i++)
		mms_soon_fn[i](f, dir, e);
	DELIVER(mms, f, dir, e, at);
}

void bus_l2(const struct pkt *p)
{
	DELIVER(l2, p);
}

void bus_redundancy(const struct pkt *p)
{
	DELIVER(redundancy, p);
}

void bus_udp(const struct pkt *p)
{
	DELIVER(udp, p);
}

void bus_mms_elsewhere(const struct pkt *p, int ied_side)
{
	DELIVER(mms_elsewhere, p, ied_side);
}

void bus_flow_end(struct flow *f, enum flow_end why, const struct pkt_where *at)
{
	DELIVER(flow_end, f, why, at);
}

void bus_frame(struct flow *f, int dir, const struct pkt *p)
{
	for (size_t i = 0; i < n_frame; i++)
		frame_fn[i](f, dir, p);
}

bool bus_keeps_frames(void)
{
	return n_frame > 0;
}

/* Rule 3: timers and the end of input are not events, findings go out at once. */
void bus_tick(int64_t now)
{
	for (size_t i = 0; i < n_analyzers; i++)
		if (analyzers[i]->tick) {
			order_step(ORDER_STEP_TICK, i); /* what each makes, in the analyzers' order */
			analyzers[i]->tick(now);
		}
	for (size_t i = 0; i < n_sinks; i++)
		if (sinks[i]->tick)
			sinks[i]->tick(now);
}

void bus_finish(int64_t now)
{
	for (size_t i = 0; i < n_analyzers; i++)
		if (analyzers[i]->finish) {
			order_step(ORDER_STEP_TICK, i); /* (ORDER_FINISH: the analyzer's index) */
			analyzers[i]->finish(now);
		}
	for (size_t i = 0; i < n_sinks; i++)
		if (sinks[i]->finish)
			sinks[i]->finish(now);
}

/* An analyzer with nothing to say (the redundancy block of a capture without
 * PRP or HSR) prints nothing, not even the blank line before its block. */
static void print_block(const struct analyzer *a, FILE *out)
{
	if (summary_parts()) {
		/* the merge puts the blank line before a block that is not empty */
		char name[64];
		snprintf(name, sizeof(name), "block:%s", a->name);
		parts_section(out, name);
		a->print(out);
		return;
	}
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	if (!m) {
		fputc('\n', out);
		a->print(out);
		return;
	}
	a->print(m);
	if (fclose(m) == 0 && len) {
		fputc('\n', out);
		fwrite(text, 1, len, out);
	}
	free(text);
}

void bus_print(FILE *out)
{
	/* Ranks are few and small: a pass per rank present, in ascending order. */
	int done = -1;
	for (;;) {
		int next = -1;
		for (size_t i = 0; i < n_analyzers; i++)
			if (analyzers[i]->print && analyzers[i]->print_rank > done &&
			    (next < 0 || analyzers[i]->print_rank < next))
				next = analyzers[i]->print_rank;
		if (next < 0)
			break;
		for (size_t i = 0; i < n_analyzers; i++)
			if (analyzers[i]->print && analyzers[i]->print_rank == next)
				print_block(analyzers[i], out);
		done = next;
	}
}

void bus_free(void)
{
	for (size_t i = 0; i < n_analyzers; i++)
		if (analyzers[i]->free)
			analyzers[i]->free();
	for (size_t i = 0; i < n_sinks; i++)
		if (sinks[i]->free)
			sinks[i]->free();
}
