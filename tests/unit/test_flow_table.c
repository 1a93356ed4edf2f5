/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_flow_table.c - the flow table's own bookkeeping (stages/flow_table.c):
 * every flow on a cache line boundary, found again by its key from either side,
 * the cap held by ending the least recently active flow, the memory of an ended
 * flow given to the next one zeroed, and (in the sanitizer build) poisoned while
 * it is free, so that a use after flow_end is an ASan report. And the order
 * keys (core/order.h) of flows ended by expiry and at the end: they sort in the
 * order the table ends the flows, after what went before at that frame, before
 * the frame's own work, and the end's before the analyzers' last pass. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/bus.h"
#include "core/order.h"
#include "util/limits.h"
#include "stages/flow_table.h"
#include "tcheck.h"

#if defined(__SANITIZE_ADDRESS__)
#define TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TEST_ASAN 1
#endif
#endif
#ifdef TEST_ASAN
#include <sanitizer/asan_interface.h>
#endif

#define CAP 200
#define MADE 300

static int ended, ended_evicted;
static struct order_key end_keys[8];
static size_t n_end_keys;

static void on_end(struct flow *f, enum flow_end why, const struct pkt_where *at)
{
	(void)f;
	(void)at;
	if (n_end_keys < 8)
		end_keys[n_end_keys++] = order_now();
	ended++;
	if (why == FLOW_END_EVICTED)
		ended_evicted++;
}

/* Client 10.0.x.y:port to server 10.1.0.1:102, one flow per i. */
static struct pkt pkt_of(int i, bool from_client, int64_t ts)
{
	struct pkt p;
	memset(&p, 0, sizeof(p));
	p.at.ts_us = ts;
	p.at.frame = (uint64_t)i + 1;
	p.ipver = 4;
	p.l4proto = 6;
	uint8_t client[4] = { 10, 0, (uint8_t)(i >> 8), (uint8_t)i }, server[4] = { 10, 1, 0, 1 };
	uint16_t cport = (uint16_t)(40000 + i % 1000);
	memcpy(from_client ? p.src : p.dst, client, 4);
	memcpy(from_client ? p.dst : p.src, server, 4);
	p.sport = from_client ? cport : 102;
	p.dport = from_client ? 102 : cport;
	return p;
}

/* Six flows touched in turn at 1..6 s; at 100 s the first three expire, the
 * rest end at the end of the input. */
static void test_order_keys(void)
{
	struct pkt_where frame = { 0, 1, 0 };
	order_follow(&frame);
	struct flow_table *t = flow_table_new(16, on_end);
	CHECK(t != NULL);
	if (!t)
		return;
	for (int i = 0; i < 6; i++) {
		struct pkt p = pkt_of(1000 + i, true, (i + 1) * 1000000);
		int dir;
		frame.frame = (uint64_t)i + 1;
		struct flow *f = flow_get(t, &p, true, true, &dir);
		CHECK(f != NULL);
		if (f)
			f->last_ts = (i + 1) * 1000000;
	}
	/* frames 4..6 came later: only the first three are idle long enough */
	frame.frame = 7;
	frame.ts_us = 3000000 + MMSW_EMBRYONIC_TIMEOUT_US;
	/* the sweep as pipeline.c runs it: hole timers from the lists' heads
	 * (most recent first), the idle flows ended, the timers, the frame */
	struct order_key holes[2];
	order_step(ORDER_STEP_HOLES, order_flow_place(0, 6000000, 1));
	holes[0] = order_now();
	order_step(ORDER_STEP_HOLES, order_flow_place(0, 5000000, 1));
	holes[1] = order_now();
	CHECK(order_cmp(&holes[0], &holes[1]) < 0);
	n_end_keys = 0;
	flow_table_expire(t, frame.ts_us, &frame);
	order_step(ORDER_STEP_TICK, 0);
	struct order_key tick0 = order_now();
	order_step(ORDER_STEP_TICK, 1);
	struct order_key tick1 = order_now();
	order_step(ORDER_STEP_OWN, 0);
	struct order_key own = order_now();
	CHECK_EQ(n_end_keys, 3);
	for (size_t i = 0; i < n_end_keys; i++) {
		CHECK(order_cmp(&holes[1], &end_keys[i]) < 0);
		CHECK(order_cmp(&end_keys[i], &tick0) < 0);
		CHECK(i == 0 || order_cmp(&end_keys[i - 1], &end_keys[i]) < 0);
	}
	CHECK(order_cmp(&tick0, &tick1) < 0);
	CHECK(order_cmp(&tick1, &own) < 0);
	struct order_key frame_own = order_of_frame(&frame);
	CHECK(order_cmp(&frame_own, &own) == 0); /* a frame's own work: one key */
	struct order_key prev = own;
	n_end_keys = 0;
	flow_table_flush(t, &frame);
	CHECK_EQ(n_end_keys, 3);
	for (size_t i = 0; i < n_end_keys; i++) {
		CHECK(order_cmp(&prev, &end_keys[i]) < 0);
		prev = end_keys[i];
	}
	order_phase(ORDER_FINISH, 0);
	struct order_key last = order_now();
	CHECK(order_cmp(&prev, &last) < 0);
	flow_table_free(t);
	order_follow(NULL);
	ended = 0;
}

