/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bus.h - the event bus: how the pipeline stages tell the analyzers and the sinks
 * what happened, and how analyzers hand findings and records to the sinks.
 *
 * Analyzers (analyze/) and sinks (output/, store/) never call each other: each
 * registers a struct of hooks at start-up (main.c and pipeline.c are the only
 * files that name them), and the bus calls every registered hook in turn.
 *
 * THE ORDERING RULE (written here and nowhere else):
 *  1. An event (tcp, stream, assoc, mms, l2, udp, flow_end) goes to every analyzer,
 *     in registration order, then to every sink, in registration order. So a sink
 *     reading a flow's IED or an analyzer's verdict sees it settled.
 *  2. Findings and records an analyzer emits while handling an event wait in a
 *     bounded queue and reach the sinks right after that event did, in the order
 *     they were emitted: a sink sees the cause before its consequences (EVE: the
 *     MMS PDU's line, then the report record, then the finding it caused).
 *  3. Outside an event (tick, finish, or the wiring itself) a finding or record
 *     reaches the sinks at once.
 *  4. tick and finish go to the analyzers, then to the sinks; free follows
 *     registration order, analyzers first. The summary prints the analyzers'
 *     blocks (print hooks) by ascending print_rank, ties in registration order;
 *     a block that prints nothing is left out, blank line and all.
 * Everything runs on the capture thread; data passed in is valid only for the
 * duration of the call. */
#ifndef MMSW_BUS_H
#define MMSW_BUS_H

#include <stdint.h>
#include <stdio.h>

#include "core/events.h"
#include "core/record.h"

struct finding;
struct pkt;

/* The events every analyzer and every sink may subscribe to (NULL: not wanted). */
#define BUS_EVENT_HOOKS \
	void (*tcp)(struct flow * f, int dir, enum tcp_ev kind, const struct pkt_where *at); \
	void (*stream)(struct flow * f, int dir, const struct stream_event *e, const struct pkt_where *at); \
	void (*assoc)(struct flow * f, int dir, const struct assoc_event *e, const struct pkt_where *at); \
	void (*mms)(struct flow * f, int dir, const struct mms_event *e, const struct pkt_where *at); \
	void (*l2)(const struct pkt *p);         /* a frame that is not IP */ \
	void (*redundancy)(const struct pkt *p); /* a PRP/HSR frame, duplicates too */ \
	void (*udp)(const struct pkt *p);        /* a UDP datagram (ports, payload) */ \
	/* --shard, shard 0: a frame another shard decodes that opens an ACSE APDU \
	 * or MMS PDU (dissectors/tpkt.h), with the IED's side (0 src, 1 dst): \
	 * what shard 0's facts about a segment need of the other shards' MMS */ \
	void (*mms_elsewhere)(const struct pkt *p, int ied_side); \
	void (*flow_end)(struct flow * f, enum flow_end why, const struct pkt_where *at); \
	void (*tick)(int64_t now);   /* every second of packet time */ \
	void (*finish)(int64_t now); /* end of input, flows already ended */ \
	void (*print)(FILE * out);   /* its block of the end-of-run summary */ \
	void (*free)(void); \
	void (*frame)(struct flow * f, int dir, const struct pkt *p); /* bus_frame */ \
	/* Before any mms hook sees the event: ask the caches for the lines the \
	 * subscriber's mms hook will read of its own state, so that the misses of \
	 * every analyzer overlap instead of coming one after the other. A hint: \
	 * it reads only what is already at hand and changes nothing. */ \
	void (*mms_soon)(const struct flow *f, int dir, const struct mms_event *e);

/* An analyzer: keeps bounded state, emits findings and records. */
struct analyzer {
	const char *name;
	void (*init)(void); /* at registration: take slots */
	BUS_EVENT_HOOKS
	int print_rank; /* summary blocks by ascending rank */
};

/* A sink: writes what it is given somewhere (a file, a socket, a database). */
struct sink {
	const char *name;
	void (*init)(void);
	BUS_EVENT_HOOKS
	void (*finding)(const struct finding *f); /* made or grew (core/finding.h) */
	void (*record)(const struct record *r);   /* core/record.h */
};

#define BUS_MAX_ANALYZERS 16
#define BUS_MAX_SINKS 16
/* Findings and records waiting for the end of the event that caused them; when
 * full, they go to the sinks at once (the order then deviates, nothing is lost). */
#define BUS_QUEUE_MAX 64
#define BUS_QUEUE_FINDINGS 8

void bus_add_analyzer(const struct analyzer *a);
void bus_add_sink(const struct sink *s);
/* Forget every registration (tests, and the end of main). */
void bus_reset(void);

/* Per-flow and per-IED state of an analyzer or sink lives in a slot it takes at
 * init (its index into flow->slot / ied->slot), never in a field of its own. */
int bus_flow_slot(const char *owner);
/* How many flow slots were taken: slot[0] to slot[n - 1] can be set. */
int bus_flow_slots_taken(void);
int bus_ied_slot(const char *owner);
/* A transaction slot (core/events.h: struct mms_txn), with the function that
 * frees what its owner hung there when the transaction ends. */
int bus_txn_slot(const char *owner, void (*release)(struct mms_txn *t, void *state));
/* The transaction ends: every owner's release, for each slot it filled. */
void bus_txn_end(struct mms_txn *t);

/* The stages' side: one call per event. */
void bus_mms_elsewhere(const struct pkt *p, int ied_side);
void bus_tcp(struct flow *f, int dir, enum tcp_ev kind, const struct pkt_where *at);
void bus_stream(struct flow *f, int dir, const struct stream_event *e, const struct pkt_where *at);
/* Shorthand for stream events that carry only a byte count. */
void bus_stream_note(struct flow *f, int dir, enum stream_ev kind, uint64_t bytes, const struct pkt_where *at);
void bus_assoc(struct flow *f, int dir, const struct assoc_event *e, const struct pkt_where *at);
void bus_mms(struct flow *f, int dir, const struct mms_event *e, const struct pkt_where *at);
void bus_l2(const struct pkt *p);
/* Every frame the link stage found a PRP trailer, an HSR tag or a supervision
 * EtherType on (p->red), before a duplicate is dropped (p->red_duplicate). */
void bus_redundancy(const struct pkt *p);
void bus_flow_end(struct flow *f, enum flow_end why, const struct pkt_where *at);
/* A captured frame's bytes, for whoever keeps frames (the evidence slices):
 * every frame once as it arrives (f NULL), and a TCP frame once more with its
 * flow and direction as soon as the flow stage found them, before any event the
 * frame causes. Not queued: nothing is emitted from it. */
void bus_frame(struct flow *f, int dir, const struct pkt *p);
/* Does anyone keep frames (bus_frame)? Then every frame's bytes must reach the bus. */
bool bus_keeps_frames(void);
/* A UDP datagram (IPv4 unfragmented or reassembled, IPv6): p's ports and payload. */
void bus_udp(const struct pkt *p);
void bus_tick(int64_t now);
void bus_finish(int64_t now);
/* The analyzers' summary blocks, each preceded by a blank line. */
void bus_print(FILE *out);
void bus_free(void);

/* The analyzers' side (and the wiring's, for capture drops). */
void bus_finding(const struct finding *f);
void bus_record(const struct record *r);
/* bus_record without the copy, for a record made on every PDU: fill the
 * record bus_record_slot returns (its fields as bus_record would copy them: the
 * header and the kind's own part), then bus_record_put it, with no other bus
 * call in between. A record built on the stack and copied made a 16-byte load
 * wait for the narrower stores just made to it (store forwarding), on every
 * report. */
struct record *bus_record_slot(void);
void bus_record_put(struct record *r);

#endif
