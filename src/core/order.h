/* SPDX-License-Identifier: GPL-2.0-or-later */
/* order.h - where a run is in its own order of work, as a key that sorts the
 * same way in every process of a --shards job.
 *
 * A run handles its frames one after the other, and everything it makes (an
 * IED first seen, a connection, a finding) is made while one frame is being
 * handled, while a flow idle too long is ended at a frame's arrival, while the
 * flows still open are ended at the end of the input, or in the analyzers' last
 * pass. With --shards, N processes each make the part of these that belongs to
 * their IEDs, and every process sees every frame's number (core/shard.h: the
 * other shards' frames still move the clock). So the key of the moment a thing
 * was made, taken here, puts the N processes' things back in the one order a
 * single run makes them in: the merged summary (src/shards_summary.c) sorts by
 * it. Keys tie only between things the single run made in one analyzer's loop
 * at the very end; those keep the order of the shards. */
#ifndef MMSW_CORE_ORDER_H
#define MMSW_CORE_ORDER_H

#include <stdint.h>

#include "core/packet.h"

/* phase, input file, frame, then the flow's last packet time (a flow ended by
 * the sweep or at the end) or ORDER_FRAME_OWN (the frame's own work, after the
 * sweep it started). */
struct order_key {
	uint64_t k[4];
};
#define ORDER_FRAME_OWN UINT64_MAX

enum order_phase {
	ORDER_FRAMES = 0, /* while frames arrive */
	ORDER_END_FLOWS,  /* the flows still open ended at the end (+ the LRU list) */
	ORDER_FINISH = 3, /* the analyzers' last pass */
};

/* The position of the frame being handled: the pipeline's own record of it,
 * read when a key is taken (no work per frame). */
void order_follow(const struct pkt_where *at);
void order_phase(enum order_phase phase, unsigned list);
/* Around the end of one flow by a sweep or at the end of the input: the flows
 * ended at one moment are ended least recently used first. */
void order_flow_ending(int64_t last_ts);
void order_flow_ended(void);
struct order_key order_now(void);
int order_cmp(const struct order_key *a, const struct order_key *b);

#endif
