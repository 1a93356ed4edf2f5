/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_bus.c - the bus's ordering rule for records (core/bus.h), and that a record
 * filled in place (bus_record_slot, bus_record_put) reaches the sinks exactly
 * where the same record copied by bus_record would: inside an event (queued after
 * it), outside one (at once), with the queue full (at once), with no sink taking
 * records (nowhere), and with a finding emitted between the slot and the put
 * (against the contract; still in order). */
#include <stdlib.h>
#include <string.h>

#include "tcheck.h"
#include "core/bus.h"
#include "core/finding.h"
#include "core/record.h"

/* What the test sink saw, in order: "E" an event, "F" a finding, "rN" record N
 * (its at.frame). */
static char seen[8192];

static void note(const char *what)
{
	size_t n = strlen(seen);
	if (n + strlen(what) + 2 < sizeof(seen)) {
		if (n)
			strcat(seen, " ");
		strcat(seen, what);
	}
}

static void sink_tcp(struct flow *f, int dir, enum tcp_ev kind, const struct pkt_where *at)
{
	(void)f, (void)dir, (void)kind, (void)at;
	note("E");
}

static void sink_finding(const struct finding *f)
{
	(void)f;
	note("F");
}

static void sink_record(const struct record *r)
{
	char b[32];
	snprintf(b, sizeof(b), "r%llu", (unsigned long long)r->at.frame);
	note(b);
	CHECK_EQ(r->kind, REC_ASSOC_END);
	CHECK_EQ(r->dir, (int)(r->at.frame % 2));
	CHECK(r->u.assoc_end.how && !strcmp(r->u.assoc_end.how, "released"));
}

static const struct sink record_sink = {
	.name = "test",
	.tcp = sink_tcp,
	.finding = sink_finding,
	.record = sink_record,
};

/* A sink that takes events but no records. */
static const struct sink event_sink = {
	.name = "events only",
	.tcp = sink_tcp,
	.finding = sink_finding,
};

/* How the analyzer emits its records: copied, or filled in the slot. */
static bool in_place;
/* How many records the analyzer emits on an event, and before which one (1-based;
 * 0: none) it emits a finding between the slot and the put. */
static unsigned n_emit, finding_before;
static uint64_t next_frame;

static void emit(void)
{
	uint64_t frame = ++next_frame;
	struct finding fd;
	memset(&fd, 0, sizeof(fd));
	fd.kind = "test";
	if (!in_place) {
		if (frame == finding_before)
			bus_finding(&fd);
		struct record rec;
		memset(&rec, 0, sizeof(rec));
		rec.kind = REC_ASSOC_END;
		rec.dir = (int)(frame % 2);
		rec.at.frame = frame;
		rec.u.assoc_end.how = "released";
		bus_record(&rec);
		return;
	}
	struct record *rec = bus_record_slot();
	rec->kind = REC_ASSOC_END;
	rec->flow = NULL;
	rec->dir = (int)(frame % 2);
	memset(&rec->at, 0, sizeof(rec->at));
	rec->at.frame = frame;
	rec->u.assoc_end.how = "released";
	if (frame == finding_before)
		bus_finding(&fd); /* against the contract: the put must still keep the order */
	bus_record_put(rec);
}

static void analyzer_tcp(struct flow *f, int dir, enum tcp_ev kind, const struct pkt_where *at)
{
	(void)f, (void)dir, (void)kind, (void)at;
	for (unsigned i = 0; i < n_emit; i++)
		emit();
}

static const struct analyzer emitter = {
	.name = "emitter",
	.tcp = analyzer_tcp,
};

/* One event on a fresh bus with sink s; records emitted n per event, plus `outside`
 * records emitted outside any event afterwards. Returns what the sink saw. */
static const char *run(bool place, const struct sink *s, unsigned n, unsigned finding_at, unsigned outside)
{
	seen[0] = 0;
	in_place = place;
	n_emit = n;
	finding_before = finding_at;
	next_frame = 0;
	bus_reset();
	bus_add_analyzer(&emitter);
	bus_add_sink(s);
	struct pkt_where at;
	memset(&at, 0, sizeof(at));
	bus_tcp(NULL, 0, TCP_EV_SYN, &at);
	for (unsigned i = 0; i < outside; i++)
		emit();
	return seen;
}

static void same_both_ways(const char *expect, const struct sink *s, unsigned n, unsigned finding_at, unsigned outside)
{
	char copied[sizeof(seen)];
	snprintf(copied, sizeof(copied), "%s", run(false, s, n, finding_at, outside));
	const char *placed = run(true, s, n, finding_at, outside);
	CHECK_STR(placed, copied);
	if (expect)
		CHECK_STR(placed, expect);
}

int main(void)
{
	/* Inside an event: queued, after the event, in order. Outside: at once. */
	same_both_ways("E r1 r2 r3", &record_sink, 3, 0, 0);
	same_both_ways("E r1 r2 r3", &record_sink, 1, 0, 2);
	/* A full queue (BUS_QUEUE_MAX records held): the next ones go at once, before
	 * the event itself reaches the sink (as bus_record has always done). */
	{
		char expect[8192] = "";
		size_t used = 0;
		for (unsigned i = BUS_QUEUE_MAX + 1; i <= BUS_QUEUE_MAX + 2; i++)
			used += (size_t)snprintf(expect + used, sizeof(expect) - used, "r%u ", i);
		used += (size_t)snprintf(expect + used, sizeof(expect) - used, "E");
		for (unsigned i = 1; i <= BUS_QUEUE_MAX; i++)
			used += (size_t)snprintf(expect + used, sizeof(expect) - used, " r%u", i);
		same_both_ways(expect, &record_sink, BUS_QUEUE_MAX + 2, 0, 0);
	}
	/* No sink takes records: none is delivered, nothing is queued. */
	same_both_ways("E", &event_sink, 5, 0, 1);
	/* A finding between the slot and the put: the finding, then the record. */
	same_both_ways("E r1 F r2 r3", &record_sink, 3, 2, 0);
	bus_reset();
	TCHECK_DONE();
}
