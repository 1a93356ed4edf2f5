/* SPDX-License-Identifier: GPL-2.0-or-later */
/* flow_table.h - the flow table: TCP connections keyed by VLAN stack + addresses +
 * ports (core/flow.h), fixed capacity, idle flows evicted first, expiry on packet
 * time. A pipeline stage: only the pipeline owns a table. */
#ifndef MMSW_FLOW_TABLE_H
#define MMSW_FLOW_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/flow.h"

struct flow_table;

typedef void (*flow_end_cb)(struct flow *f, enum flow_end why, const struct pkt_where *at);

struct flow_table *flow_table_new(size_t cap, flow_end_cb on_end);
void flow_table_free(struct flow_table *t);
size_t flow_table_count(const struct flow_table *t);

/* Find the flow of p; create it when `create` (evicting if full). *dir is the
 * packet's direction (0 client->server). New flows take their orientation from
 * is_client_src (true when p's source is the client). */
struct flow *flow_get(struct flow_table *t, const struct pkt *p, bool create, bool src_is_client, int *dir);
/* Ask the caches for what the lookup of a flow of hash h, and the stages
 * after it, will read, a few frames before: its bucket first, then (the
 * bucket there by now) the lines of the first flow on it, then (those there)
 * the first lines of the flow's ISO state, IED and analyzer slots. Only a
 * hint: nothing read here decides anything. */
enum flow_prefetch { FLOW_PREFETCH_BUCKET, FLOW_PREFETCH_FLOW, FLOW_PREFETCH_STATE };
void flow_table_prefetch(const struct flow_table *t, uint32_t h, enum flow_prefetch stage);
/* Record activity: moves the flow to the front of its LRU list. */
void flow_touch(struct flow_table *t, struct flow *f, int64_t now);
/* End a flow now (callback, then free). */
void flow_end(struct flow_table *t, struct flow *f, enum flow_end why, const struct pkt_where *at);
/* Expire flows idle past their state's timeout (packet time). */
void flow_table_expire(struct flow_table *t, int64_t now, const struct pkt_where *at);
/* End every flow (end of input). */
void flow_table_flush(struct flow_table *t, const struct pkt_where *at);
/* The packet clock stepped (stages/packet_clock.h): move every flow's idle and
 * hole timers with it, so a clock that jumped expires nothing. */
void flow_table_shift(struct flow_table *t, int64_t step_us);
/* Visit every flow (for hole timers). */
void flow_table_foreach(struct flow_table *t, void (*fn)(struct flow *, void *), void *arg);

#endif
