/* SPDX-License-Identifier: GPL-2.0-or-later */
/* order.h - where a run is in its own order of work, as a key that sorts the
 * same way in every process of a --shards job.
 *
 * A run handles its frames one after the other, and everything it makes (an
 * IED first seen, a connection, a finding) is made while one frame is being
 * handled: at the frame's arrival, in the sweep it may start (the hole timers,
 * the idle flows ended, the analyzers' timers), then in the frame's own work;
 * or once the input has ended, while the flows still open are ended, or in the
 * analyzers' last pass. With --shards, N processes each make the part of these
 * that belongs to their IEDs, and every process sees every frame's number
 * (core/shard.h: the other shards' frames still move the clock). So the key of
 * the moment a thing was made, taken here, puts the N processes' things back
 * in the one order a single run makes them in: the merged summary and
 * inventory document (src/shards_summary.c, src/shards_inventory.c) sort by
 * it. Within a sweep or the end, the flows go in the flow table's order (by
 * their last packet) and the analyzers in the bus's (by their index). Keys tie
 * only between things one analyzer makes in one loop of its timers or its last
 * pass for IEDs of different shards; those keep the order of the shards. */
#ifndef MMSW_CORE_ORDER_H
#define MMSW_CORE_ORDER_H

#include <stdint.h>

#include "core/packet.h"

/* phase, input file, frame, then where in the frame's work or the end (step). */
struct order_key {
	uint64_t k[4];
};

enum order_phase {
	ORDER_FRAMES = 0, /* while frames arrive */
	ORDER_END_FLOWS,  /* the flows still open ended at the end (+ the LRU list) */
	ORDER_FINISH = 3, /* the analyzers' last pass */
};

/* The steps of a frame's work (ORDER_FRAMES), in their order. */
enum order_step {
	ORDER_STEP_HOLES,  /* the sweep's hole timers, flow by flow */
	ORDER_STEP_EXPIRE, /* the sweep's idle flows ended, flow by flow */
	ORDER_STEP_TICK,   /* the analyzers' timers, analyzer by analyzer */
	ORDER_STEP_OWN,    /* the frame's own work */
};

/* The position of the frame being handled: the pipeline's own record of it,
 * read when a key is taken (no work per frame). */
void order_follow(const struct pkt_where *at);
void order_phase(enum order_phase phase, unsigned list);
/* Where in the frame's work (or, ORDER_FINISH, which analyzer), and the place
 * within the step (a flow's, an analyzer's index). */
void order_step(enum order_step step, uint64_t place);
/* A flow's place in the flow table's order: LRU list, then its last packet
 * time, least recent first (ended by the sweep or at the end), or most recent
 * first (the hole timers walk the lists from their heads). */
uint64_t order_flow_place(unsigned list, int64_t last_ts, int most_recent_first);
/* Around the end of one flow by a sweep or at the end of the input. */
void order_flow_ending(unsigned list, int64_t last_ts);
struct order_key order_now(void);
/* The key of a frame's own work (a thing known by the frame that showed it). */
struct order_key order_of_frame(const struct pkt_where *at);
int order_cmp(const struct order_key *a, const struct order_key *b);

#endif