int main(void)
{
	test_order_keys();
	bus_reset();
	struct flow_table *t = flow_table_new(CAP, on_end);
	CHECK(t != NULL);
	if (!t)
		TCHECK_DONE();
	struct flow *made[MADE];
	bool aligned = true;
	for (int i = 0; i < MADE; i++) {
		struct pkt p = pkt_of(i, true, 1000000 + i);
		int dir = -1;
		made[i] = flow_get(t, &p, true, true, &dir);
		CHECK(made[i] != NULL);
		CHECK_EQ(dir, 0);
		if (!made[i])
			TCHECK_DONE();
		aligned = aligned && ((uintptr_t)made[i] & 63) == 0;
		made[i]->pkts[0] = 7; /* must not survive the flow */
		flow_touch(t, made[i], p.at.ts_us);
	}
	CHECK(aligned);
	CHECK_EQ(flow_table_count(t), CAP);
	CHECK_EQ(ended, MADE - CAP);
	CHECK_EQ(ended_evicted, MADE - CAP);

	/* The newest CAP flows are there, from either direction; the oldest are not. */
	int found = 0, same = 0, answered = 0;
	for (int i = 0; i < MADE; i++) {
		struct pkt p = pkt_of(i, false, 2000000);
		int dir = -1;
		struct flow *f = flow_get(t, &p, false, false, &dir);
		if (i < MADE - CAP) {
			CHECK(f == NULL);
			continue;
		}
		found += f != NULL;
		same += f == made[i];
		answered += dir == 1;
	}
	CHECK_EQ(found, CAP);
	CHECK_EQ(same, CAP);
	CHECK_EQ(answered, CAP);

	/* An evicted flow's memory went to a later flow, zeroed: flow 0 was the
	 * first evicted, for flow CAP. */
	CHECK(made[CAP] == made[0]);

	/* Ended now: the next flow takes its memory, with nothing of it left. */
	struct flow *last = made[MADE - 1];
	last->pkts[1] = 9;
	struct pkt_where at = { 3000000, 0, 1 };
	flow_end(t, last, FLOW_END_FIN, &at);
	CHECK_EQ(ended, MADE - CAP + 1);
	CHECK_EQ(flow_table_count(t), CAP - 1);
#ifdef TEST_ASAN
	CHECK(__asan_address_is_poisoned(&last->key));
	CHECK(__asan_address_is_poisoned(&last->half[1]));
#endif
	struct pkt p = pkt_of(MADE, true, 3000001);
	int dir = -1;
	struct flow *again = flow_get(t, &p, true, true, &dir);
	CHECK(again == last);
	if (again) {
		CHECK_EQ(again->pkts[0], 0);
		CHECK_EQ(again->pkts[1], 0);
		CHECK_EQ(again->key.port[0] + again->key.port[1], 102 + 40000 + MADE % 1000);
	}
	flow_table_free(t);
	CHECK_EQ(ended, MADE - CAP + 1 + CAP);
	bus_reset();
	TCHECK_DONE();
}
